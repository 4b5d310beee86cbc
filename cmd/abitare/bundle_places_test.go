package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/gazetteer"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/publish"
	figfile "github.com/abitare/abitare/publish/figures"
	"github.com/abitare/abitare/ui"
)

// checkBundleFigures: every release has a figures file per geography and period, listed with
// its checksum; the latest release's equal GET /api/figures, which is public and compressed.
func checkBundleFigures(t *testing.T, base, dir string, index publish.Summary) {
	for i, r := range index.Releases {
		for _, g := range abitare.Geographies {
			if _, err := os.Stat(filepath.Join(dir, r.Path, "data", g+".csv")); err != nil {
				// A level the territory lacks (a city's province): no figures file either.
				if slices.ContainsFunc(r.Files, func(f publish.File) bool { return strings.HasPrefix(f.Path, "figures/"+g+"/") }) {
					t.Fatalf("release %d has figures of %s but no data file", r.ID, g)
				}
				continue
			}
			for _, period := range r.Periods {
				name := "figures/" + g + "/" + period + ".json"
				if !slices.ContainsFunc(r.Files, func(f publish.File) bool { return f.Path == name }) {
					t.Fatalf("release %d lists no %s", r.ID, name)
				}
				var f figfile.File
				readJSON(t, filepath.Join(dir, r.Path, filepath.FromSlash(name)), &f)
				if f.Release != r.ID || f.Geography != g || f.Period != period || len(f.Areas) == 0 || f.City.Residents == nil ||
					!slices.Equal(f.Columns, figfile.Columns) || len(f.City.Figures) != len(f.Indicators) {
					t.Fatalf("release %d %s: release %d, %s %s, %d areas, city %+v", r.ID, name, f.Release, f.Geography, f.Period, len(f.Areas), f.City)
				}
				if i == 0 && strings.HasSuffix(period, "-Q1") {
					if api := apiFigures(t, base, g, period); !reflect.DeepEqual(api, f) {
						t.Fatalf("%s differs from GET /api/figures/%s?period=%s", name, g, period)
					}
				}
			}
		}
	}
}

