package secondary

import (
	"fmt"
	"math"

	"github.com/abitare/abitare/disclosure/lpaudit"
)

// The solver's entry points, replaced by the tests to make it fail.
var (
	exactRanges   = lpaudit.Ranges
	exactBlockers = lpaudit.Blockers
)

// exactAttack runs the linear-programming attacker (package lpaudit) on the table as withheld
// so far: shown cells are exact, withheld ones at least 1, hidden ones at least 0, and every
// equation holds. It returns the withheld small cells (hidden ones are never shown, so they are
// not targets) whose range holds fewer than the problem's Range values, or that the solver could
// not settle (lpaudit.Range.Failed: not proven safe), and the model it solved.
func (t *table) exactAttack() ([]int, lpaudit.Model, error) {
	n := len(t.p.Values)
	shown, floor := make([]bool, n), make([]int, n)
	var targets []lpaudit.Target
	for i, v := range t.p.Values {
		shown[i] = !t.unknown(i)
		if t.withheld[i] {
			floor[i] = 1
		}
		if t.withheld[i] && !t.p.hidden(i) && t.primary(i) {
			targets = append(targets, lpaudit.Target{Var: i, Truth: v})
		}
	}
	sums := make([]lpaudit.Sum, len(t.p.Equations))
	for k, e := range t.p.Equations {
		sums[k] = lpaudit.Sum{Whole: e.Whole, Parts: e.Parts}
	}
	m, err := lpaudit.FromSums(t.p.Values, shown, floor, sums)
	if err != nil {
		return nil, m, fmt.Errorf("secondary suppression: exact attack: %w", err)
	}
	ranges, err := exactRanges(m, targets, t.p.minRange())
	if err != nil {
		return nil, m, fmt.Errorf("secondary suppression: exact attack: %w", err)
	}
	var narrowed []int
	for k, r := range ranges {
		if r.Values < t.p.minRange() || r.Failed {
			narrowed = append(narrowed, targets[k].Var)
		}
	}
	return narrowed, m, nil
}

// blockerTries is how many exact rounds a narrowed cell is answered by what releases its range
// (answerExact) before its neighbourhood is withheld (surround) instead.
const blockerTries = 3

// answerExact withholds cells so that the cells the exact attack narrowed (in model m) widen.
// For each, lpaudit.Blockers releases, one at a time and cheapest first, shown cells that the
// dual certificate of its least or greatest value uses (a non-zero reduced cost: withholding
// one lets that optimum move), solving both ends again after each, until it holds the range's
// values; those cells are withheld. The price of a cell (releaseCost): not costly before costly,
// then the smallest count, then a cell that is the whole of fewer relations (a part before its
// whole, a fine level before a coarse one). A cell with nothing to release (the solver failed,
// or every cell that holds it is a zero or fixed), or narrowed more than blockerTries times,
// gets its neighbourhood withheld (surround), widening each time. seen counts the rounds that
// narrowed each cell. It reports whether it withheld a cell.
func (t *table) answerExact(m lpaudit.Model, narrowed []int, seen map[int]int) bool {
	var targets []lpaudit.Target
	for _, c := range narrowed {
		seen[c]++
		if seen[c] <= blockerTries {
			targets = append(targets, lpaudit.Target{Var: c, Truth: t.p.Values[c]})
		}
	}
	blocks, err := exactBlockers(m, targets, t.p.minRange(), t.releaseCost)
	if err != nil {
		blocks = make([]lpaudit.Blocking, len(targets))
		for i := range blocks {
			blocks[i].Failed = true
		}
	}
	answered := map[int]bool{}
	progress := false
	for i, tg := range targets {
		b := blocks[i]
		for _, c := range b.Release {
			if !t.unknown(c) {
				t.withhold(c)
				progress = true
			}
		}
		answered[tg.Var] = !b.Failed && !b.Stuck
	}
	for _, c := range narrowed {
		if answered[c] && progress {
			continue
		}
		if t.surround(c, max(1, seen[c]-blockerTries)) {
			progress = true
		}
	}
	return progress
}

// releaseCost is the price of withholding cell c to widen another (see answerExact): +Inf for a
// cell that may not be withheld (unknown already, zero, or fixed).
func (t *table) releaseCost(c int) float64 {
	if t.unknown(c) || t.p.Values[c] < 1 || t.p.fixed(c) {
		return math.Inf(1)
	}
	wholes := 0
	for _, k := range t.byCell[c] {
		if t.p.Equations[k].Whole == c {
			wholes++
		}
	}
	price := float64(t.p.Values[c])*1e4 + float64(min(wholes, 9999))
	if t.p.costly(c) {
		price += 1e15
	}
	return price
}

// surround withholds the cheapest shown non-zero member of each equation within depth steps of
// cell c (equations of c are one step away; the equations of their other unknown members two
// steps, and so on). It answers the exact attacker, which combines equations where widening one
// bound at a time does not reach: more unknowns around the cell leave more solutions, and a
// cell still narrowed after that gets a wider neighbourhood in the next round. It reports whether
// it withheld a cell.
func (t *table) surround(c, depth int) bool {
	withheld := false
	seenCell, seenEq := map[int]bool{c: true}, map[int]bool{}
	frontier := []int{c}
	for step := 0; step < depth && len(frontier) > 0; step++ {
		var next []int
		for _, cell := range frontier {
			for _, k := range t.byCell[cell] {
				if seenEq[k] {
					continue
				}
				seenEq[k] = true
				if shown, ok := t.cheapestShown(k, 1); ok {
					t.withhold(shown)
					withheld = true
				}
				e := t.p.Equations[k]
				for _, m := range append([]int{e.Whole}, e.Parts...) {
					if !seenCell[m] && t.unknown(m) {
						seenCell[m] = true
						next = append(next, m)
					}
				}
			}
		}
		frontier = next
	}
	return withheld
}
