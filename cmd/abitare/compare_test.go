package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/xuri/excelize/v2"
)

// checkCompare: GET /api/compare gives a planner three sections' true figures, with ranks, and
// the city; the public the published figures of the same areas; the comparison is audited.
func checkCompare(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	ctx := context.Background()
	rows, err := db.Pool.Query(ctx, `SELECT area_id FROM area_indicators WHERE geography = 'section' AND period = '2025'
		AND indicator = 'housing' AND people >= 20 ORDER BY area_id LIMIT 3`)
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
		t.Fatalf("%d sections with 20 or more people in housing need, want 3", len(ids))
	}
	u := base + "/api/compare?geography=section&period=2025&ids=" + strings.Join(ids, ",")

	status, body, _ := request(t, "GET", u, users[auth.Planner], "")
	if status != http.StatusOK {
		t.Fatalf("planner: %d %s", status, truncate(body))
	}
	var c profile.Comparison
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Areas) != 3 || c.City.Geography != "municipality" || len(c.City.Indicators) == 0 {
		t.Fatalf("planner: %d areas, city %q with %d indicators", len(c.Areas), c.City.Geography, len(c.City.Indicators))
	}
	for i, a := range c.Areas {
		var people int
		if err := db.Pool.QueryRow(ctx, `SELECT people FROM area_indicators WHERE geography = 'section' AND area_id = $1
			AND period = '2025' AND indicator = 'housing'`, ids[i]).Scan(&people); err != nil {
			t.Fatal(err)
		}
		got := byIndicatorOf(a.Area)["housing"]
		if a.ID != ids[i] || got.People == nil || *got.People != people || got.CILow == nil {
			t.Fatalf("planner: area %d is %s with housing %+v, want %s with %d people and an interval", i, a.ID, got, ids[i], people)
		}
		if r := a.Ranks["housing"]; r == nil || r.Rank < 1 || r.Rank > r.Of {
			t.Fatalf("planner: %s housing rank %+v", a.ID, r)
		}
	}
	var audited int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'compare areas' AND target LIKE 'section/' || $1 || '%'`, ids[0]).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited == 0 {
		t.Fatal("the planner's comparison is not in the audit trail")
	}

	status, body, _ = request(t, "GET", u, testUser{}, "")
	if status != http.StatusOK {
		t.Fatalf("public: %d %s", status, truncate(body))
	}
	if strings.Contains(string(body), "ci_low") || strings.Contains(string(body), "eb_rate") {
		t.Fatal("the public comparison carries restricted fields")
	}
	var pc profile.PublishedComparison
	if err := json.Unmarshal(body, &pc); err != nil {
		t.Fatal(err)
	}
	if len(pc.Areas) != 3 || pc.City.Geography != "municipality" || pc.Release == 0 {
		t.Fatalf("public: %d areas, city %q, release %d", len(pc.Areas), pc.City.Geography, pc.Release)
	}
	for _, a := range pc.Areas {
		for _, ind := range a.Indicators {
			if ind.Status != "protected" && ind.Status != "suppressed" {
				t.Fatalf("public: %s %s has status %q", a.ID, ind.Indicator, ind.Status)
			}
		}
	}
	status, body, _ = request(t, "GET", base+"/api/compare?geography=section&ids="+strings.Repeat("x,", 5)+"y", testUser{}, "")
	if status != http.StatusBadRequest || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("six areas: %d %s, want 400 with a JSON error", status, truncate(body))
	}
	// The city is the benchmark: its one comune is not compared with itself.
	status, body, _ = request(t, "GET", base+"/api/compare?geography=municipality&ids=036023&period=2025", testUser{}, "")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "benchmark") {
		t.Fatalf("the city against itself: %d %s, want 400 naming the benchmark", status, truncate(body))
	}
}

func byIndicatorOf(a profile.Area) map[string]profile.Indicator {
	out := map[string]profile.Indicator{}
	for _, ind := range a.Indicators {
		out[ind.Indicator] = ind
	}
	return out
}

// checkAreaReport: a planner's report of a section is a workbook, and a printable page in
// Italian and in English that names the area; the public's page has no interval.
func checkAreaReport(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	var id string
	if err := db.Pool.QueryRow(context.Background(), `SELECT area_id FROM area_indicators WHERE geography = 'section' AND period = '2025'
		AND indicator = 'housing' ORDER BY people DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	u := base + "/api/areas/section/" + id + "/report?period=2025"
	status, body, h := request(t, "GET", u+"&format=xlsx&lang=en", users[auth.Planner], "")
	if status != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s %s", status, h.Get("Content-Type"), truncate(body))
	}
	wb, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the xlsx report is not a workbook: %v", err)
	}
	if rows, _ := wb.GetRows("Figures"); len(rows) < 7 {
		t.Fatalf("the workbook's figures sheet has %d rows, want a header and six indicators", len(rows))
	}
	wb.Close()
	for lang, kind := range map[string]string{"it": "Sezione di censimento", "en": "Census section"} {
		status, body, _ := request(t, "GET", u+"&format=html&lang="+lang, users[auth.Planner], "")
		page := string(body)
		if status != http.StatusOK || !strings.Contains(page, kind+" "+id) || !strings.Contains(page, `<html lang="`+lang+`">`) {
			t.Fatalf("html report in %s: %d, does not name %s %s", lang, status, kind, id)
		}
	}
	status, body, _ = request(t, "GET", u+"&format=html&lang=en", testUser{}, "")
	if status != http.StatusOK || strings.Contains(string(body), "95% interval") || !strings.Contains(string(body), "published (open data)") {
		t.Fatalf("public html report: %d, with intervals or not marked published", status)
	}
}
