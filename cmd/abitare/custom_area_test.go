package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/customarea"
	"github.com/abitare/abitare/postgres/testdb"
)

// checkCustomArea: POST /api/custom-area gives a planner protected figures for three sections,
// refuses the public and roles without aggregates, answers a bad polygon with a JSON error
// saying why, is audited, and resists the differencing attack on withheld sections.
func checkCustomArea(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	ctx := context.Background()
	// Three large sections holding no withheld figure: their figures are their true sums (with
	// withheld units inside, those enter perturbed; see checkCustomAreaDifferencing).
	rows, err := db.Pool.Query(ctx, `SELECT c.area_id FROM area_indicators c
		WHERE c.geography = 'section' AND c.period = '2025' AND c.indicator = 'housing'
		  AND NOT EXISTS (SELECT 1 FROM withheld_figures w WHERE w.geography = 'section' AND w.area_id = c.area_id AND w.period = '2025'
		                  AND w.figure IN (SELECT DISTINCT indicator FROM area_indicators))
		ORDER BY c.residents DESC, c.area_id LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != 3 {
		t.Fatalf("%d sections without a withheld indicator in 2025, want 3 to select", len(ids))
	}
	idsJSON, _ := json.Marshal(ids)
	body := fmt.Sprintf(`{"period": "2025", "areas": {"geography": "section", "ids": %s}}`, idsJSON)

	res := postCustomArea(t, base, users[auth.Planner], body)
	if res.Geography != "section" || len(res.Figures) != 6 || !strings.HasPrefix(res.Protection, "sum of the selected units") || res.Release < 1 {
		t.Fatalf("planner: %+v", res)
	}
	var residents float64
	if err := db.Pool.QueryRow(ctx, `SELECT sum(residents) FROM census_sections WHERE id = ANY ($1)`, ids).Scan(&residents); err != nil {
		t.Fatal(err)
	}
	var outline struct{ Type string }
	if err := json.Unmarshal(res.Outline, &outline); err != nil || !strings.HasSuffix(outline.Type, "Polygon") {
		t.Fatalf("outline %s: %v", truncate(res.Outline), err)
	}
	for _, f := range res.Figures {
		// People are placed in one section each, so the selection's true count is the sum of
		// its sections', shown as it is when no section withholds it.
		var truth int
		if err := db.Pool.QueryRow(ctx, `SELECT sum(people) FROM area_indicators WHERE geography = 'section' AND period = '2025'
			AND indicator = $1 AND area_id = ANY ($2)`, f.Indicator, ids).Scan(&truth); err != nil {
			t.Fatal(err)
		}
		if f.Residents != residents {
			t.Errorf("%s: residents %v, want the sections' %v", f.Indicator, f.Residents, residents)
		}
		if f.Status != "published" || f.People == nil || *f.People != truth || f.CILow == nil || f.Rate == nil {
			t.Errorf("%s: %+v, want the published true sum %d", f.Indicator, f, truth)
		}
	}

	for _, role := range []auth.Role{auth.Public, auth.LinkageOfficer, auth.Administrator} {
		status, b, _ := request(t, "POST", base+"/api/custom-area", users[role], body)
		want := http.StatusForbidden
		if role == auth.Public {
			want = http.StatusUnauthorized
		}
		if status != want {
			t.Errorf("%s: %d %s, want %d", role, status, truncate(b), want)
		}
	}

	// A bow tie: its edges cross at (10.925, 44.645), in the city.
	bowtie := `{"period": "2025", "polygon": {"type": "Polygon", "coordinates": [[[10.92, 44.64], [10.93, 44.65], [10.93, 44.64], [10.92, 44.65], [10.92, 44.64]]]}}`
	status, b, _ := request(t, "POST", base+"/api/custom-area", users[auth.Planner], bowtie)
	var e struct{ Error, Code string }
	if err := json.Unmarshal(b, &e); status != http.StatusBadRequest || err != nil || e.Code != "invalid" || !strings.Contains(e.Error, "Self-intersection") {
		t.Errorf("bow tie: %d %s, want 400 with a JSON error naming the self-intersection", status, truncate(b))
	}

	// The entry records the whole selection (customarea.Query.AuditTarget).
	target, err := customarea.Query{Period: "2025", Areas: &customarea.Areas{Geography: "section", IDs: ids}}.AuditTarget()
	if err != nil || !strings.Contains(target, `"`+ids[2]+`"`) {
		t.Fatalf("audit target %s, %v", target, err)
	}
	var audited int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'custom area' AND target = $1`,
		target).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("audit entries for the custom area %s: %d, %v; want 1", target, audited, err)
	}

	for _, format := range []string{"html", "xlsx"} {
		status, b, header := request(t, "POST", base+"/api/custom-area/report?lang=en&format="+format, users[auth.Planner], body)
		if status != http.StatusOK || (format == "html" && !strings.Contains(string(b), "Custom area section "+slices.Min(ids))) ||
			(format == "xlsx" && !strings.Contains(header.Get("Content-Type"), "spreadsheetml")) {
			t.Errorf("report as %s: %d %s %s", format, status, header.Get("Content-Type"), truncate(b))
		}
	}

	checkCustomAreaDifferencing(t, base, db, users[auth.Planner])
}

