package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"
	"github.com/xuri/excelize/v2"
)

const testKey = "pipeline-test-key-0123456789-0123456789"

// testPassword is every test user's password.
const testPassword = "pipeline-password-0123"

// demoFiles are the agency files of the demo city, in load order, with the domain of each code
// as the source documents state it (written out here, not taken from the ingest code). Only the
// three domains the map shows are listed; other codes are loaded but not counted here.
var demoFiles = []struct {
	source, file, kindColumn, dateColumn string
	domains                              map[string]string
}{
	{"social_services", "servizi_sociali.csv", "TIPO_INTERVENTO", "DATA_INIZIO",
		map[string]string{"CONTRIBUTO_ECONOMICO": "poverty", "CONTRIBUTO_AFFITTO": "housing", "EMERGENZA_ABITATIVA": "housing"}},
	{"housing_office", "ufficio_casa.csv", "TIPO_PRATICA", "DATA_PRATICA",
		map[string]string{"DOMANDA_ERP": "housing", "SFRATTO": "housing", "ASSEGNAZIONE_ERP": "housing"}},
	{"health_authority", "ausl_prese_in_carico.csv", "TIPO_PRESA_IN_CARICO", "DATA_PRESA_IN_CARICO",
		map[string]string{"CRONICITA": "health", "DISABILITA": "health", "SALUTE_MENTALE": "health", "DIPENDENZE": "health"}},
	{"employment_agency", "agenzia_lavoro.csv", "", "", nil},
	{"injury_insurer", "inail_infortuni.xlsx", "Tipo evento", "Data evento",
		map[string]string{"INFORTUNIO": "health", "MALATTIA_PROFESSIONALE": "health"}},
}

type cli struct {
	t   *testing.T
	env *environment
	out *bytes.Buffer
}

func newCLI(t *testing.T, dbURL string) *cli {
	out := &bytes.Buffer{}
	vars := map[string]string{"DATABASE_URL": dbURL, "ABITARE_LINK_KEY": testKey, "ABITARE_PASSWORD": testPassword}
	return &cli{t: t, out: out, env: &environment{
		stdout: out, stderr: io.Discard, getenv: func(k string) string { return vars[k] },
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}}
}

func (c *cli) run(args ...string) (string, error) {
	c.out.Reset()
	err := run(context.Background(), c.env, args)
	return c.out.String(), err
}

