package main

// The attack suite of the public outputs (issue 5, docs/privacy.md). Everything an anonymous
// user can download (every public tile layer at every H3 resolution, every export, the overlap
// answer) is collected, and an attacker who knows the method and, worst case, the maximum
// deviation tries to pin down true counts between 1 and the threshold by differencing:
//
//   - H3 parent against its seven children;
//   - H3 cells against the census sections they lie within, and sections against the H3
//     cells that contain them;
//   - district (OMI zone) against its sections, the municipality against every partition;
//   - the year against its quarters;
//   - rate times denominator;
//   - the city's combinations of domains against its domain totals.
//
// Each published figure gives an interval for its true value; equations between true values
// (whole = sum of parts, year <= sum of quarters, ...) narrow the intervals by propagation
// until nothing changes. A true count from 1 to threshold-1 is recovered when its interval
// ends inside [1, threshold-1]. The same attack against a publication with plain small-count
// suppression must recover counts, which shows the attack works; against the cell-key
// publication it must recover none.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"
)

// qkey names one true count: an area's indicator in a period, or a hidden quantity.
type qkey struct{ geography, area, period, indicator string }

type interval struct{ lo, hi int }

const unbounded = 1 << 40

type published struct {
	people    *int
	residents int
	rate      *float64
}

// publicData is everything the public can download, by quantity.
type publicData map[qkey]published