type customAreaFigure struct {
	Indicator string
	People    *int
	Residents float64
	Rate      *float64
	CILow     *float64 `json:"ci_low"`
	Status    string
}

type customAreaResult struct {
	Geography, Protection string
	Release               int64
	Figures               []customAreaFigure `json:"indicators"`
	Outline               json.RawMessage
}

func postCustomArea(t *testing.T, base string, u testUser, body string) customAreaResult {
	t.Helper()
	status, b, _ := request(t, "POST", base+"/api/custom-area", u, body)
	if status != http.StatusOK {
		t.Fatalf("custom area %s: %d %s", body, status, truncate(b))
	}
	var res customAreaResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// checkCustomAreaDifferencing plays the subtraction attack: a section whose small count is
// withheld, plus a shown neighbour, minus the neighbour's shown count. With true counts that
// gives the withheld count every time. Now it gives the withheld section's figure in the public
// release (which the planner reads anyway), whatever neighbour is added; for health, which the
// release does not publish below districts, the pair is withheld.
func checkCustomAreaDifferencing(t *testing.T, base string, db *testdb.DB, planner testUser) {
	ctx := context.Background()
	rows, err := db.Pool.Query(ctx, `
		SELECT w.area_id, n.id, w.figure, u.people, pub.people, nb.people
		FROM withheld_figures w
		JOIN area_indicators u ON u.geography = 'section' AND u.area_id = w.area_id AND u.period = w.period AND u.indicator = w.figure
		JOIN census_sections su ON su.id = w.area_id
		JOIN census_sections n ON n.id <> su.id AND ST_Intersects(su.geom, n.geom)
		JOIN area_indicators nb ON nb.geography = 'section' AND nb.area_id = n.id AND nb.period = w.period AND nb.indicator = w.figure
		LEFT JOIN public_indicators pub ON pub.geography = 'section' AND pub.area_id = w.area_id AND pub.period = w.period
		     AND pub.indicator = w.figure AND pub.status = 'protected'
		WHERE w.geography = 'section' AND w.period = '2025' AND NOT w.secondary AND nb.people >= 5
		  AND su.residents + n.residents >= 100 AND w.figure IN ('poverty', 'housing', 'health', 'work', 'education', 'multi_domain')
		  AND NOT EXISTS (SELECT 1 FROM withheld_figures x WHERE x.geography = 'section' AND x.period = w.period
		                  AND x.area_id = n.id AND x.figure = w.figure)
		-- As many pairs whose withheld section has a public figure as pairs whose has none.
		ORDER BY row_number() OVER (PARTITION BY pub.people IS NULL ORDER BY w.area_id, w.figure, n.id), pub.people IS NULL
		LIMIT 80`)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		withheld, shown, indicator string
		small                      int
		published                  *int
		neighbour                  int
	}
	var pairs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.withheld, &p.shown, &p.indicator, &p.small, &p.published, &p.neighbour); err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if len(pairs) < 10 {
		t.Fatalf("%d withheld sections with a shown neighbour: too few for the attack to prove anything", len(pairs))
	}
	answered, withheld := 0, 0
	for _, p := range pairs {
		body := fmt.Sprintf(`{"period": "2025", "areas": {"geography": "section", "ids": [%q, %q]}}`, p.withheld, p.shown)
		got := figureOf(postCustomArea(t, base, planner, body), p.indicator)
		if p.published == nil {
			if got.Status != "withheld" || got.People != nil {
				t.Errorf("%s %s+%s: %+v, want withheld: the withheld section has no public figure", p.indicator, p.withheld, p.shown, got)
			}
			withheld++
			continue
		}
		if got.Status != "protected" || got.People == nil {
			t.Errorf("%s %s+%s: %+v, want answered with the withheld section's public figure", p.indicator, p.withheld, p.shown, got)
			continue
		}
		if diff := *got.People - p.neighbour; diff != *p.published || (diff != 0 && diff != 5) {
			t.Errorf("%s %s+%s: the difference is %d, want the section's public figure %d (0 or 5)", p.indicator, p.withheld, p.shown, diff, *p.published)
		}
		answered++
	}
	t.Logf("differencing %d pairs (a withheld section and a shown neighbour): %d give the section's public figure, %d withheld (no public figure)", len(pairs), answered, withheld)
	if answered == 0 {
		t.Error("no pair answered: custom areas withhold everything")
	}
}

func figureOf(res customAreaResult, indicator string) customAreaFigure {
	for _, f := range res.Figures {
		if f.Indicator == indicator {
			return f
		}
	}
	return customAreaFigure{}
}

func abs(x int) int { return int(math.Abs(float64(x))) }
