package lpaudit

import (
	"container/heap"
	"math"
)

// ballSizes are the sizes (variables) of the neighbourhoods a slot is tried in, in turn.
var ballSizes = []int{32, 256}

// solveSlot settles slot s of component c (whose slots are all): first in neighbourhoods of
// growing size, then, if they leave it open, in the programme of the whole component.
// A programme the solver cannot settle is not an error: a local one leaves the slot to the
// next, and when the whole component's cannot be settled the slot is marked failed (Range.Failed).
func (w *worker) solveSlot(c, s int, all []int) error {
	sl := &w.a.slots[s]
	for _, k := range ballSizes {
		w.local(s, k)
		if sl.done(w.a.need) {
			return nil
		}
	}
	if w.whole == nil && !w.wholeFailed {
		// The component has a solution (x), so a failure here is the solver's.
		g, err := newWholeLP(w.a.r, w.a.r.comps[c], w.a.pLo, w.a.pHi)
		if err != nil {
			w.wholeFailed = true
		} else {
			w.whole = g
			g.watch(w.a, all)
			g.observe(w.a)
		}
	}
	if w.whole == nil {
		sl.failed = true
		return nil
	}
	w.whole.solve(w.a, s)
	return nil
}

// local solves slot s in the restriction of the model to a neighbourhood: the k variables
// nearest to it (its ball) may move, every other variable keeps its value in x. The rows of
// the ball's variables hold; their other variables are the ball's boundary. Every solution of
// the restriction, completed by x, is a solution of the model.
//
// The slot is maximised and minimised, each time bounded by its cap; each solution is offered
// to the component's slots in the ball. An optimum short of the cap is the model's optimum
// when it meets the slot's propagated bound (the model's optimum lies between the two).
func (w *worker) local(s int, k int) {
	a := w.a
	sl := &a.slots[s]
	w.buildBall(sl.v, k)
	defer w.clearBall()
	l := newLP()
	defer l.free()
	w.lo, w.hi = w.lo[:0], w.hi[:0]
	for i, v := range w.ball {
		if i < w.nIn {
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
		if err != nil || res != optimal {
			// The restriction holds x and is bounded by the cap: numerical trouble, or a
			// stall; leave the slot to the whole programme.
			return
		}
		w.observe(l)
		if y := l.prim(0); !d.reached(y) && (up && y >= a.pHi[sl.v]-tol || !up && y <= a.pLo[sl.v]+tol) {
			if up {
				sl.up, sl.maxExact = snapValue(y), true
			} else {
				sl.down, sl.minExact = snapValue(y), true
			}
		}
		l.setCol(0, a.r.lo[sl.v], a.r.hi[sl.v])
	}
}

// observe offers the programme's solution to the slots in the ball.
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

// buildBall lists the ball of v in w.ball: the k variables nearest to v (v first, w.nIn of
// them), then the other variables of their rows (w.rows), which are held; w.loc indexes them.
// Distance is measured through rows, a row costing its number of variables: the moves that
// certify a count run along short chains of narrow rows (a count and its parts) and cross a
// wide row (a total of many parts) once, from one part to another; breadth first, a wide row
// would fill the ball with parts that cannot move.
func (w *worker) buildBall(v, k int) {
	a := w.a
	w.ball, w.rows, w.nIn = w.ball[:0], w.rows[:0], 0
	w.heap = append(w.heap[:0], reach{v, 0})
	w.dist[v] = 0
	w.seen = append(w.seen[:0], v)
	for len(w.heap) > 0 && len(w.ball) < k {
		r := heap.Pop(&w.heap).(reach)
		if r.d > w.dist[r.v] || w.loc[r.v] >= 0 {
			continue
		}
		w.add(r.v)
		for _, row := range a.byVar[r.v] {
			d := r.d + float64(len(a.r.rows[row]))
			for _, t := range a.r.rows[row] {
				if w.loc[t.v] < 0 && d < w.dist[t.v] {
					if math.IsInf(w.dist[t.v], 1) {
						w.seen = append(w.seen, t.v)
					}
					w.dist[t.v] = d
					heap.Push(&w.heap, reach{t.v, d})
				}
			}
		}
	}
	for _, u := range w.seen {
		w.dist[u] = math.Inf(1)
	}
	w.nIn = len(w.ball)
	for i := range w.nIn {
		w.addRows(w.ball[i])
	}
}

// reach is a variable reached at a distance.
type reach struct {
	v int
	d float64
}

// reaches is a min-heap of reaches.
type reaches []reach

func (h reaches) Len() int           { return len(h) }
func (h reaches) Less(i, j int) bool { return h[i].d < h[j].d || h[i].d == h[j].d && h[i].v < h[j].v }
func (h reaches) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *reaches) Push(x any)        { *h = append(*h, x.(reach)) }
func (h *reaches) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// add puts v in the ball.
func (w *worker) add(v int) {
	w.loc[v] = int32(len(w.ball))
	w.ball = append(w.ball, v)
	if w.slotAt[v] >= 0 {
		w.inBall = append(w.inBall, len(w.ball)-1)
	}
}

// addRows brings in the rows of v not yet in, and their variables not yet in.
func (w *worker) addRows(v int) {
	for _, row := range w.a.byVar[v] {
		if w.rowIn[row] {
			continue
		}
		w.rowIn[row] = true
		w.rows = append(w.rows, row)
		for _, t := range w.a.r.rows[row] {
			if w.loc[t.v] < 0 {
				w.add(t.v)
			}
		}
	}
}

// clearBall clears the marks of the ball.
func (w *worker) clearBall() {
	w.inBall = w.inBall[:0]
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

// direction is the direction up or down of slot sl, with its cap.
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
