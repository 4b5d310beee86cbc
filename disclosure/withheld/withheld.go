// Package withheld decides which true counts the restricted outputs (the planner's map, area
// profiles, rankings) do not show, and stores the decision in withheld_figures for every
// reader: the small counts (disclosure.Withheld) and the larger ones withheld so that the small
// ones cannot be recovered by subtraction (package secondary).
//
// Usage, after aggregation:
//
//	sum, err := withheld.Store(ctx, db, threshold)
//
// The figures of one period form one table of cells: per area, the people of each indicator,
// of the overlap layers (two_plus, all_three), of each combination of domains (districts and the
// municipality: OverlapGeographies), and of each need with and without help. They are linked by
// what holds between them:
//   - an H3 cell's figure is the sum of its seven children's (resolutions 7 to 10);
//   - an OMI district's is the sum of its census sections';
//   - in a district, a domain's people are the sum of the combinations containing it, and so are
//     the people in two or more domains, in two or three of the map's domains, in all three;
//   - the people in need are those without help plus those helped (derived, never shown);
//   - a census section holds the resolution-10 cells that lie within it, and an H3 cell of
//     resolution 7 or 8 the sections within it, plus people in the cells or sections that
//     straddle the border: that remainder is a count too (of a sliver of the map), derivable
//     by subtraction, and protected like the others;
//   - the municipality holds its H3 cells, its sections and its districts, plus a remainder
//     (people whose events have no place count for the municipality only). Its figures are
//     withheld only when nothing else will do;
//   - in a territory of several comuni, each comune holds its sections and its districts, and
//     the territory (a total shown nowhere, a hidden count) is the sum of its comuni and of its
//     H3 cells of resolution 7, which municipal boundaries cut.
package withheld

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/abitare/abitare/disclosure/secondary"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// OverlapGeographies are the geographies whose combinations of domains (area_overlap) restricted
// roles see: districts, municipalities, provinces and regions. A hexagon's or a section's 31 combinations are a
// cross-tabulation too fine to show: most of its cells are small, and protecting them would
// withhold most of the map's counts. (The public sees the municipality's only.)
var OverlapGeographies = []string{"omi", "municipality", "province", "region"}

// Figure names, as stored in withheld_figures.figure.
const (
	TwoPlus  = "two_plus"  // area_stats: people in two or three of the map's domains
	AllThree = "all_three" // area_stats: people in all three
)

// Overlap is the figure name of a combination of domains (area_overlap).
func Overlap(combination string) string { return "overlap:" + combination }

// Coverage is the figure name of a need's people (or, with without=true, those without help).
func Coverage(need string, without bool) string {
	if without {
		return "coverage:" + need + ":without_help"
	}
	return "coverage:" + need + ":people"
}

// helped is the hidden figure: people in need with help, shown nowhere but derivable.
func helped(need string) string { return "coverage:" + need + ":helped" }

// isHelped reports whether a figure name is a need's people helped.
func isHelped(figure string) bool {
	return strings.HasPrefix(figure, "coverage:") && strings.HasSuffix(figure, ":helped")
}

// Summary says what a run withheld.
type Summary struct {
	RunID     int64
	Threshold int
	Periods   map[string]secondary.Result // by period; Withheld is dropped
	Elapsed   time.Duration
}

