package lpaudit

import "math"

// ballSizes are the sizes (variables) of the neighbourhoods a target is first tried in, in turn.
var ballSizes = []int{32, 160}

// outerFrom is the first ball size whose relaxation is solved.
var outerFrom = 160

// solveSlot settles slot s of component c (whose slots are all): first in neighbourhoods of
// growing size, then, if they leave it open, in the programme of the whole component.
func (w *worker) solveSlot(c, s int, all []int) error {
	sl := &w.a.slots[s]
	for _, k := range ballSizes {
		if err := w.local(s, k, k >= outerFrom); err != nil {
			return err
		}
		if sl.done(w.a.need) {
			return nil
		}
	}
	if w.whole == nil {
		g, err := newWholeLP(w.a.r, w.a.r.comps[c], w.a.pLo, w.a.pHi)
		if err != nil {
			return err
		}
		w.whole = g
		g.watch(w.a, all)
		g.observe(w.a)
	}
	return w.whole.solve(w.a, s)
}

// local solves slot s in a neighbourhood: the first k variables reached from it through rows,
// breadth first (its ball), and every row of theirs; the other variables of those rows are
// the ball's boundary. Held at their values in x, the boundary gives the restriction: every
// solution of it, completed by x, is a solution of the model. Left free within their
// propagated bounds, it gives a relaxation: every solution of the model gives one of it. The
// model's optimum lies between the two optima.
//
// The slot is maximised and minimised in the restriction, each time bounded by its cap; each
// solution is offered to the slots of the chunk in the ball. An optimum that stops short of
// the cap is the model's optimum when it meets the slot's propagated bound, or, when outer is
// set, the optimum of the relaxation.
func (w *worker) local(s int, k int, outer bool) error {
	a := w.a
	sl := &a.slots[s]
	nIn := w.buildBall(sl.v, k)
	defer w.clearBall()
	l := newLP()
	defer l.free()
	w.lo, w.hi = w.lo[:0], w.hi[:0]
	for i, v := range w.ball {
		if i < nIn {
			w.lo, w.hi = append(w.lo, a.r.lo[v]), append(w.hi, a.r.hi[v])
		} else {
			w.lo, w.hi = append(w.lo, a.x[v]), append(w.hi, a.x[v])
		}
	}
	l.addCols(w.lo, w.hi)
	w.ri, w.ci, w.av, w.rhs = w.ri[:0], w.ci[:0], w.av[:0], w.rhs[:0]
	for n, k := range w.rows {
		for _, t := range a.r.rows[k] {
			w.ri, w.ci, w.av = append(w.ri, n), append(w.ci, int(w.loc[t.v])), append(w.av, t.c)
		}
		w.rhs = append(w.rhs, a.r.rhs[k])
	}
	l.addRows(w.rhs, w.rhs)
	l.loadMatrix(w.ri, w.ci, w.av)
	l.adviseBasis()
	w.inBall = w.inBall[:0]
	for i, v := range w.ball[:nIn] {
		if w.slotAt[v] >= 0 {
			w.inBall = append(w.inBall, i)
		}
	}
	hold := func(free bool) {
		for i := nIn; i < len(w.ball); i++ {
			if v := w.ball[i]; free {
				l.setCol(i, a.pLo[v], a.pHi[v])
			} else {
				l.setCol(i, a.x[v], a.x[v])
			}
		}
	}
	l.setObj(0, 1) // the slot is the ball's first variable
	for _, up := range []bool{true, false} {
		if sl.done(a.need) || (up && sl.maxExact) || (!up && sl.minExact) {
			continue
		}
		d := a.direction(sl, up)
		lo, hi := a.r.lo[sl.v], a.r.hi[sl.v]
		if d.up && d.capped {
			hi = d.limit
		} else if !d.up && d.capped {
			lo = d.limit
		}
		l.setCol(0, lo, hi)
		l.maximize(up)
		res, err := l.solve(warm)
		if err != nil {
			return err
		}
		if res != optimal {
			// The restriction holds x and the programme is bounded by the cap: this is
			// numerical trouble; leave the slot to the whole programme.
			return nil
		}
		w.observe(l)
		y := l.prim(0)
		switch {
		case d.reached(y):
		case up && y >= a.pHi[sl.v]-tol:
			sl.up, sl.maxExact = snapValue(y), true
		case !up && y <= a.pLo[sl.v]+tol:
			sl.down, sl.minExact = snapValue(y), true
		case outer && nIn < len(w.ball):
			hold(true)
			res, err := l.solve(warm)
			if err != nil {
				return err
			}
			if res == optimal && math.Abs(l.prim(0)-y) <= tol {
				if up {
					sl.up, sl.maxExact = snapValue(y), true
				} else {
					sl.down, sl.minExact = snapValue(y), true
				}
			}
			hold(false)
		}
		l.setCol(0, a.r.lo[sl.v], a.r.hi[sl.v])
	}
	return nil
}

