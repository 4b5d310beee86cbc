// Package tessellate builds deterministic stand-in census sections for Modena, for the demo
// city (package democity).
//
// Real ISTAT census sections are not shipped with the demo, so each OMI zone is cut by a
// square grid whose cell size follows a plausible resident density for the zone's OMI band;
// each clipped piece (small slivers merged with a neighbour) is one section. The sections nest
// exactly in the OMI zones, carry ISTAT-style ids and hold 150-400 residents each.
package tessellate

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// Section is one stand-in census section.
type Section struct {
	ID         string // ISTAT style, e.g. "360230000001"
	OMIZone    string // the OMI zone code the section nests in
	Residents  int
	Households int
	Geometry   orb.MultiPolygon // EPSG:4326, coordinates rounded to 7 decimals
}

const (
	// TargetResidents is what a full grid square holds at the scaled band density.
	TargetResidents = 275
	// MinResidents and MaxResidents bound the residents of every section.
	MinResidents = 150
	MaxResidents = 400
	// HouseholdSize is the mean household size used for Households.
	HouseholdSize = 2.18
	// MunicipalityCode prefixes the section ids (ISTAT code of Modena, no leading zero).
	MunicipalityCode = 36023

	refLat       = 44.65 // latitude at which degrees are converted to metres
	minPieceM2   = 100   // pieces smaller than this are dropped
	minRingM2    = 1     // rings smaller than this are dropped
	mergeBelow   = 0.5   // blocks under this share of a full square are merged
	mergeUpTo    = 1.45  // ... into a neighbour if the union stays under this share
	gridSeedSalt = 0x7e55e11a7e
)

// BandDensity is the relative resident density (residents/km²) of each OMI band before it is
// scaled to the requested total: central B highest, rural R lowest.
var BandDensity = map[string]float64{"B": 9000, "C": 7000, "D": 4500, "E": 900, "R": 60}

// metres per degree of latitude and longitude at refLat.
var (
	mPerDegLat = 111132.92 - 559.82*math.Cos(2*rad(refLat)) + 1.175*math.Cos(4*rad(refLat))
	mPerDegLon = 111412.84*math.Cos(rad(refLat)) - 93.5*math.Cos(3*rad(refLat))
)

// AreaM2 is the ground area of g in square metres, from its planar area in degrees scaled at
// Modena's latitude.
func AreaM2(g orb.Geometry) float64 { return planar.Area(g) * mPerDegLat * mPerDegLon }

// block is a rectangle of grid cells, inclusive, within one zone, and its clipped piece.
type block struct {
	r0, r1, c0, c1 int
	sub            int // order of a quadrant piece within its block (see split)
	geom           orb.MultiPolygon
	area           float64 // m²
}

// zoneGrid is the grid laid over one zone.
type zoneGrid struct {
	zone       modena.OMIZone
	density    float64 // scaled residents per m²
	originLon  float64 // west edge of column 0
	originLat  float64 // north edge of row 0
	dLon, dLat float64
	blocks     []block
}

// Sections cuts the zones into stand-in census sections holding exactly totalResidents
// residents. The seed shifts the grids; the same inputs always give the same sections. Ids are
// numbered in zone order, then by grid row (north to south) and column (west to east).
func Sections(zones []modena.OMIZone, totalResidents int, seed uint64) ([]Section, error) {
	return SectionsOf(MunicipalityCode, zones, totalResidents, seed)
}

