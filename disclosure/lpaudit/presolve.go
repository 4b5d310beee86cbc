package lpaudit

import (
	"fmt"
	"math"
	"slices"
)

// term is one coefficient of a row.
type term struct {
	v int
	c float64
}

// reduced is a model after presolve: the variables it fixed or eliminated, the bounds it
// implied, and the rows left, split into independent components. It has the solutions of the
// model, less the variables fixed or eliminated: every solution of the model gives one, and
// every solution of it extends to one of the model.
type reduced struct {
	lo, hi []float64 // the model's bounds, tightened by those the eliminated variables imply
	fixed  []bool
	val    []float64 // of fixed variables
	rows   [][]term  // the rows left, over variables neither fixed nor eliminated
	rhs    []float64
	comps  []component
	// inRow reports whether a variable is in some row left.
	inRow []bool
	// gone marks the eliminated variables; each is alias[v].add + alias[v].mul·alias[v].of.
	gone  []bool
	alias []affine
}

// affine is the value add + mul·x[of].
type affine struct {
	of       int
	add, mul float64
}

// resolve writes variable v as an affine function of a variable neither eliminated nor fixed
// (fixed false), or gives its value (fixed true).
func (r *reduced) resolve(v int) (f affine, fixed bool) {
	f = affine{of: v, mul: 1}
	for r.gone[f.of] {
		g := r.alias[f.of]
		f = affine{of: g.of, add: f.add + f.mul*g.add, mul: f.mul * g.mul}
	}
	if r.fixed[f.of] {
		return affine{of: f.of, add: f.add + f.mul*r.val[f.of]}, true
	}
	return f, false
}

// component is a set of variables linked through rows, and those rows.
type component struct {
	vars []int // model variables
	rows []int // indexes into reduced.rows
}

// presolve merges repeated variables of a row, then repeatedly
//   - substitutes fixed variables,
//   - checks a row left with no variable, fixes the variable of a row left with one,
//   - eliminates one variable of a row left with two (a·x + b·y = c: x = (c - b·y)/a, in its
//     other rows, its bounds becoming bounds of y), unless both are kept,
//
// then drops rows repeated (up to a factor) and splits the rest into connected components.
// A variable kept (a target) is eliminated only by another kept one, when it is that one plus
// or minus an integer (a count and the same count in another table); its range is then that
// one's, shifted.
func presolve(m Model, keep []bool) (*reduced, error) {
	n := len(m.Lo)
	p := &presolver{
		reduced: reduced{lo: slices.Clone(m.Lo), hi: slices.Clone(m.Hi), fixed: make([]bool, n), val: make([]float64, n), inRow: make([]bool, n), gone: make([]bool, n), alias: make([]affine, n)},
		keep:    keep,
		byVar:   make([][]int, n),
		rows:    make([][]term, len(m.Rows)),
		rhs:     make([]float64, len(m.Rows)),
		scale:   make([]float64, len(m.Rows)),
		alive:   make([]bool, len(m.Rows)),
	}
	// Merge repeated variables, drop zero coefficients, substitute fixed variables.
	pos := make([]int, n)
	for j := range pos {
		pos[j] = -1
		if m.Lo[j] == m.Hi[j] {
			p.fixed[j], p.val[j] = true, m.Lo[j]
		}
	}
	for k, row := range m.Rows {
		var ts []term
		for i, v := range row.Vars {
			if q := pos[v]; q >= 0 {
				ts[q].c += row.Coef[i]
				continue
			}
			pos[v] = len(ts)
			ts = append(ts, term{v, row.Coef[i]})
		}
		p.rhs[k], p.scale[k] = row.RHS, 1+math.Abs(row.RHS)
		left := ts[:0]
		for _, t := range ts {
			pos[t.v] = -1
			switch {
			case t.c == 0:
			case p.fixed[t.v]:
				p.rhs[k] -= t.c * p.val[t.v]
				p.scale[k] += math.Abs(t.c * p.val[t.v])
			default:
				left = append(left, t)
				p.byVar[t.v] = append(p.byVar[t.v], k)
			}
		}
		p.rows[k], p.alive[k] = left, true
		p.queue = append(p.queue, k)
	}
	for len(p.queue) > 0 {
		k := p.queue[0]
		p.queue = p.queue[1:]
		if err := p.examine(k); err != nil {
			return nil, err
		}
	}
	p.dropRepeated()
	return p.finish(), nil
}

// presolver is the state of presolve.
type presolver struct {
	reduced
	keep  []bool
	byVar [][]int   // rows that hold or held each variable
	rows  [][]term  // by model row, over variables neither fixed nor eliminated
	rhs   []float64 // by model row
	scale []float64 // magnitude of a row's terms, for its tolerance
	alive []bool    // by model row
	queue []int
}

func (p *presolver) eps(k int) float64 { return 1e-9 * p.scale[k] }

