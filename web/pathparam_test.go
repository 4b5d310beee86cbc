package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A district id carries its comune and a slash (036023/B3): the front end sends it escaped as
// one path segment, and the API answers it, its report too. Two comuni's B3 stay apart.
func TestDistrictIDWithASlash(t *testing.T) {
	s, cookie := dbServer(t, Config{})
	db := s.users.DB
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO omi_zones (code, zone, municipality_code, band, description, semester, geom)
			SELECT m || '/B3', 'B3', m, 'B', 'centro', '2018-2', ST_Multi(ST_MakeEnvelope(x, 44.6, x + 0.02, 44.62, 4326))
			FROM (VALUES ('036023', 10.9), ('036005', 10.88)) v(m, x)`,
		`INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, rate, unstable) VALUES
			('omi', '036023/B3', '2025', 'housing', 40, 2000, 0.02, false),
			('omi', '036005/B3', '2025', 'housing', 90, 3000, 0.03, false),
			('omi', '036023/B3', '2025', 'poverty', 30, 2000, 0.015, false),
			('municipality', '036023', '2025', 'housing', 400, 20000, 0.02, false),
			('municipality', '036023', '2025', 'poverty', 300, 20000, 0.015, false)`,
		`INSERT INTO analysis_runs (kind, period, parameters) VALUES ('withheld', '2025', '{"threshold": 5}')`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	h := s.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, id := range []string{"036023/B3", "036005/B3"} {
		rec := get("/api/areas/omi/" + url.PathEscape(id) + "?period=2025")
		var a struct {
			Geography, ID string
			Indicators    []struct{ Indicator string }
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &a) != nil {
			t.Fatalf("%s: %d %s", id, rec.Code, rec.Body)
		}
		if a.ID != id || a.Geography != "omi" || len(a.Indicators) != map[string]int{"036023/B3": 2, "036005/B3": 1}[id] {
			t.Errorf("%s: answered %+v", id, a)
		}
	}
	// the same with an escaped slash in lower case, and through the embed's prefix
	if rec := get("/api/areas/omi/036023%2fB3?period=2025"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"036023/B3"`) {
		t.Errorf("%%2f: %d %s", rec.Code, rec.Body)
	}
	// unescaped, the slash is a separator: no such route
	if rec := get("/api/areas/omi/036023/B3?period=2025"); rec.Code != 404 && rec.Code != 405 {
		t.Errorf("unescaped: %d", rec.Code)
	}
	rec := get("/api/areas/omi/" + url.PathEscape("036023/B3") + "?period=2025&format=csv")
	if cd := rec.Header().Get("Content-Disposition"); rec.Code != 200 || !strings.Contains(cd, "abitare-omi-036023-B3-2025.csv") {
		t.Errorf("csv: %d %q", rec.Code, cd)
	}
	rec = get("/api/areas/omi/" + url.PathEscape("036023/B3") + "/report?period=2025&format=html&lang=en")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "036023/B3") {
		t.Errorf("report: %d %.300s", rec.Code, rec.Body)
	}
}
