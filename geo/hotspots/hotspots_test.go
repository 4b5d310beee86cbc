package hotspots_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/hotspots"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
)

// area is one area's inputs: residents and, per indicator, people counted. The stored
// empirical-Bayes rate is a stand-in the test can recompute, distinct from the crude rate.
type area struct {
	id        string
	residents float64
	people    map[string]int
}

func (a area) rate(ind string) float64 { return 1000 * float64(a.people[ind]) / a.residents }
func (a area) eb(ind string) float64   { return 0.8*a.rate(ind) + 2 }

func store(t *testing.T, db *pgxpool.Pool, geography, period string, areas []area) {
	t.Helper()
	var rows [][]any
	for _, a := range areas {
		for _, ind := range hotspots.Indicators {
			var rate, eb any
			if a.residents > 0 {
				rate, eb = a.rate(ind), a.eb(ind)
			}
			rows = append(rows, []any{geography, a.id, period, ind, a.people[ind], a.residents, rate, eb, false})
		}
	}
	cols := []string{"geography", "area_id", "period", "indicator", "people", "residents", "rate", "eb_rate", "unstable"}
	if _, err := db.CopyFrom(context.Background(), pgx.Identifier{"area_indicators"}, cols, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
}

// jitter is a deterministic background count between lo and lo+8.
func jitter(i, salt, lo int) int { return lo + (i*7+salt*3)%9 }

var centre = hexgrid.Cell(orb.Point{10.925, 44.646}, 10)

// hexArea is the resolution-10 cells within six steps of the centre (127 cells), 1,000
// residents each. Poverty and health are planted high on the centre and the cells up to two
// steps from it (19 cells); every indicator elsewhere is a low background that varies.
func hexArea() (areas []area, distance map[string]int) {
	distance = map[string]int{}
	for i, c := range centre.GridDisk(6) {
		d := centre.GridDistance(c)
		a := area{id: c.String(), residents: 1000, people: map[string]int{
			"poverty": jitter(i, 1, 6), "housing": jitter(i, 2, 4), "health": jitter(i, 3, 3), "multi_domain": jitter(i, 4, 1),
		}}
		if d <= 2 {
			a.people["poverty"], a.people["health"] = 80+i%3, 50+i%4
		}
		areas = append(areas, a)
		distance[a.id] = d
	}
	return areas, distance
}

type row struct {
	stat, z, p  *float64
	cluster     int
	significant bool
	runID       int64
}

// results reads the stored hotspots of one analysis, by area.
func results(t *testing.T, db *pgxpool.Pool, geography, period, analysis string) map[string]row {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT area_id, statistic, z_sim, p_value, cluster, significant, run_id
		FROM hotspots WHERE geography = $1 AND period = $2 AND analysis = $3`, geography, period, analysis)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]row{}
	for rows.Next() {
		var id string
		var r row
		if err := rows.Scan(&id, &r.stat, &r.z, &r.p, &r.cluster, &r.significant, &r.runID); err != nil {
			t.Fatal(err)
		}
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func analyses() []string {
	var out []string
	for _, ind := range hotspots.Indicators {
		out = append(out, "moran:"+ind, "gi:"+ind)
	}
	for _, p := range hotspots.Pairs {
		out = append(out, "bivariate:"+p[0]+":"+p[1])
	}
	return out
}

func TestPlantedClusterIsFoundAsHighHigh(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	areas, distance := hexArea()
	store(t, db.Pool, "h3_10", "2025", areas)
	sum, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ analysis, what string }{
		{"moran:poverty", "High-High"},
		{"gi:poverty", "hot spot"},
		{"moran:health", "High-High"},
		{"bivariate:poverty:health", "High-High (high poverty among high health need)"},
	} {
		res := results(t, db.Pool, "h3_10", "2025", c.analysis)
		// The cells whose six neighbours are all in the planted cluster are found...
		for area, r := range res {
			if distance[area] <= 1 && (r.cluster != 1 || !r.significant) {
				t.Errorf("%s: %s, inside the planted cluster, is cluster %d, significant %v; want a significant %s",
					c.analysis, area, r.cluster, r.significant, c.what)
			}
			// ... and nothing far from it is.
			if r.significant && r.cluster == 1 && distance[area] > 3 {
				t.Errorf("%s: significant cluster 1 at %s, %d steps from the planted cluster", c.analysis, area, distance[area])
			}
		}
	}
	// Housing has no cluster: no High-High or hot spot.
	for _, a := range []string{"moran:housing", "gi:housing"} {
		for area, r := range results(t, db.Pool, "h3_10", "2025", a) {
			if r.significant && r.cluster == 1 && distance[area] <= 1 {
				t.Errorf("%s: the poverty cluster shows as a housing cluster at %s", a, area)
			}
		}
	}
	if sum.Significant["moran:poverty@h3_10"] < 7 {
		t.Errorf("summary %v does not report the planted cluster", sum.Significant)
	}
}

func TestStoredRowsCarryTheRunAndItsParameters(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	areas, _ := hexArea()
	store(t, db.Pool, "h3_10", "2025", areas)
	// Two resolution-9 areas are too few for local statistics: skipped, not an error.
	two := []area{
		{id: centre.Parent(9).String(), residents: 500, people: map[string]int{"poverty": 3, "housing": 1, "health": 2, "multi_domain": 1}},
		{id: centre.Parent(9).GridDisk(1)[1].String(), residents: 400, people: map[string]int{"poverty": 1, "housing": 2, "health": 1, "multi_domain": 0}},
	}
	store(t, db.Pool, "h3_9", "2025", two)

	const perms = 199
	sum, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Permutations: perms, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	var kind, period string
	var raw []byte
	if err := db.Pool.QueryRow(ctx, `SELECT kind, period, parameters FROM analysis_runs WHERE id = $1`, sum.RunID).Scan(&kind, &period, &raw); err != nil {
		t.Fatal(err)
	}
	var params struct {
		Permutations int      `json:"permutations"`
		Seed         uint64   `json:"seed"`
		FDR          float64  `json:"fdr_q"`
		Geographies  []string `json:"geographies"`
		Indicators   []string `json:"indicators"`
	}
	if err := json.Unmarshal(raw, &params); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "skipped") || len(sum.Skipped) != 0 {
		t.Errorf("a run where every input varies skipped %v (%s)", sum.Skipped, raw)
	}
	if kind != "hotspots" || period != "2025" || params.Permutations != perms || params.Seed != 42 || params.FDR != 0.05 ||
		len(params.Geographies) != len(hotspots.Geographies) || len(params.Indicators) != len(hotspots.Indicators) {
		t.Fatalf("run %d recorded as %s %s %s; want hotspots 2025 with 199 permutations, seed 42, the default q 0.05", sum.RunID, kind, period, raw)
	}

	var other int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM hotspots WHERE geography <> 'h3_10'`).Scan(&other); err != nil || other != 0 {
		t.Fatalf("%d rows stored for geographies with fewer than 3 areas (%v)", other, err)
	}
	for _, a := range analyses() {
		res := results(t, db.Pool, "h3_10", "2025", a)
		if len(res) != len(areas) {
			t.Fatalf("%s: %d rows for %d areas", a, len(res), len(areas))
		}
		significant := 0
		for area, r := range res {
			if r.runID != sum.RunID {
				t.Fatalf("%s %s: run %d, want %d", a, area, r.runID, sum.RunID)
			}
			// Pseudo p-values are (M+1)/(R+1): multiples of 1/(R+1) in (0, 1].
			if r.p == nil {
				t.Fatalf("%s %s: no p-value", a, area)
			}
			m := *r.p * (perms + 1)
			if math.Abs(m-math.Round(m)) > 1e-6 || m < 1-1e-9 || m > perms+1+1e-9 {
				t.Fatalf("%s %s: p = %v is not (M+1)/%d", a, area, *r.p, perms+1)
			}
			if r.significant {
				significant++
			}
		}
		if got, ok := sum.Significant[a+"@h3_10"]; !ok || got != significant {
			t.Errorf("%s: summary says %d significant (present %v), the table %d", a, got, ok, significant)
		}
		if _, ok := sum.Significant[a+"@h3_9"]; ok {
			t.Errorf("%s: summary reports the skipped resolution 9", a)
		}
	}
}

