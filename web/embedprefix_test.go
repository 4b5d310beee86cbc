package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// releasedServer is a server on a database with one census section, its restricted figures
// (area_stats of an analysis run) and its published ones (a release), the tiles of both
// rendered, and a planner who has logged in.
func releasedServer(t *testing.T) (*Server, *http.Cookie, *testdb.DB) {
	db := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO municipalities VALUES ('M1', 'Testville', ST_GeomFromText('MULTIPOLYGON(((10.9 44.6, 10.92 44.6, 10.92 44.62, 10.9 44.62, 10.9 44.6)))', 4326))`)
	exec(`INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom)
		VALUES ('S1', 'M1', 500, true, ST_GeomFromText('MULTIPOLYGON(((10.9 44.6, 10.92 44.6, 10.92 44.62, 10.9 44.62, 10.9 44.6)))', 4326))`)
	for _, g := range [][2]string{{"section", "S1"}, {"municipality", "M1"}} {
		exec(`INSERT INTO area_stats (geography, area_id, period, residents, poverty, housing, health, poverty_rate, housing_rate, health_rate, two_plus, all_three, overlap)
			VALUES ($1, $2, '2025', 500, 20, 15, 10, 40, 30, 20, 8, 3, 2)`, g[0], g[1])
	}
	exec(`INSERT INTO analysis_runs (kind, period, parameters) VALUES ('withheld', '2025', '{"threshold": 5}')`)
	exec(`INSERT INTO releases (created_by, method, threshold, parameters, key_id, budget, periods, health_geographies, summary, utility)
		VALUES ('test', 'cell-key', 5, '{}', 'k', 'not applicable', '{2025}', '{omi}', '{}', '{}')`)
	for _, g := range [][2]string{{"section", "S1"}, {"municipality", "M1"}} {
		for _, ind := range abitare.Indicators {
			exec(`INSERT INTO released_indicators (release_id, geography, area_id, period, indicator, residents, people, rate, status)
				VALUES (1, $1, $2, '2025', $3, 500, 10, 20, 'protected')`, g[0], g[1], ind)
		}
	}
	s, cookie := serverOn(t, db, Config{}, db.Pool)
	return s, cookie, db
}

// The embed reads the API and the tiles under /embed/: there the server answers as the
// anonymous public whatever credentials arrive, a planner's cookie or a token.
func TestEmbedPrefixAnswersAsThePublic(t *testing.T) {
	s, cookie, db := releasedServer(t)
	h := s.Handler()
	do := func(method, path string, withCookie bool, header ...string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		if withCookie {
			req.AddCookie(cookie)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	tile := maptile.At(orb.Point{10.91, 44.61}, 12)
	xyz := fmt.Sprintf("%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	fields := func(path string) map[string]bool {
		t.Helper()
		rec := do("GET", path, true)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s with a planner's cookie: %d %s", path, rec.Code, rec.Body)
		}
		layers, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil || len(layers) != 1 || len(layers[0].Features) != 1 {
			t.Fatalf("GET %s: %v, %d layers", path, err, len(layers))
		}
		out := map[string]bool{}
		for k := range layers[0].Features[0].Properties {
			out[k] = true
		}
		return out
	}
	// The planner's own map reads the restricted tile; the embed's URLs the public one.
	if own := fields("/tiles/sections/" + xyz); !own["two_plus"] || own["poverty_status"] {
		t.Fatalf("the planner's tile has fields %v: want the restricted ones", own)
	}
	for _, path := range []string{"/embed/tiles/sections/" + xyz, "/embed/tiles/sections/r1/" + xyz} {
		f := fields(path)
		if f["two_plus"] || f["all_three"] || !f["poverty_status"] || !f["release"] {
			t.Errorf("%s with a planner's cookie: fields %v, want the public tile's", path, f)
		}
	}
	if rec := do("GET", "/embed/tiles/hotspots/"+xyz, true); rec.Code != http.StatusUnauthorized {
		t.Errorf("a restricted layer through the embed with a planner's cookie: %d, want 401 (anonymous)", rec.Code)
	}

	// The catalog and TileJSON name the public layers, at the embed's URLs.
	var cat struct {
		Tileset string `json:"tileset"`
		Layers  []struct {
			ID       string
			TileJSON string
			Source   *struct{ Tiles []string }
		}
	}
	rec := do("GET", "/embed/tiles/catalog.json", true)
	if err := json.Unmarshal(rec.Body.Bytes(), &cat); err != nil || cat.Tileset != "r1" {
		t.Fatalf("embed catalog: %d %v %s", rec.Code, err, rec.Body)
	}
	for _, l := range cat.Layers {
		if l.ID == "hotspots" || !strings.Contains(l.TileJSON, "/embed/tiles/"+l.ID+".json") ||
			(l.Source != nil && !strings.Contains(l.Source.Tiles[0], "/embed/tiles/"+l.ID+"/r1/")) {
			t.Errorf("embed catalog layer %+v", l)
		}
	}
	var tj struct{ Tiles []string }
	if rec := do("GET", "/embed/tiles/sections.json", true); json.Unmarshal(rec.Body.Bytes(), &tj) != nil || len(tj.Tiles) != 1 ||
		!strings.HasSuffix(tj.Tiles[0], "/embed/tiles/sections/r1/{z}/{x}/{y}.mvt") {
		t.Errorf("embed TileJSON: %s", rec.Body)
	}
	for path, want := range map[string]string{EmbedPath: `example.com/embed/tiles/sections/r1/{z}`, "/": `example.com/tiles/sections/a`} {
		page := bootScript.FindSubmatch(do("GET", path, true).Body.Bytes())
		if page == nil || !strings.Contains(string(page[1]), want) {
			t.Errorf("the catalog of page %s does not name %s", path, want)
		}
	}

	// The API: the session is anonymous, an area the published figures; a token is not even
	// looked at; writes are refused.
	var who map[string]any
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer abt_not_a_token"}} {
		rec := do("GET", "/embed/api/session", hdr == nil, hdr...)
		if err := json.Unmarshal(rec.Body.Bytes(), &who); err != nil || rec.Code != 200 || who["user"] != "" || who["role"] != string(auth.Public) {
			t.Errorf("embed session with %v: %d %s", hdr, rec.Code, rec.Body)
		}
	}
	var area map[string]json.RawMessage
	rec = do("GET", "/embed/api/areas/section/S1?period=2025", true)
	if err := json.Unmarshal(rec.Body.Bytes(), &area); err != nil || area["protection"] == nil || area["hotspots"] != nil {
		t.Errorf("embed area with a planner's cookie: %d %s, want the published profile", rec.Code, rec.Body)
	}
	if rec := do("POST", "/embed/api/custom-area", true, "Content-Type", "application/json"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST through the embed: %d", rec.Code)
	}
	var audited int
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = 'pia' AND action <> 'tiles sections'`).Scan(&audited); err != nil || audited != 0 {
		t.Errorf("the embed's reads were audited as the planner's: %d (%v)", audited, err)
	}
}
