package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestSiteHandlerServesTheBundle(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html":                         "<html>map</html>",
		"index.json":                         `{"latest": 3}`,
		"releases/r3/tiles/hexagons.pmtiles": "PMTiles\x03 and the rest of an archive",
		"releases/r3/data/omi.csv":           "release,geography\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := siteHandler(dir)
	serve := func(url string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := serve("/open/releases/r3/tiles/hexagons.pmtiles", "Range", "bytes=0-6"); rec.Code != http.StatusPartialContent ||
		rec.Body.String() != "PMTiles" || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("range of an archive: %d %q %q", rec.Code, rec.Body.String(), rec.Header().Get("Cache-Control"))
	}
	if rec := serve("/open/index.json"); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("index: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec := serve("/open/"); rec.Code != http.StatusOK || rec.Body.String() != "<html>map</html>" {
		t.Fatalf("the page: %d %q", rec.Code, rec.Body.String())
	}
	for _, url := range []string{"/open/releases/", "/open/releases/r3/data/", "/open/../../etc/passwd", "/open/nothing.json"} {
		if rec := serve(url); rec.Code != http.StatusNotFound && rec.Code != http.StatusMovedPermanently {
			t.Fatalf("%s: %d %q, want no listing and nothing outside the bundle", url, rec.Code, rec.Body.String())
		}
	}
}
