package foresight

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/abitare/abitare/geo/history"
	"github.com/abitare/abitare/geo/trends"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"
)

// plantedCity is a history of 16 quarters over 127 H3 9 cells with Poisson need around a base
// rate, an emerging cluster (7 cells whose rate climbs to four times the base over the last
// six quarters) and a fading one (7 cells falling from four times the base over the first
// eight), written to a test database.
type plantedCity struct {
	quarters         []string
	cells            []h3.Cell
	emerging, fading map[string]bool
	residents, base  float64
	emergingFrom     int
	fadingUntil      int
	emergingCentre   string
	fadingCentre     string
}

func newPlantedCity(t *testing.T) plantedCity {
	centre := h3.LatLngToCell(h3.NewLatLng(44.6471, 10.9252), 9)
	cells := centre.GridDisk(6)
	slices.Sort(cells)
	quarters, err := history.QuarterRange("2022-Q1", "2025-Q4")
	if err != nil {
		t.Fatal(err)
	}
	ring := func(c h3.Cell) map[string]bool {
		disk := c.GridDisk(1)
		out := map[string]bool{}
		for _, d := range disk {
			out[d.String()] = true
		}
		return out
	}
	far := centre.GridDiskDistances(4)[4]
	slices.Sort(far)
	return plantedCity{quarters: quarters, cells: cells, emerging: ring(centre), fading: ring(far[0]),
		residents: 2000, base: 0.01, emergingFrom: 10, fadingUntil: 8, emergingCentre: centre.String(), fadingCentre: far[0].String()}
}

// rate is the planted rate: the emerging cluster's rises steadily from its start to four
// times the base in the last quarter; the fading one falls from four times to the base.
func (c plantedCity) rate(cell string, q int) float64 {
	last := len(c.quarters) - 1
	switch {
	case c.emerging[cell] && q >= c.emergingFrom:
		return c.base * (1 + 3*float64(q-c.emergingFrom+1)/float64(last-c.emergingFrom+1))
	case c.fading[cell] && q < c.fadingUntil:
		return c.base * (4 - 3*float64(q)/float64(c.fadingUntil))
	}
	return c.base
}

