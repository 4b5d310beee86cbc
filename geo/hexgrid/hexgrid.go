// Package hexgrid places things on the H3 grid the observatory aggregates to: which cells cover
// the study area, their polygons, their ancestors, and which resolution a map zoom shows.
package hexgrid

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Resolutions the observatory aggregates to, coarsest first. Records are placed once at
// FinestResolution and rolled up to the others through their ancestors (never re-intersected).
const (
	CoarsestResolution = 7
	FinestResolution   = 10
)

// Cell returns the resolution-res cell holding the point.
func Cell(p orb.Point, res int) h3.Cell {
	return h3.LatLngToCell(h3.NewLatLng(p.Lat(), p.Lon()), res)
}

// Polygon returns the cell's boundary as a closed lon/lat ring.
func Polygon(c h3.Cell) orb.Polygon {
	b := c.Boundary()
	ring := make(orb.Ring, 0, len(b)+1)
	for _, ll := range b {
		ring = append(ring, orb.Point{ll.Lng, ll.Lat})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// Lineage is a finest-resolution cell with its ancestors at resolutions 9, 8 and 7.
type Lineage struct {
	Cell10, Cell9, Cell8, Cell7 h3.Cell
}

// LineageOf returns the ancestors of a resolution-10 cell.
func LineageOf(c h3.Cell) (Lineage, error) {
	if c.Resolution() != FinestResolution {
		return Lineage{}, fmt.Errorf("cell %s has resolution %d, want %d", c, c.Resolution(), FinestResolution)
	}
	return Lineage{Cell10: c, Cell9: c.Parent(9), Cell8: c.Parent(8), Cell7: c.Parent(7)}, nil
}

// Cover returns the resolution-res cells that intersect the area, sorted.
//
// H3's polygon fill keeps only cells whose centre is inside, which would leave records near the
// boundary without a cell; so every cell the boundary crosses is added too: the cells of points
// along each edge, closer together than a tenth of a cell's edge (a thin part of a polygon may
// hold no cell centre, nor any vertex of a cell), and the cells of the vertices.
func Cover(area orb.MultiPolygon, res int) []h3.Cell {
	seen := make(map[h3.Cell]bool)
	// In degrees of latitude (a degree of longitude is shorter, so the step only gets finer).
	step := h3.HexagonEdgeLengthAvgM(res) / 10 / 111_320
	for _, poly := range area {
		for _, c := range h3.PolygonToCells(geoPolygon(poly), res) {
			seen[c] = true
		}
		for _, ring := range poly {
			for i, p := range ring {
				seen[Cell(p, res)] = true
				if i+1 == len(ring) {
					continue
				}
				q := ring[i+1]
				n := int(math.Ceil(math.Hypot(q[0]-p[0], q[1]-p[1]) / step))
				for k := 1; k < n; k++ {
					f := float64(k) / float64(n)
					seen[Cell(orb.Point{p[0] + f*(q[0]-p[0]), p[1] + f*(q[1]-p[1])}, res)] = true
				}
			}
		}
	}
	cells := make([]h3.Cell, 0, len(seen))
	for c := range seen {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	return cells
}

// ResolutionForZoom is the H3 resolution the hexagon layer shows at a web-map zoom level, chosen
// so that a hexagon spans roughly 15 to 60 pixels.
func ResolutionForZoom(z int) int {
	switch {
	case z <= 10:
		return 7
	case z <= 12:
		return 8
	case z <= 13:
		return 9
	default:
		return 10
	}
}

func geoPolygon(p orb.Polygon) h3.GeoPolygon {
	loop := func(r orb.Ring) h3.GeoLoop {
		l := make(h3.GeoLoop, 0, len(r))
		for _, pt := range r {
			l = append(l, h3.NewLatLng(pt.Lat(), pt.Lon()))
		}
		return l
	}
	gp := h3.GeoPolygon{GeoLoop: loop(p[0])}
	for _, hole := range p[1:] {
		gp.Holes = append(gp.Holes, loop(hole))
	}
	return gp
}