func (c *cli) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("abitare %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// The tests of the demo city each take a copy of it run through every command of make demo
// (demoCity) and check what is stored and served against figures recomputed here from the
// agency files alone.

func TestDemoNoFiscalCodeInTheDatabase(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkNoFiscalCode(t, d.db, d.people)
}

func TestDemoLoadingAgainAddsNothing(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	before := dbState(t, d.db)
	out := d.c.must("ingest", "--quiet", "--source", "social_services", filepath.Join(d.dir, "servizi_sociali.csv"))
	if !strings.Contains(out, "already loaded") || dbState(t, d.db) != before {
		t.Fatalf("second load: %q", out)
	}
	// Everything make demo runs can run again.
	for _, args := range [][]string{
		{"zones"}, {"sections", filepath.Join(d.dir, "sezioni.geojson")},
		{"addresses", "load", filepath.Join(d.dir, "stradario_anncsu.csv")},
		{"population", "load", filepath.Join(d.dir, "anagrafe.csv")},
	} {
		d.c.must(args...)
	}
	if out := d.c.must("population", "load", filepath.Join(d.dir, "anagrafe.csv")); !strings.Contains(out, "already loaded") {
		t.Fatalf("second register load: %q", out)
	}
}

// make demo's steps leave every tileset the server needs rendered: a trends run after the
// aggregation does not make the planner's tiles stale, so serving renders nothing at start.
func TestDemoServingRendersNothing(t *testing.T) {
	t.Parallel()
	d := demoCity(t) // its server has opened
	var created int
	if err := d.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tilesets WHERE created_by = 'server'`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if created != 0 {
		t.Errorf("the server rendered %d tilesets at start", created)
	}
}

func TestDemoOneBadRowRejectsTheFile(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkBadRowRejected(t, d.c, d.db, d.dir)
}

func TestDemoResidentsPreservedByInterpolation(t *testing.T) {
	t.Parallel()
	checkResidents(t, demoCity(t).db)
}

func TestDemoGeocodedAddressesAreWherePeopleLive(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkGeocoding(t, d.db, d.dir)
}

func TestDemoLocalMoranEqualsGeoDaStyleRecomputation(t *testing.T) {
	t.Parallel()
	checkMoranConformance(t, demoCity(t).db)
}

// The figures are checked as a planner reads them: the restricted, true aggregates.

func TestDemoHexagonTileMatchesIndependentCounts(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkHexagonTile(t, d.as(t, auth.Planner), d.people)
}

func TestDemoTileErrors(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkTileErrors(t, d.as(t, auth.Planner))
}

func TestDemoAreaProfileAndRanking(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkAPI(t, d.as(t, auth.Planner), d.people)
}

func TestDemoCategoriesRentBurdenCompositeCoverage(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkAnalyses(t, d.as(t, auth.Planner), d.db)
}

// Every route and layer answers each role as the role matrix says, and every restricted
// access it made is in the audit trail, which verifies.
func TestDemoEveryRouteAndLayerAsEveryRoleAudited(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkRoleMatrix(t, d.anon, d.srv, d.users, d.db)
	checkAuditTrail(t, d.c, d.db, d.users)
}

func TestDemoDatabaseRolesEnforceTheSameSplit(t *testing.T) {
	t.Parallel()
	checkDatabaseRoles(t, demoCity(t).db)
}

func TestDemoCompareAreasWithTheCity(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkCompare(t, d.anon, d.db, d.users)
}

func TestDemoCategoriesOfADistrictResistDifferencing(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkZoneCategories(t, d.anon, d.db, d.users)
}

func TestDemoAreaReportAsWorkbookAndPage(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkAreaReport(t, d.anon, d.db, d.users)
}

func TestDemoCustomArea(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkCustomArea(t, d.anon, d.db, d.users)
}

func TestDemoCustomAreasResistAveraging(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkCustomAreaAveraging(t, d.anon, d.db, d.users)
}

func TestDemoPublicOutputsResistDifferencing(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkDifferencing(t, d.anon, d.db)
}

func TestDemoPlannerOutputsResistDifferencing(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkPlannerDifferencing(t, d.anon, d.db, d.users)
}

func TestDemoPlannerOutputsResistAnExactAttacker(t *testing.T) {
	t.Parallel()
	checkPlannerLinearProgramming(t, demoCity(t).db)
}

func TestDemoTileArchivesEqualOnTheFlyTiles(t *testing.T) {
	t.Parallel()
	checkArchivesMatchOnTheFly(t, demoCity(t).db)
}

func TestDemoTileCachingAndVersions(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkTileCaching(t, d.anon, d.users)
}

func TestDemoRestrictedTilesAuditedPerHour(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkRestrictedTilesAuditedPerHour(t, d.anon, d.c, d.db)
}

func TestDemoHTTPHardeningAndMetrics(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkHTTPHardening(t, d.anon, d.users)
}

func TestDemoAuditTrailCannotBeDodged(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkAuditCannotBeDodged(t, d.anon, d.db, d.users)
}

func TestDemoSessionsRotateEndEverywhereAndWhenIdle(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkSessionLifecycle(t, d.anon, d.db, d.c)
}

func TestDemoALoginFloodGetsFiveTries(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkLoginFlood(t, d.anon, d.c)
}

func TestDemoNoPublicTrafficOnASuperusersLogin(t *testing.T) {
	t.Parallel()
	checkSuperuserRefused(t, demoCity(t).db)
}

func TestDemoALoginPerRoleGainsNothingFromResetRole(t *testing.T) {
	t.Parallel()
	checkRoleLogins(t, demoCity(t).db)
}

func TestDemoReadinessFollowsTheDatabase(t *testing.T) {
	t.Parallel()
	checkReadiness(t, demoCity(t).db)
}

func TestDemoReferenceReaderReadsTheRenderedArchives(t *testing.T) {
	t.Parallel()
	checkReferenceReaderReadsRenderedArchives(t, demoCity(t).db)
}

func TestDemoTilesCommandListsAndExtracts(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkTilesCommand(t, d.c, d.anon)
}

func TestDemoTwoReleasesServedSideBySide(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkTwoReleases(t, d.anon, d.c, d.db, d.srv, d.users)
}

func TestDemoOpenDataBundleOfEveryRelease(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkPublishBundle(t, d.anon, d.c, d.db, d.people)
}

func TestDemoReloadedSectionsMoveResidents(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkSectionsReloadMovesResidents(t, d.db, d.c, d.dir)
}

func TestDemoIngestKilledMidLoadLeavesNothing(t *testing.T) {
	t.Parallel()
	d := demoCity(t)
	checkKillDuringIngest(t, d.db, d.c, d.dir)
}

// The browser journeys share nothing: each has its own copy of the city and its own server.

func TestDemoMapRendersInChromium(t *testing.T) {
	d, base := demoInBrowser(t)
	shot := runBrowser(t, "e2e/map.mjs", base+"/", "map.png", 3*time.Minute,
		"ABITARE_E2E_USER="+d.users[auth.Planner].name, "ABITARE_E2E_PASSWORD="+testPassword)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Fatalf("no screenshot at %s", shot)
	}
}

// Search, share, print sheet, embed and frame guard, mobile layout.
func TestDemoPublicJourneys(t *testing.T) {
	_, base := demoInBrowser(t)
	runNode(t, "e2e/public.mjs", []string{base}, 3*time.Minute)
}

// No serious or critical WCAG 2.1 A/AA violation on the map and the embed.
func TestDemoAccessibility(t *testing.T) {
	_, base := demoInBrowser(t)
	runNode(t, "e2e/a11y.mjs", []string{base + "/", base + "/embed"}, 3*time.Minute, "ABITARE_A11Y_OPEN=1")
}

// The planner's and the housing office's desk: most exposed, compare, bivariate map, reports,
// the targeting list's filters and export.
func TestDemoDeskJourneys(t *testing.T) {
	d, base := demoInBrowser(t)
	var section string
	if err := d.db.Pool.QueryRow(context.Background(), `SELECT area_id FROM area_indicators WHERE geography = 'section'
		AND period = '2025' AND indicator = 'housing' ORDER BY people DESC LIMIT 1`).Scan(&section); err != nil {
		t.Fatal(err)
	}
	runNode(t, "e2e/desk.mjs", []string{base}, 3*time.Minute,
		"ABITARE_E2E_USER="+d.users[auth.Planner].name, "ABITARE_E2E_PASSWORD="+testPassword,
		"ABITARE_E2E_HOUSING_USER="+d.users[auth.HousingOffice].name, "ABITARE_E2E_HOUSING_PASSWORD="+testPassword,
		"ABITARE_E2E_SECTION="+section)
}

// Foresight: the Trends view, the watchlist (XLSX), the profile's forecast fan and "what comes
// first" for the housing office; none of them for the public.
func TestDemoForesightJourneys(t *testing.T) {
	d, base := demoInBrowser(t)
	runNode(t, "e2e/foresight.mjs", []string{base}, 3*time.Minute,
		"ABITARE_E2E_USER="+d.users[auth.HousingOffice].name, "ABITARE_E2E_PASSWORD="+testPassword, "ABITARE_E2E_REQUIRE_TRENDS=1")
}

// demoInBrowser gives a browser journey a copy of the demo city served on a real address.
func demoInBrowser(t *testing.T) (*demo, string) {
	if os.Getenv("ABITARE_E2E") == "" {
		t.Skip("ABITARE_E2E not set: browser test skipped (make test sets it)")
	}
	t.Parallel()
	d := demoCity(t)
	if err := d.srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.srv.Close(context.Background()) })
	return d, "http://" + d.srv.Addr()
}

// demoPerson is one person of the agency files: where their latest event was and their domains.
type demoPerson struct {
	latest    time.Time
	seq       int
	point     orb.Point
	domains   map[string]bool
	inPeriod  bool
	firstCode string
}

func readDemoPeople(t *testing.T, dir string) map[string]*demoPerson {
	t.Helper()
	people := map[string]*demoPerson{}
	seq := 0
	for _, f := range demoFiles {
		if f.domains == nil {
			continue // no event of the map's three domains
		}
		for _, rec := range readRecords(t, filepath.Join(dir, f.file)) {
			seq++
			date, err := field.Date(rec[f.dateColumn])
			if err != nil {
				t.Fatal(err)
			}
			code := rec["CODICE_FISCALE"] + rec["Codice Fiscale"]
			p := people[code]
			if p == nil {
				p = &demoPerson{domains: map[string]bool{}, firstCode: code}
				people[code] = p
			}
			domain, counted := f.domains[rec[f.kindColumn]]
			if date.Year() != 2025 || !counted {
				continue
			}
			lat, _ := field.Coordinate(rec["LATITUDINE"] + rec["Latitudine"])
			lon, _ := field.Coordinate(rec["LONGITUDINE"] + rec["Longitudine"])
			p.inPeriod = true
			p.domains[domain] = true
			if !date.Before(p.latest) {
				p.latest, p.seq, p.point = date, seq, orb.Point{lon, lat}
			}
		}
	}
	if len(people) < 5000 {
		t.Fatalf("only %d people in the demo files", len(people))
	}
	return people
}

// readRecords reads a ;-separated UTF-8 file (BOM allowed) or the first sheet of a workbook
// into maps keyed by header, independently of the ingest package's reader.
func readRecords(t *testing.T, path string) []map[string]string {
	t.Helper()
	var rows [][]string
	if strings.HasSuffix(path, ".xlsx") {
		wb, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		if rows, err = wb.GetRows(wb.GetSheetName(0)); err != nil {
			t.Fatal(err)
		}
	} else {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
		r.Comma = ';'
		if rows, err = r.ReadAll(); err != nil {
			t.Fatal(err)
		}
	}
	return byHeader(rows)
}

// byHeader turns rows under a header row into maps keyed by header.
func byHeader(rows [][]string) []map[string]string {
	out := make([]map[string]string, 0, len(rows))
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(row) {
				m[h] = row[i]
			}
		}
		out = append(out, m)
	}
	return out
}

type figures struct{ poverty, housing, health, twoPlus, allThree int }

// countByCell counts people per H3 cell at res, placing each at the resolution-10 cell of their
// latest event and rolling up to its ancestor, as the observatory's conventions say.
func countByCell(people map[string]*demoPerson, res int) map[h3.Cell]*figures {
	out := map[h3.Cell]*figures{}
	for _, p := range people {
		if !p.inPeriod {
			continue
		}
		cell := hexgrid.Cell(p.point, 10).Parent(res)
		f := out[cell]
		if f == nil {
			f = &figures{}
			out[cell] = f
		}
		n := 0
		for d, counts := range map[string]*int{"poverty": &f.poverty, "housing": &f.housing, "health": &f.health} {
			if p.domains[d] {
				*counts++
				n++
			}
		}
		if n >= 2 {
			f.twoPlus++
		}
		if n == 3 {
			f.allThree++
		}
	}
	return out
}

func checkHexagonTile(t *testing.T, base string, people map[string]*demoPerson) {
	const z = 12 // shows resolution 8
	if hexgrid.ResolutionForZoom(z) != 8 {
		t.Fatalf("zoom %d shows resolution %d", z, hexgrid.ResolutionForZoom(z))
	}
	want := countByCell(people, 8)
	cells := make([]h3.Cell, 0, len(want))
	for c := range want {
		cells = append(cells, c)
	}
	sort.Slice(cells, func(i, j int) bool { return want[cells[i]].health > want[cells[j]].health })
	busiest := cells[0]
	ll := busiest.LatLng()
	tile := maptile.At(orb.Point{ll.Lng, ll.Lat}, z)

	layer := fetchLayer(t, fmt.Sprintf("%s/tiles/hexagons/%d/%d/%d.mvt", base, z, tile.X, tile.Y), "hexagons")
	checked, protecting := 0, 0
	for _, f := range layer.Features {
		id, _ := f.Properties["id"].(string)
		var c h3.Cell
		if err := c.UnmarshalText([]byte(id)); err != nil {
			t.Fatalf("feature id %q is not an H3 index", id)
		}
		w := want[c]
		if w == nil {
			w = &figures{}
		}
		published := 0
		for _, d := range []int{w.poverty, w.housing, w.health} {
			if d >= 5 {
				published++
			}
		}
		if overlap := int(f.Properties["overlap"].(float64)); overlap > published {
			t.Fatalf("cell %s: overlap class %d counts domains whose figures are withheld", id, overlap)
		}
		for name, count := range map[string]int{"poverty": w.poverty, "housing": w.housing, "health": w.health, "two_plus": w.twoPlus, "all_three": w.allThree} {
			got, published := f.Properties[name]
			switch {
			case count > 0 && count < 5:
				if published {
					t.Fatalf("cell %s publishes %s = %v below the threshold", id, name, got)
				}
			case !published:
				// Withheld to protect a small count (secondary suppression): checked against
				// the attack in checkPlannerDifferencing.
				protecting++
			case int(got.(float64)) != count:
				t.Fatalf("cell %s: %s is %v in the tile, %d recomputed from the files", id, name, got, count)
			default:
				checked++
			}
		}
	}
	if checked < 20 || protecting > checked {
		t.Fatalf("only %d published figures checked in the tile of cell %s (%d withheld to protect small ones)", checked, busiest, protecting)
	}
	found := false
	for _, f := range layer.Features {
		if f.Properties["id"] == busiest.String() {
			found = true
		}
	}
	if !found {
		t.Fatalf("busiest cell %s missing from its tile", busiest)
	}
	// Feature order is stable.
	again := fetchLayer(t, fmt.Sprintf("%s/tiles/hexagons/%d/%d/%d.mvt", base, z, tile.X, tile.Y), "hexagons")
	for i := range layer.Features {
		if layer.Features[i].Properties["id"] != again.Features[i].Properties["id"] {
			t.Fatal("feature order changed between two fetches")
		}
	}
}

func fetchLayer(t *testing.T, url, name string) *mvt.Layer {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	if len(layers) != 1 || layers[0].Name != name || layers[0].Version != 2 {
		t.Fatalf("tile has layers %v, want one version-2 layer %q", layers, name)
	}
	return layers[0]
}

func checkTileErrors(t *testing.T, base string) {
	for path, want := range map[string]int{
		"/tiles/hexagons/12/0/0.mvt":        http.StatusNoContent,
		"/tiles/hexagons/12/4096/0.mvt":     http.StatusBadRequest,
		"/tiles/hexagons/23/0/0.mvt":        http.StatusBadRequest,
		"/tiles/hexagons/a/0/0.mvt":         http.StatusBadRequest,
		"/tiles/nothing/12/2172/1479.mvt":   http.StatusNotFound,
		"/tiles/nothing.json":               http.StatusNotFound,
		"/tiles/sections/14/8689/5916.mvt":  http.StatusOK,
		"/tiles/catalog.json":               http.StatusOK,
		"/tiles/hexagons.json":              http.StatusOK,
		"/tiles/boundary/10/543/369.mvt":    http.StatusOK,
		"/tiles/omi_zones/12/2172/1479.mvt": http.StatusOK,
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d %q, want %d", path, resp.StatusCode, body, want)
		}
	}
}

// checkDistrictOverlap: the district with most people in poverty shows its combinations of
// domains, and the share of poverty's people also in another domain agrees with them.
func checkDistrictOverlap(t *testing.T, base string) {
	var ranking struct {
		Areas []profile.Ranked `json:"areas"`
	}
	if code := getJSON(t, base+"/api/rankings?geography=omi&indicator=poverty&period=2025&limit=1", &ranking); code != http.StatusOK || len(ranking.Areas) != 1 {
		t.Fatalf("district ranking: %d", code)
	}
	var district profile.Area
	if code := getJSON(t, base+"/api/areas/omi/"+url.PathEscape(ranking.Areas[0].ID)+"?period=2025", &district); code != http.StatusOK || len(district.Overlap) == 0 {
		t.Fatalf("district %s: %d, %d combinations", ranking.Areas[0].ID, code, len(district.Overlap))
	}
	poverty, alone, hidden := 0, 0, false
	for _, c := range district.Overlap {
		if !strings.Contains(c.Combination, "poverty") {
			continue
		}
		if c.People == nil { // withheld: the published combinations no longer add up to the share
			hidden = true
			continue
		}
		poverty += *c.People
		if c.Combination == "poverty" {
			alone = *c.People
		}
	}
	if share := district.OverlapShares["poverty"]; share != nil && poverty > 0 && !hidden {
		if want := float64(poverty-alone) / float64(poverty); math.Abs(*share-want) > 0.01 {
			t.Fatalf("district poverty overlap share %v, its combinations give %v", *share, want)
		}
	}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("decode %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// checkAPI compares the busiest resolution-8 cell's profile with the counts recomputed from the
// files, and checks the statistics' invariants and the ranking's order.
func checkAPI(t *testing.T, base string, people map[string]*demoPerson) {
	want := countByCell(people, 8)
	var busiest h3.Cell
	for c, f := range want {
		if busiest == 0 || f.poverty > want[busiest].poverty {
			busiest = c
		}
	}
	var area profile.Area
	if code := getJSON(t, base+"/api/areas/h3_8/"+busiest.String()+"?period=2025", &area); code != http.StatusOK {
		t.Fatalf("profile: %d", code)
	}
	found := 0
	for _, ind := range area.Indicators {
		counts := map[string]int{"poverty": want[busiest].poverty, "housing": want[busiest].housing, "health": want[busiest].health}
		if n, ok := counts[ind.Indicator]; ok && n >= 5 {
			switch {
			case ind.People == nil && ind.Status == "withheld":
				// withheld to protect a small count: see checkPlannerDifferencing
			case ind.People == nil || *ind.People != n:
				t.Errorf("%s: %v people in the profile, %d recomputed", ind.Indicator, ind.People, n)
			default:
				found++
			}
		}
		if ind.Status != "published" {
			continue
		}
		if *ind.CILow > *ind.Rate || *ind.Rate > *ind.CIHigh {
			t.Errorf("%s: rate %v outside its interval [%v, %v]", ind.Indicator, *ind.Rate, *ind.CILow, *ind.CIHigh)
		}
		if got := 1000 * float64(*ind.People) / ind.Residents; math.Abs(got-*ind.Rate) > 0.05*(*ind.Rate)+0.1 {
			t.Errorf("%s: rate %v, people/residents gives %v", ind.Indicator, *ind.Rate, got)
		}
	}
	if found < 2 || len(area.Quarters["poverty"]) == 0 {
		t.Fatalf("profile incomplete: %+v", area)
	}
	// Combinations of domains are shown by district and for the city only.
	if len(area.Overlap) != 0 || len(area.OverlapShares) != 0 {
		t.Fatalf("a resolution-8 cell shows %d combinations of domains", len(area.Overlap))
	}
	checkDistrictOverlap(t, base)
	var city struct {
		Combinations []profile.Combination `json:"combinations"`
	}
	if code := getJSON(t, base+"/api/overlap?period=2025", &city); code != http.StatusOK || len(city.Combinations) < 10 {
		t.Fatalf("city overlap: %d, %d combinations", code, len(city.Combinations))
	}
	total := 0
	for i, c := range city.Combinations {
		if c.People != nil {
			total += *c.People
			if i > 0 && city.Combinations[i-1].People != nil && *city.Combinations[i-1].People < *c.People {
				t.Fatal("city overlap not sorted, largest first")
			}
		}
	}
	inPeriod := 0
	for _, p := range people {
		if p.inPeriod {
			inPeriod++
		}
	}
	if total < inPeriod {
		t.Fatalf("city combinations hold %d people, fewer than the %d with a map-domain event", total, inPeriod)
	}
	var ranking struct {
		Areas []profile.Ranked `json:"areas"`
	}
	if code := getJSON(t, base+"/api/rankings?indicator=multi_domain&geography=section&period=2025&limit=50", &ranking); code != http.StatusOK || len(ranking.Areas) != 50 {
		t.Fatalf("ranking: %d, %d areas", code, len(ranking.Areas))
	}
	for i := 1; i < len(ranking.Areas); i++ {
		a, b := ranking.Areas[i-1], ranking.Areas[i]
		if a.EBRate != nil && b.EBRate != nil && *a.EBRate < *b.EBRate {
			t.Fatalf("ranking not in decreasing empirical-Bayes order at %d", i)
		}
		if a.Status == "withheld" && b.Status == "published" {
			t.Fatalf("ranking places a withheld area before a shown one at %d: its place would bound its rate", i)
		}
		if b.People != nil && *b.People > 0 && *b.People < 5 {
			t.Fatalf("ranking publishes a count of %d", *b.People)
		}
	}
	resp, err := http.Get(base + "/api/rankings?indicator=poverty&geography=h3_9&format=csv&limit=10")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(lines) != 11 || !strings.HasPrefix(lines[0], "rank,geography,id") {
		t.Fatalf("CSV ranking: %s %q", resp.Header.Get("Content-Type"), body)
	}
	for path, code := range map[string]int{
		"/api/areas/h3_8/ffffffffffffff?period=2025":  http.StatusNotFound,
		"/api/areas/nowhere/1":                        http.StatusBadRequest,
		"/api/rankings?indicator=luck":                http.StatusBadRequest,
		"/api/rankings?indicator=poverty&limit=-1":    http.StatusBadRequest,
		"/api/rankings?indicator=poverty&period=1999": http.StatusOK,
	} {
		if got := getJSON(t, base+path, nil); got != code {
			t.Errorf("GET %s: %d, want %d", path, got, code)
		}
	}
}

// checkAnalyses checks the invariants of the analyses against the loaded rows.
func checkAnalyses(t *testing.T, base string, db *testdb.DB) {
	ctx := context.Background()
	var cats struct {
		Categories []profile.CategoryRisk `json:"categories"`
	}
	if code := getJSON(t, base+"/api/categories?domain=poverty&period=2025", &cats); code != http.StatusOK {
		t.Fatalf("categories: %d", code)
	}
	residents := map[string]int{}
	for _, c := range cats.Categories {
		residents[c.Dimension] += c.Residents
		if c.People != nil && *c.People > 0 && *c.People < 5 {
			t.Fatalf("category %s/%s publishes %d people", c.Dimension, c.Category, *c.People)
		}
		if c.RR != nil && (*c.RRLow > *c.RR || *c.RR > *c.RRHigh) {
			t.Fatalf("category %s/%s: RR %v outside [%v, %v]", c.Dimension, c.Category, *c.RR, *c.RRLow, *c.RRHigh)
		}
	}
	var register int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM residents`).Scan(&register); err != nil {
		t.Fatal(err)
	}
	for dim, n := range residents {
		if n != register {
			t.Errorf("dimension %s covers %d residents, the register holds %d", dim, n, register)
		}
	}
	for i := 1; i < len(cats.Categories); i++ {
		a, b := cats.Categories[i-1].RR, cats.Categories[i].RR
		if a != nil && b != nil && *a < *b {
			t.Fatal("categories not sorted by relative risk")
		}
	}
	var rent struct {
		Zones []profile.RentBurden `json:"zones"`
	}
	if code := getJSON(t, base+"/api/rent-burden?period=2025", &rent); code != http.StatusOK || len(rent.Zones) < 10 || rent.Zones[0].Zone != "" {
		t.Fatalf("rent burden: %d %+v", code, rent.Zones)
	}
	city := rent.Zones[0]
	if city.Households == nil || *city.Above40 > *city.Above30 || *city.Above30 > *city.Households {
		t.Fatalf("city rent burden does not add up: %+v", city)
	}
	var ampiMean float64
	var composite, coverageBad int
	err := db.Pool.QueryRow(ctx, `SELECT avg(ampi), count(*) FROM area_composite WHERE geography = 'section' AND period = '2025'`).Scan(&ampiMean, &composite)
	if err != nil || composite < 700 || math.Abs(ampiMean-100) > 2 {
		t.Fatalf("composite: %d sections, mean AMPI %v (%v)", composite, ampiMean, err)
	}
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FROM area_coverage c JOIN area_coverage m USING (period, need)
		WHERE m.geography = 'municipality' AND c.geography = 'section' AND c.period = '2025'
		GROUP BY m.people, m.without_help HAVING sum(c.people) > max(m.people) OR sum(c.without_help) > max(m.without_help)
		UNION ALL SELECT 0 LIMIT 1`).Scan(&coverageBad)
	if err != nil || coverageBad != 0 {
		t.Fatalf("coverage by section exceeds the city's (%v)", err)
	}
}

func checkNoFiscalCode(t *testing.T, db *testdb.DB, people map[string]*demoPerson) {
	rows, err := db.Pool.Query(context.Background(), `
		SELECT t::text FROM events t UNION ALL SELECT t::text FROM people t
		UNION ALL SELECT t::text FROM ingest_batches t UNION ALL SELECT t::text FROM area_stats t
		UNION ALL SELECT t::text FROM residents t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	scanned := 0
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		scanned++
		up := strings.ToUpper(text)
		for i := 0; i+16 <= len(up); i++ {
			if _, found := people[up[i:i+16]]; found {
				t.Fatalf("a fiscal code is stored in the database")
			}
		}
	}
	if scanned < len(people) {
		t.Fatalf("scanned %d rows, fewer than the %d people", scanned, len(people))
	}
}

