package lpaudit

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
)

// Ranges returns, for each target, the range of values the attacker can give it: the least
// and greatest value over the real solutions of the model (the linear programming relaxation of
// the table; with the ±1 hierarchies of tables of counts its ends are integers). A target
// proven to hold at least need values is not solved to optimality (see Range). It fails with
// an error wrapping ErrInfeasible when no point satisfies the model, and with a plain error
// when the model or the targets are malformed.
//
// Ranges uses up to GOMAXPROCS threads and may be called from several goroutines at once.
// Its result does not depend on the number of threads.
func Ranges(m Model, targets []Target, need int) ([]Range, error) {
	if err := validate(m, targets, need); err != nil {
		return nil, err
	}
	keep := make([]bool, len(m.Lo))
	for _, t := range targets {
		keep[t.Var] = true
	}
	r, err := presolve(m, keep)
	if err != nil {
		return nil, err
	}
	a := newAudit(m, r, need)
	if a.x = m.X; a.x == nil {
		if a.x, err = a.findPoint(); err != nil {
			return nil, err
		}
	} else if err := checkPoint(m, a.x, targets); err != nil {
		return nil, err
	}
	x := a.x
	// One slot per variable left that a target is, or is a shift of (several targets may
	// share one).
	slotOf := make(map[int]int, len(targets))
	shift := make([]affine, len(targets))
	var work []int // slots that need programmes
	for i, t := range targets {
		f, fixed := r.resolve(t.Var)
		shift[i] = f
		if fixed {
			continue
		}
		v := f.of
		if _, ok := slotOf[v]; ok {
			continue
		}
		s := len(a.slots)
		slotOf[v] = s
		a.slots = append(a.slots, slot{v: v})
		sl := &a.slots[s]
		if !r.inRow[v] {
			sl.setExact(r.lo[v], r.hi[v])
			continue
		}
		sl.observe(x[v]) // the known solution
		if !sl.done(need) {
			work = append(work, s)
		}
	}
	// One unit of work per component, its slots in the order of the targets, the largest
	// components first. A unit is solved in order by one thread: the result does not depend
	// on scheduling.
	units := make(map[int][]int)
	for _, s := range work {
		c := a.compOf[a.slots[s].v]
		units[c] = append(units[c], s)
	}
	order := slices.Collect(maps.Keys(units))
	slices.SortFunc(order, func(p, q int) int {
		if d := cmp.Compare(len(r.comps[q].vars), len(r.comps[p].vars)); d != 0 {
			return d
		}
		return cmp.Compare(p, q)
	})
	errs := make([]error, len(order))
	onThreads(len(order), func() func(int) {
		w := a.newWorker()
		return func(u int) { errs[u] = w.unit(order[u], units[order[u]]) }
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := make([]Range, len(targets))
	for i, f := range shift {
		if f.mul == 0 { // fixed
			out[i] = Range{Min: f.add, Max: f.add, Values: 1, Exact: true}
			continue
		}
		rg := a.slots[slotOf[f.of]].result(need)
		lo, hi := f.add+f.mul*rg.Min, f.add+f.mul*rg.Max
		if f.mul < 0 {
			lo, hi = hi, lo
		}
		out[i] = Range{Min: lo, Max: hi, Values: rg.Values, Exact: rg.Exact, Failed: rg.Failed}
	}
	return out, nil
}

// checkPoint verifies that x, the caller's solution, is one.
func checkPoint(m Model, x []float64, targets []Target) error {
	if len(x) != len(m.Lo) {
		return fmt.Errorf("lpaudit: X has %d values for %d variables", len(x), len(m.Lo))
	}
	for j, v := range x {
		if math.IsNaN(v) || v < m.Lo[j]-pointTol(v) || v > m.Hi[j]+pointTol(v) {
			return fmt.Errorf("lpaudit: X is not a solution: variable %d is %g, outside [%g, %g]", j, v, m.Lo[j], m.Hi[j])
		}
	}
	for k, row := range m.Rows {
		sum, scale := -row.RHS, math.Abs(row.RHS)
		for i, v := range row.Vars {
			sum += row.Coef[i] * x[v]
			scale += math.Abs(row.Coef[i] * x[v])
		}
		if math.Abs(sum) > 1e-9*(1+scale) {
			return fmt.Errorf("lpaudit: X is not a solution: row %d is off by %g", k, sum)
		}
	}
	for i, t := range targets {
		if math.Abs(x[t.Var]-float64(t.Truth)) > pointTol(x[t.Var]) {
			return fmt.Errorf("lpaudit: target %d has true value %d but X gives variable %d the value %g", i, t.Truth, t.Var, x[t.Var])
		}
	}
	return nil
}

func pointTol(v float64) float64 { return 1e-9 * max(1, math.Abs(v)) }

// findPoint solves each component for some solution of the model.
func (a *audit) findPoint() ([]float64, error) {
	r := a.r
	x := make([]float64, len(r.lo))
	for j := range x {
		if r.fixed[j] {
			x[j] = r.val[j]
		} else {
			x[j] = min(max(0, r.lo[j]), r.hi[j])
		}
	}
	var failure error
	onThread(func() {
		for _, cp := range r.comps {
			g, err := newWholeLP(r, cp, a.pLo, a.pHi)
			if err != nil {
				failure = err
				return
			}
			for v, j := range g.col {
				x[v] = min(max(g.l.prim(j), r.lo[v]), r.hi[v])
			}
			g.l.free()
		}
	})
	return x, failure
}

// slot is a targeted variable and what is known of its range so far.
type slot struct {
	v int
	// seen: down and up are the least and greatest values of the solutions found so far.
	seen               bool
	down, up           float64
	minExact, maxExact bool // down (up) is the optimum
	// failed: the solver settled neither the slot's range nor that it holds need values
	// (see Range.Failed); nothing more is tried.
	failed bool
}

// setExact records the slot's exact range.
func (s *slot) setExact(lo, hi float64) {
	s.seen, s.down, s.up, s.minExact, s.maxExact = true, lo, hi, true, true
}

// observe records a value the slot takes in a solution.
func (s *slot) observe(x float64) {
	if !s.seen {
		s.seen, s.down, s.up = true, x, x
		return
	}
	if x < s.down && !s.minExact {
		s.down = x
	}
	if x > s.up && !s.maxExact {
		s.up = x
	}
}

// certified reports whether the solutions found already give the slot need values.
func (s *slot) certified(need int) bool { return s.seen && countValues(s.down, s.up) >= need }

// done reports whether nothing more is to be learned of the slot.
func (s *slot) done(need int) bool {
	return s.certified(need) || (s.minExact && s.maxExact) || s.failed
}

// result is the slot's range as far as known.
func (s *slot) result(need int) Range {
	failed := s.failed && !s.certified(need)
	return Range{Min: s.down, Max: s.up, Values: countValues(s.down, s.up), Exact: s.minExact && s.maxExact && !failed, Failed: failed}
}

// capUp is the value the slot must be shown to reach to hold need values, given the least
// value seen; capDown likewise downwards.
func (s *slot) capUp(need int) float64   { return math.Ceil(s.down-tol) + float64(need-1) }
func (s *slot) capDown(need int) float64 { return math.Floor(s.up+tol) - float64(need-1) }

// audit is one call of Ranges: the model, its presolve, a solution, and the slots.
type audit struct {
	m      Model
	r      *reduced
	x      []float64 // a solution
	need   int
	byVar  [][]int // rows left of each variable
	compOf []int   // component of each variable in a row left
	// pLo and pHi bound every solution (interval propagation through the rows)
	pLo, pHi []float64
	slots    []slot
}

// newAudit prepares the search; its solution x is still to be set.
func newAudit(m Model, r *reduced, need int) *audit {
	a := &audit{m: m, r: r, need: need, byVar: make([][]int, len(m.Lo)), compOf: make([]int, len(m.Lo))}
	for c, cp := range r.comps {
		for _, v := range cp.vars {
			a.compOf[v] = c
		}
	}
	for k, ts := range r.rows {
		for _, t := range ts {
			a.byVar[t.v] = append(a.byVar[t.v], k)
		}
	}
	a.pLo, a.pHi = propagate(r, a.byVar)
	return a
}

// worker holds the scratch space of one thread.
type worker struct {
	a      *audit
	loc    []int32  // index of each model variable in the current ball, -1 if none
	rowIn  []bool   // by row left: in the current ball
	slotAt []int32  // slot of each model variable of the current component, -1 if none
	whole  *wholeLP // of the current component, once needed
	// wholeFailed: the programme of the current component could not be solved once
	wholeFailed bool
	// scratch of the local programmes
	ball   []int
	rows   []int
	cols   []int32
	vals   []float64
	ri     []int
	ci     []int
	av     []float64
	lo     []float64
	hi     []float64
	rhs    []float64
	inBall []int // ball variables that are slots
	heap   reaches
	dist   []float64 // by model variable: distance from the ball's centre, +Inf if not reached
	seen   []int     // variables reached
	nIn    int       // ball variables that may move (the first ones; the others are held)
}

// newWorker makes the scratch space of one thread.
func (a *audit) newWorker() *worker {
	w := &worker{a: a, loc: make([]int32, len(a.m.Lo)), rowIn: make([]bool, len(a.r.rows)), slotAt: make([]int32, len(a.m.Lo))}
	w.dist = make([]float64, len(a.m.Lo))
	for j := range w.loc {
		w.loc[j], w.slotAt[j], w.dist[j] = -1, -1, math.Inf(1)
	}
	return w
}

// unit solves the slots of component c, in order; each solution found is offered to every
// slot of the component.
func (w *worker) unit(c int, slots []int) error {
	for _, s := range slots {
		w.slotAt[w.a.slots[s].v] = int32(s)
	}
	defer func() {
		for _, s := range slots {
			w.slotAt[w.a.slots[s].v] = -1
		}
		if w.whole != nil {
			w.whole.l.free()
			w.whole = nil
		}
		w.wholeFailed = false
	}()
	for _, s := range slots {
		if w.a.slots[s].done(w.a.need) {
			continue
		}
		if err := w.solveSlot(c, s, slots); err != nil {
			return err
		}
	}
	return nil
}
