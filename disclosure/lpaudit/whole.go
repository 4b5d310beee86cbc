package lpaudit

import (
	"fmt"
	"math"
)

// wholeLP is the programme of a whole component: its variables with their bounds and its rows.
type wholeLP struct {
	l   *lp
	col map[int]int // column of each model variable of the component
	// the slots of the component and their columns, to offer solutions to
	slots []int
	cols  []int32
	// scratch
	open []int32
	who  []int
	vals []float64
}

// newWholeLP loads component cp and solves it once, from GLPK's crash basis with a zero
// objective, for a feasible basis; it fails with ErrInfeasible when there is none. Variables
// are bounded by the intersection of their bounds and lo, hi (bounds every solution meets,
// which change no optimum but save most of that first solve's pivots).
func newWholeLP(r *reduced, cp component, plo, phi []float64) (*wholeLP, error) {
	g := &wholeLP{l: newLP(), col: make(map[int]int, len(cp.vars))}
	lo, hi := make([]float64, len(cp.vars)), make([]float64, len(cp.vars))
	for i, v := range cp.vars {
		g.col[v] = i
		lo[i], hi[i] = max(r.lo[v], plo[v]), min(r.hi[v], phi[v])
		if lo[i] > hi[i] { // rounding: keep the model's own bounds
			lo[i], hi[i] = r.lo[v], r.hi[v]
		}
	}
	g.l.addCols(lo, hi)
	rhs := make([]float64, len(cp.rows))
	var ri, ci []int
	var av []float64
	for i, k := range cp.rows {
		rhs[i] = r.rhs[k]
		for _, t := range r.rows[k] {
			ri, ci, av = append(ri, i), append(ci, g.col[t.v]), append(av, t.c)
		}
	}
	g.l.addRows(rhs, rhs)
	g.l.loadMatrix(ri, ci, av)
	g.l.adviseBasis()
	res, err := g.l.solve(dual)
	if err == nil && res != optimal {
		err = fmt.Errorf("%w: the %d rows linking variables %v... (%d in all) cannot all hold", ErrInfeasible, len(cp.rows), cp.vars[:min(5, len(cp.vars))], len(cp.vars))
	}
	if err != nil {
		g.l.free()
		return nil, err
	}
	return g, nil
}

// watch lists the slots the programme's solutions are offered to.
func (g *wholeLP) watch(a *audit, slots []int) {
	g.slots, g.cols = slots, make([]int32, len(slots))
	for i, s := range slots {
		g.cols[i] = int32(g.col[a.slots[s].v])
	}
}

// observe offers the current solution to the slots not done.
func (g *wholeLP) observe(a *audit) {
	g.open, g.who = g.open[:0], g.who[:0]
	for i, s := range g.slots {
		if !a.slots[s].done(a.need) {
			g.open, g.who = append(g.open, g.cols[i]), append(g.who, s)
		}
	}
	g.vals = append(g.vals[:0], make([]float64, len(g.open))...)
	g.l.prims(g.open, g.vals)
	for i, s := range g.who {
		a.slots[s].observe(g.vals[i])
	}
}

// solve maximises and minimises slot s to optimality. Only the objective changes from one
// programme to the next, so each starts from the last optimal basis and takes a few pivots;
// every solution is offered to the component's slots. A programme the solver cannot settle
// (it stalls on every path, or reports no solution though x is one) marks the slot failed.
func (g *wholeLP) solve(a *audit, s int) {
	sl := &a.slots[s]
	j := g.col[sl.v]
	g.l.setObj(j, 1)
	defer g.l.setObj(j, 0)
	for _, up := range []bool{true, false} {
		if sl.done(a.need) || up && sl.maxExact || !up && sl.minExact {
			continue
		}
		g.l.maximize(up)
		res, err := g.l.solve(warm)
		if err == nil && res == infeasible {
			// X is a solution, so this is the warm start's numerics: solve again from scratch.
			res, err = g.l.solve(fresh)
		}
		switch {
		case err != nil || res == infeasible:
			sl.failed = true
			return
		case res == unbounded && up:
			sl.up, sl.maxExact = math.Inf(1), true
		case res == unbounded:
			sl.down, sl.minExact = math.Inf(-1), true
		default:
			g.observe(a)
			y := snapValue(g.l.prim(j))
			if up {
				sl.up, sl.maxExact = y, true
			} else {
				sl.down, sl.minExact = y, true
			}
		}
	}
}
