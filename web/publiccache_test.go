package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/abitare/abitare/auth"
)

func TestPublicCacheAnswersAnonymousRequestsOncePerRelease(t *testing.T) {
	var calls atomic.Int32
	figures := strings.Repeat(`{"area": "B3", "rate": 12.5},`, 100)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, figures+r.URL.Query().Get("q"))
	})
	version := "r1"
	c := &publicCache{maxBytes: 1 << 20, release: func() string { return version }}
	h := c.middleware(handler)
	get := func(url string, p *auth.Principal, gz bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", url, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		if p != nil {
			req = req.WithContext(auth.WithPrincipal(req.Context(), *p))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec := get("/api/overlap?q=1", nil, false); rec.Body.String() != figures+"1" || rec.Code != 200 {
				t.Errorf("answer %d %q", rec.Code, rec.Body.String()[:20])
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("100 simultaneous anonymous requests computed the answer %d times, want 1", n)
	}
	rec := get("/api/overlap?q=1", nil, true)
	zr, err := gzip.NewReader(rec.Body)
	if err != nil || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip answer: %v, encoding %q", err, rec.Header().Get("Content-Encoding"))
	}
	if body, _ := io.ReadAll(zr); string(body) != figures+"1" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("gzip answer body or type differ: %q", rec.Header().Get("Content-Type"))
	}
	get("/api/overlap?q=2", nil, false)
	if calls.Load() != 2 {
		t.Error("another query was answered from the cache")
	}
	planner := &auth.Principal{User: "pia", Role: auth.Planner, Via: "token"}
	get("/api/overlap?q=1", planner, false)
	get("/api/overlap?q=1", planner, false)
	if calls.Load() != 4 {
		t.Error("a logged-in user's request was answered from the cache")
	}
	get("/api/overlap?fail=1", nil, false)
	get("/api/overlap?fail=1", nil, false)
	if calls.Load() != 6 {
		t.Error("an error was cached")
	}
	version = "r2"
	get("/api/overlap?q=1", nil, false)
	if calls.Load() != 7 {
		t.Error("a new release was answered from the older release's cache")
	}
	get("/tiles/catalog.json", nil, false)
	get("/tiles/catalog.json", nil, false)
	if calls.Load() != 9 {
		t.Error("a path outside the page and the API was cached")
	}
}
