// Package pip answers point-in-polygon questions fast enough for millions of records: each
// polygon's edges are bucketed into horizontal slabs, so a query tests only the few edges that
// cross the point's latitude instead of every vertex of the boundary.
package pip

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

type edge struct{ x1, y1, x2, y2 float64 }

// Polygon is a (multi)polygon prepared for containment queries.
type Polygon struct {
	bound  orb.Bound
	slabs  [][]edge
	minY   float64
	height float64 // of one slab
}

// slabsFor picks about one slab per eight edges, between 16 and 4096.
func slabsFor(edges int) int {
	n := edges / 8
	return max(16, min(n, 4096))
}

// NewPolygon prepares mp. Holes are handled by the even-odd rule, as in orb's planar package.
func NewPolygon(mp orb.MultiPolygon) *Polygon {
	var edges []edge
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				if a[1] != b[1] {
					edges = append(edges, edge{a[0], a[1], b[0], b[1]})
				}
			}
		}
	}
	p := &Polygon{bound: mp.Bound()}
	n := slabsFor(len(edges))
	p.minY = p.bound.Min.Y()
	p.height = (p.bound.Max.Y() - p.minY) / float64(n)
	if p.height == 0 {
		p.height = 1
	}
	p.slabs = make([][]edge, n)
	for _, e := range edges {
		lo, hi := p.slab(math.Min(e.y1, e.y2)), p.slab(math.Max(e.y1, e.y2))
		for s := lo; s <= hi; s++ {
			p.slabs[s] = append(p.slabs[s], e)
		}
	}
	return p
}

func (p *Polygon) slab(y float64) int {
	s := int((y - p.minY) / p.height)
	return max(0, min(s, len(p.slabs)-1))
}

// Bound is the polygon's bounding box.
func (p *Polygon) Bound() orb.Bound { return p.bound }

// Contains reports whether pt is inside (a point exactly on an edge may go either way).
func (p *Polygon) Contains(pt orb.Point) bool {
	if !p.bound.Contains(pt) {
		return false
	}
	x, y := pt[0], pt[1]
	inside := false
	for _, e := range p.slabs[p.slab(y)] {
		// Half-open rule on y so a vertex shared by two edges is counted once.
		if (e.y1 > y) != (e.y2 > y) {
			if xCross := e.x1 + (y-e.y1)*(e.x2-e.x1)/(e.y2-e.y1); x < xCross {
				inside = !inside
			}
		}
	}
	return inside
}

// Index finds which of many polygons holds a point, through a grid of candidate lists.
type Index struct {
	ids      []string
	polygons []*Polygon
	bound    orb.Bound
	cols     int
	rows     int
	cells    [][]int32
}

// NewIndex prepares polygons keyed by id; ids must be as many as polygons.
func NewIndex(ids []string, polygons []orb.MultiPolygon) *Index {
	ix := &Index{ids: ids, cols: 128, rows: 128}
	for i, mp := range polygons {
		p := NewPolygon(mp)
		ix.polygons = append(ix.polygons, p)
		if i == 0 {
			ix.bound = p.bound
		} else {
			ix.bound = ix.bound.Union(p.bound)
		}
	}
	ix.cells = make([][]int32, ix.cols*ix.rows)
	for i, p := range ix.polygons {
		c0, r0 := ix.cell(p.bound.Min)
		c1, r1 := ix.cell(p.bound.Max)
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				ix.cells[r*ix.cols+c] = append(ix.cells[r*ix.cols+c], int32(i))
			}
		}
	}
	for _, list := range ix.cells {
		// Lowest id first, so that a point on a shared edge always gets the same answer.
		sort.Slice(list, func(a, b int) bool { return ix.ids[list[a]] < ix.ids[list[b]] })
	}
	return ix
}

func (ix *Index) cell(pt orb.Point) (col, row int) {
	w, h := ix.bound.Max.X()-ix.bound.Min.X(), ix.bound.Max.Y()-ix.bound.Min.Y()
	col = int(float64(ix.cols) * (pt.X() - ix.bound.Min.X()) / math.Max(w, 1e-12))
	row = int(float64(ix.rows) * (pt.Y() - ix.bound.Min.Y()) / math.Max(h, 1e-12))
	return max(0, min(col, ix.cols-1)), max(0, min(row, ix.rows-1))
}

// Locate returns the id of the polygon holding pt, and false when none does.
func (ix *Index) Locate(pt orb.Point) (string, bool) {
	if len(ix.polygons) == 0 || !ix.bound.Contains(pt) {
		return "", false
	}
	c, r := ix.cell(pt)
	for _, i := range ix.cells[r*ix.cols+c] {
		if ix.polygons[i].Contains(pt) {
			return ix.ids[i], true
		}
	}
	return "", false
}
