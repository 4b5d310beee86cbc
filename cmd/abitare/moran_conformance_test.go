package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/postgres/testdb"
	"github.com/uber/h3-go/v4"
)

// moranConformanceCases are the stored Local Moran layers recomputed here: every geography the
// hotspots are run on, for the multi-domain and the poverty indicator.
var moranConformanceCases = struct {
	geographies []string
	indicators  []string
}{
	geographies: []string{"h3_8", "h3_9", "h3_10", "section"},
	indicators:  []string{"multi_domain", "poverty"},
}

// moranHotspotIndicators are the indicators the hotspot run reads together: an area takes part
// when it has residents in any of them (written out here, not taken from the product code).
var moranHotspotIndicators = []string{"poverty", "housing", "health", "multi_domain"}

// checkMoranConformance recomputes the stored univariate Local Moran of period 2025 the way GeoDa
// does from the polygons, without geo/stats or geo/hotspots: the Assuncao-Reis empirical-Bayes
// standardised rate from area_indicators (areas without residents left out), queen contiguity
// from the polygons in PostGIS (rings sharing a vertex, as GeoDa matches them), row-standardised,
// islands with lag 0, and I_i = z_i * lag_i with z standardised by the sample sd (GeoDa's
// GenUtils::StandardizeData). Each stored hotspots.statistic must equal it to 1e-9 relative
// (1e-12 absolute near zero). For H3 cells the shared-vertex queen must be the H3 ring. The
// demo's census sections have slivers along the OMI zones (overlaps and sub-centimetre gaps with
// no shared vertex), which the hotspot run bridges with a 1 cm tolerance: sections are compared
// under that tolerance (GeoDa with a precision threshold), and the test logs how many statistics
// GeoDa's exact-vertex queen would change.
func checkMoranConformance(t *testing.T, db *testdb.DB) {
	ctx := context.Background()
	const period = "2025"
	compared, worst, worstAt := 0, 0.0, ""
	for _, g := range moranConformanceCases.geographies {
		areas := readMoranAreas(t, ctx, db, g, period)
		if len(areas.ids) < 3 {
			t.Fatalf("%s: only %d areas with residents", g, len(areas.ids))
		}
		neighbours := queenFromPolygons(t, ctx, db, g, areas.ids)
		var vertexQueen [][]int
		if g == "section" {
			vertexQueen = neighbours
			neighbours = sectionsWithTolerance(t, ctx, db, areas.ids, vertexQueen)
		}
		for _, ind := range moranConformanceCases.indicators {
			analysis := "moran:" + ind
			x := assuncaoReisByHand(areas.people[ind], areas.residents)
			stored := readStoredStatistic(t, ctx, db, g, period, analysis)
			if len(stored) == 0 {
				if !constant(x) {
					t.Errorf("%s@%s: no stored rows, but the input varies", analysis, g)
				}
				t.Logf("%s@%s: input constant, not stored (nothing to compare)", analysis, g)
				continue
			}
			if len(stored) != len(areas.ids) {
				t.Errorf("%s@%s: %d stored areas, %d areas with residents", analysis, g, len(stored), len(areas.ids))
			}
			want := geodaLocalMoran(x, neighbours)
			var bad []string
			for i, id := range areas.ids {
				got, ok := stored[id]
				switch {
				case !ok:
					bad = append(bad, fmt.Sprintf("%s: not stored (want %.15g)", id, want[i]))
					continue
				case got == nil:
					bad = append(bad, fmt.Sprintf("%s: stored NULL, want %.15g (%d neighbours)", id, want[i], len(neighbours[i])))
					continue
				}
				diff := math.Abs(*got - want[i])
				scale := math.Max(math.Abs(*got), math.Abs(want[i]))
				rel := 0.0
				if diff > 0 {
					rel = diff / scale
				}
				if diff > 1e-12 && rel > 1e-9 {
					bad = append(bad, fmt.Sprintf("%s: stored %.15g, GeoDa-style %.15g (rel %.3g, %d neighbours)", id, *got, want[i], rel, len(neighbours[i])))
				}
				if rel > worst {
					worst, worstAt = rel, analysis+"@"+g+" "+id
				}
				compared++
			}
			if len(bad) > 0 {
				sort.Strings(bad)
				if len(bad) > 10 {
					bad = append(bad[:10], fmt.Sprintf("... and %d more", len(bad)-10))
				}
				t.Errorf("%s@%s: %d of %d areas differ:\n  %s", analysis, g, len(bad), len(areas.ids), strings.Join(bad, "\n  "))
			}
			t.Logf("%s@%s: %d areas, %d islands", analysis, g, len(areas.ids), islands(neighbours))
			if vertexQueen != nil {
				// What GeoDa without a precision threshold would give on these polygons.
				strict := geodaLocalMoran(x, vertexQueen)
				differ, largest := 0, 0.0
				for i := range strict {
					if d := math.Abs(strict[i] - want[i]); d > 1e-12 && d > 1e-9*math.Max(math.Abs(strict[i]), math.Abs(want[i])) {
						differ++
						largest = math.Max(largest, d/math.Max(math.Abs(strict[i]), math.Abs(want[i])))
					}
				}
				t.Logf("%s@%s: with shared-vertex queen only (no tolerance), %d of %d statistics would differ, by up to %.3g relative; %d islands",
					analysis, g, differ, len(strict), largest, islands(vertexQueen))
			}
		}
	}
	if compared == 0 {
		t.Fatal("no Local Moran statistic compared")
	}
	t.Logf("compared %d stored Local Moran statistics; largest relative difference %.3g %s", compared, worst, worstAt)
}

