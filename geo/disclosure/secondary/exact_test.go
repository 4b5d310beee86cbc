package secondary

import (
	"testing"

	"github.com/abitare/abitare/geo/disclosure/lpaudit"
)

// exactNarrowed solves the linear programmes of every withheld small cell and returns those
// left with fewer than the range's values.
func exactNarrowed(t *testing.T, p Problem, withheld []bool) []int {
	t.Helper()
	tab := newTable(p)
	tab.withheld = withheld
	narrowed, err := tab.exactAttack()
	if err != nil {
		t.Fatal(err)
	}
	return narrowed
}

// TestExactProtectsAgainstLinearProgramming: A = x + y + z and B = x + y + w (10 and 9) give
// z - w = 1 though x and y are unknown; C = z + w + v (6) then gives 2w + 1 + v = 6, so w is 1
// or 2 and z 2 or 3. Interval propagation, one relation at a time, sees four values for each
// and is satisfied; the exact attacker narrows both. Exact withholds until an independent solve
// of every withheld small count leaves it three values.
func TestExactProtectsAgainstLinearProgramming(t *testing.T) {
	const A, B, C, x, y, z, w, v = 0, 1, 2, 3, 4, 5, 6, 7
	p := Problem{
		Values:    []int{10, 9, 6, 4, 4, 2, 1, 3},
		Threshold: 5,
		Equations: []Equation{{A, []int{x, y, z}}, {B, []int{x, y, w}}, {C, []int{z, w, v}}},
	}
	intervals, err := Protect(p)
	if err != nil {
		t.Fatal(err)
	}
	if narrowed := exactNarrowed(t, p, intervals.Withheld); len(narrowed) == 0 {
		t.Fatal("interval propagation alone leaves nothing for the exact attacker: the test proves nothing")
	}
	p.Exact = true
	res, err := Protect(p)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExactRounds < 2 || res.ExactNarrowed == 0 || res.Secondary == 0 {
		t.Fatalf("exact protection: %+v, want a round that narrowed, a secondary suppression and a clean round", res)
	}
	shown, floor := make([]bool, len(p.Values)), make([]int, len(p.Values))
	var targets []lpaudit.Target
	for i, val := range p.Values {
		shown[i] = !res.Withheld[i]
		if res.Withheld[i] {
			floor[i] = 1
			if val >= 1 && val < p.Threshold {
				targets = append(targets, lpaudit.Target{Var: i, Truth: val})
			}
		}
	}
	m, err := lpaudit.FromSums(p.Values, shown, floor, []lpaudit.Sum{{Whole: A, Parts: []int{x, y, z}}, {Whole: B, Parts: []int{x, y, w}}, {Whole: C, Parts: []int{z, w, v}}})
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := lpaudit.Ranges(m, targets, DefaultRange)
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range ranges {
		if r.Values < DefaultRange {
			t.Errorf("cell %d (%d) narrowed to [%g, %g] after exact protection", targets[k].Var, targets[k].Truth, r.Min, r.Max)
		}
	}
}
