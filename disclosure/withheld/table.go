package withheld

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/abitare/abitare/disclosure/secondary"
	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"
)

// figureKey names one true count of a period.
type figureKey struct{ geography, area, figure string }

// periodTable is every count of one period, as cells of a secondary.Problem.
type periodTable struct {
	period string
	index  map[figureKey]int
	keys   []figureKey
	values []int
	hidden []bool
	// pieces lists the cells of the pieces (figureKey geography "piece") of each section and
	// H3 10 cell figure, the key's area being the section or cell.
	pieces map[figureKey][]int
}

func (t *periodTable) add(k figureKey, v int, hidden bool) {
	if _, dup := t.index[k]; dup {
		return
	}
	t.index[k] = len(t.keys)
	t.keys = append(t.keys, k)
	t.values = append(t.values, v)
	t.hidden = append(t.hidden, hidden)
}

// addPiece adds the people of one figure placed in a section and an H3 10 cell at once, a
// hidden count that both the section's and the cell's figure are sums of.
func (t *periodTable) addPiece(section, cell, figure string, people int) {
	k := figureKey{"piece", section + "|" + cell, figure}
	t.add(k, people, true)
	i := t.index[k]
	if section != "" {
		s := figureKey{"section", section, figure}
		t.pieces[s] = append(t.pieces[s], i)
	}
	if cell != "" {
		c := figureKey{"h3_10", cell, figure}
		t.pieces[c] = append(t.pieces[c], i)
	}
}

// readPeriod reads every count the restricted outputs show for one period.
func readPeriod(ctx context.Context, tx pgx.Tx, period string) (*periodTable, error) {
	t := &periodTable{period: period, index: map[figureKey]int{}, pieces: map[figureKey][]int{}}
	queries := []struct {
		what, sql string
		args      []any
		scan      func(geography, area, figure string, a, b int)
	}{
		{"indicators", `SELECT geography, area_id, indicator, people, 0 FROM area_indicators WHERE period = $1 ORDER BY 1, 2, 3`, []any{period},
			func(g, a, f string, n, _ int) { t.add(figureKey{g, a, f}, n, false) }},
		{"overlap layers", `SELECT geography, area_id, '', two_plus, all_three FROM area_stats WHERE period = $1 ORDER BY 1, 2, 3`, []any{period},
			func(g, a, _ string, two, three int) {
				t.add(figureKey{g, a, TwoPlus}, two, false)
				t.add(figureKey{g, a, AllThree}, three, false)
			}},
		{"combinations", `SELECT geography, area_id, combination, people, 0 FROM area_overlap WHERE period = $1 AND geography = ANY($2) ORDER BY 1, 2, 3`,
			[]any{period, OverlapGeographies},
			func(g, a, c string, n, _ int) { t.add(figureKey{g, a, Overlap(c)}, n, false) }},
		{"coverage", `SELECT geography, area_id, need, people, without_help FROM area_coverage WHERE period = $1 ORDER BY 1, 2, 3`, []any{period},
			func(g, a, need string, people, without int) {
				t.add(figureKey{g, a, Coverage(need, false)}, people, false)
				t.add(figureKey{g, a, Coverage(need, true)}, without, false)
				t.add(figureKey{g, a, helped(need)}, people-without, true)
			}},
		{"pieces", `SELECT section_id, cell10, figure, people, 0 FROM disclosure_pieces WHERE period = $1 ORDER BY 1, 2, 3`, []any{period},
			func(section, cell, f string, n, _ int) { t.addPiece(section, cell, f, n) }},
	}
	for _, q := range queries {
		rows, err := tx.Query(ctx, q.sql, q.args...)
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", q.what, period, err)
		}
		var g, a, f string
		var x, y int
		if _, err := pgx.ForEachRow(rows, []any{&g, &a, &f, &x, &y}, func() error { q.scan(g, a, f, x, y); return nil }); err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", q.what, period, err)
		}
	}
	return t, nil
}

// problem writes down the relations between the period's counts (see the package doc).
func (t *periodTable) problem(threshold int, geo geometry) secondary.Problem {
	// A whole can be the sum of several sets of parts (its children, its combinations).
	type sumOf struct {
		whole    figureKey
		relation string
	}
	sums := map[sumOf][]int{}
	for i, k := range t.keys {
		if t.hidden[i] && !isHelped(k.figure) {
			continue // pieces and remainders have no parent; the people helped do
		}
		if parent, ok := parentOf(k, geo.sectionDistrict); ok {
			sums[sumOf{parent, "area"}] = append(sums[sumOf{parent, "area"}], i)
		}
		if strings.HasPrefix(k.figure, "overlap:") {
			for _, f := range indicatorsOf(strings.TrimPrefix(k.figure, "overlap:")) {
				whole := sumOf{figureKey{k.geography, k.area, f}, "combinations"}
				sums[whole] = append(sums[whole], i)
			}
		}
		if need, ok := strings.CutSuffix(strings.TrimPrefix(k.figure, "coverage:"), ":people"); ok && strings.HasPrefix(k.figure, "coverage:") {
			sums[sumOf{k, "help"}] = []int{t.index[figureKey{k.geography, k.area, Coverage(need, true)}], t.index[figureKey{k.geography, k.area, helped(need)}]}
		}
	}
	figures := t.relatedFigures()
	if geo.severalComuni {
		t.addTerritory(figures)
	}
	var equations []secondary.Equation
	// Relations are written in a fixed order, so that a run's choices can be reproduced.
	for _, whole := range slices.SortedFunc(maps.Keys(t.pieces), compareKeys) {
		if w, ok := t.index[whole]; ok {
			equations = append(equations, secondary.Equation{Whole: w, Parts: t.pieces[whole]})
		}
	}
	for _, c := range geo.within {
		for _, f := range figures {
			if e, ok := t.withRemainder(c, f); ok {
				equations = append(equations, e)
			}
		}
	}
	p := secondary.Problem{Threshold: threshold, Exact: true}
	order := slices.SortedFunc(maps.Keys(sums), func(a, b sumOf) int {
		return cmp.Or(compareKeys(a.whole, b.whole), strings.Compare(a.relation, b.relation))
	})
	for _, s := range order {
		parts := sums[s]
		w, ok := t.index[s.whole]
		if !ok {
			// No row for the whole: its count is zero, shown as such (an area with no
			// people and no residents), and so are its parts.
			t.add(s.whole, 0, false)
			w = t.index[s.whole]
		}
		equations = append(equations, secondary.Equation{Whole: w, Parts: parts})
	}
	p.Values, p.Hidden, p.Equations = t.values, t.hidden, equations
	p.Costly = make([]bool, len(t.keys))
	for i, k := range t.keys {
		p.Costly[i] = k.geography == "municipality" || k.geography == "province" || k.geography == "region"
	}
	return p
}

