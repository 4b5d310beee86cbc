package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/geo/tessellate"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// streetPlan holds the synthetic streets of every zone and the few streets of each section.
type streetPlan struct {
	bySection [][]string
}

// newStreetPlan names streets per OMI zone (more rural prefixes in bands E and R) and gives
// each section two to four of its zone's streets.
func newStreetPlan(rng *rand.Rand, zones []modena.OMIZone, secs []tessellate.Section, zoneOf []int) *streetPlan {
	perZone := make([]int, len(zones))
	for _, z := range zoneOf {
		perZone[z]++
	}
	used := map[string]bool{}
	pools := make([][]string, len(zones))
	for zi, z := range zones {
		n := max(4, perZone[zi]+perZone[zi]/2)
		for len(pools[zi]) < n {
			name := streetPrefix(rng, z.Band) + " " + streetName(rng)
			if !used[name] {
				used[name] = true
				pools[zi] = append(pools[zi], name)
			}
		}
	}
	sp := &streetPlan{bySection: make([][]string, len(secs))}
	for si := range secs {
		pool := pools[zoneOf[si]]
		k := 2 + rng.IntN(3)
		for j := 0; j < k; j++ {
			sp.bySection[si] = append(sp.bySection[si], pick(rng, pool))
		}
	}
	return sp
}

func streetPrefix(rng *rand.Rand, band string) string {
	u := rng.Float64()
	switch band {
	case "R":
		switch {
		case u < 0.6:
			return "STRADA"
		case u < 0.9:
			return "VIA"
		}
		return "VICOLO"
	case "E":
		switch {
		case u < 0.3:
			return "STRADA"
		case u < 0.9:
			return "VIA"
		}
		return "VIALE"
	case "B":
		switch {
		case u < 0.75:
			return "VIA"
		case u < 0.85:
			return "CORSO"
		case u < 0.93:
			return "VICOLO"
		}
		return "PIAZZA"
	}
	switch {
	case u < 0.8:
		return "VIA"
	case u < 0.95:
		return "VIALE"
	}
	return "LARGO"
}

func streetName(rng *rand.Rand) string {
	u := rng.Float64()
	switch {
	case u < 0.15:
		t := pick(rng, streetThemes)
		art := "DEI"
		if t[len(t)-1] == 'E' {
			art = "DELLE"
		}
		return art + " " + t
	case u < 0.45:
		return pick(rng, streetSurnames)
	}
	return pick(rng, streetFirstNames) + " " + pick(rng, streetSurnames)
}

// address draws a street of the section and a house number, sometimes with a letter suffix.
func (sp *streetPlan) address(rng *rand.Rand, si int) string {
	street := pick(rng, sp.bySection[si])
	n := 1 + rng.IntN(40) + rng.IntN(40) + rng.IntN(60)
	if rng.Float64() < 0.08 {
		return fmt.Sprintf("%s %d/%c", street, n, 'A'+rng.IntN(3))
	}
	return fmt.Sprintf("%s %d", street, n)
}

// pointSampler draws uniform points inside a section and the municipal boundary.
type pointSampler struct {
	geom, boundary, zone orb.MultiPolygon
	bound                orb.Bound
	checkBoundary        bool
}

// newPointSampler prepares sampling in geom; the boundary test is skipped when the section's
// bounding box is certainly inside the boundary.
func newPointSampler(geom, boundary, zone orb.MultiPolygon) *pointSampler {
	b := geom.Bound()
	return &pointSampler{geom: geom, boundary: boundary, zone: zone, bound: b, checkBoundary: !boundInside(boundary, b)}
}

const maxSampleTries = 20000

// sample returns a point rounded to 6 decimals inside the section and the boundary, by
// rejection within the section's bounding box. Should the section have no room inside the
// boundary, it falls back to a point of the section's OMI zone inside the boundary.
func (ps *pointSampler) sample(rng *rand.Rand) orb.Point {
	if p, ok := ps.reject(rng, ps.geom, ps.bound); ok {
		return p
	}
	if p, ok := ps.reject(rng, ps.zone, ps.zone.Bound()); ok {
		return p
	}
	c, _ := planar.CentroidArea(ps.geom)
	return orb.Point{round6(c[0]), round6(c[1])}
}

func (ps *pointSampler) reject(rng *rand.Rand, g orb.MultiPolygon, b orb.Bound) (orb.Point, bool) {
	for try := 0; try < maxSampleTries; try++ {
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
