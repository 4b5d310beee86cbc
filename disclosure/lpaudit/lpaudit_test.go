package lpaudit

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// plainRanges is the reference: the whole model in one GLPK problem, no presolve of ours, no
// screening, and for every target a minimum and a maximum each solved from scratch by GLPK's
// own presolver.
func plainRanges(t testing.TB, m Model, targets []Target) []Range {
	out := make([]Range, len(targets))
	var failure error
	onThread(func() {
		l := newLP()
		defer l.free()
		l.addCols(m.Lo, m.Hi)
		rhs := make([]float64, len(m.Rows))
		var ri, ci []int
		var av []float64
		for k, r := range m.Rows {
			rhs[k] = r.RHS
			merged := map[int]float64{}
			for i, v := range r.Vars {
				merged[v] += r.Coef[i]
			}
			for v, c := range merged {
				if c != 0 {
					ri, ci, av = append(ri, k), append(ci, v), append(av, c)
				}
			}
		}
		l.addRows(rhs, rhs)
		l.loadMatrix(ri, ci, av)
		for i, tg := range targets {
			var ends [2]float64
			for e, up := range []bool{false, true} {
				l.setObj(tg.Var, 1)
				l.maximize(up)
				res, err := l.solve(fresh)
				l.setObj(tg.Var, 0)
				switch {
				case err != nil:
					failure = err
					return
				case res == infeasible:
					failure = ErrInfeasible
					return
				case res == unbounded && up:
					ends[e] = math.Inf(1)
				case res == unbounded:
					ends[e] = math.Inf(-1)
				default:
					ends[e] = l.objective()
				}
			}
			out[i] = Range{Min: ends[0], Max: ends[1], Values: countValues(ends[0], ends[1]), Exact: true}
		}
	})
	if failure != nil {
		t.Fatalf("reference solve: %v", failure)
	}
	return out
}

// checkAgainst asserts that got agrees with the exact ranges want: the same ends wherever
// either is narrower than need, and for targets certified, ends reached within the exact ones.
func checkAgainst(t *testing.T, name string, targets []Target, got, want []Range, need int) (narrowed int) {
	t.Helper()
	close := func(a, b float64) bool { return a == b || math.Abs(a-b) <= 1e-6*max(1, math.Abs(b)) }
	for i, w := range want {
		g := got[i]
		if w.Values < need {
			narrowed++
			if !g.Exact || !close(g.Min, w.Min) || !close(g.Max, w.Max) || g.Values != w.Values {
				t.Fatalf("%s: target %d (variable %d, true %d) is narrowed to [%g, %g] (%d values); Ranges says %+v", name, i, targets[i].Var, targets[i].Truth, w.Min, w.Max, w.Values, g)
			}
			continue
		}
		if g.Values < need {
			t.Fatalf("%s: target %d (variable %d) holds %d values in [%g, %g], Ranges says only %+v", name, i, targets[i].Var, w.Values, w.Min, w.Max, g)
		}
		if g.Min < w.Min-1e-6 || g.Max > w.Max+1e-6 {
			t.Fatalf("%s: target %d (variable %d): Ranges reached [%g, %g], outside the exact range [%g, %g]", name, i, targets[i].Var, g.Min, g.Max, w.Min, w.Max)
		}
		if g.Exact && (!close(g.Min, w.Min) || !close(g.Max, w.Max)) {
			t.Fatalf("%s: target %d: Ranges says exactly [%g, %g], the reference [%g, %g]", name, i, g.Min, g.Max, w.Min, w.Max)
		}
	}
	return narrowed
}