func apiFigures(t *testing.T, base, geography, period string) figfile.File {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/figures/"+geography+"?period="+period, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=300" || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET /api/figures/%s: %d, Cache-Control %q, Content-Encoding %q", geography, res.StatusCode,
			res.Header.Get("Cache-Control"), res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var f figfile.File
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

// checkBundleGazetteer: gazetteer.json, named in index.json, holds every street of the address
// register, every civic number, zone and section.
func checkBundleGazetteer(t *testing.T, dir string, index publish.Summary, db *testdb.DB) {
	if index.Gazetteer != publish.GazetteerFile {
		t.Fatalf("index.json names the gazetteer %q", index.Gazetteer)
	}
	var g gazetteer.Gazetteer
	readJSON(t, filepath.Join(dir, index.Gazetteer), &g)
	var numbers, zones, sections int
	if err := db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM address_points), (SELECT count(*) FROM omi_zones),
		(SELECT count(*) FROM census_sections)`).Scan(&numbers, &zones, &sections); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range g.Streets {
		n += len(s.Numbers)
	}
	if n != numbers || len(g.Zones) != zones || len(g.Sections) != sections || numbers == 0 {
		t.Fatalf("gazetteer: %d numbers, %d zones, %d sections; want %d, %d, %d", n, len(g.Zones), len(g.Sections), numbers, zones, sections)
	}
}

// checkBundleHosting: the embed pages and the hosts' header files are in the bundle.
func checkBundleHosting(t *testing.T, dir string) {
	if _, err := fs.Stat(ui.Dist, "dist/index.html"); err == nil {
		embed, _ := os.ReadFile(filepath.Join(dir, "embed.html"))
		folder, _ := os.ReadFile(filepath.Join(dir, "embed", "index.html"))
		if !bytes.Contains(embed, []byte(`<meta name="abitare-mode" content="embed">`)) ||
			!bytes.Contains(folder, []byte("<meta charset=\"utf-8\">\n  <base href=\"../\">")) || !bytes.Contains(folder, []byte(`abitare-mode`)) {
			t.Fatalf("embed.html or embed/index.html missing or without the embed meta and base:\n%s\n%s", embed, folder)
		}
	}
	headers, _ := os.ReadFile(filepath.Join(dir, "_headers"))
	for _, want := range []string{"\n/embed\n  Content-Security-Policy: frame-ancestors *\n", "\n/\n  Content-Security-Policy: frame-ancestors 'none'\n  X-Frame-Options: DENY\n",
		"  Content-Type: application/vnd.pmtiles\n", "  Content-Type: application/geopackage+sqlite3\n", "  Content-Type: application/geo+json\n",
		"/catalog.jsonld\n  Content-Type: application/ld+json\n"} {
		if !bytes.Contains(headers, []byte(want)) {
			t.Fatalf("_headers lacks %q:\n%s", want, headers)
		}
	}
	if conf, _ := os.ReadFile(filepath.Join(dir, "nginx.conf")); !bytes.Contains(conf, []byte("location /embed {")) {
		t.Fatalf("nginx.conf:\n%s", conf)
	}
}

// checkNginx serves the bundle with nginx, one process without a master (so that stopping it
// leaves nothing behind), with the bundle's
// nginx.conf in its server block: the map page refuses frames, the embed page allows them, and
// an archive answers a range request with its media type.
func checkNginx(t *testing.T, dir string, latest int64) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin, err = exec.LookPath("/usr/sbin/nginx")
	}
	if err != nil && os.Getenv("ABITARE_E2E") != "" {
		t.Fatal("nginx is needed to check the static site (apt-get install nginx-light; .ci/ensure-tools --browser installs it)")
	} else if err != nil {
		t.Skip("nginx not installed (apt-get install nginx-light): the bundle's nginx.conf is not tried")
	}
	prefix := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	mime := "types { text/html html; application/json json; text/css css; application/javascript js; }"
	if _, err := os.Stat("/etc/nginx/mime.types"); err == nil {
		mime = "include /etc/nginx/mime.types;"
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // or the workers would drop to nobody, who cannot read the test's folders
	}
	conf := fmt.Sprintf(`%s
daemon off;
master_process off;
pid nginx.pid;
error_log error.log;
events { worker_connections 64; }
http {
    %s
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path body; proxy_temp_path proxy; fastcgi_temp_path fastcgi; uwsgi_temp_path uwsgi; scgi_temp_path scgi;
    server {
        listen %s;
        root %s;
        include %s;
    }
}
`, user, mime, addr, dir, filepath.Join(dir, "nginx.conf"))
	if err := os.WriteFile(filepath.Join(prefix, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", prefix, "-c", filepath.Join(prefix, "nginx.conf"), "-e", filepath.Join(prefix, "error.log"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			log, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			t.Fatalf("nginx did not start: %s\n%s", out.String(), log)
		}
	}
	get := func(path string, header ...string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	for _, path := range []string{"/", "/site.json"} {
		if res, _ := get(path); res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != "frame-ancestors 'none'" ||
			res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("nginx %s: %d, CSP %q, X-Frame-Options %q", path, res.StatusCode, res.Header.Get("Content-Security-Policy"), res.Header.Get("X-Frame-Options"))
		}
	}
	if _, err := fs.Stat(ui.Dist, "dist/index.html"); err == nil {
		for _, path := range []string{"/embed", "/embed/", "/embed.html"} {
			res, body := get(path)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != "frame-ancestors *" ||
				res.Header.Get("X-Frame-Options") != "" || !bytes.Contains(body, []byte("abitare-mode")) {
				t.Errorf("nginx %s: %d, CSP %q, X-Frame-Options %q", path, res.StatusCode, res.Header.Get("Content-Security-Policy"), res.Header.Get("X-Frame-Options"))
			}
		}
	}
	archive := fmt.Sprintf("/releases/r%d/tiles/hexagons.pmtiles", latest)
	res, b := get(archive, "Range", "bytes=0-126")
	if res.StatusCode != http.StatusPartialContent || len(b) != 127 || res.Header.Get("Content-Type") != "application/vnd.pmtiles" {
		t.Errorf("nginx %s Range bytes=0-126: %d, %d bytes, %q", archive, res.StatusCode, len(b), res.Header.Get("Content-Type"))
	}
	for path, want := range map[string]string{
		fmt.Sprintf("/releases/r%d/data/abitare-r%d.gpkg", latest, latest): "application/geopackage+sqlite3",
		fmt.Sprintf("/releases/r%d/data/omi.geojson", latest):              "application/geo+json",
		"/catalog.jsonld": "application/ld+json",
	} {
		if res, _ := get(path); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != want {
			t.Errorf("nginx %s: %d %q, want %s", path, res.StatusCode, res.Header.Get("Content-Type"), want)
		}
	}
	if os.Getenv("ABITARE_E2E") == "" || t.Failed() {
		return
	}
	// With nothing but nginx behind it: the map draws hexagons from the archives, its explore
	// features work from the figures files, and axe-core finds no serious violation.
	runBrowser(t, "e2e/static.mjs", base+"/", "static-site.png", 2*time.Minute)
	runNode(t, "e2e/explore.mjs", []string{base + "/"}, 3*time.Minute)
	runNode(t, "e2e/a11y.mjs", []string{base + "/", base + "/embed"}, 3*time.Minute)
}