// examine simplifies row k if it has fewer than three variables.
func (p *presolver) examine(k int) error {
	if !p.alive[k] {
		return nil
	}
	ts := p.rows[k]
	switch len(ts) {
	case 0:
		if math.Abs(p.rhs[k]) > p.eps(k) {
			return fmt.Errorf("%w: row %d does not hold on the fixed variables (off by %g)", ErrInfeasible, k, p.rhs[k])
		}
		p.alive[k] = false
	case 1:
		t := ts[0]
		x := p.rhs[k] / t.c
		eps := p.eps(k) / math.Abs(t.c)
		if x < p.lo[t.v]-eps || x > p.hi[t.v]+eps {
			return fmt.Errorf("%w: row %d makes variable %d equal %g, outside its bounds [%g, %g]", ErrInfeasible, k, t.v, x, p.lo[t.v], p.hi[t.v])
		}
		p.alive[k] = false
		p.fix(t.v, snap(min(max(x, p.lo[t.v]), p.hi[t.v]), eps))
	case 2:
		e, o := ts[0], ts[1]
		if p.keep[e.v] != p.keep[o.v] {
			if p.keep[e.v] {
				e, o = o, e
			}
		} else if len(p.byVar[o.v]) < len(p.byVar[e.v]) {
			e, o = o, e
		}
		if p.keep[e.v] {
			// Both kept: only e = ±o + an integer keeps the counting of e's range.
			if add := p.rhs[k] / e.c; math.Abs(o.c) != math.Abs(e.c) || math.Abs(add-math.Round(add)) > p.eps(k) {
				return nil
			}
		}
		return p.eliminate(k, e, o)
	}
	return nil
}

// fix gives variable v the value x and substitutes it in its rows.
func (p *presolver) fix(v int, x float64) {
	p.fixed[v], p.val[v], p.lo[v], p.hi[v] = true, x, x, x
	for _, k := range p.byVar[v] {
		if !p.alive[k] {
			continue
		}
		for i, t := range p.rows[k] {
			if t.v == v {
				p.rhs[k] -= t.c * x
				p.scale[k] += math.Abs(t.c * x)
				p.rows[k] = slices.Delete(p.rows[k], i, i+1)
				p.queue = append(p.queue, k)
				break
			}
		}
	}
}

// eliminate removes variable e with row k, e.c·e + o.c·o = rhs: e = (rhs - o.c·o)/e.c in its
// other rows, and its bounds bound o.
func (p *presolver) eliminate(k int, e, o term) error {
	rhs := p.rhs[k]
	// e.c·e lies in [a, b]; o.c·o = rhs - e.c·e in [rhs-b, rhs-a].
	a, b := termRange(e, p.lo, p.hi)
	lo, hi := (rhs-b)/o.c, (rhs-a)/o.c
	if o.c < 0 {
		lo, hi = hi, lo
	}
	eps := p.eps(k) / math.Abs(o.c)
	if lo > p.hi[o.v]+eps || hi < p.lo[o.v]-eps {
		return fmt.Errorf("%w: row %d leaves variable %d no value within its bounds", ErrInfeasible, k, o.v)
	}
	p.lo[o.v], p.hi[o.v] = max(p.lo[o.v], snap(lo, eps)), min(p.hi[o.v], snap(hi, eps))
	p.gone[e.v], p.alive[k] = true, false
	p.alias[e.v] = affine{of: o.v, add: snap(rhs/e.c, p.eps(k)), mul: -o.c / e.c}
	for _, k2 := range p.byVar[e.v] {
		if !p.alive[k2] {
			continue
		}
		i := slices.IndexFunc(p.rows[k2], func(t term) bool { return t.v == e.v })
		if i < 0 {
			continue
		}
		c2 := p.rows[k2][i].c
		p.rows[k2] = slices.Delete(p.rows[k2], i, i+1)
		p.rhs[k2] -= c2 * rhs / e.c
		p.scale[k2] += math.Abs(c2*rhs/e.c) + p.scale[k]
		add := -c2 * o.c / e.c
		if j := slices.IndexFunc(p.rows[k2], func(t term) bool { return t.v == o.v }); j >= 0 {
			if c := p.rows[k2][j].c + add; math.Abs(c) <= 1e-12*max(math.Abs(add), 1) {
				p.rows[k2] = slices.Delete(p.rows[k2], j, j+1)
			} else {
				p.rows[k2][j].c = c
			}
		} else {
			p.rows[k2] = append(p.rows[k2], term{o.v, add})
			p.byVar[o.v] = append(p.byVar[o.v], k2)
		}
		p.queue = append(p.queue, k2)
	}
	if p.hi[o.v]-p.lo[o.v] <= eps {
		p.fix(o.v, p.lo[o.v])
	}
	return nil
}