// benjaminiHochberg is the step-up cut-off, written out here from its definition: the largest
// p_(k) with p_(k) <= k q / m, or 0.
func benjaminiHochberg(p []float64, q float64) float64 {
	s := append([]float64(nil), p...)
	sort.Float64s(s)
	for k := len(s); k >= 1; k-- {
		if s[k-1] <= float64(k)*q/float64(len(s)) {
			return s[k-1]
		}
	}
	return 0
}

func TestSignificanceIsTheFalseDiscoveryRateCutOff(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	areas, _ := hexArea()
	store(t, db.Pool, "h3_10", "2025", areas)
	significantAt := map[float64]map[string]bool{}
	for _, q := range []float64{0.2, 0.01, 1} {
		if _, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Permutations: 499, Seed: 3, FDR: q}); err != nil {
			t.Fatal(err)
		}
		significantAt[q] = map[string]bool{}
		for _, a := range analyses() {
			res := results(t, db.Pool, "h3_10", "2025", a)
			var tested []float64
			for _, r := range res {
				if r.cluster != 5 && r.cluster != 6 { // undefined and isolated areas are not tested
					tested = append(tested, *r.p)
				}
			}
			cut := benjaminiHochberg(tested, q)
			for area, r := range res {
				want := r.cluster != 5 && r.cluster != 6 && cut > 0 && *r.p <= cut
				if r.significant != want {
					t.Errorf("q %v, %s %s: p %v, cut-off %v, significant %v", q, a, area, *r.p, cut, r.significant)
				}
				if !r.significant && r.cluster != 0 && r.cluster != 5 && r.cluster != 6 {
					t.Errorf("q %v, %s %s: not significant but cluster %d", q, a, area, r.cluster)
				}
				if r.significant {
					significantAt[q][a+" "+area] = true
				}
			}
			if q == 1 && len(tested) > 0 && !allTested(res) {
				t.Errorf("q 1, %s: not every tested area is significant", a)
			}
		}
	}
	// A stricter rate keeps a subset of the discoveries of a looser one.
	for k := range significantAt[0.01] {
		if !significantAt[0.2][k] {
			t.Errorf("%s significant at q 0.01 but not at 0.2", k)
		}
	}
	if len(significantAt[0.01]) >= len(significantAt[1]) {
		t.Errorf("q 0.01 finds %d, q 1 finds %d: the rate does not reach the cut-off", len(significantAt[0.01]), len(significantAt[1]))
	}
}