// Store recomputes withheld_figures for every aggregated period, in one transaction, and
// records the run in analysis_runs (kind "withheld").
func Store(ctx context.Context, db *pgxpool.Pool, threshold int) (Summary, error) {
	start := time.Now()
	sum := Summary{Threshold: threshold, Periods: map[string]secondary.Result{}}
	tx, err := db.Begin(ctx)
	if err != nil {
		return sum, fmt.Errorf("withheld figures: %w", err)
	}
	defer tx.Rollback(ctx)
	periods, err := storedPeriods(ctx, tx)
	if err != nil {
		return sum, err
	}
	geo, err := readGeometry(ctx, tx)
	if err != nil {
		return sum, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM withheld_figures`); err != nil {
		return sum, fmt.Errorf("clear withheld figures: %w", err)
	}
	// Periods are protected each on its own, one per core at a time: the exact attacker's
	// solves and the choice of what to release are mostly single-threaded. The transaction
	// serves one query at a time.
	var txMu sync.Mutex
	results := make([]secondary.Result, len(periods))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, period := range periods {
		g.Go(func() error {
			txMu.Lock()
			t, err := readPeriod(gctx, tx, period)
			txMu.Unlock()
			if err != nil {
				return err
			}
			p := t.problem(threshold, geo)
			res, err := secondary.Protect(p)
			if err != nil {
				return fmt.Errorf("period %s: %w", period, t.named(p, err))
			}
			txMu.Lock()
			err = t.store(gctx, tx, res, threshold)
			txMu.Unlock()
			if err != nil {
				return fmt.Errorf("period %s: %w", period, err)
			}
			res.Withheld = nil
			results[i] = res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return sum, err
	}
	for i, period := range periods {
		sum.Periods[period] = results[i]
	}
	params, _ := json.Marshal(map[string]any{"threshold": threshold, "method": "small counts withheld; secondary suppression (disclosure/secondary)", "periods": sum.Periods})
	if err := tx.QueryRow(ctx, `INSERT INTO analysis_runs (kind, period, parameters) VALUES ('withheld', $1, $2) RETURNING id`,
		strings.Join(periods, ","), params).Scan(&sum.RunID); err != nil {
		return sum, fmt.Errorf("record the withheld run: %w", err)
	}
	sum.Elapsed = time.Since(start)
	return sum, tx.Commit(ctx)
}

// Threshold is the threshold of the stored withheld figures, or 0 when none are stored.
func Threshold(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var t *int
	err := db.QueryRow(ctx, `SELECT (parameters->>'threshold')::int FROM analysis_runs WHERE kind = 'withheld' ORDER BY id DESC LIMIT 1`).Scan(&t)
	if err == pgx.ErrNoRows || (err == nil && t == nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the withheld figures' threshold: %w", err)
	}
	return *t, nil
}

func storedPeriods(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT period FROM area_indicators ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// geometry is how the areas of different geographies contain one another.
type geometry struct {
	sectionDistrict map[string]string // section -> OMI district
	// within lists, per containing area, the areas of another geography inside it: (section
	// -> h3_10 cells), (h3_7 and h3_8 cells -> sections), (municipality -> each partition),
	// and in a territory of several comuni (territory -> municipalities, and -> H3 7 cells).
	within []containment
	// severalComuni: the figures cover more than one municipality. The territory's total is
	// then shown nowhere but is the sum of two partitions (its comuni, its H3 cells), which
	// links them: a hidden count of its own (territoryArea).
	severalComuni bool
}

// exhaustiveWholes are the geographies whose every person is in one of their parts: the
// territory, a province (its comuni) and a region (its provinces).
var exhaustiveWholes = map[string]bool{territoryArea.geography: true, "province": true, "region": true}

// territoryArea is the hidden count of the whole territory of several comuni.
var territoryArea = figureKey{"territory", "all", ""}

type containment struct {
	whole figureKey // figure left empty
	parts []figureKey
	// exhaustive: every person of the whole is in one of the parts, and an attacker knows it,
	// so a zero remainder is no unknown (the territory and its comuni, or its H3 cells).
	exhaustive bool
}

// studyMunicipality is the municipality with figures, when there is exactly one.
const studyMunicipality = `(SELECT min(area_id) AS area_id FROM area_indicators WHERE geography = 'municipality'
	HAVING count(DISTINCT area_id) = 1)`

func readGeometry(ctx context.Context, tx pgx.Tx) (geometry, error) {
	g := geometry{sectionDistrict: map[string]string{}}
	pairs := func(sql string, each func(a, b string)) error {
		rows, err := tx.Query(ctx, sql)
		if err != nil {
			return fmt.Errorf("read how areas nest: %w", err)
		}
		var a, b string
		_, err = pgx.ForEachRow(rows, []any{&a, &b}, func() error { each(a, b); return nil })
		return err
	}
	if err := pairs(`SELECT id, omi_zone FROM census_sections WHERE omi_zone IS NOT NULL`, func(s, z string) { g.sectionDistrict[s] = z }); err != nil {
		return g, err
	}
	// One group per containing area and geography of its parts: the municipality holds three
	// partitions, each a relation of its own.
	type group struct{ whole, partGeography string }
	groups := map[group]*containment{}
	var order []group
	add := func(wholeGeo, whole, partGeo, part string) {
		key := group{wholeGeo + "/" + whole, partGeo}
		if groups[key] == nil {
			groups[key] = &containment{whole: figureKey{wholeGeo, whole, ""}, exhaustive: exhaustiveWholes[wholeGeo]}
			order = append(order, key)
		}
		groups[key].parts = append(groups[key].parts, figureKey{partGeo, part, ""})
	}
	queries := []struct{ sql, wholeGeo, partGeo string }{
		{`SELECT s.id, c.h3_index FROM census_sections s JOIN h3_cells c ON c.resolution = 10 AND ST_Within(c.geom, s.geom)`, "section", "h3_10"},
		{`SELECT c.h3_index, s.id FROM census_sections s JOIN h3_cells c ON c.resolution = 7 AND ST_Within(s.geom, c.geom)`, "h3_7", "section"},
		{`SELECT c.h3_index, s.id FROM census_sections s JOIN h3_cells c ON c.resolution = 8 AND ST_Within(s.geom, c.geom)`, "h3_8", "section"},
		// A study area of one municipality (the one with figures; its neighbours are drawn
		// on the map but have none): every partition of it adds up to it.
		{`SELECT m.area_id, c.h3_index FROM ` + studyMunicipality + ` m, h3_cells c WHERE c.resolution = 7`, "municipality", "h3_7"},
		{`SELECT municipality_code, id FROM census_sections WHERE municipality_code IS NOT NULL`, "municipality", "section"},
		// Districts nest in their comune: a comune is the sum of its districts.
		{`SELECT DISTINCT municipality_code, omi_zone FROM census_sections WHERE omi_zone IS NOT NULL AND municipality_code IS NOT NULL ORDER BY 1, 2`, "municipality", "omi"},
		// A territory of several comuni: its total is the sum of its comuni and of its H3 cells
		// (which municipal boundaries cut).
		{`SELECT 'all', area_id FROM (SELECT DISTINCT area_id FROM area_indicators WHERE geography = 'municipality') m
			WHERE (SELECT count(DISTINCT area_id) FROM area_indicators WHERE geography = 'municipality') > 1 ORDER BY 2`, "territory", "municipality"},
		// Provinces and regions of the map (a territory of several comuni or provinces) are
		// the sums of their comuni and provinces.
		{`SELECT province, municipality_code FROM municipality_levels WHERE province IS NOT NULL ORDER BY 1, 2`, "province", "municipality"},
		{`SELECT DISTINCT region, province FROM municipality_levels WHERE region IS NOT NULL ORDER BY 1, 2`, "region", "province"},
		{`SELECT 'all', h3_index FROM h3_cells WHERE resolution = 7
			AND (SELECT count(DISTINCT area_id) FROM area_indicators WHERE geography = 'municipality') > 1 ORDER BY 2`, "territory", "h3_7"},
	}
	for _, q := range queries {
		wholeGeo, partGeo := q.wholeGeo, q.partGeo
		if err := pairs(q.sql, func(w, p string) { add(wholeGeo, w, partGeo, p) }); err != nil {
			return g, err
		}
	}
	for _, key := range order {
		g.within = append(g.within, *groups[key])
		g.severalComuni = g.severalComuni || groups[key].whole.geography == territoryArea.geography
	}
	return g, nil
}

// indicatorsOf lists the figures a combination of domains adds to.
func indicatorsOf(combination string) []string {
	domains := strings.Split(combination, "+")
	var out []string
	mapDomains := 0
	for _, d := range domains {
		out = append(out, d)
		if d == "poverty" || d == "housing" || d == "health" {
			mapDomains++
		}
	}
	if len(domains) >= 2 {
		out = append(out, "multi_domain")
	}
	if mapDomains >= 2 {
		out = append(out, TwoPlus)
	}
	if mapDomains == 3 {
		out = append(out, AllThree)
	}
	return out
}
