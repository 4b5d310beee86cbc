package publish

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestHeadersRulesDoNotOverlap: Netlify and Cloudflare Pages merge the headers of every rule a
// path matches, so a catch-all rule refusing frames would also refuse them to the embed page.
func TestHeadersRulesDoNotOverlap(t *testing.T) {
	sum := Summary{Releases: []ReleaseFiles{{Path: "releases/r2", Files: []File{{Path: "tiles/hexagons.pmtiles"}, {Path: "data/omi.csv"},
		{Path: "data/omi.geojson"}, {Path: "data/abitare-r2.gpkg"}}}}}
	out := netlifyHeaders([]string{"/", "/index.html"}, typedFiles(sum))
	rules := map[string][]string{}
	var path string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "/"):
			if strings.Contains(line, "*") || rules[line] != nil {
				t.Fatalf("rule %q is a pattern or repeated", line)
			}
			path, rules[line] = line, []string{}
		default:
			rules[path] = append(rules[path], strings.TrimSpace(line))
		}
	}
	for _, p := range []string{"/embed", "/embed/", "/embed.html", "/embed/index.html"} {
		if got := strings.Join(rules[p], "|"); got != "Content-Security-Policy: frame-ancestors *" {
			t.Errorf("%s: %q", p, got)
		}
	}
	if got := strings.Join(rules["/"], "|"); got != "Content-Security-Policy: frame-ancestors 'none'|X-Frame-Options: DENY" {
		t.Errorf("/: %q", got)
	}
	for p, want := range map[string]string{"/releases/r2/tiles/hexagons.pmtiles": "application/vnd.pmtiles",
		"/releases/r2/data/abitare-r2.gpkg": "application/geopackage+sqlite3", "/releases/r2/data/omi.geojson": "application/geo+json",
		"/catalog.jsonld": "application/ld+json"} {
		if got := strings.Join(rules[p], "|"); got != "Content-Type: "+want {
			t.Errorf("%s: %q, want %s", p, got, want)
		}
	}
	if _, ok := rules["/releases/r2/data/omi.csv"]; ok {
		t.Error("a rule for a file every host types already")
	}
}

func TestEmbedFolderPageResolvesOneLevelUp(t *testing.T) {
	dir := t.TempDir()
	page := "<!doctype html><head>\n  <meta charset=\"utf-8\">\n  <meta name=\"abitare-mode\" content=\"embed\">\n<script src=\"app.js\"></script>"
	dist := fstest.MapFS{"index.html": {Data: []byte("x")}, "embed.html": {Data: []byte(page)}}
	if err := writeEmbedFolder(dir, dist); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "embed", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(page, `<meta charset="utf-8">`, "<meta charset=\"utf-8\">\n  <base href=\"../\">", 1); string(b) != want {
		t.Fatalf("embed/index.html:\n%s\nwant:\n%s", b, want)
	}
	if err := writeEmbedFolder(t.TempDir(), fstest.MapFS{"index.html": {Data: []byte("x")}}); err == nil {
		t.Error("a build without embed.html was accepted")
	}
	if err := writeEmbedFolder(t.TempDir(), fstest.MapFS{}); err != nil {
		t.Errorf("no front end built: %v, want nothing written", err)
	}
}

func TestBasemapStyleReachesSiteJSON(t *testing.T) {
	if _, err := Write(t.Context(), nil, t.TempDir(), Options{BasemapStyle: "http://tiles.example.org/style.json"}); err == nil ||
		!strings.Contains(err.Error(), "basemap") {
		t.Fatalf("a plain-http basemap: %v, want refused before reading anything", err)
	}
	for _, style := range []string{"", "https://tiles.openfreemap.org/styles/positron"} {
		dir := t.TempDir()
		if err := writeSite(dir, Options{BasemapStyle: style}, nil); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, SiteFile))
		var s site
		if err := json.Unmarshal(b, &s); err != nil || s.BasemapStyle != style || strings.Contains(string(b), "basemap") != (style != "") {
			t.Fatalf("site.json with basemap %q: %s (%v)", style, b, err)
		}
	}
}
