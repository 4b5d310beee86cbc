package secondary

import (
	"testing"

	"github.com/abitare/abitare/disclosure/lpaudit"
)

// exactNarrowed solves the linear programmes of every withheld small cell and returns those
// left with fewer than the range's values.
func exactNarrowed(t *testing.T, p Problem, withheld []bool) []int {
	t.Helper()
	tab := newTable(p)
	tab.withheld = withheld
	narrowed, _, err := tab.exactAttack()
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

// failFirst makes the exact attack's first solve report target cell as failed (the solver
// could not settle it), as GLPK's stall did on the pipeline's city, and, with blockersToo, the
// first solve of what holds it in as well. It returns how to undo it.
func failFirst(cell int, blockersToo bool) func() {
	ranges, blockers := exactRanges, exactBlockers
	rangesCalls, blockersCalls := 0, 0
	exactRanges = func(m lpaudit.Model, targets []lpaudit.Target, need int) ([]lpaudit.Range, error) {
		out, err := ranges(m, targets, need)
		if rangesCalls++; rangesCalls == 1 && err == nil {
			for k, tg := range targets {
				if tg.Var == cell {
					// Values as reached so far: a failed range is not trusted however wide.
					out[k] = lpaudit.Range{Min: float64(tg.Truth - 1), Max: float64(tg.Truth + 1), Values: 3, Failed: true}
				}
			}
		}
		return out, err
	}
	exactBlockers = func(m lpaudit.Model, targets []lpaudit.Target, need int, cost func(int) float64) ([]lpaudit.Blocking, error) {
		out, err := blockers(m, targets, need, cost)
		if blockersCalls++; blockersCalls == 1 && blockersToo && err == nil {
			for k := range out {
				out[k] = lpaudit.Blocking{Failed: true}
			}
		}
		return out, err
	}
	return func() { exactRanges, exactBlockers = ranges, blockers }
}

// TestSolverFailureIsNotProvenSafe: W = a + b + c (20 = 2 + 9 + 9). Small a gets b as its
// partner, and then holds ten values: nothing more is needed. When the solver cannot settle a,
// a is not proven safe and is answered as narrowed: by what holds its range in (c, the part
// that bounds its greatest value with W), or, when that cannot be solved either, by
// withholding around it. Either way aggregation goes on.
func TestSolverFailureIsNotProvenSafe(t *testing.T) {
	const W, a, b, c = 0, 1, 2, 3
	p := Problem{Values: []int{20, 2, 9, 9}, Threshold: 5, Exact: true, Equations: []Equation{{W, []int{a, b, c}}}}
	base, err := Protect(p)
	if err != nil {
		t.Fatal(err)
	}
	if base.Secondary != 1 || base.ExactNarrowed != 0 || base.Withheld[c] {
		t.Fatalf("without failure: %+v %v, want b alone withheld to protect a, and nothing narrowed", base, base.Withheld)
	}
	for _, blockersToo := range []bool{false, true} {
		undo := failFirst(a, blockersToo)
		res, err := Protect(p)
		undo()
		if err != nil {
			t.Fatalf("a solver failure fails the protection: %v", err)
		}
		if res.ExactNarrowed == 0 || res.Secondary <= base.Secondary || !res.Withheld[c] {
			t.Fatalf("solver failure (blockers failing too: %v): %+v %v, want a counted as narrowed and c withheld around it", blockersToo, res, res.Withheld)
		}
		if res.Withheld[W] {
			t.Fatalf("solver failure (blockers failing too: %v): the whole W was withheld, though its part c does", blockersToo)
		}
	}
}

// TestExactWithholdsWhatHoldsTheRange: the case of TestExactProtectsAgainstLinearProgramming
// (z and w narrowed through A, B and C) with a costly total T = A + B + C and z also part of
// E = z + u (12 = 2 + 10; u is withheld as z's partner there, and E bounds z only at 11).
// What holds z and w in is A, B and C, never E: the exact step withholds only cells the
// programmes' duals name, the cheapest first (C, 6), and leaves E shown. Withholding the
// cheapest member of every relation around each narrowed cell (the neighbourhood rule, what is
// left when the solver cannot say what holds a range in) withholds E as well, and more in all.
func TestExactWithholdsWhatHoldsTheRange(t *testing.T) {
	const T, A, B, C, x, y, z, w, v, E, u = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	p := Problem{
		Values:    []int{25, 10, 9, 6, 4, 4, 2, 1, 3, 12, 10},
		Costly:    []bool{true, false, false, false, false, false, false, false, false, false, false},
		Threshold: 5,
		Exact:     true,
		Equations: []Equation{{T, []int{A, B, C}}, {A, []int{x, y, z}}, {B, []int{x, y, w}}, {C, []int{z, w, v}}, {E, []int{z, u}}},
	}
	res, err := Protect(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := exactNarrowed(t, p, res.Withheld); len(n) > 0 || res.ExactNarrowed == 0 {
		t.Fatalf("exact protection: %+v, narrowed after it: %v; want a round that narrowed and none left", res, n)
	}
	blockers := exactBlockers
	exactBlockers = func(m lpaudit.Model, targets []lpaudit.Target, _ int, _ func(int) float64) ([]lpaudit.Blocking, error) {
		out := make([]lpaudit.Blocking, len(targets))
		for i := range out {
			out[i].Stuck = true // nothing to release: the neighbourhood rule
		}
		return out, nil
	}
	around, err := Protect(p)
	exactBlockers = blockers
	if err != nil {
		t.Fatal(err)
	}
	if n := exactNarrowed(t, p, around.Withheld); len(n) > 0 {
		t.Fatalf("the neighbourhood rule leaves %v narrowed", n)
	}
	t.Logf("by what holds the range: %+v; by neighbourhood: %+v", res, around)
	if res.Withheld[T] || res.Withheld[E] || !res.Withheld[C] || res.Secondary >= around.Secondary {
		t.Fatalf("by what holds the range: %d cells withheld to protect (total withheld: %v); by neighbourhood: %d: want fewer, and the costly total shown", res.Secondary, res.Withheld[T], around.Secondary)
	}
}
