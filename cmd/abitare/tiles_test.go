package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/tiles/pmtiles"
	"github.com/abitare/abitare/web"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// modenaCentre is where every zoom has tiles with features.
var modenaCentre = orb.Point{10.925, 44.646}

// checkArchivesMatchOnTheFly: a tile read from an archive decodes to the same features as the
// same tile built on the fly from the layer's query, for every layer of both audiences, at
// every zoom of the layer, read with each audience's database role.
func checkArchivesMatchOnTheFly(t *testing.T, db *testdb.DB) {
	ctx := context.Background()
	for _, c := range []struct {
		audience tiles.Audience
		role     auth.Role
	}{{tiles.Public, auth.Public}, {tiles.Restricted, auth.Planner}} {
		pool, err := postgres.OpenRole(ctx, db.URL, c.role, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		lib := &tiles.Library{Audience: c.audience, Read: pool, MinCount: 5}
		if err := lib.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		served := lib.Latest()
		if served == nil {
			t.Fatalf("no %s tileset", c.audience)
		}
		compared := 0
		for _, l := range tiles.Rendered(c.audience) {
			// One zoom per H3 resolution, the next tile east at the deepest, and an empty tile.
			for _, z := range []int{max(l.MinZoom, 8), 11, 13, 14} {
				if z > l.MaxZoom {
					continue // overzoomed by the map (the municipalities)
				}
				centre := maptile.At(modenaCentre, maptile.Zoom(z))
				sample := []maptile.Tile{centre}
				if z == 14 {
					sample = append(sample, maptile.Tile{X: centre.X + 1, Y: centre.Y, Z: centre.Z}, maptile.Tile{X: 0, Y: 0, Z: centre.Z})
				}
				for _, tile := range sample {
					stored, err := served.Tile(l.ID, z, int(tile.X), int(tile.Y))
					if err != nil {
						t.Fatal(err)
					}
					fresh, err := tiles.OnTheFly(ctx, pool, c.audience, l.ID, 5, z, int(tile.X), int(tile.Y))
					if err != nil {
						t.Fatal(err)
					}
					compared += compareTiles(t, fmt.Sprintf("%s %s %d/%d/%d", c.audience, l.ID, z, tile.X, tile.Y), stored.Gzipped, fresh)
				}
			}
		}
		if compared < 500 {
			t.Errorf("%s: only %d features compared", c.audience, compared)
		}
	}
}

// compareTiles checks that a stored (gzip) tile and a fresh one hold the same features and
// returns how many.
func compareTiles(t *testing.T, what string, gzipped, fresh []byte) int {
	t.Helper()
	if gzipped == nil || len(fresh) == 0 {
		if (gzipped == nil) != (len(fresh) == 0) {
			t.Errorf("%s: stored tile present %v, fresh tile %d bytes", what, gzipped != nil, len(fresh))
		}
		return 0
	}
	plain := gunzipTest(t, gzipped)
	a, err := mvt.Unmarshal(plain)
	if err != nil {
		t.Fatalf("%s: stored tile: %v", what, err)
	}
	b, err := mvt.Unmarshal(fresh)
	if err != nil {
		t.Fatalf("%s: fresh tile: %v", what, err)
	}
	if len(a) != 1 || len(b) != 1 || a[0].Name != b[0].Name || len(a[0].Features) != len(b[0].Features) {
		t.Fatalf("%s: stored %v, fresh %v", what, describe(a), describe(b))
	}
	for i := range a[0].Features {
		fa, fb := a[0].Features[i], b[0].Features[i]
		ja, _ := json.Marshal(fa.Properties)
		jb, _ := json.Marshal(fb.Properties)
		if !bytes.Equal(ja, jb) || fa.ID != fb.ID || !orb.Equal(fa.Geometry, fb.Geometry) {
			t.Fatalf("%s: feature %d differs:\nstored %s %v\nfresh  %s %v", what, i, ja, fa.ID, jb, fb.ID)
		}
	}
	return len(a[0].Features)
}

func describe(layers mvt.Layers) string {
	var out []string
	for _, l := range layers {
		out = append(out, fmt.Sprintf("%s:%d", l.Name, len(l.Features)))
	}
	return strings.Join(out, ",")
}

func gunzipTest(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawGet sends a GET without Go's transparent decompression, so that the encoding is seen.
func rawGet(t *testing.T, u string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

var versionedTiles = regexp.MustCompile(`/tiles/([a-z_]+)/([ra][0-9]+)/\{z\}/\{x\}/\{y\}\.mvt$`)

// tileTemplate reads a layer's TileJSON and returns its tiles template and version.
func tileTemplate(t *testing.T, base, layer string, user testUser) (string, string) {
	t.Helper()
	status, body, _ := request(t, "GET", base+"/tiles/"+layer+".json", user, "")
	var tj tiles.TileJSON
	if status != http.StatusOK || json.Unmarshal(body, &tj) != nil || len(tj.Tiles) != 1 {
		t.Fatalf("TileJSON of %s: %d %s", layer, status, truncate(body))
	}
	m := versionedTiles.FindStringSubmatch(tj.Tiles[0])
	if m == nil || m[2] != tj.Tileset {
		t.Fatalf("TileJSON of %s: tiles %q do not name the tileset %q", layer, tj.Tiles, tj.Tileset)
	}
	return tj.Tiles[0], tj.Tileset
}

func tileURL(template string, tile maptile.Tile) string {
	return strings.NewReplacer("{z}", strconv.Itoa(int(tile.Z)), "{x}", strconv.Itoa(int(tile.X)), "{y}", strconv.Itoa(int(tile.Y))).Replace(template)
}

// checkTileCaching: versioned public tiles are immutable with a strong entity tag, answered
// 304 when the client has them, gzip when accepted and plain otherwise; empty tiles are 204;
// zooms outside the layer's range and unknown versions are refused.
func checkTileCaching(t *testing.T, base string, users map[auth.Role]testUser) {
	template, version := tileTemplate(t, base, "indicators", users[auth.Public])
	if !strings.HasPrefix(version, "r") {
		t.Fatalf("public version %q does not name a release", version)
	}
	u := tileURL(template, maptile.At(modenaCentre, 13))
	res, gz := rawGet(t, u, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	etag := res.Header.Get("ETag")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("GET %s: %d, encoding %q, ETag %q", u, res.StatusCode, res.Header.Get("Content-Encoding"), etag)
	}
	cc := res.Header.Get("Cache-Control")
	if m := regexp.MustCompile(`max-age=(\d+)`).FindStringSubmatch(cc); m == nil || !strings.Contains(cc, "public") || !strings.Contains(cc, "immutable") || atoi(m[1]) < 86400 {
		t.Errorf("versioned public tile: Cache-Control %q", cc)
	}
	plain := gunzipTest(t, gz)
	if len(gz) > 50_000 {
		t.Errorf("tile %s is %d bytes compressed, want well under 50 KB", u, len(gz))
	}
	res, _ = rawGet(t, u, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %d, want 304", res.StatusCode)
	}
	res, body := rawGet(t, u, map[string]string{"Accept-Encoding": "identity"})
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, plain) || res.Header.Get("ETag") == etag {
		t.Errorf("plain tile: %d, encoding %q, %d bytes (want %d), ETag %q", res.StatusCode, res.Header.Get("Content-Encoding"), len(body), len(plain), res.Header.Get("ETag"))
	}
	res, _ = rawGet(t, u, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": `"something-else"`})
	if res.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match with another ETag: %d, want 200", res.StatusCode)
	}
	for tile, want := range map[maptile.Tile]int{
		{X: 0, Y: 0, Z: 12}:                     http.StatusNoContent,
		maptile.At(modenaCentre, 7):             http.StatusBadRequest, // below the layer's zooms
		maptile.At(modenaCentre, 15):            http.StatusBadRequest, // MapLibre overzooms 14
		maptile.At(modenaCentre, 14):            http.StatusOK,
		{X: 1 << 12, Y: 0, Z: maptile.Zoom(12)}: http.StatusBadRequest,
	} {
		if res, body := rawGet(t, tileURL(template, tile), nil); res.StatusCode != want {
			t.Errorf("tile %v: %d %s, want %d", tile, res.StatusCode, truncate(body), want)
		}
	}
	if res, _ := rawGet(t, strings.Replace(tileURL(template, maptile.At(modenaCentre, 13)), "/"+version+"/", "/r999999/", 1), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown version: %d, want 404", res.StatusCode)
	}
	// A planner reads restricted tiles, cached only privately, and the public release too.
	ptemplate, pversion := tileTemplate(t, base, "indicators", users[auth.Planner])
	if !strings.HasPrefix(pversion, "a") {
		t.Errorf("restricted version %q", pversion)
	}
	status, _, hdr := request(t, "GET", tileURL(ptemplate, maptile.At(modenaCentre, 13)), users[auth.Planner], "")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Cache-Control"), "private") {
		t.Errorf("restricted tile: %d, Cache-Control %q", status, hdr.Get("Cache-Control"))
	}
	if status, _, _ := request(t, "GET", tileURL(ptemplate, maptile.At(modenaCentre, 13)), users[auth.Public], ""); status != http.StatusNotFound {
		t.Errorf("restricted version as anonymous: %d, want 404", status)
	}
	if status, _, hdr := request(t, "GET", u, users[auth.Planner], ""); status != http.StatusOK || !strings.Contains(hdr.Get("Cache-Control"), "immutable") {
		t.Errorf("public release tile as a planner: %d, Cache-Control %q", status, hdr.Get("Cache-Control"))
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// checkRestrictedTilesAuditedPerHour: a planner's map reads hundreds of restricted tiles, at
// once; the audit trail gets one entry per layer and tileset in the hour, written before the
// first tile left.
func checkRestrictedTilesAuditedPerHour(t *testing.T, base string, c *cli, db *testdb.DB) {
	c.must("users", "add", "tile-auditee", "planner")
	token := strings.TrimSpace(c.must("users", "token", "tile-auditee", "tile audit test"))
	user := testUser{name: "tile-auditee", token: token}
	count := func() int {
		var n int
		if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = 'tile-auditee' AND action LIKE 'tiles %'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	layers := []string{"indicators", "hotspots"}
	var urls []string
	for _, layer := range layers {
		template, _ := tileTemplate(t, base, layer, user)
		for z := 9; z <= 14; z++ { // the figure layers' zooms (a territory's comuni below)
			centre := maptile.At(modenaCentre, maptile.Zoom(z))
			for dx := -3; dx <= 3; dx++ {
				for dy := -3; dy <= 3; dy++ {
					urls = append(urls, tileURL(template, maptile.Tile{X: uint32(int(centre.X) + dx), Y: uint32(int(centre.Y) + dy), Z: centre.Z}))
				}
			}
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	work := make(chan string)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				status, _, _ := request(t, "GET", u, user, "")
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}
		}()
	}
	for _, u := range urls {
		work <- u
	}
	close(work)
	wg.Wait()
	if statuses[http.StatusOK] < 150 || statuses[http.StatusOK]+statuses[http.StatusNoContent] != len(urls) {
		t.Fatalf("%d restricted tile reads answered %v", len(urls), statuses)
	}
	if n := count(); n != len(layers) {
		t.Errorf("%d restricted tile reads of %d layers wrote %d audit entries, want %d", len(urls), len(layers), n, len(layers))
	}
}

// checkTwoReleases: a new release gets tiles of its own; the TileJSON names it, and the tiles
// of the earlier release stay served for the maps still open on them.
func checkTwoReleases(t *testing.T, base string, c *cli, db *testdb.DB, srv *web.Server, users map[auth.Role]testUser) {
	oldTemplate, oldVersion := tileTemplate(t, base, "indicators", users[auth.Public])
	manifest := c.must("release", "--json")
	// The manifest anchors the audit trail: the newest entry's place and hash, to be filed away.
	var m struct {
		ID        int64 `json:"id"`
		AuditHead struct {
			Seq  int64  `json:"seq"`
			Hash string `json:"hash"`
		} `json:"audit_head"`
	}
	if err := json.Unmarshal([]byte(manifest), &m); err != nil || m.AuditHead.Seq == 0 || len(m.AuditHead.Hash) != 64 {
		t.Fatalf("release manifest without the audit trail's head: %v %.300s", err, manifest)
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	if a, err := readAnchor(path); err != nil || a.Seq != m.AuditHead.Seq || a.Hash != m.AuditHead.Hash {
		t.Errorf("readAnchor of the manifest: %+v %v", a, err)
	}
	if err := srv.RefreshTiles(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Both releases' figures are kept; the public views show the newest.
	var kept, shown int
	var latest int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(DISTINCT release_id) FROM released_indicators),
		(SELECT count(DISTINCT release_id) FROM public_indicators), (SELECT max(release_id) FROM public_indicators)`).Scan(&kept, &shown, &latest); err != nil {
		t.Fatal(err)
	}
	if kept < 2 || shown != 1 || latest != m.ID {
		t.Errorf("after a second release: %d releases kept, %d shown (release %d, want %d)", kept, shown, latest, m.ID)
	}
	newTemplate, newVersion := tileTemplate(t, base, "indicators", users[auth.Public])
	if newVersion == oldVersion || atoi(newVersion[1:]) <= atoi(oldVersion[1:]) {
		t.Fatalf("after a new release the TileJSON names %s (was %s)", newVersion, oldVersion)
	}
	tile := maptile.At(modenaCentre, 13)
	for _, template := range []string{oldTemplate, newTemplate} {
		if res, _ := rawGet(t, tileURL(template, tile), map[string]string{"Accept-Encoding": "gzip"}); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", tileURL(template, tile), res.StatusCode)
		}
	}
	var cat struct {
		Tileset string `json:"tileset"`
	}
	if getJSON(t, base+"/tiles/catalog.json", &cat); cat.Tileset != newVersion {
		t.Errorf("catalog names tileset %q, want %q", cat.Tileset, newVersion)
	}
}

// checkTilesCommand: abitare tiles lists the tilesets and extracts a layer's stored tiles as
// files, the same bytes the server sends.
func checkTilesCommand(t *testing.T, c *cli, base string) {
	out := c.must("tiles", "list")
	if !regexp.MustCompile(`(?m)^r\d+\s+public`).MatchString(out) || !regexp.MustCompile(`(?m)^a\d+\s+restricted`).MatchString(out) {
		t.Fatalf("tiles list:\n%s", out)
	}
	dir := t.TempDir()
	out = c.must("tiles", "extract", "--layer", "indicators", dir)
	if !strings.Contains(out, "tiles of indicators written") {
		t.Fatalf("tiles extract: %q", out)
	}
	template, _ := tileTemplate(t, base, "indicators", testUser{})
	tile := maptile.At(modenaCentre, 13)
	stored, err := os.ReadFile(fmt.Sprintf("%s/%d/%d/%d.mvt", dir, tile.Z, tile.X, tile.Y))
	if err != nil {
		t.Fatal(err)
	}
	_, served := rawGet(t, tileURL(template, tile), map[string]string{"Accept-Encoding": "gzip"})
	if !bytes.Equal(stored, served) {
		t.Errorf("extracted tile (%d bytes) differs from the served one (%d bytes)", len(stored), len(served))
	}
	if _, err := c.run("tiles", "extract", dir); err != nil {
		t.Errorf("extract with the default layer: %v", err)
	}
	if _, err := c.run("tiles", "frobnicate"); err == nil {
		t.Error("an unknown subcommand was accepted")
	}
}

// checkReferenceReaderReadsRenderedArchives: protomaps' npm reader reads every tile of the
// rendered public indicators archive as Go stored it, and its metadata names the layer.
func checkReferenceReaderReadsRenderedArchives(t *testing.T, db *testdb.DB) {
	node, err := exec.LookPath("node")
	script, _ := filepath.Abs("../../web/app/test-helpers/pmtiles-read.mjs")
	if _, serr := os.Stat("../../web/app/node_modules/pmtiles"); err != nil || serr != nil {
		if os.Getenv("ABITARE_E2E") != "" {
			t.Fatalf("node or web/app/node_modules/pmtiles missing (run make web): %v %v", err, serr)
		}
		t.Skip("node or the npm pmtiles package missing: run make web")
	}
	var data []byte
	if err := db.Pool.QueryRow(context.Background(), `SELECT archive FROM public_tile_archives a JOIN public_tilesets s ON s.id = a.tileset_id
		WHERE a.layer = 'indicators' ORDER BY s.id DESC LIMIT 1`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "indicators.pmtiles")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	archive, err := pmtiles.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for tile := range archive.Tiles() {
		sum := sha256.Sum256(gunzipTest(t, tile.Data))
		want = append(want, fmt.Sprintf("%d/%d/%d %x", tile.Z, tile.X, tile.Y, sum))
	}
	out, err := exec.Command(node, script, path).Output()
	if err != nil {
		t.Fatalf("reference reader: %v", err)
	}
	var got struct {
		Metadata struct {
			VectorLayers []struct {
				ID string `json:"id"`
			} `json:"vector_layers"`
		} `json:"metadata"`
		Tiles []string `json:"tiles"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Metadata.VectorLayers) != 1 || got.Metadata.VectorLayers[0].ID != "indicators" {
		t.Errorf("reference reader's metadata: %+v", got.Metadata)
	}
	if len(want) < 100 || !slices.Equal(got.Tiles, want) {
		t.Errorf("reference reader read %d tiles, Go stored %d; first differing: %v", len(got.Tiles), len(want), firstDiff(got.Tiles, want))
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " vs " + b[i]
		}
	}
	return "(one is a prefix of the other)"
}
