package main

// The attack suite of the planner's outputs (issue 10): a planner sees true counts, except the
// small ones and those withheld to protect them (disclosure/withheld). Everything a planner
// can read of the indicators (the indicator tiles at every H3 resolution and by section, the
// rankings of districts and of the municipality) is collected, and the attacker of
// attack_test.go (H3 nesting, sections in districts, H3 cells against sections, partitions of
// the city) propagates intervals: a shown count is exact, a withheld one at least 1. A true
// count from 1 to threshold-1 is disclosed when its interval holds fewer than
// secondary.DefaultRange values (3: the attacker could tell it to within two neighbouring
// values). The same attack on small-count suppression alone must disclose counts, which shows
// it has teeth; against the planner's outputs it must disclose none.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/disclosure/secondary"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb/encoding/mvt"
)

func checkPlannerDifferencing(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	ctx := context.Background()
	var threshold int
	if err := db.Pool.QueryRow(ctx, `SELECT (parameters->>'threshold')::int FROM analysis_runs WHERE kind = 'withheld' ORDER BY id DESC LIMIT 1`).Scan(&threshold); err != nil {
		t.Fatalf("no withheld run recorded by aggregate: %v", err)
	}
	planner := users[auth.Planner]
	seen := downloadPlannerFigures(t, base, db, planner)
	truth := readTruth(t, db)
	for k, p := range seen {
		switch {
		case p.people == nil:
		case *p.people >= 1 && *p.people < threshold:
			t.Fatalf("%v shown to a planner as %d, between 1 and threshold-1", k, *p.people)
		case *p.people != truth[k]:
			t.Fatalf("%v shown to a planner as %d, true count %d", k, *p.people, truth[k])
		}
	}
	eqs := validEquations(t, buildEquations(t, db, seen, truth, []string{"2025"}), truth)
	intervals := func(withheld func(qkey, published) bool) map[qkey]interval {
		out := map[qkey]interval{}
		for k, p := range seen {
			if withheld(k, p) {
				out[k] = interval{1, unbounded}
			} else {
				out[k] = interval{truth[k], truth[k]}
			}
		}
		return out
	}
	real := intervals(func(_ qkey, p published) bool { return p.people == nil })
	primaryOnly := intervals(func(k qkey, _ published) bool { return truth[k] >= 1 && truth[k] < threshold })
	recovered, wrong := narrowed(eqs, real, truth, threshold)
	baseRecovered, baseWrong := narrowed(eqs, primaryOnly, truth, threshold)
	withheld, secondary := 0, 0
	for k, p := range seen {
		if p.people == nil {
			withheld++
			if truth[k] >= threshold {
				secondary++
			}
		}
	}
	t.Logf("planner figures: %d, withheld %d (%d of them to protect small ones); disclosed by differencing: %d; with small-count suppression alone: %d",
		len(seen), withheld, secondary, len(recovered), len(baseRecovered))
	if wrong+baseWrong > 0 {
		t.Fatalf("the attack model is unsound: %d and %d intervals exclude the truth", wrong, baseWrong)
	}
	if len(baseRecovered) < 10 {
		t.Fatalf("the attack discloses only %d counts under small-count suppression alone: too weak to prove anything", len(baseRecovered))
	}
	if len(recovered) > 0 {
		sort.Slice(recovered, func(i, j int) bool { return fmt.Sprint(recovered[i]) < fmt.Sprint(recovered[j]) })
		t.Fatalf("%d small counts disclosed by differencing the planner's outputs, e.g. %v", len(recovered), recovered[:min(5, len(recovered))])
	}
}

// downloadPlannerFigures reads, as a planner, the indicator tiles over the city (H3 cells of
// every resolution, sections) and the rankings of districts and of the municipality.
func downloadPlannerFigures(t *testing.T, base string, db *testdb.DB, user testUser) publicData {
	tilesOf := cityTiles(t, db)
	seen := publicData{}
	layers := map[string][]int{"indicators": {10, 12, 13, 14}, "indicators_sections": {13}}
	for layer, zooms := range layers {
		template, _ := tileTemplate(t, base, layer, user)
		for _, z := range zooms {
			geography := "section"
			if layer == "indicators" {
				geography = "h3_" + strconv.Itoa(hexgrid.ResolutionForZoom(z))
			}
			for _, tile := range tilesOf(z) {
				readPlannerTile(t, tileURL(template, tile), user, geography, seen)
			}
		}
	}
	for _, g := range []string{"omi", "municipality", "province", "region"} {
		if isUpperLevel(g) && !hasLevel(t, db, g) {
			continue
		}
		for _, ind := range abitare.Indicators {
			status, body, _ := request(t, "GET", fmt.Sprintf("%s/api/rankings?geography=%s&indicator=%s&period=2025&limit=20000", base, g, ind), user, "")
			var answer struct {
				Areas []struct {
					ID     string `json:"id"`
					People *int   `json:"people"`
				} `json:"areas"`
			}
			if status != http.StatusOK || json.Unmarshal(body, &answer) != nil || len(answer.Areas) == 0 {
				t.Fatalf("ranking %s %s: %d %s", g, ind, status, truncate(body))
			}
			for _, a := range answer.Areas {
				seen[qkey{g, a.ID, "2025", ind}] = published{people: a.People}
			}
		}
	}
	for _, g := range abitare.Geographies {
		n := 0
		for k := range seen {
			if k.geography == g {
				n++
			}
		}
		if n == 0 && (!isUpperLevel(g) || hasLevel(t, db, g)) {
			t.Fatalf("no %s figure read", g)
		}
	}
	return seen
}

func readPlannerTile(t *testing.T, u string, user testUser, geography string, seen publicData) {
	status, body, _ := request(t, "GET", u, user, "")
	if status == http.StatusNoContent {
		return
	}
	if status != http.StatusOK {
		t.Fatalf("%s: %d %s", u, status, truncate(body))
	}
	fc, err := mvt.Unmarshal(body) // the client asked for gzip itself and has unpacked it
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	for _, l := range fc {
		for _, f := range l.Features {
			id := fmt.Sprint(f.Properties["id"])
			for _, ind := range abitare.Indicators {
				var p published
				if v, ok := f.Properties[ind].(float64); ok {
					n := int(v)
					p.people = &n
				}
				seen[qkey{geography, id, "2025", ind}] = p
			}
		}
	}
}

// narrowed runs the attack and returns the true small counts it narrows to fewer than
// secondary.DefaultRange values, and the number of intervals that exclude the truth.
func narrowed(eqs []equation, start map[qkey]interval, truth map[qkey]int, threshold int) (disclosed []qkey, wrong int) {
	return attackWith(eqs, start, truth, func(v int, i interval) bool {
		return v >= 1 && v < threshold && i.hi-i.lo+1 < secondary.DefaultRange
	})
}

// hasLevel: the territory has areas of the geography (a province or region of the map).
func hasLevel(t *testing.T, db *testdb.DB, geography string) bool {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM territory_areas WHERE geography = $1`, geography).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}