// SectionsOf is Sections for the zones of the comune whose numeric ISTAT code (PRO_COM, e.g.
// 36005) prefixes the ids; the zones are any disjoint polygons with an OMI band.
func SectionsOf(proCom int, zones []modena.OMIZone, totalResidents int, seed uint64) ([]Section, error) {
	if totalResidents <= 0 {
		return nil, fmt.Errorf("tessellate: total residents %d, want > 0", totalResidents)
	}
	densities, err := scaledDensities(zones, totalResidents)
	if err != nil {
		return nil, fmt.Errorf("tessellate: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, gridSeedSalt))
	var grids []zoneGrid
	for i, z := range zones {
		g := newGrid(z, densities[i], rng.Float64(), rng.Float64())
		g.cut()
		g.merge()
		g.fixCentroids()
		grids = append(grids, g)
	}
	sections, expected := collect(grids)
	if len(sections) == 0 {
		return nil, fmt.Errorf("tessellate: no sections")
	}
	res := apportion(expected, totalResidents)
	for i := range sections {
		sections[i].ID = fmt.Sprintf("%d%07d", proCom, i+1)
		sections[i].Residents = res[i]
		sections[i].Households = max(1, int(math.Round(float64(res[i])/HouseholdSize)))
	}
	return sections, nil
}

// scaledDensities returns each zone's density in residents/m² scaled so the zones hold total.
func scaledDensities(zones []modena.OMIZone, total int) ([]float64, error) {
	if len(zones) == 0 {
		return nil, fmt.Errorf("no OMI zones")
	}
	out := make([]float64, len(zones))
	sum := 0.0
	for i, z := range zones {
		d, ok := BandDensity[z.Band]
		if !ok {
			return nil, fmt.Errorf("zone %s: unknown OMI band %q", z.Code, z.Band)
		}
		out[i] = d / 1e6
		sum += out[i] * AreaM2(z.Geometry)
	}
	if sum <= 0 {
		return nil, fmt.Errorf("OMI zones have no area")
	}
	for i := range out {
		out[i] *= float64(total) / sum
	}
	return out, nil
}

// newGrid lays a grid of squares holding TargetResidents over the zone, shifted by the
// fractions fx, fy of a cell.
func newGrid(z modena.OMIZone, density, fx, fy float64) zoneGrid {
	side := math.Sqrt(TargetResidents / density) // metres
	g := zoneGrid{zone: z, density: density, dLon: side / mPerDegLon, dLat: side / mPerDegLat}
	b := z.Geometry.Bound()
	g.originLon = b.Min[0] - fx*g.dLon
	g.originLat = b.Max[1] + fy*g.dLat
	return g
}

// cellBound is the bound of the rectangle of cells rows r0..r1, columns c0..c1.
func (g *zoneGrid) cellBound(r0, r1, c0, c1 int) orb.Bound {
	return orb.Bound{
		Min: orb.Point{g.originLon + float64(c0)*g.dLon, g.originLat - float64(r1+1)*g.dLat},
		Max: orb.Point{g.originLon + float64(c1+1)*g.dLon, g.originLat - float64(r0)*g.dLat},
	}
}

// cut clips the zone by every grid cell and keeps the non-degenerate pieces.
func (g *zoneGrid) cut() {
	b := g.zone.Geometry.Bound()
	rows := int(math.Ceil((g.originLat-b.Min[1])/g.dLat)) + 1
	cols := int(math.Ceil((b.Max[0]-g.originLon)/g.dLon)) + 1
	for r := 0; r < rows; r++ {
		strip := clip.MultiPolygon(g.cellBound(r, r, 0, cols-1), g.zone.Geometry.Clone())
		if len(strip) == 0 {
			continue
		}
		for c := 0; c < cols; c++ {
			if bl, ok := g.piece(strip, r, r, c, c); ok {
				g.blocks = append(g.blocks, bl)
			}
		}
	}
}

// piece clips src to a cell rectangle and cleans the result.
func (g *zoneGrid) piece(src orb.MultiPolygon, r0, r1, c0, c1 int) (block, bool) {
	mp := clean(clip.MultiPolygon(g.cellBound(r0, r1, c0, c1), src.Clone()))
	a := AreaM2(mp)
	if a < minPieceM2 {
		return block{}, false
	}
	return block{r0: r0, r1: r1, c0: c0, c1: c1, geom: mp, area: a}, true
}

// merge joins blocks smaller than mergeBelow of a full square with a neighbouring block of the
// same zone when their union is a rectangle no bigger than mergeUpTo squares, smallest first.
func (g *zoneGrid) merge() {
	full := TargetResidents / g.density
	for {
		order := make([]int, len(g.blocks))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(g.blocks[a].area, g.blocks[b].area) })
		merged := false
		for _, i := range order {
			if g.blocks[i].area >= mergeBelow*full {
				break
			}
			if j := g.partner(i, mergeUpTo*full); j >= 0 {
				g.join(i, j)
				merged = true
				break
			}
		}
		if !merged {
			return
		}
	}
}

// partner returns the smallest block whose rectangle union with block i is a rectangle and
// whose combined area is at most maxArea, or -1.
func (g *zoneGrid) partner(i int, maxArea float64) int {
	a, best := g.blocks[i], -1
	for j, b := range g.blocks {
		if j == i || a.area+b.area > maxArea || !adjacent(a, b) {
			continue
		}
		if best < 0 || b.area < g.blocks[best].area {
			best = j
		}
	}
	return best
}

// adjacent reports whether two blocks share a full side.
func adjacent(a, b block) bool {
	sameRows := a.r0 == b.r0 && a.r1 == b.r1 && (b.c0 == a.c1+1 || a.c0 == b.c1+1)
	sameCols := a.c0 == b.c0 && a.c1 == b.c1 && (b.r0 == a.r1+1 || a.r0 == b.r1+1)
	return sameRows || sameCols
}

// join replaces blocks i and j with their union, clipped afresh from the zone.
func (g *zoneGrid) join(i, j int) {
	a, b := g.blocks[i], g.blocks[j]
	r0, r1, c0, c1 := min(a.r0, b.r0), max(a.r1, b.r1), min(a.c0, b.c0), max(a.c1, b.c1)
	u, ok := g.piece(g.zone.Geometry, r0, r1, c0, c1)
	if !ok { // cannot happen for two non-empty pieces; keep them apart
		return
	}
	lo, hi := min(i, j), max(i, j)
	g.blocks[lo] = u
	g.blocks = slices.Delete(g.blocks, hi, hi+1)
}

// fixCentroids splits every block whose centroid falls outside the zone (a concave or
// multi-part piece) into quadrants, recursively, so that section centroids lie in their zone.
func (g *zoneGrid) fixCentroids() {
	var out []block
	for _, b := range g.blocks {
		out = append(out, g.split(b, g.cellBound(b.r0, b.r1, b.c0, b.c1), 0)...)
	}
	g.blocks = out
}