// addTerritory adds, per figure, the hidden count of the whole territory of several comuni:
// the people placed in it, which its H3 cells hold all of and its comuni all but those placed
// in no comune (a remainder, hidden too; see withRemainder).
func (t *periodTable) addTerritory(figures []string) {
	for _, f := range figures {
		byGeography := map[string]int{}
		for i, k := range t.keys {
			if k.figure == f && (k.geography == "municipality" || k.geography == "h3_7") {
				byGeography[k.geography] += t.values[i]
			}
		}
		k := territoryArea
		k.figure = f
		t.add(k, max(byGeography["municipality"], byGeography["h3_7"]), true)
	}
}

func compareKeys(a, b figureKey) int {
	return cmp.Or(strings.Compare(a.geography, b.geography), strings.Compare(a.area, b.area), strings.Compare(a.figure, b.figure))
}

// relatedFigures lists the figure names of the period that areas add up: those shown, and the
// people helped (derived, never shown, but additive like the others).
func (t *periodTable) relatedFigures() []string {
	seen := map[string]bool{}
	var out []string
	for i, k := range t.keys {
		if (!t.hidden[i] || isHelped(k.figure)) && !seen[k.figure] {
			seen[k.figure] = true
			out = append(out, k.figure)
		}
	}
	return out
}

// withRemainder writes down that a containing area's figure is the sum of the parts' plus a
// remainder (a hidden cell), when the remainder is not negative: geometry and where people were
// placed can disagree at the edges, and a relation that does not hold tells an attacker nothing.
func (t *periodTable) withRemainder(c containment, figure string) (secondary.Equation, bool) {
	value := func(k figureKey) (int, int, bool) {
		k.figure = figure
		i, ok := t.index[k]
		if !ok {
			return 0, -1, false
		}
		return t.values[i], i, true
	}
	whole, w, ok := value(c.whole)
	if !ok || whole == 0 {
		return secondary.Equation{}, false // a zero whole shows its parts are zero too
	}
	var parts []int
	rest := whole
	for _, pk := range c.parts {
		if v, i, ok := value(pk); ok && v > 0 {
			parts = append(parts, i)
			rest -= v
		}
	}
	if rest < 0 {
		return secondary.Equation{}, false
	}
	if rest == 0 && c.exhaustive {
		return secondary.Equation{Whole: w, Parts: parts}, true
	}
	remainder := figureKey{c.whole.geography, c.whole.area + " remainder of " + c.parts[0].geography, figure}
	t.add(remainder, rest, true)
	return secondary.Equation{Whole: w, Parts: append(parts, t.index[remainder])}, true
}

// parentOf is the area a figure's area adds up to: an H3 cell's parent, a section's district.
func parentOf(k figureKey, sectionDistrict map[string]string) (figureKey, bool) {
	switch k.geography {
	case "h3_8", "h3_9", "h3_10":
		res, _ := strconv.Atoi(strings.TrimPrefix(k.geography, "h3_"))
		var c h3.Cell
		if err := c.UnmarshalText([]byte(k.area)); err != nil || !c.IsValid() {
			return figureKey{}, false
		}
		parent := c.Parent(res - 1)
		return figureKey{fmt.Sprintf("h3_%d", res-1), parent.String(), k.figure}, true
	case "section":
		zone, ok := sectionDistrict[k.area]
		return figureKey{"omi", zone, k.figure}, ok
	}
	return figureKey{}, false
}

// store writes the period's withheld figures.
func (t *periodTable) store(ctx context.Context, tx pgx.Tx, res secondary.Result, threshold int) error {
	var rows [][]any
	for i, k := range t.keys {
		if res.Withheld[i] && !t.hidden[i] {
			small := t.values[i] >= 1 && t.values[i] < threshold
			rows = append(rows, []any{k.geography, k.area, t.period, k.figure, !small})
		}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"withheld_figures"}, []string{"geography", "area_id", "period", "figure", "secondary"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("store withheld figures: %w", err)
	}
	return nil
}

// named rewords a relation that does not hold on the stored counts with the areas it names:
// the aggregation and this package disagree on how figures add up.
func (t *periodTable) named(p secondary.Problem, err error) error {
	var u *secondary.UnbalancedError
	if !errors.As(err, &u) {
		return err
	}
	e, w := p.Equations[u.Equation], t.keys[u.Whole]
	return fmt.Errorf("%s %s %s is %d but its %d parts (e.g. %v) add up to %d",
		w.geography, w.area, w.figure, u.Value, len(e.Parts), t.keys[e.Parts[0]], u.Sum)
}
