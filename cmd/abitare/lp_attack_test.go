package main

// The exact attacker of the planner's outputs (issue 18): everything a planner reads of one
// period (every figure at every geography: indicators, overlap layers, need with and without
// help, the districts' and the city's combinations of domains) is a true count or withheld, and
// the counts are tied by additive relations. This attacker writes down every relation it can
// know from the geometry and the method, independently of disclosure/withheld:
//   - an H3 cell is the sum of its seven children (resolutions 7 to 10);
//   - a district is the sum of its sections; the municipality at least the sum of each partition;
//   - a section and an H3 10 cell are each the sum of their pieces (the people placed in both at
//     once, one unknown per inhabited section∩cell pair, read here from the located events);
//   - the people in need are those without help plus those helped, at every geography;
//   - in a district and in the city, each domain, the people in two or more domains, in two or
//     three of the map's domains and in all three are sums of the combinations of domains;
//
// and solves, for every withheld small count, the linear programmes of its least and greatest
// value (package lpaudit). A count is narrowed when fewer than three integers remain (or when
// the solver could not settle it: not proven safe); none may be. The attacker must be sound
// (the truth within every range it derives) and must have teeth (it narrows many counts under
// small-count suppression alone). What it narrows is written to
// test-output/planner-exact-attack.txt.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure/lpaudit"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"
)

// linkedKey names one count of the period: a figure of an area, or an unknown of the model.
type linkedKey struct{ geography, area, figure string }

// linkedTable is the attacker's model of one period: counts, what is shown, and relations.
type linkedTable struct {
	index    map[linkedKey]int
	keys     []linkedKey
	values   []int
	hidden   []bool // never shown: pieces, the people helped, remainders
	withheld []bool
	sums     []lpaudit.Sum
}

func (lt *linkedTable) add(k linkedKey, v int, hidden bool) int {
	if i, ok := lt.index[k]; ok {
		return i
	}
	lt.index[k] = len(lt.keys)
	lt.keys, lt.values, lt.hidden, lt.withheld = append(lt.keys, k), append(lt.values, v), append(lt.hidden, hidden), append(lt.withheld, false)
	return lt.index[k]
}

// cell is a count's index, adding a shown zero for an area with no row (nobody in it).
func (lt *linkedTable) cell(geography, area, figure string) int {
	return lt.add(linkedKey{geography, area, figure}, 0, false)
}

func (lt *linkedTable) relate(whole int, parts []int) {
	lt.sums = append(lt.sums, lpaudit.Sum{Whole: whole, Parts: parts})
}

// atLeast relates a whole to parts it holds with others the attacker does not see: a
// remainder, an unknown of its own.
func (lt *linkedTable) atLeast(whole int, parts []int, name string) {
	rest := lt.values[whole]
	for _, p := range parts {
		rest -= lt.values[p]
	}
	if rest < 0 {
		return // geometry and placement disagree here: the relation does not hold
	}
	r := lt.add(linkedKey{lt.keys[whole].geography, lt.keys[whole].area + " remainder " + name, lt.keys[whole].figure}, rest, true)
	lt.relate(whole, append(parts, r))
}