func allTested(res map[string]row) bool {
	for _, r := range res {
		if r.cluster != 5 && r.cluster != 6 && !r.significant {
			return false
		}
	}
	return true
}

// The stored statistics are the documented formulas on the documented inputs: Local Moran of
// the Assuncao-Reis standardised rates with row-standardised weights, and Gi* of the stored EB
// rates; areas without residents are left out.
func TestStatisticsOnQueenContiguousSections(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	// An 8 x 8 grid of square sections; high poverty in the 3 x 3 block at one corner; the
	// section at the opposite corner has no residents.
	const n, size = 8, 0.005
	id := func(r, c int) string { return fmt.Sprintf("S%d%d", r, c) }
	var areas []area
	index := map[string]int{}
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			x0, y0 := 10.90+float64(c)*size, 44.63+float64(r)*size
			_, err := db.Pool.Exec(ctx, `INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom)
				VALUES ($1, '036023', 0, true, ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)))`, id(r, c), x0, y0, x0+size, y0+size)
			if err != nil {
				t.Fatal(err)
			}
			i := r*n + c
			a := area{id: id(r, c), residents: float64(300 + 37*(i%5) + 11*(i%3)), people: map[string]int{
				"poverty": jitter(i, 1, 2), "housing": jitter(i, 2, 2), "health": jitter(i, 3, 1), "multi_domain": jitter(i, 4, 0),
			}}
			if r < 3 && c < 3 {
				a.people["poverty"] = 40 + i
			}
			if r == n-1 && c == n-1 {
				a.residents = 0
			} else {
				index[a.id] = len(index)
			}
			areas = append(areas, a)
		}
	}
	store(t, db.Pool, "section", "2025", areas)
	sum, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Permutations: 9999, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Significant["moran:poverty@section"] == 0 {
		t.Error("the planted block is not found on sections")
	}

	// Queen neighbours among the areas with residents.
	var defined []area
	for _, a := range areas {
		if a.residents > 0 {
			defined = append(defined, a)
		}
	}
	neighbours := make([][]int, len(defined))
	for i, a := range defined {
		r, c := int(a.id[1]-'0'), int(a.id[2]-'0')
		for dr := -1; dr <= 1; dr++ {
			for dc := -1; dc <= 1; dc++ {
				if j, ok := index[id(r+dr, c+dc)]; ok && (dr != 0 || dc != 0) && r+dr >= 0 && c+dc >= 0 && r+dr < n && c+dc < n {
					neighbours[i] = append(neighbours[i], j)
				}
			}
		}
	}
	for _, ind := range hotspots.Indicators {
		moran := localMoran(assuncaoReis(defined, ind), neighbours)
		gi := giStar(defined, ind, neighbours)
		mres := results(t, db.Pool, "section", "2025", "moran:"+ind)
		gres := results(t, db.Pool, "section", "2025", "gi:"+ind)
		if len(mres) != len(defined) || len(gres) != len(defined) {
			t.Fatalf("%s: %d and %d rows for %d sections with residents", ind, len(mres), len(gres), len(defined))
		}
		for i, a := range defined {
			if got := mres[a.id].stat; got == nil || math.Abs(*got-moran[i]) > 1e-9 {
				t.Errorf("moran:%s %s: I = %v, want %v", ind, a.id, deref(got), moran[i])
			}
			if got := gres[a.id].stat; got == nil || math.Abs(*got-gi[i]) > 1e-12 {
				t.Errorf("gi:%s %s: G* = %v, want %v", ind, a.id, deref(got), gi[i])
			}
		}
	}
	// The middle of the planted block, whose eight neighbours are all in it.
	if r := results(t, db.Pool, "section", "2025", "moran:poverty")[id(1, 1)]; r.cluster != 1 || !r.significant {
		t.Errorf("middle of the planted block: cluster %d, significant %v; want significant High-High", r.cluster, r.significant)
	}
}