// moranAreas are one geography's areas with residents, in a fixed order, and their counts.
type moranAreas struct {
	ids       []string
	residents []float64
	people    map[string][]float64
}

func readMoranAreas(t *testing.T, ctx context.Context, db *testdb.DB, geography, period string) moranAreas {
	t.Helper()
	rows, err := db.Pool.Query(ctx, `
		SELECT area_id, indicator, people, residents FROM area_indicators
		WHERE geography = $1 AND period = $2 AND residents > 0 AND indicator = ANY($3)`,
		geography, period, moranHotspotIndicators)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type rec struct {
		residents float64
		people    map[string]float64
	}
	byArea := map[string]*rec{}
	for rows.Next() {
		var id, ind string
		var people int
		var residents float64
		if err := rows.Scan(&id, &ind, &people, &residents); err != nil {
			t.Fatal(err)
		}
		r := byArea[id]
		if r == nil {
			r = &rec{residents: residents, people: map[string]float64{}}
			byArea[id] = r
		} else if r.residents != residents {
			t.Fatalf("%s %s: residents %v for %s, %v for another indicator", geography, id, residents, ind, r.residents)
		}
		r.people[ind] = float64(people)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	a := moranAreas{people: map[string][]float64{}}
	for id := range byArea {
		a.ids = append(a.ids, id)
	}
	sort.Strings(a.ids)
	for _, id := range a.ids {
		r := byArea[id]
		a.residents = append(a.residents, r.residents)
		for _, ind := range moranHotspotIndicators {
			a.people[ind] = append(a.people[ind], r.people[ind]) // no row: nobody
		}
	}
	return a
}

// assuncaoReisByHand is the Assuncao-Reis empirical-Bayes standardised rate (esda's
// assuncao_rate), with crude rates per person y_i = e_i/b_i over the areas with b_i > 0:
//
//	r  = Σe / Σb
//	s² = Σ b_i (y_i − r)² / Σb
//	a  = s² − r / (Σb / n)
//	v_i = a + r/b_i, or r/b_i when that is negative
//	x_i = (y_i − r) / √v_i   (0 when v_i = 0, i.e. nobody anywhere)
func assuncaoReisByHand(e, b []float64) []float64 {
	n := float64(len(b))
	var se, sb float64
	for i := range b {
		se += e[i]
		sb += b[i]
	}
	r := se / sb
	var ss float64
	for i := range b {
		y := e[i] / b[i]
		ss += b[i] * (y - r) * (y - r)
	}
	s2 := ss / sb
	a := s2 - r/(sb/n)
	x := make([]float64, len(b))
	for i := range b {
		v := a + r/b[i]
		if v < 0 {
			v = r / b[i]
		}
		if v > 0 {
			x[i] = (e[i]/b[i] - r) / math.Sqrt(v)
		}
	}
	return x
}

// geodaLocalMoran is GeoDa's univariate LISA: z standardised with the sample sd (n − 1), the
// spatial lag the mean of the neighbours' z (0 for an island), and I_i = z_i · lag_i.
func geodaLocalMoran(x []float64, neighbours [][]int) []float64 {
	n := float64(len(x))
	var sum float64
	for _, v := range x {
		sum += v
	}
	mean := sum / n
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	z := make([]float64, len(x))
	for i, v := range x {
		z[i] = (v - mean) / sd
	}
	out := make([]float64, len(x))
	for i := range x {
		if len(neighbours[i]) == 0 {
			continue // island: lag 0, I 0
		}
		var lag float64
		for _, j := range neighbours[i] {
			lag += z[j]
		}
		lag /= float64(len(neighbours[i]))
		out[i] = z[i] * lag
	}
	return out
}

// queenFromPolygons builds queen contiguity from the stored polygons as GeoDa does from a
// shapefile without a precision threshold: two areas are neighbours when their rings share a
// vertex (equal coordinates). For H3 cells these must be at most 6 per cell and exactly the
// cells of gridDisk(cell, 1) among the areas, the neighbours the hotspot run uses.
func queenFromPolygons(t *testing.T, ctx context.Context, db *testdb.DB, geography string, ids []string) [][]int {
	t.Helper()
	var q string
	args := []any{ids}
	if geography == "section" {
		q = `WITH p AS (SELECT id, (ST_DumpPoints(geom)).geom AS pt FROM census_sections WHERE id = ANY($1))
			SELECT DISTINCT a.id, b.id FROM p a JOIN p b ON a.id < b.id AND ST_X(a.pt) = ST_X(b.pt) AND ST_Y(a.pt) = ST_Y(b.pt)`
	} else {
		res, err := strconv.Atoi(strings.TrimPrefix(geography, "h3_"))
		if err != nil {
			t.Fatalf("geography %q", geography)
		}
		var found int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM h3_cells WHERE resolution = $2 AND h3_index = ANY($1)`, ids, res).Scan(&found); err != nil {
			t.Fatal(err)
		}
		if found != len(ids) {
			t.Fatalf("%s: %d of %d areas have a polygon in h3_cells", geography, found, len(ids))
		}
		q = `WITH p AS (SELECT h3_index AS id, (ST_DumpPoints(geom)).geom AS pt FROM h3_cells WHERE resolution = $2 AND h3_index = ANY($1))
			SELECT DISTINCT a.id, b.id FROM p a JOIN p b ON a.id < b.id AND ST_X(a.pt) = ST_X(b.pt) AND ST_Y(a.pt) = ST_Y(b.pt)`
		args = append(args, res)
	}
	lists := neighbourPairs(t, ctx, db, ids, q, args...)
	if geography != "section" {
		var over, diffs []string
		index := make(map[string]int, len(ids))
		for i, id := range ids {
			index[id] = i
		}
		for i, id := range ids {
			if len(lists[i]) > 6 {
				over = append(over, fmt.Sprintf("%s (%d)", id, len(lists[i])))
			}
			c, err := strconv.ParseUint(id, 16, 64)
			if err != nil {
				t.Fatalf("%s: area %q is not an H3 index", geography, id)
			}
			var disk []int
			for _, d := range h3.GridDisk(h3.Cell(c), 1) {
				if j, ok := index[d.String()]; ok && uint64(d) != c {
					disk = append(disk, j)
				}
			}
			if !sameSet(lists[i], disk) {
				diffs = append(diffs, fmt.Sprintf("%s: queen %v, gridDisk %v", id, names(ids, lists[i]), names(ids, disk)))
			}
		}
		if len(over) > 0 {
			t.Errorf("%s: cells with more than 6 queen neighbours: %v", geography, over[:min(5, len(over))])
		}
		if len(diffs) > 0 {
			t.Errorf("%s: %d cells whose queen neighbours are not the H3 ring the hotspot run uses, e.g.\n  %s",
				geography, len(diffs), strings.Join(diffs[:min(5, len(diffs))], "\n  "))
		}
	}
	t.Logf("%s: %d areas, %d shared-vertex queen pairs from the polygons", geography, len(ids), countPairs(lists))
	return lists
}

// sectionsWithTolerance is queen contiguity with the hotspot run's 1 cm tolerance (polygons
// within 1e-7 degrees), GeoDa's "precision threshold" in effect: the demo's sections are cut
// along the OMI zones and have slivers there, overlaps and gaps without a shared vertex. It
// checks that the tolerance only adds pairs to the shared-vertex queen, and logs what it adds.
func sectionsWithTolerance(t *testing.T, ctx context.Context, db *testdb.DB, ids []string, vertexQueen [][]int) [][]int {
	t.Helper()
	lists := neighbourPairs(t, ctx, db, ids, `
		SELECT a.id, b.id FROM census_sections a
		JOIN census_sections b ON a.id < b.id AND ST_DWithin(a.geom, b.geom, 1e-7)
		WHERE a.id = ANY($1) AND b.id = ANY($1)`, ids)
	var kinds struct{ overlap, point, gap int }
	if err := db.Pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)),
			count(*) FILTER (WHERE ST_Touches(a.geom, b.geom)),
			count(*) FILTER (WHERE NOT ST_Intersects(a.geom, b.geom))
		FROM census_sections a JOIN census_sections b ON a.id < b.id AND ST_DWithin(a.geom, b.geom, 1e-7)
		WHERE a.id = ANY($1) AND b.id = ANY($1)`, ids).Scan(&kinds.overlap, &kinds.point, &kinds.gap); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i := range ids {
		for _, j := range vertexQueen[i] {
			if !contains(lists[i], j) {
				t.Errorf("section %s: shared-vertex neighbour %s not within 1 cm", ids[i], ids[j])
			}
		}
		if !sameSet(lists[i], vertexQueen[i]) {
			changed++
		}
	}
	t.Logf("section: %d pairs within 1 cm (%d touching, %d overlapping slivers, %d gaps under 1 cm); "+
		"%d more than the %d shared-vertex pairs, changing the neighbours of %d of %d sections",
		countPairs(lists), kinds.point, kinds.overlap, kinds.gap, countPairs(lists)-countPairs(vertexQueen),
		countPairs(vertexQueen), changed, len(ids))
	return lists
}

func neighbourPairs(t *testing.T, ctx context.Context, db *testdb.DB, ids []string, q string, args ...any) [][]int {
	t.Helper()
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	rows, err := db.Pool.Query(ctx, q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	lists := make([][]int, len(ids))
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		i, j := index[a], index[b]
		if !contains(lists[i], j) {
			lists[i] = append(lists[i], j)
			lists[j] = append(lists[j], i)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, l := range lists {
		sort.Ints(l)
	}
	return lists
}

func contains(l []int, j int) bool {
	for _, v := range l {
		if v == j {
			return true
		}
	}
	return false
}

func sameSet(a, b []int) bool {
	a, b = append([]int(nil), a...), append([]int(nil), b...)
	sort.Ints(a)
	sort.Ints(b)
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func countPairs(lists [][]int) int {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	return n / 2
}

func names(ids []string, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = ids[i]
	}
	return out
}

func readStoredStatistic(t *testing.T, ctx context.Context, db *testdb.DB, geography, period, analysis string) map[string]*float64 {
	t.Helper()
	rows, err := db.Pool.Query(ctx, `SELECT area_id, statistic FROM hotspots WHERE geography = $1 AND period = $2 AND analysis = $3`,
		geography, period, analysis)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]*float64{}
	for rows.Next() {
		var id string
		var s *float64
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func constant(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

func islands(neighbours [][]int) int {
	n := 0
	for _, l := range neighbours {
		if len(l) == 0 {
			n++
		}
	}
	return n
}