// dropRepeated drops every row that is another times a factor (with the same factor on its
// right-hand side; a different one has no solution, which the solver reports).
func (p *presolver) dropRepeated() {
	seen := make(map[string]int)
	var key []byte
	for k, ts := range p.rows {
		if !p.alive[k] || len(ts) == 0 {
			continue
		}
		slices.SortFunc(ts, func(a, b term) int { return a.v - b.v })
		key = key[:0]
		f := ts[0].c
		for _, t := range ts {
			key = fmt.Appendf(key, "%d:%.12g;", t.v, t.c/f)
		}
		if k0, ok := seen[string(key)]; ok && math.Abs(p.rhs[k]/f-p.rhs[k0]/p.rows[k0][0].c) <= p.eps(k)+p.eps(k0) {
			p.alive[k] = false
			continue
		}
		seen[string(key)] = k
	}
}

// finish lists the rows left and splits them into components (union-find over variables).
func (p *presolver) finish() *reduced {
	r := &p.reduced
	n := len(r.lo)
	parent := make([]int, n)
	for j := range parent {
		parent[j] = j
	}
	find := func(j int) int {
		for parent[j] != j {
			parent[j] = parent[parent[j]]
			j = parent[j]
		}
		return j
	}
	for k, ts := range p.rows {
		if !p.alive[k] {
			continue
		}
		for _, t := range ts {
			r.inRow[t.v] = true
			if a, b := find(ts[0].v), find(t.v); a != b {
				parent[a] = b
			}
		}
		r.rows = append(r.rows, ts)
		r.rhs = append(r.rhs, snap(p.rhs[k], p.eps(k)))
	}
	index := make(map[int]int)
	for j := range n {
		if !r.inRow[j] {
			continue
		}
		root := find(j)
		c, ok := index[root]
		if !ok {
			c = len(r.comps)
			index[root] = c
			r.comps = append(r.comps, component{})
		}
		r.comps[c].vars = append(r.comps[c].vars, j)
	}
	for k, ts := range r.rows {
		c := index[find(ts[0].v)]
		r.comps[c].rows = append(r.comps[c].rows, k)
	}
	return r
}

// snap rounds x to the nearest integer when it is within eps of it (the sums of counts).
func snap(x, eps float64) float64 {
	if r := math.Round(x); math.Abs(x-r) <= eps {
		return r
	}
	return x
}

// propagate bounds every solution of the reduced model by interval propagation: each row
// Σ c·x = rhs bounds each of its variables by rhs minus the extreme sums of the others,
// until nothing tightens by more than 1e-6 or each row was visited propagateVisits times
// (the bounds hold at any point: stopping early only leaves them looser).
func propagate(r *reduced, byVar [][]int) (lo, hi []float64) {
	lo, hi = slices.Clone(r.lo), slices.Clone(r.hi)
	queued := make([]bool, len(r.rows))
	queue := make([]int, 0, len(r.rows))
	for k := range r.rows {
		queue, queued[k] = append(queue, k), true
	}
	for visits := 0; len(queue) > 0 && visits < propagateVisits*len(r.rows); visits++ {
		k := queue[0]
		queue, queued[k] = queue[1:], false
		// The least and greatest sums of the row's terms; infinite terms are counted apart.
		var sumLo, sumHi float64
		var infLo, infHi int
		for _, t := range r.rows[k] {
			a, b := termRange(t, lo, hi)
			if math.IsInf(a, -1) {
				infLo++
			} else {
				sumLo += a
			}
			if math.IsInf(b, 1) {
				infHi++
			} else {
				sumHi += b
			}
		}
		for _, t := range r.rows[k] {
			a, b := termRange(t, lo, hi)
			// The others' least and greatest sums.
			restLo, restHi := math.Inf(-1), math.Inf(1)
			switch {
			case math.IsInf(a, -1) && infLo == 1:
				restLo = sumLo
			case !math.IsInf(a, -1) && infLo == 0:
				restLo = sumLo - a
			}
			switch {
			case math.IsInf(b, 1) && infHi == 1:
				restHi = sumHi
			case !math.IsInf(b, 1) && infHi == 0:
				restHi = sumHi - b
			}
			// c·x lies in [rhs - restHi, rhs - restLo]; a little slack keeps rounding safe.
			cl, ch := r.rhs[k]-restHi, r.rhs[k]-restLo
			nl, nh := cl/t.c, ch/t.c
			if t.c < 0 {
				nl, nh = ch/t.c, cl/t.c
			}
			nl -= 1e-9 * max(1, math.Abs(nl))
			nh += 1e-9 * max(1, math.Abs(nh))
			if nl > lo[t.v]+1e-6 || nh < hi[t.v]-1e-6 {
				lo[t.v], hi[t.v] = max(lo[t.v], nl), min(hi[t.v], nh)
				for _, k2 := range byVar[t.v] {
					if !queued[k2] {
						queue, queued[k2] = append(queue, k2), true
					}
				}
				// The row's sums are stale: visit it again later.
				break
			}
		}
	}
	return lo, hi
}

// propagateVisits bounds the work of propagate: visits per row.
const propagateVisits = 30

// termRange is the range of t.c·x over x's bounds.
func termRange(t term, lo, hi []float64) (float64, float64) {
	a, b := t.c*lo[t.v], t.c*hi[t.v]
	if t.c < 0 {
		a, b = b, a
	}
	return a, b
}