func checkPlannerLinearProgramming(t *testing.T, db *testdb.DB) {
	start := time.Now()
	lt := readLinkedTables(t, db, "2025")
	var threshold int
	if err := db.Pool.QueryRow(context.Background(), `SELECT (parameters->>'threshold')::int FROM analysis_runs WHERE kind = 'withheld' ORDER BY id DESC LIMIT 1`).Scan(&threshold); err != nil {
		t.Fatalf("no withheld run recorded by aggregate: %v", err)
	}
	small := func(i int) bool { return lt.values[i] >= 1 && lt.values[i] < threshold }
	withheld, secondary := 0, 0
	for i := range lt.keys {
		if lt.withheld[i] {
			withheld++
			if !small(i) {
				secondary++
			}
		}
	}
	narrowed, targets := lt.narrowed(t, lt.withheld, small, nil)
	t.Logf("exact attack on the planner's figures of 2025: %d counts (%d unknowns), %d relations; %d withheld (%d to protect); %d small counts, %d narrowed below 3 values (%s)",
		len(lt.keys), countTrue(lt.hidden), len(lt.sums), withheld, secondary, targets, len(narrowed), time.Since(start).Round(time.Millisecond))

	// Teeth: small-count suppression alone, on one indicator (enough to show it, and fast).
	primaryOnly := make([]bool, len(lt.keys))
	for i := range lt.keys {
		primaryOnly[i] = !lt.hidden[i] && small(i)
	}
	baseNarrowed, baseTargets := lt.narrowed(t, primaryOnly, small, func(k linkedKey) bool { return k.figure == "housing" })
	t.Logf("the same attack on small-count suppression alone (housing): %d of %d small counts narrowed", len(baseNarrowed), baseTargets)
	if len(baseNarrowed) < 10 {
		t.Fatalf("the exact attack narrows only %d counts under small-count suppression alone: too weak to prove anything", len(baseNarrowed))
	}
	sort.Strings(narrowed)
	report := fmt.Sprintf("exact attack on the planner's figures of 2025: %d of %d withheld small counts narrowed below 3 values\n", len(narrowed), targets)
	for _, n := range narrowed {
		report += n + "\n"
	}
	if dir, err := filepath.Abs("../../test-output"); err == nil && os.MkdirAll(dir, 0o755) == nil {
		_ = os.WriteFile(filepath.Join(dir, "planner-exact-attack.txt"), []byte(report), 0o644)
	}
	if len(narrowed) > 0 {
		t.Fatalf("%d small counts narrowed below 3 values by the exact attack on the planner's figures, e.g. %v", len(narrowed), narrowed[:min(5, len(narrowed))])
	}
}