func checkDifferencing(t *testing.T, base string, db *testdb.DB) {
	ctx := context.Background()
	var threshold, maxDev int
	if err := db.Pool.QueryRow(ctx, `SELECT threshold, (parameters->>'max_deviation')::int FROM releases ORDER BY id DESC LIMIT 1`).
		Scan(&threshold, &maxDev); err != nil {
		t.Fatal(err)
	}
	periods := []string{"2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}
	pub := downloadExports(t, base, periods)
	checkTilesMatchExports(t, base, db, pub, threshold)
	overlap := downloadOverlap(t, base, periods)
	attackPublication(t, db, pub, overlap, periods, threshold, maxDev)
}

// attackPublication runs the differencing attack on published figures (pub, and the city's
// combinations of domains in overlap): no true small count may be recovered, and the same
// attack on plain suppression of the same counts must recover some.
func attackPublication(t *testing.T, db *testdb.DB, pub publicData, overlap map[qkey]int, periods []string, threshold, maxDev int) {
	t.Helper()
	for k, p := range pub {
		if p.people != nil && *p.people >= 1 && *p.people < threshold {
			t.Fatalf("%v published as %d, between 1 and threshold-1", k, *p.people)
		}
	}
	truth := readTruth(t, db)
	eqs := buildEquations(t, db, pub, truth, periods)
	eqs = append(eqs, overlapEquations(overlap, pub, periods)...)
	eqs = validEquations(t, eqs, truth)

	// The attack on the real publication: intervals from perturbed counts, |noise| <= D.
	real := initialIntervals(pub, overlap, func(p int) interval {
		if p == 0 {
			return interval{0, maxDev}
		}
		return interval{max(0, p-maxDev), p + maxDev}
	})
	real = addRateRoute(t, pub, real, maxDev)
	recovered, wrong := attack(eqs, real, truth, threshold)
	// The same attack on plain suppression of the same true counts.
	suppressed := suppressionBaseline(pub, overlap, truth, threshold)
	baseRecovered, baseWrong := attack(eqs, suppressed, truth, threshold)

	t.Logf("targets (true counts 1..%d): %d; recovered from the cell-key publication: %d; from plain suppression: %d",
		threshold-1, countTargets(truth, threshold), len(recovered), len(baseRecovered))
	if wrong+baseWrong > 0 {
		t.Fatalf("the attack model is unsound: %d (cell key) and %d (suppression) intervals exclude the truth", wrong, baseWrong)
	}
	if len(baseRecovered) < 10 {
		t.Fatalf("the attack recovers only %d counts from plain suppression: it is too weak to prove anything", len(baseRecovered))
	}
	if len(recovered) > 0 {
		sort.Slice(recovered, func(i, j int) bool { return fmt.Sprint(recovered[i]) < fmt.Sprint(recovered[j]) })
		t.Fatalf("%d true small counts recovered by differencing the public outputs, e.g. %v", len(recovered), recovered[:min(5, len(recovered))])
	}
	reportUtility(t, pub, truth)
}

// get is an anonymous GET that must succeed.
func get(t *testing.T, u string) []byte {
	t.Helper()
	status, b, _ := request(t, "GET", u, testUser{}, "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, status, truncate(b))
	}
	return b
}

// downloadExports reads the open-data CSV of every geography and period.
func downloadExports(t *testing.T, base string, periods []string) publicData {
	pub := publicData{}
	for _, g := range abitare.Geographies {
		for _, period := range periods {
			rows, err := csv.NewReader(bytes.NewReader(get(t, fmt.Sprintf("%s/api/open/%s?period=%s&format=csv", base, g, period)))).ReadAll()
			if err == nil && len(rows) == 1 && isUpperLevel(g) {
				continue // a territory of one comune has no province, one province no region
			}
			if err != nil || len(rows) < 2 {
				t.Fatalf("export %s %s: %v (%d rows)", g, period, err, len(rows))
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			for _, r := range rows[1:] {
				var p published
				p.residents, _ = strconv.Atoi(r[col["residents"]])
				if v := r[col["people"]]; v != "" {
					n, _ := strconv.Atoi(v)
					p.people = &n
				}
				if v := r[col["rate"]]; v != "" {
					f, _ := strconv.ParseFloat(v, 64)
					p.rate = &f
				}
				status := r[col["status"]]
				if (status == "protected") != (p.people != nil) || (r[col["indicator"]] == "health" && !slices.Contains(disclosure.DefaultHealthGeographies, g) && status != "suppressed") {
					t.Fatalf("export %s %s: row %v has status %q", g, period, r, status)
				}
				pub[qkey{g, r[col["id"]], period, r[col["indicator"]]}] = p
			}
		}
	}
	return pub
}

func downloadOverlap(t *testing.T, base string, periods []string) map[qkey]int {
	out := map[qkey]int{}
	for _, period := range periods {
		var answer struct {
			Combinations []struct {
				Combination string
				People      *int
				Status      string
			}
		}
		if err := json.Unmarshal(get(t, base+"/api/overlap?period="+period), &answer); err != nil {
			t.Fatal(err)
		}
		if len(answer.Combinations) != 31 {
			t.Fatalf("overlap %s: %d combinations, want all 31 (empty ones protected too)", period, len(answer.Combinations))
		}
		for _, c := range answer.Combinations {
			if c.People == nil || c.Status != "protected" {
				t.Fatalf("overlap %s: %+v", period, c)
			}
			out[qkey{"overlap", c.Combination, period, ""}] = *c.People
		}
	}
	return out
}

// checkTilesMatchExports downloads every public tile layer at every resolution over the city
// and checks each feature against the export: re-querying gives the same noise, tiles carry
// no restricted attribute, health appears only by district.
func checkTilesMatchExports(t *testing.T, base string, db *testdb.DB, pub publicData, threshold int) {
	tilesOf := cityTiles(t, db)
	layers := map[string][]int{"indicators": {10, 12, 13, 14}, "hexagons": {10, 12, 13, 14}, "adaptive": {12},
		"sections": {13}, "indicators_sections": {13}, "indicators_districts": {11}, "indicators_municipalities": {8}}
	features := 0
	for layer, zooms := range layers {
		for _, z := range zooms {
			for _, tile := range tilesOf(z) {
				features += checkTile(t, fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, layer, z, tile.X, tile.Y), layer, z, pub, threshold)
			}
		}
	}
	if features < 5000 {
		t.Fatalf("only %d public features downloaded", features)
	}
	t.Logf("downloaded %d public tile features", features)
}

// cityTiles returns the tiles of a zoom that cover the census sections' extent.
func cityTiles(t *testing.T, db *testdb.DB) func(z int) []maptile.Tile {
	var minLon, minLat, maxLon, maxLat float64
	if err := db.Pool.QueryRow(context.Background(), `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM census_sections) x`).
		Scan(&minLon, &minLat, &maxLon, &maxLat); err != nil {
		t.Fatal(err)
	}
	return func(z int) []maptile.Tile {
		lo, hi := maptile.At(orb.Point{minLon, maxLat}, maptile.Zoom(z)), maptile.At(orb.Point{maxLon, minLat}, maptile.Zoom(z))
		var out []maptile.Tile
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				out = append(out, maptile.Tile{X: x, Y: y, Z: maptile.Zoom(z)})
			}
		}
		return out
	}
}

