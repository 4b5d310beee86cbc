package secondary

import (
	"fmt"

	"github.com/abitare/abitare/geo/disclosure/lpaudit"
)

// exactAttack runs the linear-programming attacker (package lpaudit) on the table as withheld
// so far: shown cells are exact, withheld ones at least 1, hidden ones at least 0, and every
// equation holds. It returns the withheld small cells (hidden ones are never shown, so they are
// not targets) whose range holds fewer than the problem's Range values.
func (t *table) exactAttack() ([]int, error) {
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
		return nil, fmt.Errorf("secondary suppression: exact attack: %w", err)
	}
	ranges, err := lpaudit.Ranges(m, targets, t.p.minRange())
	if err != nil {
		return nil, fmt.Errorf("secondary suppression: exact attack: %w", err)
	}
	var narrowed []int
	for k, r := range ranges {
		if r.Values < t.p.minRange() {
			narrowed = append(narrowed, targets[k].Var)
		}
	}
	return narrowed, nil
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
