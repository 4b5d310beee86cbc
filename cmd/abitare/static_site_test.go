package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/ui"
)

// checkStaticSite: the bundle is a static site. Served by a plain file server (net/http's,
// which answers Range requests), it gives the map page and site.json, and its PMTiles archives
// answer a Range request with 206; with ABITARE_E2E set, the page draws hexagons in chromium
// from the archives alone (web/app/e2e/static.mjs, run against nginx by checkNginx).
func checkStaticSite(t *testing.T, dir string, latest int64) {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	get := func(path string, header http.Header) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, b := get("/site.json", nil)
	var site struct {
		Mode       string `json:"mode"`
		Vocabulary struct {
			Indicators []string `json:"indicators"`
		} `json:"vocabulary"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &site) != nil || site.Mode != "static" || len(site.Vocabulary.Indicators) == 0 {
		t.Fatalf("site.json: %d %s", res.StatusCode, b)
	}
	if _, err := fs.Stat(ui.Dist, "dist/index.html"); err != nil {
		t.Log("front end not built: the static site has no page (site.json only)")
	} else {
		for _, name := range []string{"/", "/index.html", "/app.js", "/app.css", "/worker.js"} {
			if res, b := get(name, nil); res.StatusCode != http.StatusOK || len(b) == 0 {
				t.Fatalf("GET %s: %d, %d bytes", name, res.StatusCode, len(b))
			}
		}
		if _, b := get("/", nil); !strings.Contains(string(b), "app.js") {
			t.Fatalf("index.html does not load app.js:\n%s", b)
		}
	}
	archive := "/releases/r" + strconv.FormatInt(latest, 10) + "/tiles/hexagons.pmtiles"
	res, b = get(archive, http.Header{"Range": {"bytes=0-126"}})
	if res.StatusCode != http.StatusPartialContent || len(b) != 127 || string(b[:7]) != "PMTiles" {
		t.Fatalf("GET %s Range bytes=0-126: %d, %d bytes %q", archive, res.StatusCode, len(b), b[:min(7, len(b))])
	}
	if _, err := fs.Stat(ui.Dist, "dist/index.html"); err != nil && os.Getenv("ABITARE_E2E") != "" {
		t.Fatal("ABITARE_E2E set but the front end is not built (make web)")
	}
	// The browser checks run against nginx (checkNginx).
}