func checkTile(t *testing.T, u, layer string, z int, pub publicData, threshold int) int {
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNoContent {
		return 0
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", u, res.StatusCode, truncate(body))
	}
	fc, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	geography := map[string]string{"sections": "section", "indicators_sections": "section", "indicators_districts": "omi",
		"indicators_municipalities": "municipality"}[layer]
	if geography == "" {
		geography = "h3_" + strconv.Itoa(hexgrid.ResolutionForZoom(z))
	}
	n := 0
	for _, l := range fc {
		for _, f := range l.Features {
			n++
			g := geography
			if layer == "adaptive" {
				g = "h3_" + strconv.Itoa(int(f.Properties["resolution"].(float64)))
			}
			for name := range f.Properties {
				for _, banned := range []string{"_low", "_high", "_eb", "_change", "_unstable", "two_plus", "all_three"} {
					if strings.HasSuffix(name, banned) || name == banned {
						t.Fatalf("%s: public feature carries %s", u, name)
					}
				}
			}
			for _, ind := range abitare.Indicators {
				want := pub[qkey{g, fmt.Sprint(f.Properties["id"]), "2025", ind}]
				got, ok := f.Properties[ind].(float64)
				switch {
				case ok && (got >= 1 && got < float64(threshold)):
					t.Fatalf("%s: %s = %v", u, ind, got)
				case ok != (want.people != nil) || (ok && int(got) != *want.people):
					t.Fatalf("%s: feature %v %s = %v, export says %v", u, f.Properties["id"], ind, f.Properties[ind], want.people)
				}
			}
		}
	}
	return n
}

