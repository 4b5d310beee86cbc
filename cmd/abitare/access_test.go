package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/web"
	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

type testUser struct {
	name, token string
}

func openTestServer(t *testing.T, dbURL string) *web.Server {
	t.Helper()
	// No custom-area rate limit: the tests send hundreds (the limit is tested in package web).
	srv, closeAll, err := openServer(context.Background(), web.Config{Addr: "127.0.0.1:0", CustomAreaRate: web.NoRateLimit},
		web.BackendOptions{DatabaseURL: dbURL, MinCount: 5, MaxConnsPerRole: 3}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeAll)
	return srv
}

// addTestUsers makes one user per role through the CLI, each with an API token.
func addTestUsers(t *testing.T, c *cli) map[auth.Role]testUser {
	t.Helper()
	users := map[auth.Role]testUser{auth.Public: {}}
	for _, role := range auth.UserRoles {
		name := "test-" + strings.ReplaceAll(string(role), "_", "-")
		c.must("users", "add", name, string(role))
		token := strings.TrimSpace(c.must("users", "token", name, "pipeline test"))
		if !strings.HasPrefix(token, "abt_") || len(token) < 40 {
			t.Fatalf("token %q", token)
		}
		users[role] = testUser{name: name, token: token}
	}
	return users
}

// asUser sends every request with the user's token.
func asUser(h http.Handler, u testUser) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+u.token)
		h.ServeHTTP(w, r)
	})
}

