package hexgrid

import (
	"testing"

	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestCoverHoldsEveryPointOfTheArea(t *testing.T) {
	area, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	cells := Cover(area, 9)
	in := make(map[uint64]bool, len(cells))
	for _, c := range cells {
		in[uint64(c)] = true
	}
	// Mean res-9 cell is 0.105 km2 and Modena is 184 km2: expect about 1,750 cells plus the rim.
	if len(cells) < 1600 || len(cells) > 2300 {
		t.Fatalf("cover has %d cells, want about 1,750-2,100", len(cells))
	}
	b := area.Bound()
	checked := 0
	for x := b.Min.X(); x <= b.Max.X(); x += 0.002 {
		for y := b.Min.Y(); y <= b.Max.Y(); y += 0.002 {
			p := orb.Point{x, y}
			if !planar.MultiPolygonContains(area, p) {
				continue
			}
			checked++
			if c := Cell(p, 9); !in[uint64(c)] {
				t.Fatalf("point %v inside Modena falls in cell %s, missing from the cover", p, c)
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d points checked", checked)
	}
}

func TestLineageMatchesParents(t *testing.T) {
	c := Cell(orb.Point{10.9254, 44.6471}, 10)
	l, err := LineageOf(c)
	if err != nil {
		t.Fatal(err)
	}
	if l.Cell7.Resolution() != 7 || l.Cell8.Resolution() != 8 || l.Cell9.Resolution() != 9 {
		t.Fatalf("ancestors at wrong resolutions: %+v", l)
	}
	if l.Cell9.Parent(8) != l.Cell8 || l.Cell8.Parent(7) != l.Cell7 {
		t.Fatalf("ancestors not nested: %+v", l)
	}
	if _, err := LineageOf(l.Cell9); err == nil {
		t.Fatal("LineageOf accepted a resolution-9 cell")
	}
}

func TestPolygonIsClosedAndContainsCentre(t *testing.T) {
	c := Cell(orb.Point{10.9254, 44.6471}, 10)
	p := Polygon(c)
	ring := p[0]
	if len(ring) != 7 || ring[0] != ring[len(ring)-1] {
		t.Fatalf("want a closed hexagon of 7 points, got %d", len(ring))
	}
	ll := c.LatLng()
	if !planar.PolygonContains(p, orb.Point{ll.Lng, ll.Lat}) {
		t.Fatal("cell polygon does not contain the cell centre")
	}
}

func TestResolutionForZoomIsMonotonic(t *testing.T) {
	prev := 0
	for z := 0; z <= 22; z++ {
		r := ResolutionForZoom(z)
		if r < prev || r < CoarsestResolution || r > FinestResolution {
			t.Fatalf("zoom %d gives resolution %d after %d", z, r, prev)
		}
		prev = r
	}
}

// TestCoverHoldsThinParts: at resolution 10, every point of Modena near its boundary (where a
// thin part of the polygon can hold no cell centre, nor border one) falls in a cell of the cover;
// the point is one the demo placed a record at, whose cell an earlier cover missed.
func TestCoverHoldsThinParts(t *testing.T) {
	area, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	in := map[uint64]bool{}
	for _, c := range Cover(area, FinestResolution) {
		in[uint64(c)] = true
	}
	seen := orb.Point{10.893053, 44.740282}
	if !planar.MultiPolygonContains(area, seen) {
		t.Fatalf("%v is not inside Modena", seen)
	}
	checked := 0
	for x := seen[0] - 0.01; x <= seen[0]+0.01; x += 0.0002 {
		for y := seen[1] - 0.01; y <= seen[1]+0.01; y += 0.0002 {
			p := orb.Point{x, y}
			if !planar.MultiPolygonContains(area, p) {
				continue
			}
			checked++
			if c := Cell(p, FinestResolution); !in[uint64(c)] {
				t.Fatalf("point %v inside Modena falls in cell %s, missing from the cover", p, c)
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d points checked", checked)
	}
}
