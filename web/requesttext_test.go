package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
)

// A NUL byte or bytes that are not UTF-8, in a query parameter or the path, are a bad request
// (400, naming the parameter), refused before anything reaches SQL.
func TestQueryTextThatSQLCannotTakeIsRefused(t *testing.T) {
	f := newFixture(t)
	f.s.public = &publicCache{release: func() string { return "" }}
	h := f.s.Router()
	get := func(url string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		return rec
	}
	for url, names := range map[string]string{
		"/api/admin/audit?actor=%00":                          "actor",
		"/api/admin/audit?actor=ada%ff":                       "actor",
		"/api/admin/audit?actor=ada&target=section/S1%00x":    "target",
		"/api/admin/audit/custom-areas?actor=m%c3&since=24h":  "actor",
		"/api/categories?domain=housing&geography=omi&id=%00": "id",
		"/api/areas/section/S%001":                            "path",
		"/api/rankings?%00=1":                                 "name",
	} {
		body := wantError(t, get(url), http.StatusBadRequest, abitare.Invalid)
		if msg := body["error"].(string); !strings.Contains(msg, names) || !strings.Contains(msg, "UTF-8") {
			t.Errorf("%s: %q, want it to name %s", url, msg, names)
		}
	}
	// Text is let through (here to the login the route needs).
	if rec := get("/api/admin/audit?actor=ad%C3%A0&target=section%2FS1"); rec.Code != http.StatusUnauthorized {
		t.Errorf("a valid query: %d %s", rec.Code, rec.Body)
	}
	if got := f.calls.list(); len(got) != 0 {
		t.Errorf("refused requests were audited or read: %q", got)
	}
}

// The same through a real database and an administrator's session: 400, not 500.
func TestAuditQueryWithNULIsABadRequest(t *testing.T) {
	s, _ := dbServer(t, Config{})
	ctx := context.Background()
	if _, err := s.users.AddUser(ctx, "ada", auth.Administrator, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	_, secret, err := s.users.Login(ctx, "ada", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for url, want := range map[string]int{"/api/admin/audit?actor=%00": 400, "/api/admin/audit?since=2026-01-01T00:00:00Z&actor=x%ffy": 400,
		"/api/admin/audit?actor=ada": 200} {
		req := httptest.NewRequest("GET", url, nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%s as the administrator: %d %s, want %d", url, rec.Code, rec.Body, want)
		}
	}
	// A user name with a NUL: a bad login request, not an internal error.
	req := httptest.NewRequest("POST", "/api/session", strings.NewReader(`{"username": "ada\u0000", "password": "a long enough password"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("login with a NUL in the user name: %d %s", rec.Code, rec.Body)
	}
}

func TestPurposeMustSaySomething(t *testing.T) {
	for purpose, ok := range map[string]bool{
		"eviction prevention case review":  true,
		"verifica sfratto":                 true,
		"bando affitto 2026, pratica 42":   true,
		"aaaaaaaaaa":                       false,
		"aaaaaaaaaaaaaaaaaaaa bbbbbbbbbbb": false, // words of one letter held down
		"abc abc abc abc":                  false, // one word repeated
		"ok ok ok ok ok ok ok":             false, // no word of three letters
		"sfratto":                          false, // one word, fewer than 10 letters
		"sfratto\x00urgente":               false,
		"sfratto urgente\xff":              false,
		"   ..........   ":                 false,
		strings.Repeat("sfratto ", 70):     false, // longer than 500 characters
	} {
		problem := checkPurpose(purpose)
		if (problem == "") != ok {
			t.Errorf("checkPurpose(%q) = %q, want accepted %v", purpose, problem, ok)
		}
	}
	rule := checkPurpose("aaaaaaaaaa")
	if !strings.Contains(rule, "almeno 10 lettere") || !strings.Contains(rule, "at least 10 letters, in at least 2 different words of 3 or more letters") {
		t.Errorf("the refusal says %q: want what is required, in Italian and English", rule)
	}

	f := newFixture(t)
	body := wantError(t, f.get(auth.HousingOffice, "/api/people/"+strings.Repeat("ab", 32)+"/timeline?purpose=aaaaaaaaaa"), 400, abitare.Invalid)
	if body["error"] != rule {
		t.Errorf("timeline with purpose aaaaaaaaaa: %v", body)
	}
	if got := f.calls.list(); len(got) != 0 {
		t.Errorf("refused request audited or read: %q", got)
	}
}
