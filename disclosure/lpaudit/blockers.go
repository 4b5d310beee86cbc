package lpaudit

import (
	"cmp"
	"math"
	"slices"
)

// Blocking is what holds one target's range in, and what releases it.
//
// Up and Down are the fixed variables (shown counts) with a non-zero reduced cost at the
// optimum of the target's greatest and least value, in the first solve (in increasing order): the
// counts the dual certificate of that optimum uses. Released together (withheld), the counts not
// named for an end leave it where it is. An end at the target's own bound names nothing.
//
// Release is a set of fixed variables, chosen greedily by cost, after whose release (each
// becoming a withheld count, at least 1) the target holds need values: while it holds fewer,
// the cheapest variable named at either end (the certificates change as variables are
// released) is released, and both ends solved again. Variables released for earlier targets of
// the same call are released for the later ones too (a caller withholds them all). Stuck: the
// target still holds fewer than need values with nothing left to release at a finite cost.
// Failed: the solver settled neither programme.
type Blocking struct {
	Up, Down []int
	Release  []int
	Stuck    bool
	Failed   bool
}

// maxReleases bounds the releases per target.
const maxReleases = 12

// Blockers returns, for each target, what holds its range in and what releases it (Blocking).
// cost gives the price of releasing a fixed variable (withholding the count): +Inf for one that
// may not be released (a zero, a count shown elsewhere). The programmes are those of Ranges on
// the model's rows linked to the target through variables that are not fixed, with every
// fixed variable of those rows a column of its own (so that its reduced cost can be read, and
// its bounds opened). Unlike Ranges, every target is solved to optimality both ways in the
// programme of its whole component, again after each release: call it for the few targets
// found narrowed. The result does not depend on the number of threads.
func Blockers(m Model, targets []Target, need int, cost func(v int) float64) ([]Blocking, error) {
	if err := validate(m, targets, need); err != nil {
		return nil, err
	}
	n := len(m.Lo)
	fixed := func(j int) bool { return m.Lo[j] == m.Hi[j] }
	// Components of rows, linked through variables that are not fixed.
	parent := make([]int, len(m.Rows))
	for k := range parent {
		parent[k] = k
	}
	find := func(k int) int {
		for parent[k] != k {
			parent[k] = parent[parent[k]]
			k = parent[k]
		}
		return k
	}
	firstRow := make([]int, n)
	for j := range firstRow {
		firstRow[j] = -1
	}
	for k, r := range m.Rows {
		for _, v := range r.Vars {
			if fixed(v) {
				continue
			}
			if firstRow[v] < 0 {
				firstRow[v] = k
			} else if a, b := find(firstRow[v]), find(k); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	out := make([]Blocking, len(targets))
	units := map[int][]int{} // component (root row) -> targets
	for i, t := range targets {
		if fixed(t.Var) || firstRow[t.Var] < 0 {
			continue // nothing to widen, or nothing holds it but its own bounds
		}
		c := find(firstRow[t.Var])
		units[c] = append(units[c], i)
	}
	g := &graph{m: m, comp: make([]int, len(m.Rows)), rowsIn: map[int][]int{}, rowsOf: make([][]int, n)}
	for k, r := range m.Rows {
		c := find(k)
		g.comp[k] = c
		g.rowsIn[c] = append(g.rowsIn[c], k)
		for _, v := range r.Vars {
			if len(g.rowsOf[v]) == 0 || g.rowsOf[v][len(g.rowsOf[v])-1] != k {
				g.rowsOf[v] = append(g.rowsOf[v], k)
			}
		}
	}
	rowsIn := g.rowsIn
	order := make([]int, 0, len(units))
	for c := range units {
		order = append(order, c)
	}
	slices.SortFunc(order, func(p, q int) int { return cmp.Or(cmp.Compare(len(rowsIn[q]), len(rowsIn[p])), cmp.Compare(p, q)) })
	onThreads(len(order), func() func(int) {
		return func(k int) {
			c := order[k]
			g.block(c, targets, units[c], need, cost, out)
		}
	})
	return out, nil
}

// graph is the model's rows by component (linked through variables that are not fixed).
type graph struct {
	m      Model
	comp   []int         // by row: its component
	rowsIn map[int][]int // by component: its rows
	rowsOf [][]int       // by variable: its rows
}

// blockLP is the programme of some components: it starts with one and takes in the components
// of every row of a fixed variable it releases, so that a released count is bound by all its
// relations.
type blockLP struct {
	g         *graph
	l         *lp
	col       map[int]int // column of each model variable
	vars      []int       // by column: its variable
	lo, hi    []float64   // by column: its bounds
	fixedCols []int32
	price     map[int]float64 // by fixed column
	cost      func(int) float64
	loaded    map[int]bool // components
	rows      int
}

// load adds the rows of component c, and the columns they name.
func (b *blockLP) load(c int) {
	if b.loaded[c] {
		return
	}
	b.loaded[c] = true
	m := b.g.m
	for _, k := range b.g.rowsIn[c] {
		r := m.Rows[k]
		coef := map[int]float64{} // merge repeated variables
		var rv []int
		for x, v := range r.Vars {
			if _, ok := coef[v]; !ok {
				rv = append(rv, v)
			}
			coef[v] += r.Coef[x]
		}
		var cols []int
		var vals []float64
		for _, v := range rv {
			if coef[v] == 0 {
				continue
			}
			j, ok := b.col[v]
			if !ok {
				j = b.l.addCols([]float64{m.Lo[v]}, []float64{m.Hi[v]})
				b.col[v] = j
				b.vars = append(b.vars, v)
				b.lo, b.hi = append(b.lo, m.Lo[v]), append(b.hi, m.Hi[v])
				if m.Lo[v] == m.Hi[v] {
					b.fixedCols = append(b.fixedCols, int32(j))
					b.price[j] = b.cost(v)
				}
			}
			cols, vals = append(cols, j), append(vals, coef[v])
		}
		i := b.l.addRows([]float64{r.RHS}, []float64{r.RHS})
		b.l.setRow(i, cols, vals)
		b.rows++
	}
}

// release opens the bounds of fixed column f to those of a withheld count, and takes in the
// components of its rows.
func (b *blockLP) release(f int) {
	b.l.setCol(f, min(1, b.lo[f]), math.Inf(1))
	b.lo[f], b.hi[f] = min(1, b.lo[f]), math.Inf(1)
	for _, k := range b.g.rowsOf[b.vars[f]] {
		b.load(b.g.comp[k])
	}
}

// block solves the targets (by index, mine) of component c and fills their entries of out.
func (g *graph) block(c int, targets []Target, mine []int, need int, cost func(int) float64, out []Blocking) {
	b := &blockLP{g: g, l: newLP(), col: map[int]int{}, price: map[int]float64{}, cost: cost, loaded: map[int]bool{}}
	l := b.l
	defer l.free()
	b.load(c)
	l.adviseBasis()
	if res, err := l.solve(dual); err != nil || res != optimal {
		for _, i := range mine {
			out[i].Failed = true
		}
		return
	}
	vars, price := b.vars, b.price
	released := map[int]bool{} // columns
	var scratch []int32
	// end solves one end of column j and returns its optimum and the fixed variables (columns)
	// its certificate uses, nothing when it lies at j's own bound.
	// After a release the last basis is still dual feasible (only a bound moved): the dual
	// method takes it from there; after a change of objective it is still primal feasible.
	how := warm
	end := func(j int, up bool) (float64, []int, bool) {
		l.maximize(up)
		res, err := l.solve(how)
		how = warm
		if err == nil && res == infeasible {
			res, err = l.solve(fresh)
		}
		switch {
		case err != nil || res == infeasible:
			return 0, nil, false
		case res == unbounded && up:
			return math.Inf(1), nil, true
		case res == unbounded:
			return math.Inf(-1), nil, true
		}
		y := l.prim(j)
		if up && y >= b.hi[j]-tol || !up && y <= b.lo[j]+tol {
			return y, nil, true
		}
		var held []int
		scratch = l.held(b.fixedCols, 1e-7, scratch[:0])
		for _, f := range scratch {
			if !released[int(f)] {
				held = append(held, int(f))
			}
		}
		slices.SortFunc(held, func(p, q int) int { return cmp.Compare(b.vars[p], b.vars[q]) })
		return y, held, true
	}
	for _, i := range mine {
		j := b.col[targets[i].Var]
		bl := &out[i]
		l.setObj(j, 1)
		for round := 0; ; round++ {
			// Each round starts with the end the last one finished with: after a release its
			// basis is dual feasible.
			var top, bottom float64
			var up, down []int
			var ok1, ok2 bool
			if round%2 == 0 {
				top, up, ok1 = end(j, true)
				bottom, down, ok2 = end(j, false)
			} else {
				bottom, down, ok2 = end(j, false)
				top, up, ok1 = end(j, true)
			}
			vars = b.vars
			if !ok1 || !ok2 {
				bl.Failed = true
				break
			}
			if round == 0 {
				for _, f := range up {
					bl.Up = append(bl.Up, vars[f])
				}
				for _, f := range down {
					bl.Down = append(bl.Down, vars[f])
				}
			}
			if countValues(snapValue(bottom), snapValue(top)) >= need {
				break
			}
			pick, best := -1, math.Inf(1)
			for _, f := range append(up, down...) {
				if p := price[f]; p < best || p == best && pick >= 0 && vars[f] < vars[pick] {
					pick, best = f, p
				}
			}
			if pick < 0 || round == maxReleases {
				bl.Stuck = true
				break
			}
			released[pick] = true
			bl.Release = append(bl.Release, vars[pick])
			b.release(pick)
			how = dual
		}
		l.setObj(j, 0)
	}
}
