package tiles

import (
	"context"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/postgres/testdb"
)

// The restricted section layer carries the composite indices and the coverage shares, and
// withholds them as the profile does: an index when any of its inputs is withheld (small or
// listed), a share when the need's people, those without help or the helped are.
func TestRestrictedSectionsCarryMeasures(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO area_stats (geography, area_id, period, residents, poverty, housing, health, two_plus, all_three, overlap)
		VALUES ('municipality', 'M', '2025', 1000, 0, 0, 0, 0, 0, 0)`)
	var run int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO analysis_runs (kind, period, parameters) VALUES ('composite', '2025', '{}') RETURNING id`).Scan(&run); err != nil {
		t.Fatal(err)
	}
	// Section ok: every input shown. small: one domain's count is 2. listed: one domain listed.
	for _, s := range []string{"ok", "small", "listed"} {
		exec(`INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom)
			VALUES ($1, 'M', 500, true, ST_Multi(ST_MakeEnvelope(10.9, 44.6, 10.91, 44.61, 4326)))`, s)
		for i, ind := range abitare.Indicators {
			people := 10 + i
			if s == "small" && ind == abitare.CompositeDomains[0] {
				people = 2
			}
			exec(`INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, rate, unstable)
				VALUES ('section', $1, '2025', $2, $3, 500, $4, false)`, s, ind, people, float64(people)*2)
		}
		exec(`INSERT INTO area_composite (geography, area_id, period, ampi, imd, run_id) VALUES ('section', $1, '2025', 104.26, 12.34, $2)`, s, run)
	}
	exec(`INSERT INTO withheld_figures (geography, area_id, period, figure, secondary) VALUES ('section', 'listed', '2025', $1, true)`, abitare.CompositeDomains[1])
	// Coverage of section ok: eviction 20 of 40 without help (shown); disability 3 of 30 without
	// help (small); mental_health 30 of 32 (2 helped: small); job_seeker listed.
	for need, c := range map[string][2]int{"eviction": {40, 20}, "disability": {30, 3}, "mental_health": {32, 30}, "job_seeker": {50, 10}} {
		exec(`INSERT INTO area_coverage (geography, area_id, period, need, people, without_help) VALUES ('section', 'ok', '2025', $1, $2, $3)`, need, c[0], c[1])
	}
	exec(`INSERT INTO withheld_figures (geography, area_id, period, figure, secondary) VALUES ('section', 'ok', '2025', 'coverage:job_seeker:without_help', true)`)

	sql := restrictedIndicatorSections().featuresSQL(5)
	rows, err := db.Pool.Query(ctx, `SELECT id, ampi, imd, unhelped_eviction, unhelped_disability, unhelped_mental_health, unhelped_job_seeker FROM (`+sql+`) q`)
	if err != nil {
		t.Fatalf("features: %v", err)
	}
	defer rows.Close()
	got := map[string][]*float64{}
	for rows.Next() {
		var id string
		v := make([]*float64, 6)
		if err := rows.Scan(&id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
			t.Fatal(err)
		}
		got[id] = v
	}
	if len(got) != 3 {
		t.Fatalf("features: %v", got)
	}
	eq := func(p *float64, want float64) bool { return p != nil && *p == want }
	if ok := got["ok"]; !eq(ok[0], 104.3) || !eq(ok[1], 12.3) || !eq(ok[2], 0.5) || ok[3] != nil || ok[4] != nil || ok[5] != nil {
		t.Errorf("section ok: %v", show(ok))
	}
	for _, s := range []string{"small", "listed"} {
		if got[s][0] != nil || got[s][1] != nil {
			t.Errorf("section %s: composite shown with a withheld input: %v", s, show(got[s]))
		}
	}
	f := measureFields()
	for i := 0; i < len(f); i += 2 {
		if restrictedIndicatorHexagons().Fields[f[i]] != "Number" {
			t.Errorf("the restricted hexagons lack %s", f[i])
		}
	}
}

func show(v []*float64) []any {
	out := make([]any, len(v))
	for i, p := range v {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}