// assuncaoReis standardises each area's rate (per person) as in Assuncao and Reis (1999).
func assuncaoReis(areas []area, ind string) []float64 {
	var sumE, sumB float64
	for _, a := range areas {
		sumE += float64(a.people[ind])
		sumB += a.residents
	}
	r := sumE / sumB
	var ss float64
	for _, a := range areas {
		d := float64(a.people[ind])/a.residents - r
		ss += a.residents * d * d
	}
	s2 := ss / sumB
	prior := s2 - r/(sumB/float64(len(areas)))
	out := make([]float64, len(areas))
	for i, a := range areas {
		v := prior + r/a.residents
		if v < 0 {
			v = r / a.residents
		}
		out[i] = (float64(a.people[ind])/a.residents - r) / math.Sqrt(v)
	}
	return out
}

// localMoran is I_i = (n-1)/n z_i lag_i with z standardised by the population sd.
func localMoran(y []float64, nb [][]int) []float64 {
	var mean, ss float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	for _, v := range y {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / float64(len(y)))
	out := make([]float64, len(y))
	n := float64(len(y))
	for i := range y {
		var lag float64
		for _, j := range nb[i] {
			lag += (y[j] - mean) / sd
		}
		lag /= float64(len(nb[i]))
		out[i] = (n - 1) / n * (y[i] - mean) / sd * lag
	}
	return out
}

// giStar is (y_i + sum of neighbours' y) / ((k_i + 1) T).
func giStar(areas []area, ind string, nb [][]int) []float64 {
	var total float64
	for _, a := range areas {
		total += a.eb(ind)
	}
	out := make([]float64, len(areas))
	for i, a := range areas {
		s := a.eb(ind)
		for _, j := range nb[i] {
			s += areas[j].eb(ind)
		}
		out[i] = s / (float64(len(nb[i])+1) * total)
	}
	return out
}