func dbState(t *testing.T, db *testdb.DB) string {
	var s string
	err := db.Pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM people) || '/' ||
		       (SELECT count(*) FROM ingest_batches) || '/' || (SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM events)`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkBadRowRejected(t *testing.T, c *cli, db *testdb.DB, dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "ufficio_casa.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	fields := strings.Split(lines[41], ";") // line 42 of the file
	fields[2] = "31/04/2025"                // DATA_PRATICA: April has 30 days
	lines[41] = strings.Join(fields, ";")
	bad := filepath.Join(dir, "ufficio_casa_rettifica.csv")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	before := dbState(t, db)
	_, err = c.run("ingest", "--quiet", "--source", "housing_office", bad)
	if err == nil || !strings.Contains(err.Error(), "ufficio_casa_rettifica.csv:42:DATA_PRATICA:") {
		t.Fatalf("want a report naming line 42, got %v", err)
	}
	if dbState(t, db) != before {
		t.Fatal("the rejected file changed the database")
	}
}

// checkGeocoding compares the places the employment agency's address-only records were given
// with where the population register says each person lives.
func checkGeocoding(t *testing.T, db *testdb.DB, dir string) {
	keyed, err := pseudonym.New([]byte(testKey))
	if err != nil {
		t.Fatal(err)
	}
	home := map[string]orb.Point{}
	for _, rec := range readRecords(t, filepath.Join(dir, "anagrafe.csv")) {
		lat, _ := field.Coordinate(rec["LATITUDINE"])
		lon, _ := field.Coordinate(rec["LONGITUDINE"])
		p := keyed.Pseudonym(pseudonym.FiscalCode, rec["CODICE_FISCALE"])
		home[string(p[:])] = orb.Point{lon, lat}
	}
	rows, err := db.Pool.Query(context.Background(), `
		SELECT person, location_quality, ST_X(geom), ST_Y(geom) FROM events
		WHERE source = 'employment_agency' AND geom IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	placed, right := map[string]int{}, map[string]int{}
	for rows.Next() {
		var person []byte
		var quality string
		var lon, lat float64
		if err := rows.Scan(&person, &quality, &lon, &lat); err != nil {
			t.Fatal(err)
		}
		truth, known := home[string(person)]
		if !known {
			t.Fatal("an employment-agency person is not in the population register")
		}
		placed[quality]++
		if geo.Distance(truth, orb.Point{lon, lat}) < 1 {
			right[quality]++
		}
	}
	t.Logf("geocoded: %v; at the right address: %v", placed, right)
	if placed["address_exact"] < 1000 || right["address_exact"] < placed["address_exact"]*99/100 {
		t.Errorf("exact matches: %d of %d at the right address", right["address_exact"], placed["address_exact"])
	}
	if placed["address_fuzzy"] < 100 || right["address_fuzzy"] < placed["address_fuzzy"]*90/100 {
		t.Errorf("fuzzy matches: %d of %d at the right address", right["address_fuzzy"], placed["address_fuzzy"])
	}
}