func (c plantedCity) store(t *testing.T, db *testdb.DB) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	var rows, residents [][]any
	total := make([]int, len(c.quarters))
	for _, cell := range c.cells {
		id := cell.String()
		residents = append(residents, []any{"h3_9", id, c.residents, nil})
		for q, quarter := range c.quarters {
			n := poisson(rng, c.rate(id, q)*c.residents)
			total[q] += n
			if n > 0 {
				rows = append(rows, []any{"h3_9", id, quarter, "housing", n})
			}
		}
	}
	residents = append(residents, []any{"municipality", "036023", c.residents * float64(len(c.cells)), nil})
	for q, quarter := range c.quarters {
		rows = append(rows, []any{"municipality", "036023", quarter, "housing", total[q]})
	}
	if _, err := db.Pool.CopyFrom(ctx, pgx.Identifier{"area_history"}, []string{"geography", "area_id", "quarter", "series", "people"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.CopyFrom(ctx, pgx.Identifier{"area_history_residents"}, []string{"geography", "area_id", "residents", "district"}, pgx.CopyFromRows(residents)); err != nil {
		t.Fatal(err)
	}
}

// poisson draws by inversion (small means only).
func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func TestTrendsFindThePlantedClusters(t *testing.T) {
	db := testdb.New(t)
	city := newPlantedCity(t)
	city.store(t, db)
	ctx := context.Background()
	sum, err := RunTrends(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Quarters != 16 {
		t.Fatalf("%d quarters, want 16", sum.Quarters)
	}
	list, err := ReadTrends(ctx, db.Pool, "h3_9", "housing")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(city.cells) {
		t.Fatalf("%d areas, want %d", len(list), len(city.cells))
	}
	emergingKinds := []string{trends.NewHotSpot.Key(), trends.ConsecutiveHotSpot.Key(), trends.IntensifyingHotSpot.Key()}
	var found, truePositive int
	byID := map[string]Trend{}
	for _, tr := range list {
		byID[tr.ID] = tr
		// The stored test is the one anybody recomputes from the z-scores answered.
		mk, err := trends.MannKendall(tr.Z)
		if err != nil {
			t.Fatal(err)
		}
		if mk.S != tr.MKS || math.Abs(mk.Var-tr.MKVar) > 1e-9 || math.Abs(mk.Z-tr.MKZ) > 1e-9 || math.Abs(mk.P-tr.MKP) > 1e-9 {
			t.Fatalf("area %s: stored Mann-Kendall %d %v %v %v, recomputed %+v", tr.ID, tr.MKS, tr.MKVar, tr.MKZ, tr.MKP, mk)
		}
		if slices.Contains(emergingKinds, tr.Category) {
			found++
			if city.emerging[tr.ID] {
				truePositive++
			}
		}
	}
	recall, precision := float64(truePositive)/float64(len(city.emerging)), float64(truePositive)/math.Max(1, float64(found))
	t.Logf("emerging hot spots: %d found, %d of the %d planted (recall %.2f, precision %.2f)", found, truePositive, len(city.emerging), recall, precision)
	if recall < 0.7 || precision < 0.7 {
		t.Errorf("emerging hot spots: recall %.2f, precision %.2f; want both at least 0.7", recall, precision)
	}
	if c := byID[city.emergingCentre].Category; !slices.Contains(emergingKinds, c) {
		t.Errorf("the emerging cluster's centre is %q, want one of %v", c, emergingKinds)
	}
	fading := byID[city.fadingCentre]
	if trends.Category(0).Key() != "no_pattern" {
		t.Fatal("category keys changed")
	}
	if fading.MKZ >= 0 || fading.MKP > trends.DefaultTrendAlpha || slices.Contains(emergingKinds, fading.Category) {
		t.Errorf("the fading cluster's centre: %q, Mann-Kendall Z %.2f p %.3f; want a significant fall and no emerging category", fading.Category, fading.MKZ, fading.MKP)
	}
}

func TestForecastsFromAPastQuarterBeatLastValue(t *testing.T) {
	db := testdb.New(t)
	city := newPlantedCity(t)
	city.store(t, db)
	ctx := context.Background()
	// What each area had in each quarter, from the history itself.
	had := map[string]float64{}
	rows, err := db.Pool.Query(ctx, `SELECT area_id || ' ' || quarter, people FROM area_history WHERE geography = 'h3_9'`)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&key, &n}, func() error { had[key] = 1000 * float64(n) / city.residents; return nil }); err != nil {
		t.Fatal(err)
	}
	var errModel, errNaive, bgModel, bgNaive float64
	var covered95, covered80, scored int
	// Rolling origins: forecasts made at each quarter from 2023-Q4 to 2024-Q4, scored on the
	// quarters that followed (the emerging cluster starts in 2024-Q4).
	for _, asOf := range []string{"2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"} {
		ans, err := Forecasts(ctx, db.Pool, "h3_9", "housing", asOf, 4)
		if err != nil {
			t.Fatal(err)
		}
		if ans.AsOf != asOf || len(ans.Areas) != len(city.cells) {
			t.Fatalf("as of %s, %d areas", ans.AsOf, len(ans.Areas))
		}
		next, err := history.QuartersAfter(asOf, 4)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range ans.Areas {
			for i, st := range a.Steps {
				if st.Period != next[i] {
					t.Fatalf("as of %s: step %d is %s, want %s", asOf, i+1, st.Period, next[i])
				}
				if st.Lo95 > st.Lo80 || st.Lo80 > st.Rate || st.Rate > st.Hi80 || st.Hi80 > st.Hi95 || st.Lo95 < 0 {
					t.Fatalf("area %s %s: intervals do not nest: %+v", a.ID, st.Period, st)
				}
				if st.Observed == nil || st.Withheld {
					continue
				}
				if *st.Observed != had[a.ID+" "+st.Period] {
					t.Fatalf("area %s %s: observed %v, history %v", a.ID, st.Period, *st.Observed, had[a.ID+" "+st.Period])
				}
				scored++
				if !city.emerging[a.ID] && !city.fading[a.ID] {
					bgModel += math.Abs(st.Rate - *st.Observed)
					bgNaive += math.Abs(had[a.ID+" "+asOf] - *st.Observed)
				}
				errModel += math.Abs(st.Rate - *st.Observed)
				errNaive += math.Abs(had[a.ID+" "+asOf] - *st.Observed)
				if *st.Observed >= st.Lo95 && *st.Observed <= st.Hi95 {
					covered95++
				}
				if *st.Observed >= st.Lo80 && *st.Observed <= st.Hi80 {
					covered80++
				}
			}
		}
	}
	t.Logf("background cells: MAE %.3f of last value's", bgModel/bgNaive)
	if scored < 2000 {
		t.Fatalf("only %d forecasts scored", scored)
	}
	relative, cov95, cov80 := errModel/errNaive, float64(covered95)/float64(scored), float64(covered80)/float64(scored)
	t.Logf("%d forecasts from 2023-Q4 to 2024-Q4: MAE %.3f of last value's; 95%% intervals cover %.3f, 80%% cover %.3f", scored, relative, cov95, cov80)
	if relative >= 1 {
		t.Errorf("forecasts do not beat last value: relative MAE %.3f", relative)
	}
	if cov95 < 0.85 || cov95 > 0.99 {
		t.Errorf("95%% intervals cover %.3f of what followed, want 0.85 to 0.99", cov95)
	}
	if _, err := Forecasts(ctx, db.Pool, "h3_9", "housing", "2019-Q4", 4); err == nil {
		t.Error("a quarter outside the history was accepted")
	}
	if _, err := Forecasts(ctx, db.Pool, "h3_9", "rent", "", 4); err == nil {
		t.Error("an unknown domain was accepted")
	}
	// A territory of one comune whose health series never moves: last value has no in-sample
	// change to be scaled by, and the answer must still be one a client can read.
	for _, q := range city.quarters {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO area_history (geography, area_id, quarter, series, people)
			VALUES ('municipality', '036023', $1, 'health', 50)`, q); err != nil {
			t.Fatal(err)
		}
	}
	one, err := Forecasts(ctx, db.Pool, "municipality", "health", "", 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(one); err != nil {
		t.Errorf("the forecasts of a one-comune territory do not encode: %v", err)
	}
	if len(one.Areas) != 1 || one.Areas[0].ID != "036023" {
		t.Errorf("one-comune forecasts: %+v", one.Areas)
	}
}