// narrowed solves the model with the given counts withheld and names the small ones (of those
// picked by only, nil for all) left with fewer than three possible values.
func (lt *linkedTable) narrowed(t *testing.T, withheld []bool, small func(int) bool, only func(linkedKey) bool) ([]string, int) {
	t.Helper()
	shown, floor := make([]bool, len(lt.keys)), make([]int, len(lt.keys))
	var targets []lpaudit.Target
	for i, k := range lt.keys {
		shown[i] = !lt.hidden[i] && !withheld[i]
		if withheld[i] {
			floor[i] = 1 // zeros are always shown
			if small(i) && (only == nil || only(k)) {
				targets = append(targets, lpaudit.Target{Var: i, Truth: lt.values[i]})
			}
		}
	}
	m, err := lpaudit.FromSums(lt.values, shown, floor, lt.sums)
	if err != nil {
		t.Fatalf("the attacker's model does not hold on the true counts: %v", err)
	}
	ranges, err := lpaudit.Ranges(m, targets, 3)
	if errors.Is(err, lpaudit.ErrInfeasible) {
		t.Fatalf("the attack model is unsound (no solution, the truth included): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for k, r := range ranges {
		v := targets[k].Var
		if truth := float64(lt.values[v]); truth < r.Min-1e-6 || (r.Exact && truth > r.Max+1e-6) {
			t.Fatalf("the attack model is unsound: %v is %v, its range [%v, %v] excludes it", lt.keys[v], truth, r.Min, r.Max)
		}
		if r.Values < 3 || r.Failed {
			failed := ""
			if r.Failed {
				failed = " (the solver failed: not proven)"
			}
			out = append(out, fmt.Sprintf("%s %s %s=%d in [%g, %g]%s", lt.keys[v].geography, lt.keys[v].area, lt.keys[v].figure, lt.values[v], r.Min, r.Max, failed))
		}
	}
	return out, len(targets)
}

// readLinkedTables reads every figure of the period a planner can read, which of them are
// withheld, and writes down the relations between them.
func readLinkedTables(t *testing.T, db *testdb.DB, period string) *linkedTable {
	t.Helper()
	ctx := context.Background()
	lt := &linkedTable{index: map[linkedKey]int{}}
	read := func(sql string, each func(g, a, f string, x, y int)) {
		t.Helper()
		rows, err := db.Pool.Query(ctx, sql, period)
		if err != nil {
			t.Fatal(err)
		}
		var g, a, f string
		var x, y int
		if _, err := pgx.ForEachRow(rows, []any{&g, &a, &f, &x, &y}, func() error { each(g, a, f, x, y); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	read(`SELECT geography, area_id, indicator, people, 0 FROM area_indicators WHERE period = $1`,
		func(g, a, f string, n, _ int) { lt.add(linkedKey{g, a, f}, n, false) })
	read(`SELECT geography, area_id, '', two_plus, all_three FROM area_stats WHERE period = $1`,
		func(g, a, _ string, two, three int) {
			lt.add(linkedKey{g, a, "two_plus"}, two, false)
			lt.add(linkedKey{g, a, "all_three"}, three, false)
		})
	read(`SELECT geography, area_id, combination, people, 0 FROM area_overlap WHERE period = $1 AND geography IN ('omi', 'municipality', 'province', 'region')`,
		func(g, a, c string, n, _ int) { lt.add(linkedKey{g, a, "overlap:" + c}, n, false) })
	var needs []string
	for _, n := range aggregate.Needs {
		needs = append(needs, n.Name)
	}
	read(`SELECT geography, area_id, need, people, without_help FROM area_coverage WHERE period = $1`,
		func(g, a, need string, people, without int) {
			whole := lt.add(linkedKey{g, a, "coverage:" + need + ":people"}, people, false)
			wo := lt.add(linkedKey{g, a, "coverage:" + need + ":without_help"}, without, false)
			helped := lt.add(linkedKey{g, a, "coverage:" + need + ":helped"}, people-without, true)
			lt.relate(whole, []int{wo, helped})
		})
	read(`SELECT geography, area_id, figure, 0, 0 FROM withheld_figures WHERE period = $1`,
		func(g, a, f string, _, _ int) {
			i, ok := lt.index[linkedKey{g, a, f}]
			if !ok {
				t.Fatalf("withheld figure %s %s %s has no count", g, a, f)
			}
			lt.withheld[i] = true
		})

	figures := map[string]bool{}
	for _, k := range lt.keys {
		if !strings.HasPrefix(k.figure, "overlap:") {
			figures[k.figure] = true
		}
	}
	lt.relateAreas(t, db, figures)
	lt.relatePieces(t, db, period, figures)
	lt.relateCombinations()
	return lt
}

// relateAreas: H3 nesting, sections in districts, each comune against its sections and its
// districts, a province as the sum of its comuni and a region of its provinces; with one comune,
// the comune against the H3 7 cells too; with several, the territory's total (unknown) as the
// sum of its H3 7 cells and at least the sum of its comuni.
func (lt *linkedTable) relateAreas(t *testing.T, db *testdb.DB, figures map[string]bool) {
	t.Helper()
	zoneOf, comuneOf := map[string]string{}, map[string]string{}
	lt.readPairs(t, db, `SELECT id, coalesce(omi_zone, '') FROM census_sections`, func(s, z string) { zoneOf[s] = z })
	lt.readPairs(t, db, `SELECT id, coalesce(municipality_code, '') FROM census_sections`, func(s, m string) { comuneOf["section "+s] = m })
	lt.readPairs(t, db, `SELECT code, coalesce(municipality_code, '') FROM omi_zones`, func(z, m string) { comuneOf["omi "+z] = m })
	parentOf := map[string]string{} // "municipality 036023" -> "province 036", "province 036" -> "region 08"
	lt.readPairs(t, db, `SELECT municipality_code, province FROM municipality_levels WHERE province IS NOT NULL`,
		func(m, p string) { parentOf["municipality "+m] = "province " + p })
	lt.readPairs(t, db, `SELECT DISTINCT province, region FROM municipality_levels WHERE region IS NOT NULL`,
		func(p, r string) { parentOf["province "+p] = "region " + r })
	type group struct{ geography, area, figure string }
	children := map[group][]int{}
	partitions := map[string][]int{} // "geography figure comune" -> areas of one partition of a comune
	h3Seven := map[string][]int{}    // figure -> H3 7 cells
	comuni := map[string][]int{}     // figure -> municipalities
	for i, k := range append([]linkedKey(nil), lt.keys...) {
		if lt.hidden[i] || !figures[k.figure] {
			continue
		}
		switch k.geography {
		case "h3_8", "h3_9", "h3_10":
			res, _ := strconv.Atoi(strings.TrimPrefix(k.geography, "h3_"))
			c, err := strconv.ParseUint(k.area, 16, 64)
			if err != nil {
				t.Fatalf("%v: not an H3 cell", k)
			}
			parent := h3.Cell(c).Parent(res - 1)
			g := group{fmt.Sprintf("h3_%d", res-1), strconv.FormatUint(uint64(parent), 16), k.figure}
			children[g] = append(children[g], i)
		case "section", "omi":
			if zone := zoneOf[k.area]; k.geography == "section" && zone != "" {
				g := group{"omi", zone, k.figure}
				children[g] = append(children[g], i)
			}
			if m := comuneOf[k.geography+" "+k.area]; m != "" {
				name := k.geography + " " + k.figure + " " + m
				partitions[name] = append(partitions[name], i)
			}
		case "h3_7":
			h3Seven[k.figure] = append(h3Seven[k.figure], i)
		case "municipality", "province":
			if k.geography == "municipality" {
				comuni[k.figure] = append(comuni[k.figure], i)
			}
			if parent, ok := parentOf[k.geography+" "+k.area]; ok {
				geography, area, _ := strings.Cut(parent, " ")
				g := group{geography, area, k.figure}
				children[g] = append(children[g], i)
			}
		}
	}
	for g, parts := range children {
		lt.relate(lt.cell(g.geography, g.area, g.figure), parts)
	}
	for name, parts := range partitions {
		geography, rest, _ := strings.Cut(name, " ")
		figure, comune, _ := strings.Cut(rest, " ")
		lt.atLeast(lt.cell("municipality", comune, figure), parts, geography)
	}
	for figure, list := range comuni {
		if len(list) == 1 {
			lt.atLeast(list[0], h3Seven[figure], "h3_7")
			continue
		}
		sum := func(parts []int) (n int) {
			for _, p := range parts {
				n += lt.values[p]
			}
			return n
		}
		total := lt.add(linkedKey{"territory", "all", figure}, max(sum(list), sum(h3Seven[figure])), true)
		lt.atLeastOrExactly(total, h3Seven[figure], "h3_7")
		lt.atLeastOrExactly(total, list, "municipality")
	}
}

// atLeastOrExactly is atLeast, but a whole its parts add up to exactly is their sum: the
// attacker knows every person of the territory is in one of its H3 7 cells, and in a comune.
func (lt *linkedTable) atLeastOrExactly(whole int, parts []int, name string) {
	rest := lt.values[whole]
	for _, p := range parts {
		rest -= lt.values[p]
	}
	if rest == 0 {
		lt.relate(whole, parts)
		return
	}
	lt.atLeast(whole, parts, name)
}

// readPairs reads two text columns.
func (lt *linkedTable) readPairs(t *testing.T, db *testdb.DB, sql string, each func(a, b string)) {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	var a, b string
	if _, err := pgx.ForEachRow(rows, []any{&a, &b}, func() error { each(a, b); return nil }); err != nil {
		t.Fatal(err)
	}
}

// relatePieces: a section and an H3 10 cell are each the sum of their pieces, one unknown per
// inhabited section∩cell pair (pairs of the located events of the year: a person is placed at
// one of their events).
func (lt *linkedTable) relatePieces(t *testing.T, db *testdb.DB, period string, figures map[string]bool) {
	t.Helper()
	year, err := abitare.ParsePeriod(period)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Pool.Query(context.Background(), `SELECT DISTINCT coalesce(section_id, ''), to_hex(h3_cell) FROM events
		WHERE geom IS NOT NULL AND h3_cell IS NOT NULL AND event_date >= $1 AND event_date < $2`, year[0].Start, year[len(year)-1].End)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct{ section, cell string }
	var pairs []pair
	var p pair
	if _, err := pgx.ForEachRow(rows, []any{&p.section, &p.cell}, func() error { pairs = append(pairs, p); return nil }); err != nil {
		t.Fatal(err)
	}
	for f := range figures {
		bySection, byCell := map[string][]int{}, map[string][]int{}
		for _, p := range pairs {
			// A piece of a section or cell with nobody in this figure is zero: left out.
			if (p.section != "" && lt.valueOf("section", p.section, f) == 0) || lt.valueOf("h3_10", p.cell, f) == 0 {
				continue
			}
			i := lt.add(linkedKey{"piece", p.section + "|" + p.cell, f}, 0, true)
			if p.section != "" {
				bySection[p.section] = append(bySection[p.section], i)
			}
			byCell[p.cell] = append(byCell[p.cell], i)
		}
		for s, parts := range bySection {
			lt.relate(lt.cell("section", s, f), parts)
		}
		for c, parts := range byCell {
			lt.relate(lt.cell("h3_10", c, f), parts)
		}
	}
	lt.fillPieces(t, db, period)
}

// fillPieces gives the pieces their true counts (the model needs a true point to be checked
// against; the attacker never sees them): people per section and cell, from the aggregation's
// own pieces table.
func (lt *linkedTable) fillPieces(t *testing.T, db *testdb.DB, period string) {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT section_id, cell10, figure, people FROM disclosure_pieces WHERE period = $1`, period)
	if err != nil {
		t.Fatal(err)
	}
	var s, c, f string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&s, &c, &f, &n}, func() error {
		i, ok := lt.index[linkedKey{"piece", s + "|" + c, f}]
		if !ok {
			return fmt.Errorf("%d people of %s in section %q and cell %s, a pair no located event has", n, f, s, c)
		}
		lt.values[i] = n
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func (lt *linkedTable) valueOf(geography, area, figure string) int {
	if i, ok := lt.index[linkedKey{geography, area, figure}]; ok {
		return lt.values[i]
	}
	return 0
}

// relateCombinations: in a district and the city, figures against the combinations of domains.
func (lt *linkedTable) relateCombinations() {
	type area struct{ geography, id string }
	combos := map[area][]int{}
	for i, k := range lt.keys {
		if strings.HasPrefix(k.figure, "overlap:") {
			combos[area{k.geography, k.area}] = append(combos[area{k.geography, k.area}], i)
		}
	}
	for a, cells := range combos {
		parts := map[string][]int{}
		for _, i := range cells {
			domains := strings.Split(strings.TrimPrefix(lt.keys[i].figure, "overlap:"), "+")
			mapDomains := 0
			for _, d := range domains {
				parts[d] = append(parts[d], i)
				if d == "poverty" || d == "housing" || d == "health" {
					mapDomains++
				}
			}
			if len(domains) >= 2 {
				parts["multi_domain"] = append(parts["multi_domain"], i)
			}
			if mapDomains >= 2 {
				parts["two_plus"] = append(parts["two_plus"], i)
			}
			if mapDomains == 3 {
				parts["all_three"] = append(parts["all_three"], i)
			}
		}
		for figure, p := range parts {
			lt.relate(lt.cell(a.geography, a.id, figure), p)
		}
	}
}

func countTrue(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}
