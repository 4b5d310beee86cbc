package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/web"
	"github.com/paulmach/orb/maptile"
)

// checkHTTPHardening: the headers every answer carries, restricted answers kept out of caches,
// cross-site writes refused, the request id the server's own, and metrics for the operator.
func checkHTTPHardening(t *testing.T, base string, users map[auth.Role]testUser) {
	res, _ := rawGet(t, base+"/", map[string]string{"X-Request-Id": "forged-id"})
	h := res.Header
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("/ has Content-Security-Policy %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" {
		t.Errorf("/ headers: nosniff %q, frame %q, referrer %q", h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"), h.Get("Referrer-Policy"))
	}
	if id := h.Get("X-Request-Id"); id == "" || id == "forged-id" {
		t.Errorf("request id %q: the client's was taken", id)
	}
	if _, _, hdr := request(t, "GET", base+"/api/rankings?indicator=housing&geography=h3_9", users[auth.Planner], ""); hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("a planner's ranking says Cache-Control %q, want no-store", hdr.Get("Cache-Control"))
	}
	login := fmt.Sprintf(`{"username": %q, "password": %q}`, users[auth.Planner].name, testPassword)
	for name, header := range map[string]map[string]string{
		"cross-site text/plain form":        {"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"text/plain without fetch metadata": {"Content-Type": "text/plain"},
		"JSON from another origin":          {"Content-Type": "application/json", "Origin": "https://evil.example"},
		"JSON marked cross-site":            {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
	} {
		req, _ := http.NewRequest("POST", base+"/api/session", strings.NewReader(login))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusUnsupportedMediaType && res.StatusCode != http.StatusBadRequest {
			t.Errorf("login as %s: %d, want 400, 403 or 415", name, res.StatusCode)
		}
		for _, c := range res.Cookies() {
			if c.Name == auth.SessionCookie && c.Value != "" {
				t.Errorf("login as %s set a session cookie", name)
			}
		}
	}
	// A zoom outside a layer's range builds nothing.
	if status, _, _ := request(t, "GET", base+"/tiles/sections/0/0/0.mvt", users[auth.Public], ""); status != http.StatusBadRequest {
		t.Errorf("z0 sections tile: %d, want 400", status)
	}
	res, body := rawGet(t, base+"/metrics", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `abitare_http_request_duration_seconds_bucket{code="200",method="GET",route="/tiles/{layer}/{version}/{z}/{x}/{y}.mvt"`) ||
		!strings.Contains(string(body), "abitare_tiles_served_total") || !strings.Contains(string(body), "abitare_db_pool_connections") ||
		!strings.Contains(string(body), `abitare_ingest_rows{outcome="stored",source="social_services"}`) {
		t.Errorf("/metrics: %d, lacks the request histogram by route, tile or pool figures:\n%s", res.StatusCode, truncate(body))
	}
}

// checkLoginFlood: forty wrong passwords for one account at once get at most five tries (401);
// the rest are refused without hashing.
func checkLoginFlood(t *testing.T, base string, c *cli) {
	c.must("users", "add", "flood-target", "planner")
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, _ := request(t, "POST", base+"/api/session", testUser{}, fmt.Sprintf(`{"username": "flood-target", "password": "guess-%d"}`, i))
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] > 5 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests]+statuses[http.StatusServiceUnavailable] != 40 {
		t.Errorf("40 simultaneous wrong passwords answered %v: want at most 5 × 401, the rest 429 or 503", statuses)
	}
}

// checkReadiness: with PostgreSQL unreachable /readyz answers 503 and the public tiles are still
// served from memory; when it is back, /readyz answers 200 again, with no restart. The
// database is cut by a proxy between the server and PostgreSQL.
func checkReadiness(t *testing.T, db *testdb.DB) {
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startCutProxy(t, u.Host)
	u.Host = proxy.addr
	srv, closeAll, err := openServer(context.Background(), web.Config{Addr: "127.0.0.1:0"},
		web.BackendOptions{DatabaseURL: u.String(), MinCount: 5, MaxConnsPerRole: 2}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	base := "http://" + srv.Addr()
	status := func(path string) int {
		res, _ := rawGet(t, base+path, nil)
		return res.StatusCode
	}
	tile := fmt.Sprintf("/tiles/indicators/%d/%d/%d.mvt", 13, maptile.At(modenaCentre, 13).X, maptile.At(modenaCentre, 13).Y)
	if s := status("/readyz"); s != http.StatusOK {
		t.Fatalf("/readyz with the database up: %d", s)
	}
	proxy.cut()
	start := time.Now()
	if s := status("/readyz"); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database down: %d, want 503", s)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("/readyz took %s to answer with the database down: it should fail fast", time.Since(start))
	}
	if s := status(tile); s != http.StatusOK {
		t.Errorf("public tile with the database down: %d, want 200 from memory", s)
	}
	if s := status("/healthz"); s != http.StatusOK {
		t.Errorf("/healthz with the database down: %d (the process is alive)", s)
	}
	proxy.restore()
	deadline := time.Now().Add(10 * time.Second)
	for status("/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover within 10 s of the database coming back")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cutProxy forwards TCP connections to PostgreSQL until cut: then it drops every connection
// and refuses new ones, as a stopped server would, until restored.
type cutProxy struct {
	addr   string
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{addr: ln.Addr().String(), target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns = append(p.conns, c, up)
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.0/8, 192.168.1.7 ,::1")
	if err != nil || len(got) != 3 || got[1].Bits() != 32 || got[2].Bits() != 128 || got[0].String() != "10.0.0.0/8" {
		t.Fatalf("parsePrefixes: %v %v", got, err)
	}
	if _, err := parsePrefixes("10.0.0.0/33"); err == nil {
		t.Error("a bad prefix was accepted")
	}
	if got, err := parsePrefixes(""); err != nil || len(got) != 0 {
		t.Errorf("empty list: %v %v", got, err)
	}
}

// checkAuditCannotBeDodged: a timeline read with the pseudonym in upper case is recorded
// under the canonical (lower-case) one; a blank or control-character purpose is refused.
func checkAuditCannotBeDodged(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	ctx := context.Background()
	var person string
	if err := db.Pool.QueryRow(ctx, `SELECT encode(person, 'hex') FROM events ORDER BY id LIMIT 1`).Scan(&person); err != nil {
		t.Fatal(err)
	}
	office := users[auth.HousingOffice]
	count := func(target string) int {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'timeline' AND target = $1`, target).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count("person/" + person)
	purpose := url.QueryEscape("upper-case spelling check of the audit trail")
	status, body, _ := request(t, "GET", base+"/api/people/"+strings.ToUpper(person)+"/timeline?purpose="+purpose, office, "")
	if status != http.StatusOK {
		t.Fatalf("upper-case pseudonym: %d %s", status, truncate(body))
	}
	if count("person/"+person) != before+1 || count("person/"+strings.ToUpper(person)) != 0 {
		t.Errorf("an upper-case read was not recorded under the canonical pseudonym")
	}
	for name, p := range map[string]string{
		"twelve spaces":       strings.Repeat(" ", 12),
		"punctuation only":    "............!!",
		"a control character": "eviction prevention\x1b[2J outreach",
		"a novel":             strings.Repeat("eviction prevention ", 60),
	} {
		status, _, _ := request(t, "GET", base+"/api/people/"+person+"/timeline?purpose="+url.QueryEscape(p), office, "")
		if status != http.StatusBadRequest {
			t.Errorf("purpose of %s: %d, want 400", name, status)
		}
	}
}

// checkSessionLifecycle: a login replaces the session the browser brought along; logging out
// everywhere ends the user's other sessions; a session unused for the idle timeout has ended.
func checkSessionLifecycle(t *testing.T, base string, db *testdb.DB, c *cli) {
	c.must("users", "add", "session-tester", "planner")
	login := func(old *http.Cookie) *http.Cookie {
		req, _ := http.NewRequest("POST", base+"/api/session", strings.NewReader(fmt.Sprintf(`{"username": "session-tester", "password": %q}`, testPassword)))
		req.Header.Set("Content-Type", "application/json")
		if old != nil {
			req.AddCookie(old)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, ck := range res.Cookies() {
			if ck.Name == auth.SessionCookie && ck.Value != "" {
				if !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" {
					t.Errorf("session cookie %+v: __Host- needs Secure, Path=/ and no Domain", ck)
				}
				return ck
			}
		}
		t.Fatalf("login: %d, no %s cookie", res.StatusCode, auth.SessionCookie)
		return nil
	}
	works := func(ck *http.Cookie) bool {
		req, _ := http.NewRequest("GET", base+"/api/rankings?indicator=housing&geography=h3_9", nil)
		req.AddCookie(ck)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}
	a := login(nil)
	if !works(a) {
		t.Fatal("a fresh session does not work")
	}
	b := login(a)
	if works(a) || !works(b) {
		t.Errorf("after a login with an old cookie: old works %v, new works %v; want false, true", works(a), works(b))
	}
	other := login(nil)
	req, _ := http.NewRequest("DELETE", base+"/api/session?everywhere=true", nil)
	req.AddCookie(b)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent || works(other) || works(b) {
		t.Errorf("logout everywhere: %d; another session still works %v", res.StatusCode, works(other))
	}
	idle := login(nil)
	if _, err := db.Pool.Exec(context.Background(), `UPDATE sessions SET last_seen_at = now() - $1::interval
		WHERE user_id = (SELECT id FROM users WHERE username = 'session-tester')`, (auth.SessionIdleTimeout + time.Minute).String()); err != nil {
		t.Fatal(err)
	}
	if works(idle) {
		t.Errorf("a session idle for %s still works", auth.SessionIdleTimeout+time.Minute)
	}
}

func TestReadAnchorRefusesWhatIsNotOne(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"not json": "release 4", "no head": `{"id": 4}`, "short hash": `{"audit_head": {"seq": 3, "hash": "abc"}}`} {
		path := dir + "/" + strings.ReplaceAll(name, " ", "_")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readAnchor(path); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// checkSuperuserRefused: the test database's login is a superuser (as the demo's is): the
// server serves it on loopback, and refuses to open on any other address.
func checkSuperuserRefused(t *testing.T, db *testdb.DB) {
	_, closeAll, err := openServer(context.Background(), web.Config{Addr: "0.0.0.0:0"},
		web.BackendOptions{DatabaseURL: db.URL, MinCount: 5, MaxConnsPerRole: 2}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		closeAll()
		t.Fatal("a server on 0.0.0.0 opened with anonymous requests on a superuser's connection")
	}
	if !errors.Is(err, web.ErrSuperuserPublic) || !strings.Contains(err.Error(), "--public-database-url") {
		t.Fatalf("refusal: %v", err)
	}
}

// checkRoleLogins: with a login role of its own for each server role (member of that abitare_
// role only), the server opens on a public address, and a connection that undoes SET ROLE
// still cannot read what its role may not.
func checkRoleLogins(t *testing.T, db *testdb.DB) {
	ctx := context.Background()
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	suffix := fmt.Sprint(time.Now().UnixNano())
	urls := map[auth.Role]string{}
	for _, role := range auth.Roles {
		login := "abitare_web_" + string(role) + "_" + suffix
		if _, err := db.Pool.Exec(ctx, fmt.Sprintf(`CREATE ROLE %s LOGIN IN ROLE %s`, login, role.DatabaseRole())); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = db.Pool.Exec(context.Background(), "DROP ROLE IF EXISTS "+login) })
		lu := *u
		lu.User = url.User(login)
		urls[role] = lu.String()
	}
	backends, err := web.OpenBackends(ctx, web.BackendOptions{DatabaseURL: db.URL, RoleDatabaseURLs: urls, MinCount: 5,
		MaxConnsPerRole: 2, ListenAddr: "0.0.0.0:8080"})
	if err != nil {
		t.Fatalf("with a login per role the server should open on a public address: %v", err)
	}
	defer backends.Close()
	for role, forbidden := range map[auth.Role]string{auth.Public: "area_indicators", auth.Planner: "events"} {
		conn, err := backends[role].DB.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		_, err = conn.Exec(ctx, "RESET ROLE")
		if err == nil {
			err = conn.QueryRow(ctx, "SELECT count(*) FROM "+forbidden).Scan(&n)
		}
		conn.Release()
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s's login after RESET ROLE read %s: %v", role, forbidden, err)
		}
	}
}
