// Package districts loads the districts of one comune: the OMI zones of the Agenzia delle
// Entrate's GeoPOI KML export (placemarks named like B3, described by the zone's text), or any
// zoning a city uses (quartieri, circoscrizioni) from GeoJSON with its code and name fields.
//
// A district's code is unique within its comune only, so its id carries the comune: 036023/B3
// (zones.DistrictID). Store replaces the comune's districts in one transaction, clipped to the
// comune's boundary, and places its census sections in them again; a bad file is refused with
// every problem located (file, placemark or feature, field, reason) and nothing stored.
package districts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/ingest/kml"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	geomwkb "github.com/twpayne/go-geom/encoding/wkb"
)

// Kinds of district a file may hold.
const (
	KindOMI       = zones.KindOMI
	KindQuartieri = zones.KindQuartieri
)

// District is one district read from a file.
type District struct {
	Code string // within its comune: B3, or a quartiere's code
	Name string // the zone's description, or the quartiere's name
	Band string // OMI band, the code's first letter (B, C, D, E, R); "" for quartieri
	WKB  []byte // MultiPolygon, WGS 84 longitude/latitude
	At   string // where the file holds it: placemark 3 "B3", feature 2
}

// File is the districts of one file.
type File struct {
	Name      string // base name, for errors
	Kind      string
	Districts []District
}

// Options say how to read a file.
type Options struct {
	Kind      string // KindOMI (default) or KindQuartieri
	CodeField string // GeoJSON: the property holding the code
	NameField string // GeoJSON: the property holding the name
}

// Problem is one located problem of a districts file.
type Problem struct {
	File   string
	At     string // placemark 3 "B3", feature 2; "" for the file as a whole
	Field  string // name, description, geometry, a GeoJSON property
	Reason string
}

func (p Problem) String() string {
	parts := []string{p.File}
	for _, s := range []string{p.At, p.Field} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ") + ": " + p.Reason
}

// InvalidError lists every problem found in a districts file; nothing was stored.
type InvalidError struct{ Problems []Problem }

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems in districts:\n%s", len(lines), strings.Join(lines, "\n"))
}

// bands are the OMI bands: central, semi-central, peripheral, suburban, rural.
const bands = "BCDER"

// Read reads the districts of a KML/KMZ file (GeoPOI) or a GeoJSON FeatureCollection, by its
// extension.
func Read(path string, opt Options) (File, error) {
	if opt.Kind == "" {
		opt.Kind = KindOMI
	}
	if opt.Kind != KindOMI && opt.Kind != KindQuartieri {
		return File{}, fmt.Errorf("district kind %q: want omi or quartieri", opt.Kind)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".kml", ".kmz":
		if opt.CodeField != "" || opt.NameField != "" {
			return File{}, fmt.Errorf("%s: --code-field and --name-field go with GeoJSON; a KML placemark's name is its code", filepath.Base(path))
		}
		return readKML(path, opt)
	case ".geojson", ".json":
		return readGeoJSON(path, opt)
	}
	return File{}, fmt.Errorf("%s: want a KML or KMZ file (GeoPOI export) or GeoJSON (.geojson, .json)", filepath.Base(path))
}

type collector struct {
	f        File
	problems []Problem
	seen     map[string]string
}

func (c *collector) fail(at, field, reason string) {
	c.problems = append(c.problems, Problem{File: c.f.Name, At: at, Field: field, Reason: reason})
}

// add checks one district and keeps it.
func (c *collector) add(d District, codeField string) {
	ok := true
	switch {
	case d.Code == "":
		c.fail(d.At, codeField, "no district code")
		ok = false
	case len(d.Code) > 16 || strings.ContainsFunc(d.Code, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.')
	}):
		c.fail(d.At, codeField, fmt.Sprintf("district code %q: want up to 16 letters, digits, '-', '_' or '.'", d.Code))
		ok = false
	case c.f.Kind == KindOMI:
		d.Code = strings.ToUpper(d.Code)
		if !strings.ContainsRune(bands, rune(d.Code[0])) {
			c.fail(d.At, codeField, fmt.Sprintf("OMI zone code %q: its first letter is the band, one of B, C, D, E, R", d.Code))
			ok = false
		} else {
			d.Band = d.Code[:1]
		}
	}
	if ok {
		if prev, dup := c.seen[d.Code]; dup {
			c.fail(d.At, codeField, fmt.Sprintf("district %s repeats %s", d.Code, prev))
		}
		c.seen[d.Code] = d.At
	}
	if d.Name == "" {
		d.Name = d.Code
	}
	c.f.Districts = append(c.f.Districts, d)
}

func (c *collector) result() (File, error) {
	if len(c.problems) == 0 && len(c.f.Districts) == 0 {
		c.fail("", "", "no districts")
	}
	if len(c.problems) > 0 {
		return File{}, &InvalidError{Problems: c.problems}
	}
	return c.f, nil
}

