package lpaudit

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Blocking is what holds one target's range in: the fixed variables (shown counts) whose
// reduced cost is non-zero at the optimum of its greatest value (Up) and of its least (Down),
// each list in increasing variable order. Releasing one of them (withholding the count) lets
// that optimum move, at least locally: these are the suppressions that can widen the target.
// Failed: the solver settled neither programme; the lists may be empty or partial.
type Blocking struct {
	Up, Down []int
	Failed   bool
}

// Blockers returns, for each target, what holds its range in (Blocking). The programmes are
// those of Ranges, on the model's rows linked to the target through variables that are not
// fixed (a fixed variable links nothing: it is a number), with every fixed variable moved to
// the right-hand side; the reduced cost of a fixed variable j is then -Σ_k y_k·a_kj over the
// rows k that name it, y being the rows' duals. A dual solution certifies the optimum: a
// fixed variable it does not use is not what holds the target in, and one it uses with a
// non-zero weight is, in that certificate (another certificate may hold it as well: callers
// check again after withholding). Unlike Ranges, every target is solved to optimality both ways
// in the programme of its whole component, so call it for the few targets found narrowed.
func Blockers(m Model, targets []Target) ([]Blocking, error) {
	if err := validate(m, targets, 1); err != nil {
		return nil, err
	}
	n := len(m.Lo)
	fixed := func(j int) bool { return m.Lo[j] == m.Hi[j] }
	// Components of rows, linked through variables that are not fixed.
	parent := make([]int, len(m.Rows))
	for k := range parent {
		parent[k] = k
	}
	var find func(int) int
	find = func(k int) int {
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
	rowsIn := map[int][]int{}
	for k := range m.Rows {
		if c := find(k); units[c] != nil {
			rowsIn[c] = append(rowsIn[c], k)
		}
	}
	order := make([]int, 0, len(units))
	for c := range units {
		order = append(order, c)
	}
	slices.SortFunc(order, func(p, q int) int { return cmp.Or(cmp.Compare(len(rowsIn[q]), len(rowsIn[p])), cmp.Compare(p, q)) })
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			onThread(func() {
				for c := range next {
					blockComponent(m, rowsIn[c], targets, units[c], out)
				}
			})
		}()
	}
	for _, c := range order {
		next <- c
	}
	close(next)
	wg.Wait()
	return out, nil
}

// blockComponent solves the targets (by index, mine) of the component made of rows and fills
// their entries of out.
func blockComponent(m Model, rows []int, targets []Target, mine []int, out []Blocking) {
	col := map[int]int{}
	var lo, hi []float64
	local := map[int]int{} // model row -> programme row
	rhs := make([]float64, len(rows))
	var ri, ci []int
	var av []float64
	var fixedVars []int
	seenFixed := map[int]bool{}
	for i, k := range rows {
		local[k] = i
		r := m.Rows[k]
		rhs[i] = r.RHS
		coef := map[int]float64{} // merge repeated variables
		var vars []int
		for x, v := range r.Vars {
			if m.Lo[v] == m.Hi[v] {
				rhs[i] -= r.Coef[x] * m.Lo[v]
				if !seenFixed[v] {
					seenFixed[v] = true
					fixedVars = append(fixedVars, v)
				}
				continue
			}
			if _, ok := coef[v]; !ok {
				vars = append(vars, v)
			}
			coef[v] += r.Coef[x]
		}
		for _, v := range vars {
			if coef[v] == 0 {
				continue
			}
			j, ok := col[v]
			if !ok {
				j = len(lo)
				col[v] = j
				lo, hi = append(lo, m.Lo[v]), append(hi, m.Hi[v])
			}
			ri, ci, av = append(ri, i), append(ci, j), append(av, coef[v])
		}
	}
	slices.Sort(fixedVars)
	fail := func() {
		for _, i := range mine {
			out[i].Failed = true
		}
	}
	l := newLP()
	defer l.free()
	l.addCols(lo, hi)
	l.addRows(rhs, rhs)
	l.loadMatrix(ri, ci, av)
	l.adviseBasis()
	if res, err := l.solve(dual); err != nil || res != optimal {
		fail()
		return
	}
	fixedAt := make(map[int]int, len(fixedVars))
	for p, v := range fixedVars {
		fixedAt[v] = p
	}
	d := make([]float64, len(fixedVars))
	for _, i := range mine {
		j := col[targets[i].Var]
		l.setObj(j, 1)
		for _, up := range []bool{true, false} {
			l.maximize(up)
			res, err := l.solve(warm)
			if err == nil && res == infeasible {
				res, err = l.solve(fresh)
			}
			if err != nil || res == infeasible {
				out[i].Failed = true
				continue
			}
			if res != optimal {
				continue // unbounded: nothing holds it in that way
			}
			// The reduced cost of each fixed variable, from the rows with a non-zero dual.
			clear(d)
			for n, k := range rows {
				yn := l.rowDual(n)
				if yn == 0 {
					continue
				}
				r := m.Rows[k]
				for x, u := range r.Vars {
					if p, ok := fixedAt[u]; ok {
						d[p] -= yn * r.Coef[x]
					}
				}
			}
			var held []int
			for p, v := range fixedVars {
				if math.Abs(d[p]) > 1e-7 {
					held = append(held, v)
				}
			}
			if up {
				out[i].Up = held
			} else {
				out[i].Down = held
			}
		}
		l.setObj(j, 0)
	}
}