// observe offers the programme's solution to the slots of the chunk in the ball.
func (w *worker) observe(l *lp) {
	w.cols = w.cols[:0]
	for _, i := range w.inBall {
		w.cols = append(w.cols, int32(i))
	}
	w.vals = append(w.vals[:0], make([]float64, len(w.cols))...)
	l.prims(w.cols, w.vals)
	for n, i := range w.inBall {
		w.a.slots[w.slotAt[w.ball[i]]].observe(w.vals[n])
	}
}

// buildBall lists the first k variables reached from v, v first, then the other variables of
// their rows (w.ball, w.loc their indexes), and those rows (w.rows). It returns k, or fewer
// when the component is smaller.
func (w *worker) buildBall(v, k int) int {
	a := w.a
	w.ball, w.rows = append(w.ball[:0], v), w.rows[:0]
	w.loc[v] = 0
	for q := 0; q < len(w.ball) && len(w.ball) < k; q++ {
		for _, row := range a.byVar[w.ball[q]] {
			for _, t := range a.r.rows[row] {
				if w.loc[t.v] < 0 && len(w.ball) < k {
					w.loc[t.v] = int32(len(w.ball))
					w.ball = append(w.ball, t.v)
				}
			}
		}
	}
	nIn := len(w.ball)
	for _, u := range w.ball[:nIn] {
		for _, row := range a.byVar[u] {
			if w.rowIn[row] {
				continue
			}
			w.rowIn[row] = true
			w.rows = append(w.rows, row)
			for _, t := range a.r.rows[row] {
				if w.loc[t.v] < 0 {
					w.loc[t.v] = int32(len(w.ball))
					w.ball = append(w.ball, t.v)
				}
			}
		}
	}
	return nIn
}

func (w *worker) clearBall() {
	for _, u := range w.ball {
		w.loc[u] = -1
	}
	for _, row := range w.rows {
		w.rowIn[row] = false
	}
}

// direction is one end of a slot being solved: upwards or downwards, and the cap that would
// certify the slot.
type direction struct {
	up     bool
	limit  float64 // the cap
	capped bool    // the cap is tighter than the variable's own bound
}

func (a *audit) direction(sl *slot, up bool) direction {
	v := sl.v
	if up {
		limit := sl.capUp(a.need)
		return direction{up, limit, limit < a.r.hi[v]}
	}
	limit := sl.capDown(a.need)
	return direction{up, limit, limit > a.r.lo[v]}
}

// reached reports whether a value reaches the cap (and so certifies the slot).
func (d direction) reached(y float64) bool {
	if d.up {
		return d.capped && y >= d.limit-tol
	}
	return d.capped && y <= d.limit+tol
}

// snapValue rounds an optimum to the nearest integer when it is one up to the solver's
// tolerances, and otherwise to nine decimals, so that the noise of the last digits (which
// depends on the pivots that led there) does not show.
func snapValue(y float64) float64 {
	if r := math.Round(y); math.Abs(y-r) <= tol*max(1, math.Abs(y)) {
		return r
	}
	return math.Round(y*1e9) / 1e9
}