func readKML(path string, opt Options) (File, error) {
	c := &collector{f: File{Name: filepath.Base(path), Kind: opt.Kind}, seen: map[string]string{}}
	r, err := kml.Open(path)
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return File{}, err // located by the reader: file, placemark, coordinate
		}
		d := District{Code: p.Name, Name: kmlName(p.Description), At: fmt.Sprintf("placemark %d %q", p.Index, p.Name)}
		if p.Geometry == nil || p.Geometry.NumPolygons() == 0 {
			c.fail(d.At, "geometry", "no polygon")
		} else if d.WKB, err = geomwkb.Marshal(p.Geometry, geomwkb.NDR); err != nil {
			c.fail(d.At, "geometry", err.Error())
		}
		c.add(d, "name")
	}
	return c.result()
}

// kmlName is the zone's text of a GeoPOI description: the value after "Descrizione" when the
// description is a table of labels and values, else the whole text on one line.
func kmlName(desc string) string {
	for _, line := range strings.Split(desc, "\n") {
		line = strings.TrimSpace(line)
		for _, label := range []string{"Descrizione zona", "Descrizione", "DESCRIZIONE"} {
			if rest, ok := strings.CutPrefix(line, label); ok {
				if rest = strings.TrimSpace(strings.TrimLeft(rest, ": ")); rest != "" {
					return rest
				}
			}
		}
	}
	return strings.Join(strings.Fields(desc), " ")
}

// Property names tried when no field is given.
var (
	codeKeys = []string{"zona_omi", "ZONA_OMI", "CODZONA", "zona", "ZONA", "code", "codice", "CODICE", "id"}
	nameKeys = []string{"descrizione", "DESCRIZIONE", "description", "name", "nome", "NOME", "denominazione", "DENOMINAZIONE"}
)

func readGeoJSON(path string, opt Options) (File, error) {
	c := &collector{f: File{Name: filepath.Base(path), Kind: opt.Kind}, seen: map[string]string{}}
	data, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", c.f.Name, err)
	}
	var probe struct {
		CRS *struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"crs"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return File{}, fmt.Errorf("%s: not JSON: %w", c.f.Name, err)
	}
	if probe.CRS != nil && !isWGS84(probe.CRS.Properties.Name) {
		return File{}, fmt.Errorf("%s: crs %s: districts must be in WGS 84 longitude/latitude (EPSG:4326), as GeoJSON is", c.f.Name, probe.CRS.Properties.Name)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return File{}, fmt.Errorf("%s: not a GeoJSON FeatureCollection: %w", c.f.Name, err)
	}
	codeField, nameField := opt.CodeField, opt.NameField
	if len(fc.Features) > 0 {
		if codeField == "" {
			codeField = firstKey(fc.Features[0].Properties, codeKeys)
		}
		if nameField == "" {
			nameField = firstKey(fc.Features[0].Properties, nameKeys)
		}
	}
	if codeField == "" && len(fc.Features) > 0 {
		return File{}, fmt.Errorf("%s: no code field among %s: name it with --code-field", c.f.Name, strings.Join(codeKeys, ", "))
	}
	for i, f := range fc.Features {
		d := District{At: fmt.Sprintf("feature %d", i+1)}
		code, ok := property(f.Properties, codeField)
		if !ok {
			c.fail(d.At, codeField, "missing")
		}
		d.Code = code
		if nameField != "" {
			d.Name, _ = property(f.Properties, nameField)
		}
		if code != "" {
			d.At += fmt.Sprintf(" %q", code)
		}
		mp, reason := polygons(f.Geometry)
		if reason != "" {
			c.fail(d.At, "geometry", reason)
		} else if d.WKB, err = wkb.Marshal(mp); err != nil {
			c.fail(d.At, "geometry", err.Error())
		}
		c.add(d, codeField)
	}
	return c.result()
}

func isWGS84(name string) bool {
	n := strings.ToUpper(name)
	return strings.HasSuffix(n, "CRS84") || strings.HasSuffix(n, ":4326") || strings.HasSuffix(n, "::4326")
}

func firstKey(p geojson.Properties, keys []string) string {
	for _, k := range keys {
		if _, ok := p[k]; ok {
			return k
		}
	}
	return ""
}

// property reads a property as text: strings trimmed, whole numbers without a decimal point.
func property(p geojson.Properties, key string) (string, bool) {
	v, ok := p[key]
	if !ok || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v), true
	case float64:
		if v == math.Trunc(v) {
			return strconv.FormatInt(int64(v), 10), true
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return fmt.Sprint(v), true
}

// polygons checks a GeoJSON geometry: a Polygon or MultiPolygon in longitude/latitude.
func polygons(g orb.Geometry) (orb.MultiPolygon, string) {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case nil:
		return nil, "no geometry"
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return nil, fmt.Sprintf("a %s, want a Polygon or MultiPolygon", g.GeoJSONType())
	}
	if len(mp) == 0 {
		return nil, "empty"
	}
	for _, p := range mp {
		for _, ring := range p {
			if len(ring) < 4 {
				return nil, fmt.Sprintf("a ring of %d points, want 4 or more", len(ring))
			}
			for _, pt := range ring {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return nil, fmt.Sprintf("coordinate %v is not longitude/latitude (GeoJSON is WGS 84)", pt)
				}
			}
		}
	}
	return mp, ""
}

var errNoTerritory = errors.New("not in the territory")
