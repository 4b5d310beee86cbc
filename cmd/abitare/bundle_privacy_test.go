package main

// The open-data bundle (abitare publish DIR) as an outsider gets it: read by the reference
// tools (GDAL for the GeoJSON, protomaps' reader for the archives), attacked by differencing
// from its own files, and scanned for anything that identifies a person or gives a true small
// count.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/tiles/pmtiles"
)

// checkBundleReadByReferenceTools: ogrinfo reads every feature of a GeoJSON file, and the npm
// pmtiles reader decodes every archive of the release.
func checkBundleReadByReferenceTools(t *testing.T, rel string) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil && os.Getenv("ABITARE_E2E") == "" {
		t.Skip("ogrinfo not installed")
	} else if err != nil {
		t.Fatal("ogrinfo (gdal-bin) is needed to check the GeoJSON")
	}
	path := filepath.Join(rel, "data", "omi.geojson")
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, out)
	}
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
	raw, _ := os.ReadFile(path)
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	if m == nil || string(m[1]) != strconv.Itoa(len(fc.Features)) {
		t.Fatalf("ogrinfo reads %s features of omi.geojson, the file has %d:\n%s", m, len(fc.Features), out)
	}

	script, _ := filepath.Abs("../../web/app/test-helpers/pmtiles-read.mjs")
	archives, _ := filepath.Glob(filepath.Join(rel, "tiles", "*.pmtiles"))
	if len(archives) == 0 {
		t.Fatal("the release has no tile archive")
	}
	for _, a := range archives {
		out, err := exec.Command("node", script, a).Output()
		if err != nil {
			t.Fatalf("reference reader on %s: %v", a, err)
		}
		var got struct {
			Tiles []string `json:"tiles"`
		}
		if err := json.Unmarshal(out, &got); err != nil || len(got.Tiles) == 0 {
			t.Fatalf("reference reader on %s: %d tiles, %v", a, len(got.Tiles), err)
		}
	}
}

// checkBundleResistsDifferencing runs the public attack suite on the release's own CSV files
// (the city's combinations of domains, which the bundle does not hold, from the API).
func checkBundleResistsDifferencing(t *testing.T, base, rel string, db *testdb.DB, release int64) {
	var threshold, maxDev int
	if err := db.Pool.QueryRow(context.Background(), `SELECT threshold, (parameters->>'max_deviation')::int FROM releases WHERE id = $1`, release).
		Scan(&threshold, &maxDev); err != nil {
		t.Fatal(err)
	}
	pub := publicData{}
	periods := map[string]bool{}
	for _, g := range abitare.Geographies {
		file := filepath.Join(rel, "data", g+".csv")
		if _, err := os.Stat(file); err != nil {
			continue // a level the territory lacks: nothing published of it
		}
		rows := readCSV(t, file)
		for _, r := range rows[1:] {
			// release, geography, id, period, indicator, people, residents, rate, status, residents_status
			var p published
			p.residents, _ = strconv.Atoi(r[6])
			if r[5] != "" {
				n, _ := strconv.Atoi(r[5])
				p.people = &n
			}
			if r[7] != "" {
				f, _ := strconv.ParseFloat(r[7], 64)
				p.rate = &f
			}
			pub[qkey{g, r[2], r[3], r[4]}] = p
			periods[r[3]] = true
		}
	}
	var list []string
	for p := range periods {
		list = append(list, p)
	}
	if len(list) < 2 {
		t.Fatalf("the bundle's CSV files hold periods %v, want the year and its quarters", list)
	}
	attackPublication(t, db, pub, downloadOverlap(t, base, list), list, threshold, maxDev)
}

// fiscalCodeShape is the shape of an Italian fiscal code (omocodia letters included).
var fiscalCodeShape = regexp.MustCompile(`[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]`)

// checkBundleHoldsNoIdentifier scans every byte of the bundle (tiles decompressed) for a fiscal
// code, the shape of one, or a stored pseudonym in hex; and every published count in its CSV
// and figures files for one from 1 to threshold-1.
func checkBundleHoldsNoIdentifier(t *testing.T, dir string, db *testdb.DB, people map[string]*demoPerson) {
	ctx := context.Background()
	pseudonyms := map[string]bool{} // the first 8 bytes of each, in hex
	rows, err := db.Pool.Query(ctx, `SELECT pseudonym FROM people UNION SELECT pseudonym FROM residents`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p []byte
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		pseudonyms[hex.EncodeToString(p[:8])] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pseudonyms) < len(people) {
		t.Fatalf("%d pseudonyms stored, fewer than the %d people of the agency files", len(pseudonyms), len(people))
	}
	hexRun := regexp.MustCompile(`[0-9a-fA-F]{16,}`)
	scanned := 0
	scan := func(where string, b []byte) {
		scanned += len(b)
		if m := fiscalCodeShape.Find(b); m != nil {
			t.Fatalf("%s holds a fiscal-code-shaped string %q", where, m)
		}
		for _, run := range hexRun.FindAll(b, -1) {
			low := strings.ToLower(string(run))
			for i := 0; i+16 <= len(low); i++ {
				if pseudonyms[low[i:i+16]] {
					t.Fatalf("%s holds a stored pseudonym (%s...)", where, low[i:i+16])
				}
			}
		}
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(dir, path)
		switch {
		case strings.HasSuffix(path, ".pmtiles"):
			a, err := pmtiles.Open(b)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			for tile := range a.Tiles() {
				scan(fmt.Sprintf("%s tile %d/%d/%d", name, tile.Z, tile.X, tile.Y), gunzipMaybe(t, tile.Data))
			}
		default:
			scan(name, b)
		}
		if strings.HasSuffix(path, ".csv") && strings.Contains(path, string(filepath.Separator)+"data"+string(filepath.Separator)) {
			checkNoSmallCountInCSV(t, name, b, db)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 1<<20 {
		t.Fatalf("scanned only %d bytes of the bundle", scanned)
	}
}

func gunzipMaybe(t *testing.T, b []byte) []byte {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkNoSmallCountInCSV: no people count of a data file lies between 1 and its release's
// threshold - 1.
func checkNoSmallCountInCSV(t *testing.T, name string, b []byte, db *testdb.DB) {
	rows := readCSVBytes(t, b)
	thresholds := map[string]int{}
	for _, r := range rows[1:] {
		th, ok := thresholds[r[0]]
		if !ok {
			if err := db.Pool.QueryRow(context.Background(), `SELECT threshold FROM releases WHERE id = $1`, r[0]).Scan(&th); err != nil {
				t.Fatalf("%s: release %s: %v", name, r[0], err)
			}
			thresholds[r[0]] = th
		}
		if n, err := strconv.Atoi(r[5]); err == nil && n >= 1 && n < th {
			t.Fatalf("%s: %v publishes %d people, below the threshold %d", name, r, n, th)
		}
	}
}