func TestRunAgainReplacesOnlyItsPeriod(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	areas, _ := hexArea()
	store(t, db.Pool, "h3_10", "2024", areas)
	store(t, db.Pool, "h3_10", "2025", areas)
	opt := hotspots.Options{Permutations: 99, Seed: 5}
	old, err := hotspots.Run(ctx, db.Pool, "2024", opt)
	if err != nil {
		t.Fatal(err)
	}
	first, err := hotspots.Run(ctx, db.Pool, "2025", opt)
	if err != nil {
		t.Fatal(err)
	}
	firstRows := results(t, db.Pool, "h3_10", "2025", "moran:poverty")
	second, err := hotspots.Run(ctx, db.Pool, "2025", opt)
	if err != nil {
		t.Fatal(err)
	}
	if second.RunID == first.RunID {
		t.Fatal("a second run has the first run's id")
	}
	var rows2025, runs2025, runs2024, rows2024 int
	err = db.Pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM hotspots WHERE period = '2025' AND run_id = $1),
		(SELECT count(*) FROM hotspots WHERE period = '2025'),
		(SELECT count(*) FROM hotspots WHERE period = '2024' AND run_id = $2),
		(SELECT count(*) FROM hotspots WHERE period = '2024')`, second.RunID, old.RunID).Scan(&runs2025, &rows2025, &runs2024, &rows2024)
	if err != nil {
		t.Fatal(err)
	}
	want := len(areas) * len(analyses())
	if rows2025 != want || runs2025 != want || rows2024 != want || runs2024 != want {
		t.Fatalf("2025: %d rows, %d of the latest run; 2024: %d rows, %d of its run; want %d each", rows2025, runs2025, rows2024, runs2024, want)
	}
	// The same seed gives the same results.
	for id, r := range results(t, db.Pool, "h3_10", "2025", "moran:poverty") {
		f := firstRows[id]
		if *r.stat != *f.stat || *r.p != *f.p || *r.z != *f.z || r.cluster != f.cluster || r.significant != f.significant {
			t.Fatalf("%s: the same seed gave %+v, then %+v", id, f, r)
		}
	}
	var runs int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM analysis_runs WHERE kind = 'hotspots'`).Scan(&runs); err != nil || runs != 3 {
		t.Fatalf("%d analysis runs recorded, want 3 (%v)", runs, err)
	}
}

func TestBadOptionsChangeNothing(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	areas, _ := hexArea()
	store(t, db.Pool, "h3_10", "2025", areas)
	sum, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Permutations: 99})
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []hotspots.Options{{FDR: 1.5}, {FDR: -0.1}, {Permutations: -5}} {
		if _, err := hotspots.Run(ctx, db.Pool, "2025", opt); err == nil {
			t.Errorf("options %+v accepted", opt)
		}
	}
	var rows, runs int
	err = db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM hotspots WHERE run_id = $1), (SELECT count(*) FROM analysis_runs)`, sum.RunID).Scan(&rows, &runs)
	if err != nil || rows != len(areas)*len(analyses()) || runs != 1 {
		t.Fatalf("after refused runs: %d rows of the good run, %d runs recorded (%v)", rows, runs, err)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// An indicator nobody has in a period (say, no health authority file loaded) has nothing to
// test: the other indicators are still analysed.
func TestIndicatorWithoutCasesDoesNotStopTheRun(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	areas, distance := hexArea()
	for _, a := range areas {
		a.people["health"] = 0
	}
	store(t, db.Pool, "h3_10", "2025", areas)
	sum, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for area, r := range results(t, db.Pool, "h3_10", "2025", "moran:poverty") {
		if distance[area] == 0 && (r.cluster != 1 || !r.significant) {
			t.Errorf("the poverty cluster is not found when health has no cases: %+v", r)
		}
	}
	// Every analysis of health is skipped, and says so; the others are stored.
	skipped := map[string]bool{"moran:health": true, "gi:health": true, "bivariate:poverty:health": true, "bivariate:housing:health": true}
	var want []string
	for a := range skipped {
		want = append(want, a+"@h3_10")
	}
	sort.Strings(want)
	got := append([]string(nil), sum.Skipped...)
	sort.Strings(got)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("skipped %v, want %v", got, want)
	}
	var recorded []string
	if err := db.Pool.QueryRow(ctx, `SELECT parameters->'skipped' FROM analysis_runs WHERE id = $1`, sum.RunID).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	sort.Strings(recorded)
	if fmt.Sprint(recorded) != fmt.Sprint(want) {
		t.Errorf("the run records %v as skipped, want %v", recorded, want)
	}
	for _, a := range analyses() {
		rows := results(t, db.Pool, "h3_10", "2025", a)
		_, counted := sum.Significant[a+"@h3_10"]
		if skipped[a] && (len(rows) != 0 || counted) {
			t.Errorf("%s: %d rows stored (counted %v) without a single case", a, len(rows), counted)
		}
		if !skipped[a] && (len(rows) != len(areas) || !counted) {
			t.Errorf("%s: %d rows stored (counted %v), want %d", a, len(rows), counted, len(areas))
		}
	}
}
