package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geo"
	"golang.org/x/text/encoding/charmap"
)

// provinceBoundaries is the bundled ISTAT boundary file of the province of Modena's 47 comuni.
const provinceBoundaries = "../../democity/province/data/istat_comuni_provincia_modena_2023.geojson"

// TestProvincePipeline runs the province demo's files (3% of the residents of its 47 comuni)
// through the commands of make demo-province into a territory of four of them (Modena, Carpi,
// Soliera, Nonantola): the same street names in many comuni, people across comuni, sections and
// records of comuni outside the territory skipped and counted.
const provinceTestComuni = "036023,036005,036044,036027"

func TestProvincePipeline(t *testing.T) {
	t.Parallel() // alongside the demo city's tests, on a database of its own
	db := testdb.New(t)
	c := newCLI(t, db.URL)
	dir := t.TempDir()
	start := time.Now()
	step := func(args ...string) string {
		t.Helper()
		out := c.must(args...)
		t.Logf("abitare %s: %s", args[0], time.Since(start).Round(time.Second))
		return out
	}
	step("territory", "load", provinceBoundaries, "--municipalities", provinceTestComuni)
	step("zones", "--omi-only")
	step("demo", "--province", "--scale", "0.03", "--seed", "11", "--history-years", "2", "--out", dir)
	if out := step("sections", filepath.Join(dir, "sezioni.geojson")); !strings.Contains(out, "skipped: their comuni are outside the territory (036001, ") {
		t.Fatalf("the sections of the other 43 comuni were not skipped and counted: %s", out)
	}
	step("addresses", "load", filepath.Join(dir, "stradario_anncsu.csv"))
	// The province's population register is not loaded: a register is per comune, and the
	// territory here is four of the 47.
	for _, f := range demoFiles {
		step("ingest", "--quiet", "--source", f.source, filepath.Join(dir, f.file))
	}
	var outOfArea int
	if err := db.Pool.QueryRow(context.Background(), `SELECT sum(rows_out_of_area) FROM ingest_batches`).Scan(&outOfArea); err != nil || outOfArea < 100 {
		t.Fatalf("%d records of comuni outside the territory counted (%v)", outOfArea, err)
	}
	step("aggregate", "--period", "2025", "--permutations", "99")
	step("trends")
	step("release")

	t.Run("addresses are geocoded within their own comune", func(t *testing.T) { checkGeocodedWithinComune(t, db, dir) })
	srv := openTestServer(t, db.URL)
	users := addTestUsers(t, c)
	anon := httptest.NewServer(srv.Handler())
	defer anon.Close()
	t.Run("every comune is published", func(t *testing.T) { checkEveryComunePublished(t, anon.URL, db) })
	t.Run("the province's figures are its comuni's", func(t *testing.T) { checkProvinceFigures(t, anon.URL, db) })
	t.Run("the province is a level of the map", func(t *testing.T) { checkProvinceLevel(t, anon.URL, db) })
	t.Run("every route and layer as every role", func(t *testing.T) { checkRoleMatrix(t, anon.URL, srv, users, db) })
	t.Run("public outputs resist differencing", func(t *testing.T) { checkDifferencing(t, anon.URL, db) })
	t.Run("planner outputs resist differencing", func(t *testing.T) { checkPlannerDifferencing(t, anon.URL, db, users) })
	t.Run("planner outputs resist an exact attacker", func(t *testing.T) { checkPlannerLinearProgramming(t, db) })
}

// checkEveryComunePublished: the public municipality figures name the territory's comuni, and
// the tiles' bounds cover them.
func checkEveryComunePublished(t *testing.T, base string, db *testdb.DB) {
	var open struct {
		Figures []struct {
			ID string `json:"id"`
		} `json:"figures"`
	}
	if err := json.Unmarshal(get(t, base+"/api/open/municipality?period=2025"), &open); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range open.Figures {
		ids[f.ID] = true
	}
	for _, code := range strings.Split(provinceTestComuni, ",") {
		if !ids[code] {
			t.Errorf("no public figures of comune %s", code)
		}
	}
	if len(ids) != 4 {
		t.Fatalf("public municipality figures name %d comuni, want the territory's 4", len(ids))
	}
	var w, s, e, n float64
	if err := db.Pool.QueryRow(context.Background(), `SELECT ST_XMin(x), ST_YMin(x), ST_XMax(x), ST_YMax(x)
		FROM (SELECT ST_Extent(geom)::geometry AS x FROM municipalities) b`).Scan(&w, &s, &e, &n); err != nil {
		t.Fatal(err)
	}
	var tj struct {
		Bounds [4]float64 `json:"bounds"`
	}
	if err := json.Unmarshal(get(t, base+"/tiles/boundary.json"), &tj); err != nil {
		t.Fatal(err)
	}
	if tj.Bounds[0] > w || tj.Bounds[1] > s || tj.Bounds[2] < e || tj.Bounds[3] < n {
		t.Fatalf("TileJSON bounds %v do not cover the province [%f %f %f %f]", tj.Bounds, w, s, e, n)
	}
}

