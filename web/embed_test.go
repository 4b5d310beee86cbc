package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/gazetteer"
	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/tiles"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestFrameHeaders(t *testing.T) {
	serve := func(cfg Config, path string) http.Header {
		s := &Server{cfg: cfg}
		rec := httptest.NewRecorder()
		s.securityHeaders(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Header()
	}
	for _, path := range []string{"/", "/api/session", "/index.html", "/embed.html", "/embed/x"} {
		h := serve(Config{}, path)
		if directive(h, "frame-ancestors") != "'none'" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: frame-ancestors %q, X-Frame-Options %q; want 'none' and DENY", path, directive(h, "frame-ancestors"), h.Get("X-Frame-Options"))
		}
	}
	for ancestors, want := range map[string]string{"": "*", " https://a.it  https://b.it ": "https://a.it https://b.it"} {
		cfg := Config{EmbedAncestors: ancestors}
		h := serve(cfg, EmbedPath)
		if got := directive(h, "frame-ancestors"); got != want || h.Values("X-Frame-Options") != nil {
			t.Errorf("embed with %+v: frame-ancestors %q, X-Frame-Options %q; want %q and none", cfg, got, h.Values("X-Frame-Options"), want)
		}
		if directive(h, "script-src") != "'self'" {
			t.Errorf("embed: script-src %q", directive(h, "script-src"))
		}
	}
	plain := serve(Config{}, "/")
	withBasemap := serve(Config{BasemapStyle: "https://tiles.openfreemap.org/styles/positron"}, "/")
	for _, d := range []string{"connect-src", "img-src", "font-src"} {
		if strings.Contains(directive(plain, d), "https:") || directive(withBasemap, d) != directive(plain, d)+" https:" {
			t.Errorf("%s: %q without a basemap, %q with one; want https: added with one only", d, directive(plain, d), directive(withBasemap, d))
		}
	}
	if directive(withBasemap, "script-src") != "'self'" || directive(withBasemap, "default-src") != "'self'" {
		t.Errorf("a basemap widened more than its requests: %s", withBasemap.Get("Content-Security-Policy"))
	}
}

// directive is the value of a directive of an answer's Content-Security-Policy.
func directive(h http.Header, name string) string {
	for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == name {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}

func TestCheckFrameAncestors(t *testing.T) {
	for _, ok := range []string{"*", "'self'", "https://a.it https://b.it", "https://*.example.org", "http://localhost:3000"} {
		if err := CheckFrameAncestors(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "  ", "https://a.it; script-src *", "a.it", "'none' https://a.it\r\nX: y", "https://a.it,https://b.it", "javascript:x"} {
		if err := CheckFrameAncestors(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// dbServer is a server on a fresh, empty database, with a planner who has logged in.
func dbServer(t *testing.T, cfg Config) (*Server, *http.Cookie) {
	return serverOn(t, testdb.New(t), cfg, nil)
}

// serverOn is a server on db, with a planner who has logged in; tileWriter, when not nil,
// stores the tilesets the server renders.
func serverOn(t *testing.T, db *testdb.DB, cfg Config, tileWriter *pgxpool.Pool) (*Server, *http.Cookie) {
	t.Helper()
	ctx := context.Background()
	cfg.Addr = "127.0.0.1:0"
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opt := BackendOptions{DatabaseURL: db.URL, MinCount: 5, Logger: logger, ListenAddr: cfg.Addr}
	if tileWriter != nil {
		opt.RenderTiles = func(ctx context.Context, read *pgxpool.Pool, a tiles.Audience, minCount int) (*tiles.Tileset, error) {
			return pipeline.RenderWith(ctx, read, tileWriter, a, minCount, "server", logger)
		}
	}
	backends, err := OpenBackends(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(backends.Close)
	users := &auth.Store{DB: db.Pool}
	if _, err := users.AddUser(ctx, "pia", auth.Planner, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	_, secret, err := users.Login(ctx, "pia", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(cfg, users, backends, logger)
	page := []byte("<!doctype html><html><head>\n<meta charset=\"utf-8\">\n</head><body></body></html>")
	s.pages.index = func() []byte { return page }
	s.pages.embed = func() []byte { return page }
	return s, &http.Cookie{Name: auth.SessionCookie, Value: secret}
}

var bootScript = regexp.MustCompile(`<script id="abitare-boot" type="application/json">(.*?)</script>`)

func TestEmbedIsThePublicsPage(t *testing.T) {
	s, cookie := dbServer(t, Config{BasemapStyle: "https://tiles.openfreemap.org/styles/positron"})
	h := s.Handler()
	boot := func(path string) (map[string]any, http.Header) {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		m := bootScript.FindSubmatch(rec.Body.Bytes())
		if rec.Code != http.StatusOK || m == nil {
			t.Fatalf("GET %s: %d without boot data: %s", path, rec.Code, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(m[1], &out); err != nil {
			t.Fatal(err)
		}
		return out, rec.Header()
	}
	index, header := boot("/")
	if session := index["session"].(map[string]any); session["user"] != "pia" || session["role"] != string(auth.Planner) {
		t.Fatalf("the map page's session %v, want the planner's", session)
	}
	if header.Get("X-Frame-Options") != "DENY" || index["basemap_style"] != "https://tiles.openfreemap.org/styles/positron" {
		t.Fatalf("the map page: X-Frame-Options %q, basemap %v", header.Get("X-Frame-Options"), index["basemap_style"])
	}
	embed, header := boot(EmbedPath)
	session := embed["session"].(map[string]any)
	if session["user"] != "" || session["role"] != string(auth.Public) || session["via"] != "anonymous" {
		t.Fatalf("the embed's session with a planner's cookie: %v, want the anonymous public's", session)
	}
	if directive(header, "frame-ancestors") != "*" || header.Get("X-Frame-Options") != "" {
		t.Fatalf("the embed refuses frames: %v", header)
	}
	if tileset, _ := embed["catalog"].(map[string]any)["tileset"].(string); strings.HasPrefix(tileset, "run") {
		t.Fatalf("the embed's catalog names the planners' tileset %s", tileset)
	}
}

func TestFiguresAndGazetteerRoutes(t *testing.T) {
	s, cookie := dbServer(t, Config{})
	h := s.Handler()
	get := func(path string, withCookie bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if withCookie {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for path, code := range map[string]abitare.Kind{
		"/api/figures/h3_99?period=2025": abitare.Invalid,
		"/api/figures/h3_9?period=20x5":  abitare.Invalid,
		"/api/figures/h3_9?period=2025":  abitare.NotFound, // nothing released in an empty database
	} {
		rec := get(path, true)
		var e map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		param := "period"
		if strings.Contains(path, "h3_99") {
			param = "geography"
		}
		if rec.Code != statusOf(code) || e["code"] != string(code) || !strings.Contains(e["error"], param) {
			t.Errorf("%s: %d %s, want %s naming the %s", path, rec.Code, rec.Body, code, param)
		}
	}
	for _, withCookie := range []bool{false, true} {
		rec := get("/api/gazetteer", withCookie)
		var g gazetteer.Gazetteer
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &g) != nil || rec.Header().Get("Cache-Control") != "public, max-age=3600" {
			t.Fatalf("gazetteer: %d %q %s", rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
		}
	}
}
