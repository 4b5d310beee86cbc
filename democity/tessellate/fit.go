package tessellate

import (
	"fmt"

	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Fit makes the zones a partition of the municipal boundary, so that the sections cut from them
// tile the comune as ISTAT's do (abitare sections refuses sections that overlap, leave gaps or
// spill outside): each zone is clipped to the boundary, less what the zones before it (in
// their order) already cover; each piece of the boundary that no zone covers goes to the
// nearest zone. The published OMI zones overlap their neighbours a little and do not follow
// ISTAT's boundary exactly, hence the need.
//
// The polygon overlay is simplefeatures' (pure Go; orb clips to rectangles only).
func Fit(zones []modena.OMIZone, boundary orb.MultiPolygon) ([]modena.OMIZone, error) {
	area, err := toSF(boundary)
	if err != nil {
		return nil, fmt.Errorf("fit zones: boundary: %w", err)
	}
	fitted := make([]modena.OMIZone, len(zones))
	shapes := make([]sf.Geometry, len(zones))
	taken := sf.Geometry{}
	for i, z := range zones {
		g, err := toSF(z.Geometry)
		if err != nil {
			return nil, fmt.Errorf("fit zones: zone %s: %w", z.Code, err)
		}
		if g, err = sf.Intersection(g, area); err != nil {
			return nil, fmt.Errorf("fit zones: clip zone %s: %w", z.Code, err)
		}
		if !taken.IsEmpty() {
			if g, err = sf.Difference(g, taken); err != nil {
				return nil, fmt.Errorf("fit zones: zone %s less its neighbours: %w", z.Code, err)
			}
		}
		if taken, err = sf.Union(taken, g); err != nil {
			return nil, fmt.Errorf("fit zones: zone %s: %w", z.Code, err)
		}
		shapes[i] = g
	}
	gaps, err := sf.Difference(area, taken)
	if err != nil {
		return nil, fmt.Errorf("fit zones: gaps: %w", err)
	}
	if err := fillGaps(gaps, shapes); err != nil {
		return nil, err
	}
	for i, z := range zones {
		mp, err := toOrb(shapes[i])
		if err != nil {
			return nil, fmt.Errorf("fit zones: zone %s: %w", z.Code, err)
		}
		z.Geometry = mp
		fitted[i] = z
	}
	return fitted, nil
}

// fillGaps gives each polygon of gaps to the nearest zone.
func fillGaps(gaps sf.Geometry, shapes []sf.Geometry) error {
	var pieces []sf.Polygon
	switch {
	case gaps.IsPolygon():
		pieces = []sf.Polygon{gaps.MustAsPolygon()}
	case gaps.IsMultiPolygon():
		mp := gaps.MustAsMultiPolygon()
		for i := 0; i < mp.NumPolygons(); i++ {
			pieces = append(pieces, mp.PolygonN(i))
		}
	case gaps.IsGeometryCollection():
		gc := gaps.MustAsGeometryCollection()
		for i := 0; i < gc.NumGeometries(); i++ {
			if g := gc.GeometryN(i); g.IsPolygon() {
				pieces = append(pieces, g.MustAsPolygon())
			}
		}
	}
	for _, p := range pieces {
		best, bestD := -1, 0.0
		for i, s := range shapes {
			if s.IsEmpty() {
				continue
			}
			if d, ok := sf.Distance(p.AsGeometry(), s); ok && (best < 0 || d < bestD) {
				best, bestD = i, d
			}
		}
		if best < 0 {
			return fmt.Errorf("fit zones: no zone to take a gap")
		}
		u, err := sf.Union(shapes[best], p.AsGeometry())
		if err != nil {
			return fmt.Errorf("fit zones: fill a gap: %w", err)
		}
		shapes[best] = u
	}
	return nil
}

func toSF(mp orb.MultiPolygon) (sf.Geometry, error) {
	b, err := wkb.Marshal(mp)
	if err != nil {
		return sf.Geometry{}, err
	}
	return sf.UnmarshalWKB(b, sf.NoValidate{})
}

// toOrb keeps the polygons of g (an overlay may return lines and points where shapes touch).
func toOrb(g sf.Geometry) (orb.MultiPolygon, error) {
	var out orb.MultiPolygon
	var add func(g sf.Geometry) error
	add = func(g sf.Geometry) error {
		switch {
		case g.IsPolygon(), g.IsMultiPolygon():
			o, err := wkb.Unmarshal(g.AsBinary())
			if err != nil {
				return err
			}
			switch o := o.(type) {
			case orb.Polygon:
				out = append(out, o)
			case orb.MultiPolygon:
				out = append(out, o...)
			}
		case g.IsGeometryCollection():
			gc := g.MustAsGeometryCollection()
			for i := 0; i < gc.NumGeometries(); i++ {
				if err := add(gc.GeometryN(i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, add(g)
}
