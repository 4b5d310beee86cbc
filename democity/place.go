package democity

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// pointSampler draws uniform points inside a section and the municipal boundary.
type pointSampler struct {
	geom, boundary, zone orb.MultiPolygon
	bound                orb.Bound
	checkBoundary        bool
	fastGeom, fastBound  *fastPolygons
}

// newPointSampler prepares sampling in geom; the boundary test is skipped when the section's
// bounding box is certainly inside the boundary.
// fastBoundary is the boundary's fast form, shared by all samplers.
func newPointSampler(geom, boundary, zone orb.MultiPolygon, fastBoundary *fastPolygons) *pointSampler {
	b := geom.Bound()
	ps := &pointSampler{geom: geom, boundary: boundary, zone: zone, bound: b, checkBoundary: !boundInside(boundary, b)}
	ps.fastGeom = newFastPolygons(geom)
	if ps.checkBoundary {
		ps.fastBound = fastBoundary
	}
	return ps
}

const maxSampleTries = 20000

// sample returns a point rounded to 6 decimals inside the section and the boundary, by
// rejection within the section's bounding box. Should the section have no room inside the
// boundary, it falls back to a point of the section's OMI zone inside the boundary.
func (ps *pointSampler) sample(rng *rand.Rand) orb.Point {
	if p, ok := ps.reject(rng, ps.geom, ps.bound, maxSampleTries); ok {
		return p
	}
	if p, ok := ps.reject(rng, ps.zone, ps.zone.Bound(), maxSampleTries); ok {
		return p
	}
	c, _ := planar.CentroidArea(ps.geom)
	return orb.Point{round6(c[0]), round6(c[1])}
}

// sampleIn returns a point inside the section and the boundary: by rejection, or failing
// that (a sliver) the centre of a triangle of consecutive ring vertices that lies inside.
func (ps *pointSampler) sampleIn(rng *rand.Rand) orb.Point {
	if p, ok := ps.reject(rng, ps.geom, ps.bound, 2000); ok {
		return p
	}
	for _, poly := range ps.geom {
		r := poly[0]
		for i := 2; i < len(r); i++ {
			a, b, c := r[i-2], r[i-1], r[i]
			p := orb.Point{round6((a[0] + b[0] + c[0]) / 3), round6((a[1] + b[1] + c[1]) / 3)}
			if ps.contains(p) {
				return p
			}
		}
	}
	return ps.sample(rng)
}

// contains reports whether p lies in the section and inside the municipal boundary: a quick
// crossing-number test first, confirmed by the planar package's (which the tests use).
func (ps *pointSampler) contains(p orb.Point) bool {
	if !ps.bound.Contains(p) || !ps.fastGeom.contains(p) {
		return false
	}
	if ps.checkBoundary && !ps.fastBound.contains(p) {
		return false
	}
	if !planar.MultiPolygonContains(ps.geom, p) {
		return false
	}
	return !ps.checkBoundary || planar.MultiPolygonContains(ps.boundary, p)
}

// fastPolygons is a multipolygon with the bounds of its rings precomputed.
type fastPolygons struct {
	polys  orb.MultiPolygon
	bounds [][]orb.Bound
}

func newFastPolygons(mp orb.MultiPolygon) *fastPolygons {
	f := &fastPolygons{polys: mp, bounds: make([][]orb.Bound, len(mp))}
	for i, poly := range mp {
		for _, r := range poly {
			f.bounds[i] = append(f.bounds[i], r.Bound())
		}
	}
	return f
}

// contains tests p by crossing numbers: inside the outer ring and outside every hole.
func (f *fastPolygons) contains(p orb.Point) bool {
	for i, poly := range f.polys {
		if len(poly) == 0 || !f.bounds[i][0].Contains(p) || !crossing(poly[0], p) {
			continue
		}
		inHole := false
		for k := 1; k < len(poly); k++ {
			if f.bounds[i][k].Contains(p) && crossing(poly[k], p) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

func crossing(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func (ps *pointSampler) reject(rng *rand.Rand, g orb.MultiPolygon, b orb.Bound, tries int) (orb.Point, bool) {
	for try := 0; try < tries; try++ {
		p := orb.Point{
			round6(b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0])),
			round6(b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])),
		}
		if !planar.MultiPolygonContains(g, p) {
			continue
		}
		if ps.checkBoundary && !planar.MultiPolygonContains(ps.boundary, p) {
			continue
		}
		return p, true
	}
	return orb.Point{}, false
}

// boundInside reports (conservatively) whether bound b lies inside mp: its corners are inside
// and no edge of mp has a bounding box touching b.
func boundInside(mp orb.MultiPolygon, b orb.Bound) bool {
	for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		if !planar.MultiPolygonContains(mp, c) {
			return false
		}
	}
	for _, poly := range mp {
		for _, r := range poly {
			for i := 1; i < len(r); i++ {
				eb := orb.Bound{Min: r[i-1], Max: r[i-1]}.Extend(r[i])
				if eb.Intersects(b) {
					return false
				}
			}
		}
	}
	return true
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
