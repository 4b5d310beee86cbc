package disclosure_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/abitare/abitare/postgres/testdb"
)

// seed writes true counts for sections and OMI zones: every value 0..40 for each indicator,
// with cell keys, in two periods with the same people (same keys), plus small areas.
func seed(t *testing.T, db *testdb.DB) {
	t.Helper()
	var rows []string
	for _, period := range []string{"2025", "2025-Q1"} {
		for _, ind := range []string{"poverty", "health"} {
			for v := 0; v <= 40; v++ {
				key := "NULL"
				if v > 0 {
					key = fmt.Sprint(int64(v) * 7919 * 104729 % (1 << 31))
				}
				for _, g := range []string{"section", "omi"} {
					rows = append(rows, fmt.Sprintf("('%s', 'a%d', '%s', '%s', %d, 500, false, %s)", g, v, period, ind, v, key))
				}
			}
			rows = append(rows, fmt.Sprintf("('section', 'tiny', '%s', '%s', 3, 40, true, 12345)", period, ind))
		}
	}
	_, err := db.Pool.Exec(context.Background(), `INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, unstable, cell_key) VALUES `+strings.Join(rows, ", "))
	if err != nil {
		t.Fatal(err)
	}
}

func snapshot(t *testing.T, db *testdb.DB) string {
	t.Helper()
	var s string
	err := db.Pool.QueryRow(context.Background(), `SELECT string_agg(concat_ws(':', geography, area_id, period, indicator, people, rate, status), ',' ORDER BY geography, area_id, period, indicator) FROM public_indicators`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRelease(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	seed(t, db)
	opt := disclosure.Options{Params: cellkey.DefaultParams(), MinResidents: disclosure.DefaultMinResidents, By: "test"}
	m, err := disclosure.Release(ctx, db.Pool, opt)
	if err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, db)

	rows, err := db.Pool.Query(ctx, `SELECT p.geography, p.area_id, p.period, p.indicator, p.people, p.rate, p.status, a.people
		FROM public_indicators p JOIN area_indicators a USING (geography, area_id, period, indicator)`)
	if err != nil {
		t.Fatal(err)
	}
	byPeriod := map[string]map[string]*int{}
	changed := 0
	for rows.Next() {
		var g, area, period, ind, status string
		var people *int
		var rate *float64
		var truth int
		if err := rows.Scan(&g, &area, &period, &ind, &people, &rate, &status, &truth); err != nil {
			t.Fatal(err)
		}
		switch {
		case area == "tiny" || (ind == "health" && g == "section"):
			if status != disclosure.Suppressed || people != nil || rate != nil {
				t.Errorf("%s %s %s: %s %v, want suppressed", g, area, ind, status, people)
			}
			continue
		case status != disclosure.Protected || people == nil:
			t.Fatalf("%s %s %s: status %s", g, area, ind, status)
		case *people >= 1 && *people < 5:
			t.Errorf("%s %s %s: published %d", g, area, ind, *people)
		case *people-truth > 5 || truth-*people > 5:
			t.Errorf("%s %s %s: %d published as %d, beyond the maximum deviation", g, area, ind, truth, *people)
		case rate == nil || *rate != float64(int(float64(*people)*2*100))/100:
			t.Errorf("%s %s %s: rate %v not from the protected count %d of 500 residents", g, area, ind, rate, *people)
		}
		if *people != truth {
			changed++
		}
		k := g + area + ind
		if byPeriod[k] == nil {
			byPeriod[k] = map[string]*int{}
		}
		byPeriod[k][period] = people
	}
	if changed < 20 {
		t.Errorf("only %d counts perturbed", changed)
	}
	// The same people (same cell keys) in two periods get the same noise.
	for k, p := range byPeriod {
		if *p["2025"] != *p["2025-Q1"] {
			t.Errorf("%s: %d in the year, %d in the quarter, from the same people", k, *p["2025"], *p["2025-Q1"])
		}
	}
	if m.Threshold != 5 || !strings.HasPrefix(m.KeyID, "ptable:") || len(m.Periods) != 2 || m.Utility["omi"].Figures == 0 {
		t.Errorf("manifest %+v", m)
	}
	// Publishing again gives identical figures: noise cannot be averaged over releases.
	if _, err := disclosure.Release(ctx, db.Pool, opt); err != nil {
		t.Fatal(err)
	}
	if again := snapshot(t, db); again != first {
		t.Error("a second release changed the published figures")
	}
	var releases int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM releases`).Scan(&releases); err != nil || releases != 2 {
		t.Errorf("%d releases recorded", releases)
	}
}

func TestPublishRefusesCountsWithoutCellKeys(t *testing.T) {
	db := testdb.New(t)
	if _, err := db.Pool.Exec(context.Background(), `INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, unstable)
		VALUES ('section', 'x', '2025', 'poverty', 7, 300, false)`); err != nil {
		t.Fatal(err)
	}
	_, err := disclosure.Release(context.Background(), db.Pool, disclosure.Options{Params: cellkey.DefaultParams(), MinResidents: 100, By: "test"})
	if err == nil || !strings.Contains(err.Error(), "run abitare aggregate again") {
		t.Fatalf("err = %v", err)
	}
}

func TestWithheld(t *testing.T) {
	for _, c := range []struct {
		count, threshold int
		withheld         bool
	}{{0, 5, false}, {1, 5, true}, {4, 5, true}, {5, 5, false}, {120, 5, false}, {1, 1, false}, {2, 3, true}} {
		if got := disclosure.Withheld(c.count, c.threshold); got != c.withheld {
			t.Errorf("Withheld(%d, %d) = %v", c.count, c.threshold, got)
		}
	}
}