func checkResidents(t *testing.T, db *testdb.DB) {
	var sections, cells float64
	err := db.Pool.QueryRow(context.Background(), `
		SELECT (SELECT sum(residents) FROM census_sections), (SELECT sum(residents) FROM h3_population)`).Scan(&sections, &cells)
	if err != nil {
		t.Fatal(err)
	}
	if sections < 180000 || cells < sections*0.995 || cells > sections*1.005 {
		t.Fatalf("sections hold %.0f residents, H3 cells %.0f", sections, cells)
	}
}

// checkMapInBrowser serves the map and lets headless Chromium load it (web/app/e2e/map.mjs).
// runBrowser runs a headless-chromium check of web/app (script, e.g. e2e/map.mjs) against url
// with extra environment, and returns the path of its screenshot in test-output/.
func runBrowser(t *testing.T, script, url, screenshot string, timeout time.Duration, env ...string) string {
	t.Helper()
	shot, err := filepath.Abs("../../test-output/" + screenshot)
	if err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Dir(shot), 0o755)
	runNode(t, script, []string{url, shot}, timeout, env...)
	return shot
}

// runNode runs a node script of web/app with arguments and extra environment; it fails the
// test when the script fails.
func runNode(t *testing.T, script string, args []string, timeout time.Duration, env ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = "../../web/app"
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	t.Logf("%s: %s", script, out)
	if err != nil {
		t.Fatalf("%s failed: %v", script, err)
	}
}
