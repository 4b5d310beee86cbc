package zones

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/abitare/abitare/ingest/census"
	"github.com/abitare/abitare/ingest/shapefile"
	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
)

// ReadISTATSections reads ISTAT's zipped shapefile of census sections (2011: R08_11_WGS84.shp
// with SEZ2011 and PRO_COM; 2021: R08_21_WGS84.shp with SEZ21_ID and PRO_COM) and takes each
// section's residents (P1) and households (PF1) from ISTAT's table of census variables, keyed by
// the same id. It returns the sections in the file's CRS and its EPSG code: StoreSections
// reprojects. A section the table lacks is an error, as is every other problem, all reported
// at once as file:record N:field:reason.
func ReadISTATSections(path string, variables map[string]census.Section) ([]Section, int, error) {
	r, err := shapefile.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	name := filepath.Base(path)
	var problems []string
	seen := map[string]int{}
	var secs []Section
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		s, errs := istatSection(f, variables)
		if prev, dup := seen[s.ID]; dup && s.ID != "" {
			errs = append(errs, fieldError{"SEZ21_ID", fmt.Sprintf("section %s repeats record %d", s.ID, prev)})
		}
		seen[s.ID] = f.Record
		for _, e := range errs {
			problems = append(problems, fmt.Sprintf("%s:record %d:%s:%s", name, f.Record, e.field, e.reason))
		}
		secs = append(secs, s)
	}
	if len(problems) > 0 {
		return nil, 0, &InvalidSectionsError{Problems: problems}
	}
	if len(secs) == 0 {
		return nil, 0, fmt.Errorf("%s: no sections", name)
	}
	return secs, r.SRID(), nil
}

func istatSection(f shapefile.Feature, variables map[string]census.Section) (Section, []fieldError) {
	var errs []fieldError
	fail := func(field, reason string) { errs = append(errs, fieldError{field, reason}) }
	attr := func(keys []string) (string, string) {
		for _, k := range keys {
			for name, v := range f.Attributes {
				if strings.EqualFold(name, k) && strings.TrimSpace(v) != "" {
					return strings.TrimSpace(v), k
				}
			}
		}
		return "", keys[0]
	}
	var s Section
	id, idField := attr(idKeys)
	if id == "" {
		fail(idField, "missing section id (SEZ21_ID or SEZ2011)")
	} else if strings.ContainsAny(id, ".eE") {
		fail(idField, fmt.Sprintf("%q is not a section id: write it as digits", id))
	}
	s.ID = id
	code, codeField := attr(municipalityKeys)
	if mc, err := municipalityCode(code); err != nil {
		fail(codeField, err.Error())
	} else {
		s.MunicipalityCode = mc
	}
	if v, ok := variables[id]; !ok && id != "" {
		fail(idField, fmt.Sprintf("section %s is not in the census table", id))
	} else {
		s.Residents = v.Residents
		if v.HasHouseholds {
			h := v.Households
			s.Households = &h
		}
	}
	mp, err := orbMultiPolygon(f.Geometry)
	if err != nil {
		fail("geometry", err.Error())
	}
	s.Geometry = mp
	return s, errs
}

// orbMultiPolygon converts a shapefile polygon (go-geom) to orb, coordinates as they are.
func orbMultiPolygon(g geom.T) (orb.MultiPolygon, error) {
	var polys []*geom.Polygon
	switch g := g.(type) {
	case *geom.MultiPolygon:
		for i := 0; i < g.NumPolygons(); i++ {
			polys = append(polys, g.Polygon(i))
		}
	case *geom.Polygon:
		polys = []*geom.Polygon{g}
	case nil:
		return nil, errors.New("missing geometry")
	default:
		return nil, fmt.Errorf("want a polygon, got %T", g)
	}
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		var op orb.Polygon
		for i := 0; i < p.NumLinearRings(); i++ {
			lr := p.LinearRing(i)
			ring := make(orb.Ring, lr.NumCoords())
			for j := range ring {
				c := lr.Coord(j)
				ring[j] = orb.Point{c.X(), c.Y()}
			}
			op = append(op, ring)
		}
		mp = append(mp, op)
	}
	if len(mp) == 0 {
		return nil, errors.New("empty geometry")
	}
	return mp, nil
}