// checkProvinceLevel: four comuni of one province make the province a level of the map like the
// municipality (its public figures, its tile layer with its name, its profile), and no region.
func checkProvinceLevel(t *testing.T, base string, db *testdb.DB) {
	ids := func(geography string) map[string]bool {
		var open struct {
			Figures []struct {
				ID string `json:"id"`
			} `json:"figures"`
		}
		if err := json.Unmarshal(get(t, base+"/api/open/"+geography+"?period=2025"), &open); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, f := range open.Figures {
			out[f.ID] = true
		}
		return out
	}
	if got := ids("province"); len(got) != 1 || !got["036"] {
		t.Fatalf("public province figures name %v, want the territory's one province 036", got)
	}
	if got := ids("region"); len(got) != 0 {
		t.Fatalf("public region figures name %v, want none: the territory is one province", got)
	}
	named := 0
	for _, tile := range cityTiles(t, db)(8) {
		status, body, _ := request(t, "GET", fmt.Sprintf("%s/tiles/indicators_provinces/8/%d/%d.mvt", base, tile.X, tile.Y), testUser{}, "")
		if status == http.StatusNoContent {
			continue
		}
		if status != http.StatusOK {
			t.Fatalf("province tile 8/%d/%d: %d %s", tile.X, tile.Y, status, truncate(body))
		}
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatalf("province tile 8/%d/%d: %v", tile.X, tile.Y, err)
		}
		for _, l := range layers {
			for _, f := range l.Features {
				if l.Name != "indicators_provinces" || f.Properties["id"] != "036" || f.Properties["name"] != "Modena" {
					t.Fatalf("province tile 8/%d/%d: layer %s, feature %v", tile.X, tile.Y, l.Name, f.Properties)
				}
				named++
			}
		}
	}
	if named == 0 {
		t.Fatal("no feature of province 036 in the indicators_provinces tiles over the territory")
	}
	var profile struct {
		Geography, ID string
		Indicators    []struct{ Status string }
	}
	if err := json.Unmarshal(get(t, base+"/api/areas/province/036?period=2025"), &profile); err != nil {
		t.Fatal(err)
	}
	if profile.Geography != "province" || profile.ID != "036" || len(profile.Indicators) == 0 {
		t.Fatalf("profile of province 036: %+v", profile)
	}
}

