package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/publish"
	"github.com/abitare/abitare/tiles/pmtiles"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// checkPublishBundle: `abitare publish DIR` writes every release kept; each release's files
// match their checksums, its CSV equals the open-data API of the same release, its GeoJSON is
// RFC 7946 with one feature per area and period, and its tile archives are the stored ones.
func checkPublishBundle(t *testing.T, base string, c *cli, db *testdb.DB, people map[string]*demoPerson) {
	dir := t.TempDir()
	publisher := []string{"--publisher", "Comune di Modena", "--publisher-ipa", "c_f257",
		"--publisher-email", "opendata@example.org", "--publisher-url", "https://example.org", "--base-url", "https://dati.example.org/abitare/"}
	if _, err := c.run("publish", dir); err == nil {
		t.Fatal("publish without a publisher's identity was accepted")
	}
	c.must(append(append([]string{"publish"}, publisher...), dir)...)
	var index publish.Summary
	readJSON(t, filepath.Join(dir, "index.json"), &index)
	var latest, kept int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT max(id), count(*) FROM releases`).Scan(&latest, &kept); err != nil {
		t.Fatal(err)
	}
	if index.Latest != latest || int64(len(index.Releases)) != kept {
		t.Fatalf("index: latest %d of %d releases, want %d of %d", index.Latest, len(index.Releases), latest, kept)
	}
	rel := filepath.Join(dir, "releases", fmt.Sprintf("r%d", latest))
	checkSums(t, rel)
	checkBundleCSV(t, base, rel, latest)
	checkBundleGeoJSON(t, rel)
	checkBundleTiles(t, rel, db, latest)
	readme, _ := os.ReadFile(filepath.Join(rel, "README.md"))
	if !bytes.Contains(readme, []byte("## Italiano")) || !bytes.Contains(readme, []byte("## English")) {
		t.Fatalf("README without both languages:\n%s", readme)
	}
	checkBundleGeoPackage(t, rel, latest)
	checkBundleCatalog(t, dir, index)
	checkBundleFigures(t, base, dir, index)
	checkBundleGazetteer(t, dir, index, db)
	checkBundleHosting(t, dir)
	checkBundleReadByReferenceTools(t, rel)
	checkBundleResistsDifferencing(t, base, rel, db, latest)
	checkBundleHoldsNoIdentifier(t, dir, db, people)
	// Run again: the same bundle, nothing left over.
	c.must(append(append([]string{"publish"}, publisher...), dir)...)
	entries, _ := os.ReadDir(filepath.Join(dir, "releases"))
	if len(entries) != int(kept) {
		t.Fatalf("after a second run releases/ holds %d entries, want %d", len(entries), kept)
	}
	checkStaticSite(t, dir, latest)
	t.Run("nginx serves the bundle", func(t *testing.T) { checkNginx(t, dir, latest) })
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// checkSums verifies SHA256SUMS as sha256sum -c would, and that it names every file.
func checkSums(t *testing.T, dir string) {
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	named := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != sum {
			t.Fatalf("%s does not match its checksum", name)
		}
		named[name] = true
	}
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if rel, _ := filepath.Rel(dir, path); err == nil && !d.IsDir() && rel != "SHA256SUMS" && !named[filepath.ToSlash(rel)] {
			t.Errorf("%s has no checksum", rel)
		}
		return nil
	})
}

// checkBundleCSV: every geography's file equals the open-data API's rows, period by period.
func checkBundleCSV(t *testing.T, base, dir string, release int64) {
	for _, g := range abitare.Geographies {
		file := filepath.Join(dir, "data", g+".csv")
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			// A level the territory does not have (a city has no province): no file, and
			// nothing from the API either.
			if api := readCSVBytes(t, get(t, fmt.Sprintf("%s/api/open/%s?period=2025&format=csv", base, g))); len(api) > 1 {
				t.Fatalf("%s: no file in the bundle, %d rows from the API", g, len(api)-1)
			}
			continue
		}
		rows := readCSV(t, file)
		byPeriod := map[string]map[string]string{}
		for _, r := range rows[1:] {
			if r[0] != fmt.Sprint(release) || r[1] != g {
				t.Fatalf("%s.csv row %v: wrong release or geography", g, r)
			}
			if byPeriod[r[3]] == nil {
				byPeriod[r[3]] = map[string]string{}
			}
			byPeriod[r[3]][r[2]+"/"+r[4]] = r[5] + "/" + r[8]
		}
		if len(byPeriod) == 0 {
			t.Fatalf("%s.csv is empty", g)
		}
		for period, figures := range byPeriod {
			api := readCSVBytes(t, get(t, fmt.Sprintf("%s/api/open/%s?period=%s&format=csv", base, g, period)))
			col := map[string]int{}
			for i, h := range api[0] {
				col[h] = i
			}
			if len(api)-1 != len(figures) {
				t.Fatalf("%s %s: %d rows in the bundle, %d from the API", g, period, len(figures), len(api)-1)
			}
			for _, r := range api[1:] {
				if got, want := figures[r[col["id"]]+"/"+r[col["indicator"]]], r[col["people"]]+"/"+r[col["status"]]; got != want {
					t.Fatalf("%s %s %s %s: bundle %q, API %q", g, period, r[col["id"]], r[col["indicator"]], got, want)
				}
			}
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readCSVBytes(t, b)
}

func readCSVBytes(t *testing.T, b []byte) [][]string {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) < 1 {
		t.Fatalf("CSV: %v", err)
	}
	return rows
}

// checkBundleGeoJSON: RFC 7946 (exterior rings counterclockwise, WGS 84 coordinates) and one
// feature per area and period.
func checkBundleGeoJSON(t *testing.T, dir string) {
	for _, g := range []string{"omi", "section", "h3_8"} {
		b, err := os.ReadFile(filepath.Join(dir, "data", g+".geojson"))
		if err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatalf("%s.geojson: %v", g, err)
		}
		seen := map[string]bool{}
		for _, f := range fc.Features {
			key := fmt.Sprint(f.Properties["id"], "/", f.Properties["period"])
			if seen[key] {
				t.Fatalf("%s.geojson: %s twice", g, key)
			}
			seen[key] = true
			for _, poly := range polygonsOf(f.Geometry) {
				if ringSigned(poly[0]) < 0 {
					t.Fatalf("%s.geojson %s: exterior ring clockwise", g, key)
				}
				if b := poly.Bound(); b.Min.Lon() < 10 || b.Max.Lon() > 12 || b.Min.Lat() < 44 || b.Max.Lat() > 45.5 {
					t.Fatalf("%s.geojson %s: outline %v is not lon/lat around Modena", g, key, b)
				}
			}
		}
		if len(fc.Features) == 0 {
			t.Fatalf("%s.geojson has no feature", g)
		}
	}
}

func polygonsOf(g orb.Geometry) []orb.Polygon {
	switch x := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{x}
	case orb.MultiPolygon:
		return x
	}
	return nil
}

// ringSigned is the shoelace sum: positive for a counterclockwise ring.
func ringSigned(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

// checkBundleTiles: the release's archives are the stored public ones, and they open.
func checkBundleTiles(t *testing.T, dir string, db *testdb.DB, release int64) {
	rows, err := db.Pool.Query(context.Background(), `SELECT a.layer, a.sha256 FROM tile_archives a JOIN tilesets s ON s.id = a.tileset_id
		WHERE s.id = (SELECT max(id) FROM tilesets WHERE audience = 'public' AND release_id = $1) AND length(a.archive) > 0`, release)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var layer string
		var sum []byte
		if err := rows.Scan(&layer, &sum); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "tiles", layer+".pmtiles"))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(b); !bytes.Equal(h[:], sum) {
			t.Fatalf("tiles/%s.pmtiles differs from the stored archive", layer)
		}
		if _, err := pmtiles.Open(b); err != nil {
			t.Fatalf("tiles/%s.pmtiles: %v", layer, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no public tile archive for the latest release")
	}
}

// checkBundleGeoPackage: GDAL reads every geography as a layer in WGS 84 (when gdal-bin is
// installed; the end-to-end run requires it).
func checkBundleGeoPackage(t *testing.T, dir string, release int64) {
	path := filepath.Join(dir, "data", fmt.Sprintf("abitare-r%d.gpkg", release))
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("ABITARE_E2E") != "" {
			t.Fatal("ogrinfo (gdal-bin) is needed to check the GeoPackage")
		}
		t.Skip("ogrinfo not installed")
	}
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	layers := 0
	for _, g := range abitare.Geographies {
		_, err := os.Stat(filepath.Join(dir, "data", g+".csv"))
		if listed := bytes.Contains(out, []byte("Layer name: "+g+"\n")); listed != (err == nil) {
			t.Fatalf("ogrinfo lists layer %s: %v, the bundle has its data file: %v (a level the territory lacks has neither):\n%s", g, listed, err == nil, out)
		}
		if err == nil {
			layers++
		}
	}
	if bytes.Count(out, []byte("EPSG\",4326")) < layers && bytes.Count(out, []byte("ID[\"EPSG\",4326]")) < layers {
		t.Fatalf("ogrinfo does not report WGS 84 for every layer:\n%s", out)
	}
	if bytes.Contains(out, []byte("ERROR")) {
		t.Fatalf("ogrinfo reports errors:\n%s", out)
	}
}

// checkBundleCatalog: the DCAT-AP_IT catalog names every release as a dataset, and every data
// file and tile archive of the latest as a distribution with its checksum.
func checkBundleCatalog(t *testing.T, dir string, index publish.Summary) {
	var doc map[string]any
	readJSON(t, filepath.Join(dir, "catalog.jsonld"), &doc)
	b, _ := os.ReadFile(filepath.Join(dir, "catalog.jsonld"))
	text := string(b)
	for _, r := range index.Releases {
		if !strings.Contains(text, fmt.Sprintf("c_f257:abitare-r%d", r.ID)) && !strings.Contains(text, fmt.Sprintf("c_f257:%d", r.ID)) {
			t.Fatalf("catalog.jsonld names no dataset for release %d", r.ID)
		}
	}
	for _, f := range index.Releases[0].Files {
		if strings.HasPrefix(f.Path, "data/") || strings.HasPrefix(f.Path, "tiles/") {
			if !strings.Contains(text, f.SHA256) {
				t.Fatalf("catalog.jsonld has no distribution for %s (sha256 %s)", f.Path, f.SHA256)
			}
		}
	}
	if rdf, err := os.ReadFile(filepath.Join(dir, "catalog.rdf")); err != nil || !bytes.Contains(rdf, []byte("dcatapit")) {
		t.Fatalf("catalog.rdf: %v", err)
	}
}
