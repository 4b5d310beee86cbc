package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
)

// The categories view checks its request before reading anything heavy, and keeps its answers
// until the next aggregation.
func TestCategoriesCheckedFirstAndKeptUntilTheNextAggregation(t *testing.T) {
	s, cookie := dbServer(t, Config{})
	db := s.users.DB
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO omi_zones (code, zone, municipality_code, band, description, semester, geom) VALUES ('036023/B1', 'B1', '036023', 'B', 'centro', '2018-2',
		ST_GeomFromText('MULTIPOLYGON(((10.9 44.6, 10.92 44.6, 10.92 44.62, 10.9 44.62, 10.9 44.6)))', 4326))`)
	exec(`INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, unstable) VALUES ('municipality', 'M1', '2025', 'housing', 0, 0, false)`)
	exec(`INSERT INTO analysis_runs (kind, period, parameters) VALUES ('withheld', '2025', '{"threshold": 5}')`)
	h := s.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for path, want := range map[string]int{
		"/api/categories?domain=housing&period=2025&geography=omi&id=nowhere": 404,
		"/api/categories?domain=housing&period=2024":                          404, // not aggregated
		"/api/categories?domain=housing&period=2025-Q7":                       400,
		"/api/categories?domain=crime&period=2025":                            400,
		"/api/categories?period=2025":                                         400,
	} {
		rec := get(path)
		var e map[string]string
		if rec.Code != want || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["error"] == "" {
			t.Errorf("%s: %d %s, want %d", path, rec.Code, rec.Body, want)
		}
	}
	if n := s.categoryAnswers.computed.Load(); n != 0 {
		t.Fatalf("refused requests computed %d answers", n)
	}
	var audited int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'categories'`).Scan(&audited); err != nil || audited != 0 {
		t.Fatalf("refused requests audited: %d %v", audited, err)
	}

	paths := []string{"/api/categories?domain=housing&period=2025", "/api/categories?domain=housing&period=2025&geography=omi&id=036023%2FB1"}
	for round := range 3 {
		var wg sync.WaitGroup
		for _, p := range paths {
			wg.Go(func() {
				if rec := get(p); rec.Code != http.StatusOK {
					t.Errorf("round %d %s: %d %s", round, p, rec.Code, rec.Body)
				}
			})
		}
		wg.Wait()
	}
	if n := s.categoryAnswers.computed.Load(); n != 2 {
		t.Errorf("3 rounds of 2 views computed %d answers, want 2", n)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'categories'`).Scan(&audited); err != nil || audited != 6 {
		t.Errorf("%d audit entries for 6 answers (cached ones too must be recorded): %v", audited, err)
	}
	// A new aggregation: computed again.
	exec(`INSERT INTO analysis_runs (kind, period, parameters) VALUES ('withheld', '2025', '{"threshold": 5}')`)
	get(paths[0])
	if n := s.categoryAnswers.computed.Load(); n != 3 {
		t.Errorf("after a new analysis run: %d answers computed, want 3", n)
	}
	if s.categoryAnswers.size() != 1 {
		t.Errorf("%d answers kept after a new run, want the new one only", s.categoryAnswers.size())
	}
}

func TestCategoriesCacheIsBounded(t *testing.T) {
	c := categoriesCache{max: 3}
	compute := func(n int) func() (categoriesAnswer, error) {
		return func() (categoriesAnswer, error) { return categoriesAnswer{unclassified: &n}, nil }
	}
	for i, d := range []string{"a", "b", "c", "d"} {
		if _, err := c.answer(1, categoriesKey{domain: d}, compute(i)); err != nil {
			t.Fatal(err)
		}
	}
	if c.size() != 3 {
		t.Fatalf("%d kept, want 3", c.size())
	}
	if _, ok := c.get(1, categoriesKey{domain: "a"}); ok {
		t.Error("the oldest answer was kept past the bound")
	}
	a, _ := c.answer(1, categoriesKey{domain: "d"}, compute(99))
	if *a.unclassified != 3 || c.computed.Load() != 4 {
		t.Errorf("a kept answer was computed again: %d, %d computed", *a.unclassified, c.computed.Load())
	}
	// An error is not kept; an answer computed under an older run is not kept either.
	boom := errors.New("boom")
	if _, err := c.answer(1, categoriesKey{domain: "e"}, func() (categoriesAnswer, error) { return categoriesAnswer{}, boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	c.put(2, categoriesKey{domain: "x"}, categoriesAnswer{list: []profile.CategoryRisk{{Status: abitare.Withheld}}})
	c.put(1, categoriesKey{domain: "y"}, categoriesAnswer{})
	if _, ok := c.get(2, categoriesKey{domain: "y"}); ok || c.size() != 1 {
		t.Errorf("an answer of an older run was kept: %d kept", c.size())
	}
}