// checkGeocodedWithinComune: the employment agency's records carry no coordinates, only an
// address and the comune (by code, cadastral code or name). Every one placed lands at the
// person's home, including those whose street and number exist in several comuni.
func checkGeocodedWithinComune(t *testing.T, db *testdb.DB, dir string) {
	keyed, err := pseudonym.New([]byte(testKey))
	if err != nil {
		t.Fatal(err)
	}
	// Addresses (street key and number) that the register holds in two comuni or more.
	comuni := map[string]map[string]bool{}
	for _, rec := range readRecords(t, filepath.Join(dir, "stradario_anncsu.csv")) {
		addr := geocode.StreetKey(rec["DUG"]+" "+rec["DENOMINAZIONE"]) + " " + rec["CIVICO"] + rec["ESPONENTE"]
		if comuni[addr] == nil {
			comuni[addr] = map[string]bool{}
		}
		comuni[addr][rec["CODICE_ISTAT_COMUNE"]] = true
	}
	home := map[string]orb.Point{}
	for _, rec := range readRecords(t, filepath.Join(dir, "anagrafe.csv")) {
		lat, _ := field.Coordinate(rec["LATITUDINE"])
		lon, _ := field.Coordinate(rec["LONGITUDINE"])
		p := keyed.Pseudonym(pseudonym.FiscalCode, rec["CODICE_FISCALE"])
		home[string(p[:])] = orb.Point{lon, lat}
	}
	shared := map[string]bool{} // pseudonyms of people whose address is in several comuni
	for _, rec := range readAgencyExport(t, filepath.Join(dir, "agenzia_lavoro.csv")) {
		street, number, _ := geocode.SplitAddress(rec["Indirizzo"])
		if rec["Civico"] != "" {
			number, _ = geocode.ParseHouseNumber(rec["Civico"])
		}
		addr := geocode.StreetKey(street) + " " + fmt.Sprint(number.Number) + number.Suffix
		if len(comuni[addr]) >= 2 {
			p := keyed.Pseudonym(pseudonym.FiscalCode, rec["Codice Fiscale"])
			shared[string(p[:])] = true
		}
	}
	rows, err := db.Pool.Query(context.Background(), `SELECT person, location_quality, ST_X(geom), ST_Y(geom) FROM events
		WHERE source = 'employment_agency' AND geom IS NOT NULL AND location_quality = 'address_exact'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	placed, wrong, sharedPlaced := 0, 0, 0
	for rows.Next() {
		var person []byte
		var quality string
		var p orb.Point
		if err := rows.Scan(&person, &quality, &p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		truth, ok := home[string(person)]
		if !ok {
			continue // moved since the register was drawn
		}
		placed++
		if shared[string(person)] {
			sharedPlaced++
		}
		if geo.Distance(truth, p) > 50 {
			wrong++
		}
	}
	t.Logf("exact address matches: %d placed, %d of them at an address found in several comuni, %d more than 50 m from home", placed, sharedPlaced, wrong)
	if sharedPlaced < 10 {
		t.Fatalf("only %d records at an address that several comuni have: the test has no teeth", sharedPlaced)
	}
	if wrong > placed/100 {
		t.Fatalf("%d of %d exact matches more than 50 m from home", wrong, placed)
	}
}

// readAgencyExport reads the employment agency's export as it writes it: tab-separated,
// Windows-1252, independently of the ingest package's reader.
func readAgencyExport(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(charmap.Windows1252.NewDecoder().Reader(f))
	r.Comma, r.LazyQuotes = '\t', true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return byHeader(rows)
}

// checkProvinceFigures: the province's restricted figures are the sums of its comuni's; hotspots
// and composite indices cover the comuni; the province is published by code, no region is.
func checkProvinceFigures(t *testing.T, base string, db *testdb.DB) {
	var mismatched, provinces int
	if err := db.Pool.QueryRow(context.Background(), `
		WITH m AS (SELECT l.province, i.indicator, sum(i.people) AS people FROM area_indicators i
		           JOIN municipality_levels l ON l.municipality_code = i.area_id
		           WHERE i.geography = 'municipality' AND i.period = '2025' GROUP BY 1, 2)
		SELECT count(*) FILTER (WHERE p.people IS DISTINCT FROM m.people), count(DISTINCT p.area_id)
		FROM area_indicators p FULL JOIN m ON m.province = p.area_id AND m.indicator = p.indicator
		WHERE p.geography = 'province' AND p.period = '2025'`).Scan(&mismatched, &provinces); err != nil {
		t.Fatal(err)
	}
	if provinces != 1 || mismatched != 0 {
		t.Fatalf("province figures: %d provinces, %d indicators differ from the sum of their comuni; want 1 and 0", provinces, mismatched)
	}
	// The areas compared are set against the territory: its province, published as such.
	var compared struct {
		City struct {
			Geography  string `json:"geography"`
			ID         string `json:"id"`
			Indicators []struct {
				Status string `json:"status"`
			} `json:"indicators"`
		} `json:"city"`
	}
	if err := json.Unmarshal(get(t, base+"/api/compare?geography=municipality&ids=036005&period=2025"), &compared); err != nil {
		t.Fatal(err)
	}
	if compared.City.Geography != "province" || compared.City.ID != "036" || len(compared.City.Indicators) == 0 ||
		compared.City.Indicators[0].Status != "protected" {
		t.Fatalf("compared against %+v, want the province 036's published figures", compared.City)
	}
	var hotspotComuni, compositeComuni int
	if err := db.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(DISTINCT area_id) FROM hotspots WHERE geography = 'municipality' AND period = '2025'),
		(SELECT count(*) FROM area_composite WHERE geography = 'municipality' AND period = '2025')`).Scan(&hotspotComuni, &compositeComuni); err != nil {
		t.Fatal(err)
	}
	if hotspotComuni != 4 || compositeComuni != 4 {
		t.Fatalf("hotspots of %d comuni and composite indices of %d, want the 4 comuni's", hotspotComuni, compositeComuni)
	}
	var open struct {
		Figures []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"figures"`
	}
	if err := json.Unmarshal(get(t, base+"/api/open/province?period=2025"), &open); err != nil {
		t.Fatal(err)
	}
	if len(open.Figures) == 0 || open.Figures[0].ID != "036" {
		t.Fatalf("public province figures: %+v, want the province 036", open.Figures)
	}
	if body := get(t, base+"/api/open/region?period=2025"); strings.Contains(string(body), `"id"`) {
		t.Fatalf("a territory of one province publishes region figures: %s", truncate(body))
	}
	var tj struct {
		Bounds [4]float64 `json:"bounds"`
	}
	if err := json.Unmarshal(get(t, base+"/tiles/indicators_provinces.json"), &tj); err != nil {
		t.Fatalf("TileJSON of the provinces' layer: %v", err)
	}
}
