package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"golang.org/x/time/rate"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]rate.Limit{"30/m": 0.5, "1/s": 1, "600/h": 600.0 / 3600, "5/10s": 0.5, " 60/min ": 1, "off": rate.Inf} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "30", "0/m", "-1/s", "30/fortnight", "x/m", "30/0s"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}

func TestUserLimitersKeepABucketPerUserAndForgetIdleOnes(t *testing.T) {
	u := newUserLimiters(RateLimit{Rate: rate.Every(2 * time.Second), Burst: 3})
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := u.allow("pia", now); !ok {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	ok, wait := u.allow("pia", now)
	if ok || wait != 2*time.Second {
		t.Fatalf("past the burst: %v, wait %v; want refused, 2s", ok, wait)
	}
	if ok, _ := u.allow("ugo", now); !ok {
		t.Fatal("another user is limited by pia's requests")
	}
	if ok, _ := u.allow("pia", now.Add(2*time.Second)); !ok {
		t.Fatal("refused after the wait it was told")
	}
	if u.size() != 2 {
		t.Fatalf("%d buckets", u.size())
	}
	// An hour later both buckets are full again: forgotten at the next request.
	u.allow("eva", now.Add(time.Hour))
	if u.size() != 1 {
		t.Errorf("%d buckets after an idle hour, want only the new user's", u.size())
	}
	if ok, _ := newUserLimiters(NoRateLimit).allow("pia", now); !ok {
		t.Error("no limit refused")
	}
	if d := newUserLimiters(RateLimit{}); d.limit != DefaultCustomAreaRate {
		t.Errorf("zero config: %+v, want the default", d.limit)
	}
}

// The custom-area routes share one bucket per user; past it, 429 with Retry-After, the
// project's JSON error in Italian and English, and nothing audited.
func TestCustomAreaRateLimit(t *testing.T) {
	s, cookie := dbServer(t, Config{CustomAreaRate: RateLimit{Rate: rate.Every(time.Minute), Burst: 2}})
	ctx := context.Background()
	if _, err := s.users.AddUser(ctx, "ugo", auth.Planner, "another long password"); err != nil {
		t.Fatal(err)
	}
	_, ugo, err := s.users.Login(ctx, "ugo", "another long password")
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	post := func(path string, c *http.Cookie) *httptest.ResponseRecorder {
		body := `{"period": "2025", "areas": {"geography": "section", "ids": ["S2", "S1"]}}`
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(c)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// No release in an empty database: 409, but computed (and audited) all the same.
	for _, path := range []string{"/api/custom-area", "/api/custom-area/report?format=html&lang=en"} {
		if rec := post(path, cookie); rec.Code != http.StatusConflict {
			t.Fatalf("%s within the burst: %d %s", path, rec.Code, rec.Body)
		}
	}
	for _, path := range []string{"/api/custom-area", "/api/custom-area/report?format=xlsx"} {
		rec := post(path, cookie)
		var e map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		retry, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
		if rec.Code != http.StatusTooManyRequests || e["code"] != string(abitare.TooManyRequests) || len(e) != 2 || retry < 1 || retry > 60 {
			t.Fatalf("%s past the burst: %d Retry-After %q %s", path, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
		if !strings.Contains(e["error"], "troppe richieste") || !strings.Contains(e["error"], "too many custom-area requests") {
			t.Errorf("error %q: want Italian and English", e["error"])
		}
	}
	if rec := post("/api/custom-area", &http.Cookie{Name: auth.SessionCookie, Value: ugo}); rec.Code != http.StatusConflict {
		t.Errorf("another planner: %d %s", rec.Code, rec.Body)
	}
	var targets []string
	rows, err := s.users.DB.Query(ctx, `SELECT target FROM audit_log WHERE actor = 'pia' AND action LIKE 'custom area%' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tg string
		_ = rows.Scan(&tg)
		targets = append(targets, tg)
	}
	rows.Close()
	want := `{"geography":"section","period":"2025","digest":"sha256:`
	if len(targets) != 2 || !strings.HasPrefix(targets[0], want) || !strings.HasSuffix(targets[0], `"ids":["S1","S2"]}`) || targets[1] != targets[0] {
		t.Errorf("audit targets %q: want the two requests answered, each with the whole selection", targets)
	}
}