// enumerate lists every integer table consistent with what the city shows (pieces at least 0,
// withheld counts at least 1, every sum holding) and returns each count's least and greatest
// value; ok is false when the search exceeded its budget.
func enumerate(c City) (lo, hi []int, ok bool) {
	n := len(c.Values)
	total := 0
	for _, v := range c.Values {
		total = max(total, v)
	}
	var unknown []int
	pos := make([]int, n)
	for i := range n {
		pos[i] = -1
		if !c.Shown[i] {
			pos[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	// Every unknown count is at most the largest count of the table (the municipality's).
	x := make([]int, n)
	set := make([]bool, n)
	for i := range n {
		if c.Shown[i] {
			x[i], set[i] = c.Values[i], true
		}
	}
	byCell := make([][]int, n)
	for k, s := range c.Sums {
		byCell[s.Whole] = append(byCell[s.Whole], k)
		for _, p := range s.Parts {
			byCell[p] = append(byCell[p], k)
		}
	}
	// feasible: for each sum of cell i, the unset members can still make it hold.
	feasible := func(i int) bool {
		for _, k := range byCell[i] {
			s := c.Sums[k]
			// whole - Σ parts = 0; the unset members each lie in [floor, total].
			lo, hi := 0, 0
			add := func(cell, sign int) {
				if set[cell] {
					lo += sign * x[cell]
					hi += sign * x[cell]
					return
				}
				a, b := sign*c.Floor[cell], sign*total
				lo += min(a, b)
				hi += max(a, b)
			}
			add(s.Whole, 1)
			for _, p := range s.Parts {
				add(p, -1)
			}
			if lo > 0 || hi < 0 {
				return false
			}
		}
		return true
	}
	lo, hi = make([]int, n), make([]int, n)
	for i := range n {
		lo[i], hi[i] = math.MaxInt, math.MinInt
	}
	budget := 5_000_000
	var dfs func(d int) bool
	dfs = func(d int) bool {
		if budget--; budget < 0 {
			return false
		}
		if d == len(unknown) {
			for _, i := range unknown {
				lo[i], hi[i] = min(lo[i], x[i]), max(hi[i], x[i])
			}
			return true
		}
		i := unknown[d]
		set[i] = true
		for v := c.Floor[i]; v <= total; v++ {
			x[i] = v
			if feasible(i) && !dfs(d+1) {
				return false
			}
		}
		set[i] = false
		return true
	}
	return lo, hi, dfs(0)
}

func tinyCity(rng *rand.Rand, figures int) City {
	return NewCity(rng, CityParams{Leaves: 5 + rng.IntN(4), Fan: 7, Split: 0.3, Section: 3, Ward: 4, Mean: 2.5, Figures: figures, Extra: 0.3})
}

// enumeratedTables draws tables with draw until n of them have targets and can be enumerated
// (at most 400 draws), and gives each to check with its targets, the integer ranges of the
// enumeration and what Ranges answers. It returns how many it gave.
func enumeratedTables(t *testing.T, n int, draw func() City, check func(trial int, c City, targets []Target, lo, hi []int, got []Range)) int {
	t.Helper()
	tested := 0
	for trial := 0; tested < n && trial < 400; trial++ {
		c := draw()
		targets := c.Targets()
		if len(targets) == 0 {
			continue
		}
		lo, hi, ok := enumerate(c)
		if !ok {
			continue
		}
		tested++
		got, err := Ranges(c.Model(), targets, 3)
		if err != nil {
			t.Fatal(err)
		}
		check(trial, c, targets, lo, hi, got)
	}
	return tested
}

func TestTinyTablesMatchEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	narrowed := 0
	tested := enumeratedTables(t, 60, func() City { return tinyCity(rng, 1) }, func(trial int, _ City, targets []Target, lo, hi []int, got []Range) {
		// One figure: two nested partitions of the pieces, a network matrix, so the ends of
		// the linear programme are the integer ends.
		want := make([]Range, len(targets))
		for i, tg := range targets {
			want[i] = Range{Min: float64(lo[tg.Var]), Max: float64(hi[tg.Var]), Values: hi[tg.Var] - lo[tg.Var] + 1}
		}
		narrowed += checkAgainst(t, fmt.Sprintf("table %d", trial), targets, got, want, 3)
	})
	if tested < 40 || narrowed < 10 {
		t.Fatalf("only %d tables enumerated, %d narrowed targets: the generator no longer makes useful cases", tested, narrowed)
	}
	t.Logf("%d tables, %d narrowed targets", tested, narrowed)
}

func TestTinyTablesWithFiguresContainEnumeration(t *testing.T) {
	// Three figures per area (total = a + b) are no longer a network: the linear programme
	// may allow fractions an integer table cannot, so its range holds the integer range.
	rng := rand.New(rand.NewPCG(3, 4))
	draw := func() City {
		return NewCity(rng, CityParams{Leaves: 3 + rng.IntN(3), Fan: 7, Split: 0.3, Section: 3, Ward: 4, Mean: 2, Figures: 3, Extra: 0.3})
	}
	tested := enumeratedTables(t, 25, draw, func(trial int, c City, targets []Target, lo, hi []int, got []Range) {
		exact := plainRanges(t, c.Model(), targets)
		checkAgainst(t, fmt.Sprintf("table %d", trial), targets, got, exact, 3)
		for i, tg := range targets {
			if e := exact[i]; e.Min > float64(lo[tg.Var])+1e-6 || e.Max < float64(hi[tg.Var])-1e-6 {
				t.Fatalf("table %d: variable %d: integer tables give [%d, %d], the linear programme only [%g, %g]", trial, tg.Var, lo[tg.Var], hi[tg.Var], e.Min, e.Max)
			}
		}
	})
	if tested < 15 {
		t.Fatalf("only %d tables enumerated", tested)
	}
}

func TestMediumTablesMatchOneProgrammePerTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	narrowed, safe := 0, 0
	for trial := range 20 {
		figures := 1 + 2*(trial%2)
		c := NewCity(rng, CityParams{Leaves: 40 + rng.IntN(80), Fan: 7, Split: 0.35, Section: 6, Ward: 5, Mean: 4, Figures: figures, Extra: 0.2})
		targets := c.Targets()
		m := c.Model()
		want := plainRanges(t, m, targets)
		for _, need := range []int{2, 3, 4} {
			mm := m
			if trial%3 == 2 {
				mm.X = nil // Ranges finds a solution of its own
			}
			got, err := Ranges(mm, targets, need)
			if err != nil {
				t.Fatal(err)
			}
			n := checkAgainst(t, fmt.Sprintf("table %d need %d", trial, need), targets, got, want, need)
			if need == 3 {
				narrowed += n
				safe += len(targets) - n
			}
		}
	}
	if narrowed < 20 || safe < 200 {
		t.Fatalf("%d narrowed and %d safe targets: the generator no longer makes useful cases", narrowed, safe)
	}
	t.Logf("%d narrowed, %d safe targets", narrowed, safe)
}

func TestNeedOneOnlyChecksFeasibility(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := NewCity(rng, CityParams{Leaves: 60, Fan: 7, Split: 0.3, Section: 5, Ward: 4, Mean: 3, Figures: 1})
	got, err := Ranges(c.Model(), c.Targets(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Values < 1 || r.Min > r.Max {
			t.Fatalf("target %d: %+v", i, r)
		}
	}
}

func TestDifferenceOfTwoRowsNarrowsBeyondIntervals(t *testing.T) {
	// A = x + y + z and B = x + y + w (A = 10, B = 9 shown) give z - w = 1 though x and y are
	// unknown; C = z + w + v (C = 6 shown) then gives 2w + 1 + v = 6, so w is 1 or 2 and z 2
	// or 3. Interval propagation, one relation at a time, only gets z, w <= 4 from C.
	const A, B, C, x, y, z, w, v = 0, 1, 2, 3, 4, 5, 6, 7
	values := []int{10, 9, 6, 4, 4, 2, 1, 3}
	shown := []bool{true, true, true, false, false, false, false, false}
	m, err := FromSums(values, shown, nil, []Sum{{A, []int{x, y, z}}, {B, []int{x, y, w}}, {C, []int{z, w, v}}})
	if err != nil {
		t.Fatal(err)
	}
	// The attack of secondary suppression (interval propagation) sees 4 values for z and w.
	r, err := presolve(m, make([]bool, len(values)))
	if err != nil {
		t.Fatal(err)
	}
	byVar := make([][]int, len(values))
	for k, ts := range r.rows {
		for _, tm := range ts {
			byVar[tm.v] = append(byVar[tm.v], k)
		}
	}
	lo, hi := propagate(r, byVar)
	for _, c := range []int{z, w} {
		if n := countValues(lo[c], hi[c]); n != 4 {
			t.Fatalf("interval propagation gives count %d [%g, %g] (%d values), want 4 values", c, lo[c], hi[c], n)
		}
	}
	got, err := Ranges(m, []Target{{z, 2}, {w, 1}, {v, 3}, {x, 4}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []Range{{2, 3, 2, true, false}, {1, 2, 2, true, false}}
	for i, wr := range want {
		if got[i] != wr {
			t.Fatalf("target %d: got %+v, want %+v", i, got[i], wr)
		}
	}
	// v = 6 - z - w = 5 - 2w lies in [1, 3]; x + y = 10 - z leaves x at least 3 values.
	if got[2].Values < 3 || got[3].Values < 3 {
		t.Fatalf("v and x: got %+v and %+v, want at least 3 values each", got[2], got[3])
	}
}

func TestCountsRepeatedInAnotherTableShareARange(t *testing.T) {
	// a (withheld) is shown again as a2 = a in another table, and as b = 7 - a through a
	// total of 7: the three are one count. With a sibling s, a + s = 5.
	const a, a2, b, tot, s, t5 = 0, 1, 2, 3, 4, 5
	values := []int{2, 2, 5, 7, 3, 5}
	shown := []bool{false, false, false, true, false, true}
	m, err := FromSums(values, shown, nil, []Sum{{a2, []int{a}}, {tot, []int{a, b}}, {t5, []int{a, s}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Ranges(m, []Target{{a, 2}, {a2, 2}, {b, 5}, {s, 3}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	// a and s are at least 1 and sum to 5: a in [1, 4], a2 the same, b = 7 - a in [3, 6].
	for i, want := range []Range{{1, 4, 4, true, false}, {1, 4, 4, true, false}, {3, 6, 4, true, false}, {1, 4, 4, true, false}} {
		if g := got[i]; g.Values != want.Values || g.Exact && (g.Min != want.Min || g.Max != want.Max) {
			t.Fatalf("target %d: got %+v, want %+v", i, g, want)
		}
	}
	got, err = Ranges(m, []Target{{a, 2}, {a2, 2}, {b, 5}, {s, 3}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []Range{{1, 4, 4, true, false}, {1, 4, 4, true, false}, {3, 6, 4, true, false}, {1, 4, 4, true, false}} {
		if got[i] != want {
			t.Fatalf("need 5, target %d: got %+v, want %+v", i, got[i], want)
		}
	}
}

func TestTargetsFixedByPresolveOrFree(t *testing.T) {
	// 5 = a + b with b shown: a is 3 without a programme; c is in no row.
	m := Model{
		Lo:   []float64{5, 1, 2, 1},
		Hi:   []float64{5, math.Inf(1), 2, 7},
		Rows: []Row{{Vars: []int{0, 1, 2}, Coef: []float64{1, -1, -1}}},
	}
	got, err := Ranges(m, []Target{{1, 3}, {3, 2}, {1, 3}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != (Range{3, 3, 1, true, false}) || got[2] != got[0] {
		t.Fatalf("a: %+v, want exactly 3", got[0])
	}
	if got[1] != (Range{1, 7, 7, true, false}) {
		t.Fatalf("c: %+v, want its bounds [1, 7]", got[1])
	}
}

func TestRepeatedVariablesInARowAreMerged(t *testing.T) {
	// x + x - y = 0 written with x twice, y shown 4: x = 2.
	m := Model{Lo: []float64{0, 4, 0}, Hi: []float64{10, 4, 10}, Rows: []Row{
		{Vars: []int{0, 1, 0}, Coef: []float64{1, -1, 1}},
		{Vars: []int{0, 2, 2}, Coef: []float64{1, 1, -1}, RHS: 2}, // z cancels: nothing on it
	}}
	got, err := Ranges(m, []Target{{0, 2}, {2, 5}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != (Range{2, 2, 1, true, false}) || got[1].Values < 3 {
		t.Fatalf("got %+v", got)
	}
}

func TestInfeasibleModelsAreRefused(t *testing.T) {
	inf := math.Inf(1)
	for name, m := range map[string]Model{
		// Found by presolve: a shown sum that does not hold.
		"shown sum": {Lo: []float64{5, 2, 2}, Hi: []float64{5, 2, 2}, Rows: []Row{{Vars: []int{0, 1, 2}, Coef: []float64{1, -1, -1}}}},
		// Found by presolve: a row that fixes a variable outside its bounds.
		"bound": {Lo: []float64{5, 1}, Hi: []float64{5, 3}, Rows: []Row{{Vars: []int{0, 1}, Coef: []float64{1, -1}}}},
		// Found only by the solver: x + y = 3 and x - y = 10 with x, y in [0, 5].
		"solver": {Lo: []float64{0, 0}, Hi: []float64{5, 5}, Rows: []Row{{Vars: []int{0, 1}, Coef: []float64{1, 1}, RHS: 3}, {Vars: []int{0, 1}, Coef: []float64{1, -1}, RHS: 10}}},
		// Unbounded above but infeasible: 1 = a + b with a, b at least 1.
		"parts": {Lo: []float64{1, 1, 1}, Hi: []float64{1, inf, inf}, Rows: []Row{{Vars: []int{0, 1, 2}, Coef: []float64{1, -1, -1}}}},
		"lo>hi": {Lo: []float64{3}, Hi: []float64{2}},
	} {
		_, err := Ranges(m, []Target{{Var: len(m.Lo) - 1, Truth: int(m.Lo[len(m.Lo)-1])}}, 3)
		if name == "lo>hi" {
			_, err = Ranges(m, nil, 3)
		}
		if !errors.Is(err, ErrInfeasible) {
			t.Errorf("%s: got %v, want ErrInfeasible", name, err)
		}
	}
}

func TestMalformedModelsAreRefused(t *testing.T) {
	good := func() Model {
		return Model{Lo: []float64{0, 0}, Hi: []float64{5, 5}, Rows: []Row{{Vars: []int{0, 1}, Coef: []float64{1, -1}}}}
	}
	cases := []struct {
		name    string
		edit    func(*Model)
		targets []Target
		need    int
		want    string
	}{
		{"bounds", func(m *Model) { m.Hi = m.Hi[:1] }, nil, 3, "2 lower bounds and 1 upper bounds"},
		{"nan", func(m *Model) { m.Lo[0] = math.NaN() }, nil, 3, "NaN bound"},
		{"+inf lo", func(m *Model) { m.Lo[0] = math.Inf(1) }, nil, 3, "Lo may not be +Inf"},
		{"var", func(m *Model) { m.Rows[0].Vars[1] = 2 }, nil, 3, "row 0 names variable 2 of 2"},
		{"coef", func(m *Model) { m.Rows[0].Coef = m.Rows[0].Coef[:1] }, nil, 3, "row 0 has 2 variables and 1 coefficients"},
		{"coef nan", func(m *Model) { m.Rows[0].Coef[0] = math.NaN() }, nil, 3, "coefficient NaN"},
		{"rhs", func(m *Model) { m.Rows[0].RHS = math.Inf(1) }, nil, 3, "right-hand side +Inf"},
		{"target", func(*Model) {}, []Target{{Var: 2, Truth: 1}}, 3, "target 0 names variable 2 of 2"},
		{"truth", func(*Model) {}, []Target{{Var: 1, Truth: 6}}, 3, "true value 6 outside its bounds"},
		{"need", func(*Model) {}, nil, 0, "need 0"},
		{"x length", func(m *Model) { m.X = []float64{1} }, nil, 3, "X has 1 values for 2 variables"},
		{"x bound", func(m *Model) { m.X = []float64{6, 6} }, nil, 3, "X is not a solution: variable 0 is 6, outside [0, 5]"},
		{"x row", func(m *Model) { m.X = []float64{1, 2} }, nil, 3, "X is not a solution: row 0 is off by -1"},
		{"x truth", func(m *Model) { m.X = []float64{2, 2} }, []Target{{Var: 1, Truth: 3}}, 3, "target 0 has true value 3 but X gives variable 1 the value 2"},
	}
	for _, c := range cases {
		m := good()
		c.edit(&m)
		_, err := Ranges(m, c.targets, c.need)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
		if errors.Is(err, ErrInfeasible) {
			t.Errorf("%s: a malformed model is not an infeasible one: %v", c.name, err)
		}
	}
}

func TestFromSumsChecksItsTable(t *testing.T) {
	if _, err := FromSums([]int{5, 2, 2}, []bool{true, false, false}, nil, []Sum{{0, []int{1, 2}}}); err == nil || !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("unbalanced sum: %v", err)
	}
	if _, err := FromSums([]int{5, 2, 3}, []bool{true, false, false}, nil, []Sum{{0, []int{1, 3}}}); err == nil {
		t.Fatal("a sum naming a count out of range was accepted")
	}
	if _, err := FromSums([]int{5, 0, 5}, []bool{true, false, false}, nil, []Sum{{0, []int{1, 2}}}); err == nil {
		t.Fatal("a withheld zero (below its floor of 1) was accepted")
	}
}

func TestConcurrentCallsAgree(t *testing.T) {
	// Several components (the municipality's totals are shown, so the districts split the
	// table), solved on one thread, then on several, then by concurrent calls: the same result.
	rng := rand.New(rand.NewPCG(9, 10))
	var c City
	for range 4 {
		part := NewCity(rng, CityParams{Leaves: 120, Fan: 7, Split: 0.35, Section: 6, Ward: 5, Mean: 4, Figures: 3, Extra: 0.2})
		c = c.join(part)
	}
	m, targets := c.Model(), c.Targets()
	prev := runtime.GOMAXPROCS(1)
	first, err := Ranges(m, targets, 3)
	runtime.GOMAXPROCS(max(prev, 2))
	defer runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := Ranges(m, targets, 3)
			if err == nil {
				for i := range got {
					if got[i] != first[i] {
						err = fmt.Errorf("target %d: %+v, then %+v", i, first[i], got[i])
						break
					}
				}
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// benchCity is a table of the size of a large city's period: about 20,000 counts, 15,000
// relations and 3,000 withheld small counts.
func benchCity() City {
	return NewCity(rand.New(rand.NewPCG(11, 12)), CityParams{Leaves: 2300, Fan: 7, Split: 0.3, Section: 8, Ward: 8, Mean: 7, Figures: 3, Extra: 0.2})
}

func BenchmarkRanges(b *testing.B) {
	c := benchCity()
	m, targets := c.Model(), c.Targets()
	var narrowed int
	for b.Loop() {
		got, err := Ranges(m, targets, 3)
		if err != nil {
			b.Fatal(err)
		}
		narrowed = 0
		for _, r := range got {
			if r.Values < 3 {
				narrowed++
			}
		}
	}
	b.ReportMetric(float64(len(m.Lo)), "vars")
	b.ReportMetric(float64(len(m.Rows)), "rows")
	b.ReportMetric(float64(len(targets)), "targets")
	b.ReportMetric(float64(narrowed), "narrowed")
}

// TestSolverFailuresAreReportedPerTarget: with an iteration budget far too small, GLPK settles
// few programmes; Ranges must still answer, mark every target it could not settle Failed, and
// never report a target narrowed by the true programmes as holding need values.
func TestSolverFailuresAreReportedPerTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var cities []City
	var wants [][]Range
	for range 6 {
		c := NewCity(rng, CityParams{Leaves: 60 + rng.IntN(60), Fan: 7, Split: 0.35, Section: 6, Ward: 5, Mean: 4, Figures: 3, Extra: 0.2})
		cities = append(cities, c)
		wants = append(wants, plainRanges(t, c.Model(), c.Targets()))
	}
	iterLimit = 2
	defer func() { iterLimit = 0 }()
	failed, narrowed := 0, 0
	for n, c := range cities {
		targets := c.Targets()
		got, err := Ranges(c.Model(), targets, 3)
		if err != nil {
			t.Fatalf("city %d: a stalling solver is an error of the call: %v", n, err)
		}
		for i, r := range got {
			want := wants[n][i]
			if want.Values < 3 {
				narrowed++
			}
			switch {
			case r.Failed:
				failed++
				if r.Values >= 3 || r.Exact {
					t.Fatalf("city %d target %d: failed but %+v", n, i, r)
				}
			case r.Values < 3 && (r.Min != want.Min || r.Max != want.Max):
				t.Fatalf("city %d target %d: narrowed to %+v, want %+v", n, i, r, want)
			case want.Values < 3 && r.Values >= 3:
				t.Fatalf("city %d target %d: reported %+v (safe), the programmes give %+v", n, i, r, want)
			}
			if truth := float64(targets[i].Truth); truth < r.Min-1e-6 || truth > r.Max+1e-6 && (r.Exact || r.Failed) {
				t.Fatalf("city %d target %d: truth %v outside %+v", n, i, truth, r)
			}
		}
	}
	if failed == 0 || narrowed == 0 {
		t.Fatalf("%d failed and %d narrowed targets: the test proves nothing", failed, narrowed)
	}
	t.Logf("%d targets failed, %d narrowed by the true programmes", failed, narrowed)
}

// TestBlockersWidenWhenReleased: for targets the programmes narrow, Blockers names for each end
// the shown counts its dual certificate uses: released together (withheld: at least 1), the
// shown counts not named for an end leave that end where it is (the certificate still holds, a
// guarantee of duality). And releasing what it chose (Release) leaves the target at least need
// values, the true programmes say; all targets of a call at once, too.
func TestBlockersWidenWhenReleased(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	released, stuck := 0, 0
	for trial := range 8 {
		c := NewCity(rng, CityParams{Leaves: 30 + rng.IntN(30), Fan: 7, Split: 0.35, Section: 5, Ward: 4, Mean: 4, Figures: 1 + 2*(trial%2), Extra: 0.2})
		m := c.Model()
		all := c.Targets()
		want := plainRanges(t, m, all)
		var targets []Target
		var before []Range
		for i, r := range want {
			if r.Values < 3 {
				targets, before = append(targets, all[i]), append(before, r)
			}
		}
		cost := func(v int) float64 {
			if m.Lo[v] <= 0 {
				return math.Inf(1)
			}
			return m.Lo[v]
		}
		// release withholds the shown non-zero counts for which pick is true.
		release := func(pick func(v int) bool) Model {
			r := m
			r.Lo, r.Hi = slices.Clone(m.Lo), slices.Clone(m.Hi)
			for v := range m.Lo {
				if m.Lo[v] == m.Hi[v] && m.Lo[v] > 0 && pick(v) {
					r.Lo[v], r.Hi[v] = 1, math.Inf(1)
				}
			}
			return r
		}
		for i, tg := range targets {
			bs, err := Blockers(m, []Target{tg}, 3, cost)
			if err != nil {
				t.Fatal(err)
			}
			b := bs[0]
			if b.Failed {
				t.Fatalf("table %d target %d: the solver failed", trial, tg.Var)
			}
			for _, up := range []bool{true, false} {
				names := b.Down
				if up {
					names = b.Up
				}
				rest := plainRanges(t, release(func(v int) bool { return !slices.Contains(names, v) }), []Target{tg})[0]
				if up && math.Abs(rest.Max-before[i].Max) > 1e-6 || !up && math.Abs(rest.Min-before[i].Min) > 1e-6 {
					t.Fatalf("table %d target %d %+v: releasing every count not named for the upper end (%v) moves it: %+v", trial, tg.Var, before[i], up, rest)
				}
			}
			if b.Stuck {
				stuck++
				continue
			}
			released += len(b.Release)
			if got := plainRanges(t, release(func(v int) bool { return slices.Contains(b.Release, v) }), []Target{tg})[0]; got.Values < 3 {
				t.Fatalf("table %d target %d %+v: releasing %v leaves %+v", trial, tg.Var, before[i], b.Release, got)
			}
		}
		bs, err := Blockers(m, targets, 3, cost)
		if err != nil {
			t.Fatal(err)
		}
		var union []int
		for _, b := range bs {
			union = append(union, b.Release...)
		}
		after := plainRanges(t, release(func(v int) bool { return slices.Contains(union, v) }), targets)
		for i, b := range bs {
			if !b.Stuck && !b.Failed && after[i].Values < 3 {
				t.Fatalf("table %d target %d: releasing every target's choice (%d counts) leaves %+v", trial, targets[i].Var, len(union), after[i])
			}
		}
	}
	if released < 20 || stuck > released/10 {
		t.Fatalf("%d counts released, %d targets stuck: the generator no longer makes useful cases", released, stuck)
	}
	t.Logf("%d counts released, %d targets stuck", released, stuck)
}