// readTruth reads every true count, as the server's owner.
func readTruth(t *testing.T, db *testdb.DB) map[qkey]int {
	rows, err := db.Pool.Query(context.Background(), `SELECT geography, area_id, period, indicator, people FROM area_indicators`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[qkey]int{}
	for rows.Next() {
		var k qkey
		var n int
		if err := rows.Scan(&k.geography, &k.area, &k.period, &k.indicator, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	rows, err = db.Pool.Query(context.Background(), `SELECT period, combination, people FROM area_overlap WHERE geography = 'municipality'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k qkey
		var n int
		if err := rows.Scan(&k.period, &k.area, &n); err != nil {
			t.Fatal(err)
		}
		k.geography = "overlap"
		out[k] += n
	}
	return out
}

// equation: whole = sum of parts (exact), or, with atMost, whole <= sum of parts and every
// part <= whole (a year's distinct people against its quarters').
type equation struct {
	whole  qkey
	parts  []qkey
	atMost bool
}

// buildEquations writes down what holds between true counts: nesting of H3 cells, sections in
// districts and in H3 cells, H3 cells in sections, partitions of the city, and periods.
// Hidden quantities (the part of a section outside the cells within it, the people no
// published area holds) are unknowns; their truth is derived from the equation.
func buildEquations(t *testing.T, db *testdb.DB, pub publicData, truth map[qkey]int, periods []string) []equation {
	var eqs []equation
	areas := map[string][]string{}
	for k := range pub {
		if k.period == "2025" && k.indicator == "poverty" {
			areas[k.geography] = append(areas[k.geography], k.area)
		}
	}
	within := func(sql string) map[string][]string {
		rows, err := db.Pool.Query(context.Background(), sql)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]string{}
		for rows.Next() {
			var whole, part string
			if err := rows.Scan(&whole, &part); err != nil {
				t.Fatal(err)
			}
			out[whole] = append(out[whole], part)
		}
		return out
	}
	// Geometry is public: the attacker can compute these containments too.
	sectionsInOMI := within(`SELECT omi_zone, id FROM census_sections WHERE omi_zone IS NOT NULL`)
	sectionsInComune := within(`SELECT municipality_code, id FROM census_sections`)
	districtsInComune := within(`SELECT DISTINCT municipality_code, omi_zone FROM census_sections WHERE omi_zone IS NOT NULL`)
	comuniInProvince := within(`SELECT province, municipality_code FROM municipality_levels WHERE province IS NOT NULL`)
	provincesInRegion := within(`SELECT DISTINCT region, province FROM municipality_levels WHERE region IS NOT NULL`)
	cellsInSection := within(`SELECT s.id, c.h3_index FROM census_sections s JOIN h3_cells c ON c.resolution = 10 AND ST_Within(c.geom, s.geom)`)
	sectionsInCell := map[int]map[string][]string{}
	for _, r := range []int{7, 8} {
		sectionsInCell[r] = within(fmt.Sprintf(`SELECT c.h3_index, s.id FROM census_sections s JOIN h3_cells c ON c.resolution = %d AND ST_Within(s.geom, c.geom)`, r))
	}
	hidden := 0
	unknown := func(whole qkey) qkey {
		hidden++
		return qkey{"hidden", strconv.Itoa(hidden), whole.period, whole.indicator}
	}
	// addWithRest: whole = parts + an unknown rest (whose truth the equation defines).
	addWithRest := func(whole qkey, parts []qkey) {
		rest := unknown(whole)
		v := truth[whole]
		for _, p := range parts {
			v -= truth[p]
		}
		truth[rest] = v
		eqs = append(eqs, equation{whole: whole, parts: append(parts, rest)})
	}
	for _, period := range periods {
		for _, ind := range abitare.Indicators {
			q := func(g, a string) qkey { return qkey{g, a, period, ind} }
			for r := 7; r <= 9; r++ {
				for _, a := range areas[fmt.Sprintf("h3_%d", r)] {
					var c h3.Cell
					if err := c.UnmarshalText([]byte(a)); err != nil {
						t.Fatal(err)
					}
					children := c.Children(r + 1)
					var parts []qkey
					for _, ch := range children {
						parts = append(parts, q(fmt.Sprintf("h3_%d", r+1), ch.String()))
					}
					eqs = append(eqs, equation{whole: q(fmt.Sprintf("h3_%d", r), a), parts: parts})
				}
			}
			for zone, secs := range sectionsInOMI {
				var parts []qkey
				for _, s := range secs {
					parts = append(parts, q("section", s))
				}
				eqs = append(eqs, equation{whole: q("omi", zone), parts: parts})
			}
			for sec, cells := range cellsInSection {
				var parts []qkey
				for _, c := range cells {
					parts = append(parts, q("h3_10", c))
				}
				addWithRest(q("section", sec), parts)
			}
			for r, m := range sectionsInCell {
				for cell, secs := range m {
					var parts []qkey
					for _, s := range secs {
						parts = append(parts, q("section", s))
					}
					addWithRest(q(fmt.Sprintf("h3_%d", r), cell), parts)
				}
			}
			if len(areas["municipality"]) == 1 {
				for _, g := range []string{"h3_7", "section", "omi"} {
					var parts []qkey
					for _, a := range areas[g] {
						parts = append(parts, q(g, a))
					}
					addWithRest(q("municipality", areas["municipality"][0]), parts)
				}
				continue
			}
			// A territory of several comuni: each comune holds its sections and districts, and
			// the territory (published nowhere but in the overlap answer) holds its comuni and
			// its H3 7 cells.
			for _, m := range areas["municipality"] {
				for _, g := range []struct {
					geography string
					parts     []string
				}{{"section", sectionsInComune[m]}, {"omi", districtsInComune[m]}} {
					var parts []qkey
					for _, a := range g.parts {
						parts = append(parts, q(g.geography, a))
					}
					addWithRest(q("municipality", m), parts)
				}
			}
			// Provinces are the sums of their comuni, regions of their provinces.
			for _, level := range []struct {
				whole, part string
				parts       map[string][]string
			}{{"province", "municipality", comuniInProvince}, {"region", "province", provincesInRegion}} {
				for w, list := range level.parts {
					var parts []qkey
					for _, a := range list {
						parts = append(parts, q(level.part, a))
					}
					eqs = append(eqs, equation{whole: q(level.whole, w), parts: parts})
				}
			}
			whole := territoryKey(period, ind)
			truth[whole] = 0
			for _, m := range areas["municipality"] {
				truth[whole] += truth[q("municipality", m)]
			}
			for _, g := range []string{"h3_7", "municipality"} {
				var parts []qkey
				for _, a := range areas[g] {
					parts = append(parts, q(g, a))
				}
				addWithRest(whole, parts)
			}
		}
	}
	// A year's distinct people are at most the sum of its quarters' and at least each one's.
	// This holds for the study area; an area's people are placed where their latest event of
	// the period was, so a smaller area can lose people from one period to the next.
	for k := range pub {
		if k.period == "2025" && (k.geography == "municipality" || isUpperLevel(k.geography)) {
			var parts []qkey
			for _, p := range periods[1:] {
				parts = append(parts, qkey{k.geography, k.area, p, k.indicator})
			}
			eqs = append(eqs, equation{whole: k, parts: parts, atMost: true})
		}
	}
	return eqs
}

// validEquations keeps the equations that hold on the true counts: the attacker is given
// an oracle for which relations are exact, which makes it stronger, not weaker.
func validEquations(t *testing.T, eqs []equation, truth map[qkey]int) []equation {
	var out []equation
	invalid := 0
	for _, e := range eqs {
		sum, ok := 0, true
		for _, p := range e.parts {
			sum += truth[p]
			ok = ok && truth[p] >= 0 && (!e.atMost || truth[p] <= truth[e.whole])
		}
		if ok && ((e.atMost && truth[e.whole] <= sum) || (!e.atMost && truth[e.whole] == sum)) {
			out = append(out, e)
		} else {
			invalid++
			for _, p := range e.parts {
				if p.geography == "hidden" {
					delete(truth, p)
				}
			}
		}
	}
	t.Logf("%d equations between true counts hold; %d do not (left out)", len(out), invalid)
	return out
}

// overlapEquations: the study area's people in a domain (its one comune's, or the territory's)
// are the sum of the combinations holding it; those in two or more domains, of the combinations
// of two or more.
func overlapEquations(overlap map[qkey]int, pub publicData, periods []string) []equation {
	comuni := studyComuni(pub)
	var eqs []equation
	for _, period := range periods {
		for _, ind := range abitare.Indicators {
			var parts []qkey
			for k := range overlap {
				if k.period != period {
					continue
				}
				domains := strings.Split(k.area, "+")
				if (ind == "multi_domain" && len(domains) >= 2) || slices.Contains(domains, ind) {
					parts = append(parts, k)
				}
			}
			whole := territoryKey(period, ind)
			if len(comuni) == 1 {
				whole = qkey{"municipality", comuni[0], period, ind}
			}
			eqs = append(eqs, equation{whole: whole, parts: parts})
		}
	}
	return eqs
}

// studyComuni are the study area's municipalities with published figures.
func studyComuni(pub publicData) []string {
	var comuni []string
	for k := range pub {
		if k.geography == "municipality" && k.period == "2025" && k.indicator == "poverty" {
			comuni = append(comuni, k.area)
		}
	}
	sort.Strings(comuni)
	return comuni
}

// isUpperLevel: the geographies that have areas only in a territory of several comuni
// (province) or provinces (region).
func isUpperLevel(geography string) bool { return geography == "province" || geography == "region" }

// territoryKey is the hidden total of a territory of several comuni.
func territoryKey(period, indicator string) qkey {
	return qkey{"territory", "all", period, indicator}
}

func initialIntervals(pub publicData, overlap map[qkey]int, of func(int) interval) map[qkey]interval {
	out := map[qkey]interval{}
	for k, p := range pub {
		if p.people != nil {
			out[k] = of(*p.people)
		}
	}
	for k, p := range overlap {
		out[k] = of(p)
	}
	return out
}

// addRateRoute: rate x residents / 1000 is another estimate of each count.
func addRateRoute(t *testing.T, pub publicData, iv map[qkey]interval, maxDev int) map[qkey]interval {
	for k, p := range pub {
		if p.rate == nil || p.residents == 0 {
			continue
		}
		est := int(math.Round(*p.rate * float64(p.residents) / 1000))
		cur, ok := iv[k]
		if !ok {
			t.Fatalf("%v: a rate without its count", k)
		}
		// The export rounds residents to whole people, so est can be one off the published
		// count: one more of slack keeps the model sound (an interval that excluded the truth
		// failed the suite now and then).
		iv[k] = interval{max(cur.lo, est-maxDev-1, 0), min(cur.hi, est+maxDev+1)}
	}
	return iv
}

// suppressionBaseline publishes the true counts, withholding those from 1 to threshold-1.
func suppressionBaseline(pub publicData, overlap map[qkey]int, truth map[qkey]int, threshold int) map[qkey]interval {
	out := map[qkey]interval{}
	for k, p := range pub {
		if p.people == nil {
			continue // suppressed in the real publication too (health below district)
		}
		v := truth[k]
		if v >= 1 && v < threshold {
			out[k] = interval{1, threshold - 1}
		} else {
			out[k] = interval{v, v}
		}
	}
	for k := range overlap {
		v := truth[k]
		if v >= 1 && v < threshold {
			out[k] = interval{1, threshold - 1}
		} else {
			out[k] = interval{v, v}
		}
	}
	return out
}

// attack propagates the equations over the intervals until nothing changes and returns the
// true small counts pinned inside [1, threshold-1], and the number of intervals that exclude
// the truth (which a sound model never produces).
func attack(eqs []equation, start map[qkey]interval, truth map[qkey]int, threshold int) (recovered []qkey, wrong int) {
	return attackWith(eqs, start, truth, func(v int, i interval) bool {
		return v >= 1 && v < threshold && i.lo >= 1 && i.hi <= threshold-1 && i.lo <= i.hi
	})
}

// attackWith propagates the equations and returns the true counts whose interval disclosed
// says gives them away, and the number of intervals that exclude the truth.
func attackWith(eqs []equation, start map[qkey]interval, truth map[qkey]int, disclosed func(truth int, i interval) bool) (found []qkey, wrong int) {
	get := propagate(eqs, start)
	for k, v := range truth {
		i := get(k)
		if v < i.lo || v > i.hi {
			wrong++
		}
		if disclosed(v, i) {
			found = append(found, k)
		}
	}
	return found, wrong
}

// propagate narrows the intervals through the equations until nothing changes, and returns
// what the attacker then knows of any quantity.
func propagate(eqs []equation, start map[qkey]interval) func(qkey) interval {
	iv := make(map[qkey]interval, len(start))
	for k, v := range start {
		iv[k] = v
	}
	get := func(k qkey) interval {
		if v, ok := iv[k]; ok {
			return v
		}
		return interval{0, unbounded}
	}
	narrow := func(k qkey, lo, hi int) bool {
		cur := get(k)
		n := interval{max(cur.lo, lo, 0), min(cur.hi, hi)}
		if n != cur {
			iv[k] = n
			return true
		}
		return false
	}
	for round := 0; round < 20; round++ {
		changed := false
		for _, e := range eqs {
			w := get(e.whole)
			// Sums of upper bounds keep unbounded parts apart, so that one part's bound can
			// be taken back out of the sum.
			sumLo, finiteHi, unboundedParts := 0, 0, 0
			for _, p := range e.parts {
				pi := get(p)
				sumLo += pi.lo
				if pi.hi >= unbounded {
					unboundedParts++
				} else {
					finiteHi += pi.hi
				}
			}
			othersHi := func(pi interval) int {
				n, f := unboundedParts, finiteHi
				if pi.hi >= unbounded {
					n--
				} else {
					f -= pi.hi
				}
				if n > 0 {
					return unbounded
				}
				return f
			}
			sumHi := othersHi(interval{0, 0})
			if e.atMost {
				changed = narrow(e.whole, 0, sumHi) || changed
				for _, p := range e.parts {
					pi := get(p)
					changed = narrow(e.whole, pi.lo, unbounded) || changed
					changed = narrow(p, w.lo-othersHi(pi), w.hi) || changed
				}
				continue
			}
			changed = narrow(e.whole, sumLo, sumHi) || changed
			for _, p := range e.parts {
				pi := get(p)
				changed = narrow(p, w.lo-othersHi(pi), w.hi-(sumLo-pi.lo)) || changed
			}
		}
		if !changed {
			break
		}
	}
	return get
}

func countTargets(truth map[qkey]int, threshold int) int {
	n := 0
	for _, v := range truth {
		if v >= 1 && v < threshold {
			n++
		}
	}
	return n
}

// reportUtility logs, and writes to test-output/, what protection costs: the mean absolute
// difference between published and true rates, per geography, for the year.
func reportUtility(t *testing.T, pub publicData, truth map[qkey]int) {
	type acc struct {
		n            int
		rateErr, sum float64
	}
	by := map[string]*acc{}
	for k, p := range pub {
		if k.period != "2025" || p.rate == nil || p.residents == 0 {
			continue
		}
		a := by[k.geography]
		if a == nil {
			a = &acc{}
			by[k.geography] = a
		}
		tr := 1000 * float64(truth[k]) / float64(p.residents)
		a.n++
		a.rateErr += math.Abs(*p.rate - tr)
		a.sum += tr
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-13s %8s %22s %20s\n", "geography", "figures", "rate MAE per 1,000", "mean true rate")
	for _, g := range abitare.Geographies {
		if a := by[g]; a != nil {
			fmt.Fprintf(&b, "%-13s %8d %22.3f %20.3f\n", g, a.n, a.rateErr/float64(a.n), a.sum/float64(a.n))
		}
	}
	t.Logf("utility cost of protection (2025, all indicators):\n%s", b.String())
	if dir, err := filepath.Abs("../../test-output"); err == nil {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "disclosure-utility.txt"), []byte(b.String()), 0o644)
	}
}