func request(t *testing.T, method, u string, user testUser, body string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	if user.token != "" {
		req.Header.Set("Authorization", "Bearer "+user.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b, res.Header
}

// exampleURLs gives a real request for every route pattern; a route without one fails the
// test, so that no route escapes the matrix.
func exampleURLs(t *testing.T, db *testdb.DB) map[string]string {
	ctx := context.Background()
	var section, person, cell9 string
	var run int64
	if err := db.Pool.QueryRow(ctx, `SELECT area_id FROM area_indicators WHERE geography = 'section' AND indicator = 'housing' AND period = '2025'
		ORDER BY people DESC, area_id LIMIT 1`).Scan(&section); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT encode(person, 'hex') FROM events WHERE section_id = $1 ORDER BY id LIMIT 1`, section).Scan(&person); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT area_id FROM area_indicators WHERE geography = 'h3_9' AND period = '2025' ORDER BY people DESC LIMIT 1`).Scan(&cell9); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT max(id) FROM analysis_runs`).Scan(&run); err != nil {
		t.Fatal(err)
	}
	var release int64
	if err := db.Pool.QueryRow(ctx, `SELECT max(release_id) FROM tilesets`).Scan(&release); err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(orb.Point{10.925, 44.646}, 12)
	purpose := url.QueryEscape("pipeline test: eviction prevention outreach")
	return map[string]string{
		"GET /":                                        "/",
		"GET /embed":                                   "/embed",
		"GET /api/session":                             "/api/session",
		"POST /api/session":                            "/api/session",
		"DELETE /api/session":                          "/api/session",
		"GET /tiles/catalog.json":                      "/tiles/catalog.json",
		"GET /tiles/{layer}.json":                      "/tiles/indicators.json",
		"GET /tiles/{layer}/{z}/{x}/{y}.mvt":           fmt.Sprintf("/tiles/indicators/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y),
		"GET /tiles/{layer}/{version}/{z}/{x}/{y}.mvt": fmt.Sprintf("/tiles/indicators/r%d/%d/%d/%d.mvt", release, tile.Z, tile.X, tile.Y),
		"GET /api/areas/{geography}/{id}":              "/api/areas/section/" + section,
		"GET /api/areas/{geography}/{id}/report":       "/api/areas/section/" + section + "/report?format=xlsx&lang=en",
		"GET /api/overlap":                             "/api/overlap",
		"GET /api/compare":                             "/api/compare?geography=section&ids=" + section,
		"GET /api/releases":                            "/api/releases",
		"GET /api/open/{geography}":                    "/api/open/h3_9?format=csv",
		"GET /api/figures/{geography}":                 "/api/figures/h3_9?period=2025-Q1",
		"GET /api/gazetteer":                           "/api/gazetteer",
		"GET /api/rankings":                            "/api/rankings?indicator=housing&geography=h3_9",
		"GET /api/categories":                          "/api/categories?domain=housing",
		"GET /api/rent-burden":                         "/api/rent-burden",
		"GET /api/runs/{id}":                           fmt.Sprintf("/api/runs/%d", run),
		"GET /api/trends/{geography}":                  "/api/trends/h3_9?domain=housing",
		"GET /api/forecasts/{geography}":               "/api/forecasts/omi?domain=housing&as_of=2024-Q4",
		"GET /api/lead-lag":                            "/api/lead-lag?geography=omi",
		"GET /api/watchlist":                           "/api/watchlist?geography=h3_9&domain=housing&above=20&format=xlsx&lang=it",
		"POST /api/custom-area":                        "/api/custom-area",
		"POST /api/custom-area/report":                 "/api/custom-area/report?format=html&lang=en",
		"GET /api/targeting":                           "/api/targeting?geography=section&id=" + section + "&need=housing&purpose=" + purpose,
		"GET /api/people/{pseudonym}/timeline":         "/api/people/" + person + "/timeline?purpose=" + purpose,
		"GET /api/linkage":                             "/api/linkage",
		"GET /api/linkage/key":                         "/api/linkage/key",
		"GET /api/admin/users":                         "/api/admin/users",
		"GET /api/admin/tokens":                        "/api/admin/tokens",
		"GET /api/admin/audit":                         "/api/admin/audit?limit=5",
		"GET /api/admin/audit/verify":                  "/api/admin/audit/verify",
		"GET /api/admin/audit/custom-areas":            "/api/admin/audit/custom-areas?actor=test-planner&since=24h",
		"GET /api/admin/releases":                      "/api/admin/releases",
	}
}

// checkRoleMatrix calls every route and every tile layer as every role: each role reaches
// what its permissions allow (an answer, not an error) and is refused everything else, with
// 401 when anonymous and 403 when logged in.
func checkRoleMatrix(t *testing.T, base string, srv *web.Server, users map[auth.Role]testUser, db *testdb.DB) {
	examples := exampleURLs(t, db)
	routes := srv.Routes()
	registered := map[string]bool{}
	err := chi.Walk(srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		registered[method+" "+route] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range registered {
		// Operational endpoints, outside the permission table: liveness, readiness and the
		// metrics (served to loopback and --metrics-from only; checked in checkOperations).
		if key == "GET /healthz" || key == "GET /readyz" || key == "GET /metrics" || strings.HasSuffix(key, " /*") {
			continue
		}
		if !slices.ContainsFunc(routes, func(r web.Route) bool { return r.Method+" "+r.Pattern == key }) {
			t.Errorf("route %s is served but not in Routes(): it escapes the permission check", key)
		}
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		path, ok := examples[key]
		if !ok {
			t.Errorf("no example request for %s", key)
			continue
		}
		for _, role := range auth.Roles {
			status, body, header := request(t, rt.Method, base+path, users[role], "")
			checkJSONContract(t, key+" as "+string(role), status, body, header)
			allowed := role.Can(rt.Permission)
			switch {
			case allowed && rt.Method == "POST":
				if status != http.StatusBadRequest {
					t.Errorf("%s as %s: %d, want 400 for an empty login", key, role, status)
				}
			case allowed && (status >= 400):
				t.Errorf("%s as %s: %d %s, want an answer", key, role, status, truncate(body))
			case !allowed && role == auth.Public && status != http.StatusUnauthorized:
				t.Errorf("%s as anonymous: %d, want 401", key, status)
			case !allowed && role != auth.Public && status != http.StatusForbidden:
				t.Errorf("%s as %s: %d, want 403", key, role, status)
			}
		}
	}
	checkLayersByRole(t, base, users)
	checkRoleVariants(t, base, examples, users)
	checkSessions(t, base, users)
	checkPurposeRequired(t, base, examples, users)
}

// snakeKey is the casing of every JSON key of the API; keys that are data (a period such as
// 2025-Q1, a combination such as poverty+health) and TileJSON extension keys (abitare:release,
// namespaced as TileJSON asks) are told apart by their shape.
var (
	snakeKey = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)
	dataKey  = regexp.MustCompile(`^(\d{4}(-Q[1-4])?|[a-z_]+(\+[a-z_]+)+|abitare:[a-z_]+)$`)
)

// checkJSONContract: every JSON answer has snake_case keys, and every error is
// {"error": ..., "code": ...}.
func checkJSONContract(t *testing.T, what string, status int, body []byte, header http.Header) {
	t.Helper()
	if !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		if status >= 400 {
			t.Errorf("%s: error %d answered as %q, want JSON", what, status, header.Get("Content-Type"))
		}
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: JSON that does not parse: %v", what, err)
		return
	}
	if status >= 400 {
		e, ok := v.(map[string]any)
		if !ok || e["error"] == nil || e["code"] == nil || len(e) != 2 {
			t.Errorf("%s: error %d is %s, want {\"error\": ..., \"code\": ...}", what, status, truncate(body))
		}
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				if !snakeKey.MatchString(k) && !dataKey.MatchString(k) {
					t.Errorf("%s: key %q at %s is not snake_case", what, k, path)
				}
				walk(path+"."+k, child)
			}
		case []any:
			for _, child := range x {
				walk(path+"[]", child)
			}
		}
	}
	walk("$", v)
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// checkLayersByRole asks every layer any catalog has, as every role.
func checkLayersByRole(t *testing.T, base string, users map[auth.Role]testUser) {
	catalogs := map[auth.Role][]string{}
	all := map[string]int{} // layer -> a zoom it has tiles at: 13, or its deepest below that
	for _, role := range auth.Roles {
		_, body, _ := request(t, "GET", base+"/tiles/catalog.json", users[role], "")
		var cat struct {
			Layers []struct {
				ID      string
				MaxZoom int `json:"maxzoom"`
			} `json:"layers"`
		}
		if err := json.Unmarshal(body, &cat); err != nil {
			t.Fatalf("catalog as %s: %v", role, err)
		}
		for _, l := range cat.Layers {
			catalogs[role] = append(catalogs[role], l.ID)
			all[l.ID] = min(13, l.MaxZoom)
		}
	}
	for _, role := range auth.Roles {
		hasHotspots := slices.Contains(catalogs[role], "hotspots")
		if hasHotspots != role.Can(auth.ReadAggregates) {
			t.Errorf("catalog of %s: hotspots offered %v", role, hasHotspots)
		}
	}
	for layer, z := range all {
		tile := maptile.At(orb.Point{10.925, 44.646}, maptile.Zoom(z))
		for _, role := range auth.Roles {
			status, body, hdr := request(t, "GET", fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, layer, tile.Z, tile.X, tile.Y), users[role], "")
			inCatalog := slices.Contains(catalogs[role], layer)
			switch {
			case inCatalog && status != http.StatusOK && status != http.StatusNoContent:
				t.Errorf("layer %s as %s: %d %s", layer, role, status, truncate(body))
			case inCatalog && !role.Can(auth.ReadAggregates) && hdr.Get("Cache-Control") != "public, max-age=60":
				t.Errorf("public layer %s as %s: Cache-Control %q", layer, role, hdr.Get("Cache-Control"))
			case !inCatalog && role == auth.Public && status != http.StatusUnauthorized:
				t.Errorf("restricted layer %s as anonymous: %d, want 401", layer, status)
			case !inCatalog && role != auth.Public && status != http.StatusForbidden:
				t.Errorf("restricted layer %s as %s: %d, want 403", layer, role, status)
			}
		}
	}
}

// checkRoleVariants: the same route gives the public the published figures and planners the
// restricted ones.
func checkRoleVariants(t *testing.T, base string, examples map[string]string, users map[auth.Role]testUser) {
	path := examples["GET /api/areas/{geography}/{id}"]
	for _, role := range auth.Roles {
		_, body, _ := request(t, "GET", base+path, users[role], "")
		var area map[string]json.RawMessage
		if err := json.Unmarshal(body, &area); err != nil {
			t.Fatalf("area as %s: %v", role, err)
		}
		_, hasHotspots := area["hotspots"]
		_, hasProtection := area["protection"]
		if role.Can(auth.ReadAggregates) != hasHotspots || role.Can(auth.ReadAggregates) == hasProtection {
			t.Errorf("area profile as %s: hotspots %v, protection note %v", role, hasHotspots, hasProtection)
		}
		if !role.Can(auth.ReadAggregates) && !strings.Contains(string(area["indicators"]), `"indicator": "health",`+"\n"+`      "people": null`) {
			t.Errorf("public area profile shows health below district level: %s", area["indicators"])
		}
	}
}

// checkSessions logs in through the API as the web app does, uses the cookie, and logs out.
func checkSessions(t *testing.T, base string, users map[auth.Role]testUser) {
	body := fmt.Sprintf(`{"username": %q, "password": "wrong-password-123"}`, users[auth.HousingOffice].name)
	if status, _, _ := request(t, "POST", base+"/api/session", testUser{}, body); status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", status)
	}
	// Password guessing is throttled per user name: the sixth try is refused even when right.
	admin := users[auth.Administrator].name
	for i := 0; i < 5; i++ {
		request(t, "POST", base+"/api/session", testUser{}, fmt.Sprintf(`{"username": %q, "password": "guess-number-%d"}`, admin, i))
	}
	if status, _, _ := request(t, "POST", base+"/api/session", testUser{}, fmt.Sprintf(`{"username": %q, "password": %q}`, admin, testPassword)); status != http.StatusTooManyRequests {
		t.Fatalf("sixth login after five wrong passwords: %d, want 429", status)
	}
	body = fmt.Sprintf(`{"username": %q, "password": %q}`, users[auth.HousingOffice].name, testPassword)
	res, err := http.Post(base+"/api/session", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == auth.SessionCookie {
			cookie = c
		}
	}
	if res.StatusCode != http.StatusOK || cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login: %d, cookie %+v", res.StatusCode, cookie)
	}
	withCookie := func(method string) int {
		req, _ := http.NewRequest(method, base+"/api/session", nil)
		req.AddCookie(cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var who struct{ Role string }
		_ = json.NewDecoder(res.Body).Decode(&who)
		if method == "GET" && who.Role != string(auth.HousingOffice) {
			t.Errorf("session role %q", who.Role)
		}
		return res.StatusCode
	}
	withCookie("GET")
	if withCookie("DELETE") != http.StatusNoContent {
		t.Error("logout failed")
	}
	req, _ := http.NewRequest("GET", base+"/api/rankings?indicator=housing", nil)
	req.AddCookie(cookie)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("ended session still works: %d", res.StatusCode)
	}
	if status, _, _ := request(t, "GET", base+"/api/session", testUser{token: "abt_forged"}, ""); status != http.StatusUnauthorized {
		t.Errorf("forged token: %d, want 401", status)
	}
}

// checkPurposeRequired: person-level data needs a stated purpose.
func checkPurposeRequired(t *testing.T, base string, examples map[string]string, users map[auth.Role]testUser) {
	for _, key := range []string{"GET /api/people/{pseudonym}/timeline", "GET /api/targeting"} {
		path, _, _ := strings.Cut(examples[key], "purpose=")
		status, body, _ := request(t, "GET", base+path, users[auth.HousingOffice], "")
		if status != http.StatusBadRequest || !strings.Contains(string(body), "purpose") {
			t.Errorf("%s without purpose: %d %s", key, status, body)
		}
	}
	status, body, _ := request(t, "GET", base+examples["GET /api/people/{pseudonym}/timeline"], users[auth.HousingOffice], "")
	var tl struct {
		Events []struct {
			Date   string
			Source string
		}
	}
	if err := json.Unmarshal(body, &tl); status != 200 || err != nil || len(tl.Events) == 0 {
		t.Fatalf("timeline: %d %v", status, err)
	}
	if !slices.IsSortedFunc(tl.Events, func(a, b struct{ Date, Source string }) int { return strings.Compare(a.Date, b.Date) }) {
		t.Errorf("timeline not in date order: %+v", tl.Events)
	}
}

// checkDatabaseRoles: each PostgreSQL role reads exactly its tables, whatever the server asks.
func checkDatabaseRoles(t *testing.T, db *testdb.DB) {
	ctx := context.Background()
	cases := map[string]struct{ can, cannot []string }{
		"abitare_public": {
			can: []string{"SELECT count(*) FROM public_indicators", "SELECT count(*) FROM census_sections", "SELECT count(*) FROM public_releases",
				"SELECT count(*) FROM public_tile_archives", "SELECT count(*) FROM address_points", "SELECT count(*) FROM streets"},
			cannot: []string{"SELECT count(*) FROM area_indicators", "SELECT count(*) FROM area_stats", "SELECT count(*) FROM events",
				"SELECT count(*) FROM people", "SELECT count(*) FROM residents", "SELECT count(*) FROM audit_log", "SELECT count(*) FROM users",
				"SELECT count(*) FROM releases", "SELECT count(*) FROM hotspots", "SELECT * FROM category_counts('2025-01-01', '2026-01-01', 'housing', 2025)",
				"INSERT INTO audit_log VALUES (999999, now(), 'x', 'x', 'x', 'x', 'x', '\\x00', '\\x00')",
				"SELECT audit_append('t', 'public', 'test', 'x', '')", "SELECT count(*) FROM tile_archives", "SELECT count(*) FROM tilesets"},
		},
		"abitare_planner": {
			can: []string{"SELECT count(*) FROM area_indicators", "SELECT count(*) FROM hotspots", "SELECT count(*) FROM public_indicators",
				"SELECT count(*) FROM category_counts('2025-01-01', '2026-01-01', 'housing', 2025)", "SELECT count(*) FROM tile_archives",
				"SELECT audit_append('t', 'planner', 'test', 'x', '', '127.0.0.1', NULL)"},
			cannot: []string{"SELECT count(*) FROM events", "SELECT count(*) FROM people", "SELECT count(*) FROM residents",
				"SELECT audit_append('t', 'planner', 'test', 'x', '')",
				"SELECT count(*) FROM audit_log", "SELECT count(*) FROM users"},
		},
		"abitare_housing_office": {
			can:    []string{"SELECT count(*) FROM events", "SELECT count(*) FROM people", "SELECT count(*) FROM area_indicators"},
			cannot: []string{"SELECT count(*) FROM audit_log", "SELECT count(*) FROM users", "SELECT count(*) FROM link_key"},
		},
		"abitare_linkage_officer": {
			can: []string{"SELECT count(DISTINCT person) FROM events", "SELECT count(*) FROM people WHERE id_kind = 'cf'", "SELECT count(*) FROM ingest_batches"},
			cannot: []string{"SELECT count(*) FROM area_indicators", "SELECT max(event_date) FROM events", "SELECT max(birth_year) FROM people",
				"SELECT count(*) FROM audit_log", "SELECT count(*) FROM hotspots"},
		},
		"abitare_administrator": {
			can: []string{"SELECT count(*) FROM audit_log", "SELECT count(username) FROM users", "SELECT count(*) FROM releases"},
			cannot: []string{"SELECT max(password_hash) FROM users", "SELECT count(token_hash) FROM api_tokens", "SELECT count(*) FROM events",
				"SELECT count(*) FROM area_indicators", "UPDATE audit_log SET purpose = ''", "DELETE FROM audit_log"},
		},
	}
	for role, c := range cases {
		for _, q := range append(c.can, c.cannot...) {
			err := queryAs(ctx, db, role, q)
			switch shouldWork := slices.Contains(c.can, q); {
			case shouldWork && err != nil:
				t.Errorf("%s: %q refused: %v", role, q, err)
			case !shouldWork && err == nil:
				t.Errorf("%s: %q allowed", role, q)
			case !shouldWork && !strings.Contains(err.Error(), "permission denied"):
				t.Errorf("%s: %q refused for the wrong reason: %v", role, q, err)
			}
		}
	}
}

// queryAs runs q as a database role in a transaction it rolls back.
func queryAs(ctx context.Context, db *testdb.DB, role, q string) error {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // nothing to keep
	if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+role); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, q)
	return err
}

// checkAuditTrail: restricted accesses made above are on record with who, role, what, which
// and why; abitare audit verify passes, and catches an entry changed behind its back.
func checkAuditTrail(t *testing.T, c *cli, db *testdb.DB, users map[auth.Role]testUser) {
	ctx := context.Background()
	for _, w := range []struct {
		role   auth.Role
		action string
		target string
	}{
		{auth.Planner, "tiles indicators", "tileset a"},
		{auth.Planner, "ranking", "h3_9/housing"},
		{auth.HousingOffice, "timeline", "person/"},
		{auth.HousingOffice, "targeting list", "section/"},
		{auth.Administrator, "read audit trail", "audit_log"},
		{auth.LinkageOfficer, "linkage report", "linkage"},
	} {
		var n int
		var purpose string
		err := db.Pool.QueryRow(ctx, `SELECT count(*), coalesce(max(purpose), '') FROM audit_log WHERE actor = $1 AND role = $2 AND action = $3 AND strpos(target, $4) > 0`,
			users[w.role].name, string(w.role), w.action, w.target).Scan(&n, &purpose)
		if err != nil || n == 0 {
			t.Errorf("no audit entry for %s %s %s: %v", users[w.role].name, w.action, w.target, err)
		}
		if w.role == auth.HousingOffice && !strings.Contains(purpose, "eviction prevention") {
			t.Errorf("audit entry for %s lacks the stated purpose: %q", w.action, purpose)
		}
	}
	// Requests with an API token are recorded with the token and the client's address.
	var withToken int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log a JOIN api_tokens t ON t.id = a.token_id
		JOIN users u ON u.id = t.user_id AND u.username = a.actor WHERE a.actor = $1 AND a.client = '127.0.0.1'`,
		users[auth.Planner].name).Scan(&withToken); err != nil || withToken == 0 {
		t.Errorf("no audit entry of %s with its token and address (%v)", users[auth.Planner].name, err)
	}
	var anonymous int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE role = 'public'`).Scan(&anonymous); err != nil || anonymous != 0 {
		t.Errorf("public access was audited (%d entries): only restricted data is", anonymous)
	}
	if out := c.must("audit", "verify"); !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify: %q", out)
	}
	var seq int64
	if err := db.Pool.QueryRow(ctx, `SELECT seq FROM audit_log WHERE action = 'timeline' ORDER BY seq LIMIT 1`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
		UPDATE audit_log SET purpose = 'routine check' WHERE seq = `+strconv.FormatInt(seq, 10)+`;
		ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	out, err := c.run("audit", "verify")
	if err == nil || !strings.Contains(out, fmt.Sprintf("entry %d: content does not match", seq)) {
		t.Fatalf("tampered entry %d not caught: %v %q", seq, err, out)
	}
}