// maxSplitDepth bounds the quadrant recursion of split.
const maxSplitDepth = 4

// split returns b itself if its centroid is inside the zone, otherwise the pieces of its four
// quadrants (bound bd), each split again as needed.
func (g *zoneGrid) split(b block, bd orb.Bound, depth int) []block {
	if c, _ := planar.CentroidArea(b.geom); depth == maxSplitDepth || planar.MultiPolygonContains(g.zone.Geometry, c) {
		return []block{b}
	}
	mid := bd.Center()
	quads := []orb.Bound{ // north-west, north-east, south-west, south-east
		{Min: orb.Point{bd.Min[0], mid[1]}, Max: orb.Point{mid[0], bd.Max[1]}},
		{Min: mid, Max: bd.Max},
		{Min: bd.Min, Max: mid},
		{Min: orb.Point{mid[0], bd.Min[1]}, Max: orb.Point{bd.Max[0], mid[1]}},
	}
	var out []block
	for q, qb := range quads {
		mp := clean(clip.MultiPolygon(qb, b.geom.Clone()))
		a := AreaM2(mp)
		if a < minPieceM2 {
			continue
		}
		sb := block{r0: b.r0, r1: b.r1, c0: b.c0, c1: b.c1, sub: b.sub*4 + q + 1, geom: mp, area: a}
		out = append(out, g.split(sb, qb, depth+1)...)
	}
	return out
}

// collect orders the blocks (zone, row, column) into sections and their expected residents.
func collect(grids []zoneGrid) ([]Section, []float64) {
	var secs []Section
	var expected []float64
	for _, g := range grids {
		bl := slices.Clone(g.blocks)
		slices.SortStableFunc(bl, func(a, b block) int {
			return cmp.Or(cmp.Compare(a.r0, b.r0), cmp.Compare(a.c0, b.c0), cmp.Compare(a.sub, b.sub))
		})
		for _, b := range bl {
			secs = append(secs, Section{OMIZone: g.zone.Code, Geometry: b.geom})
			expected = append(expected, b.area*g.density)
		}
	}
	return secs, expected
}

// apportion turns expected residents into integers within the section bounds summing to
// total: a common scale factor is found by bisection, values are clamped and floored, and the
// remainder goes to the largest fractional parts (ties by order).
func apportion(expected []float64, total int) []int {
	n := len(expected)
	lo := min(float64(MinResidents), math.Floor(float64(total)/float64(n)))
	hi := max(float64(MaxResidents), math.Ceil(float64(total)/float64(n)))
	clamped := func(s float64) ([]float64, float64) {
		x := make([]float64, n)
		sum := 0.0
		for i, e := range expected {
			x[i] = min(hi, max(lo, e*s))
			sum += x[i]
		}
		return x, sum
	}
	sLo, sHi := 0.0, 1.0
	for _, sum := clamped(sHi); sum < float64(total); _, sum = clamped(sHi) {
		sHi *= 2
	}
	for k := 0; k < 100; k++ {
		mid := (sLo + sHi) / 2
		if _, sum := clamped(mid); sum < float64(total) {
			sLo = mid
		} else {
			sHi = mid
		}
	}
	x, _ := clamped(sHi)
	return roundToTotal(x, total, int(lo), int(hi))
}

// roundToTotal floors x and moves units by fractional part until the sum is total.
func roundToTotal(x []float64, total, lo, hi int) []int {
	out := make([]int, len(x))
	order := make([]int, len(x))
	sum := 0
	for i, v := range x {
		out[i] = int(math.Floor(v))
		sum += out[i]
		order[i] = i
	}
	frac := func(i int) float64 { return x[i] - math.Floor(x[i]) }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(frac(b), frac(a)) })
	for sum != total {
		moved := false
		for _, i := range order {
			if sum < total && out[i] < hi {
				out[i]++
				sum++
				moved = true
			}
			if sum == total {
				break
			}
		}
		for k := len(order) - 1; k >= 0 && sum > total; k-- {
			if i := order[k]; out[i] > lo {
				out[i]--
				sum--
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	return out
}

// clean rounds coordinates to 7 decimals, removes repeated points and drops degenerate rings
// and polygons.
func clean(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		var poly orb.Polygon
		for k, r := range p {
			rr := cleanRing(r)
			if len(rr) < 4 || math.Abs(AreaM2(rr)) < minRingM2 {
				if k == 0 {
					break // no outer ring: drop the polygon
				}
				continue
			}
			poly = append(poly, rr)
		}
		if len(poly) > 0 {
			out = append(out, poly)
		}
	}
	return out
}

func cleanRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, p := range r {
		q := orb.Point{round7(p[0]), round7(p[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// Clean rounds coordinates to 7 decimals, removes repeated points and drops degenerate rings and
// polygons (of a clipped polygon, for instance).
func Clean(mp orb.MultiPolygon) orb.MultiPolygon { return clean(mp) }
