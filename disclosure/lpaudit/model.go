package lpaudit

import (
	"errors"
	"fmt"
	"math"
)

// Model is what the attacker knows: every variable (a count) lies in [Lo[j], Hi[j]] (Hi may be
// +Inf, Lo may be -Inf; Lo == Hi for a shown count) and every row holds exactly.
//
// X, when not nil, is a solution (the true counts): a value per variable within its bounds
// that satisfies every row (to 1e-9 relative). Ranges searches around it; without it, Ranges
// first solves a programme per component to find one, which on a large table costs more than
// the rest.
type Model struct {
	Lo, Hi []float64
	Rows   []Row
	X      []float64
}

// Row is the equation Σ Coef[k]·x[Vars[k]] = RHS. A variable named twice counts with the sum
// of its coefficients.
type Row struct {
	Vars []int
	Coef []float64
	RHS  float64
}

// Target is a withheld count whose range is wanted, and its true value. When the model has
// its solution X, Truth must agree with it (a check that the caller's tables line up); what
// Ranges reports rests only on the model and the solutions the solver finds.
type Target struct {
	Var   int
	Truth int
}

// Range is what the attacker learns of one target: the least and greatest value a real
// solution of the model gives it, and how many integers lie in between (Values, the integers
// in [ceil(Min-1e-6), floor(Max+1e-6)], math.MaxInt when that is unbounded).
//
// When Exact, Min and Max are the optima of the linear programmes (rounded to an integer
// within 1e-6, else to 9 decimals). Otherwise the target was proven to hold at least need
// values without solving to optimality: Min and Max are values it takes in solutions the
// solver found (the true minimum is at most Min, the true maximum at least Max) and Values >=
// need. Every target with Values < need is Exact, or Failed.
//
// Failed: the solver settled neither the target's range nor that it holds need values (GLPK's
// simplex method stalled on every path it was given, see glpk.go). Min and Max are values the
// target takes in solutions found, Values may be below need, and the target is not proven
// safe: callers must treat it as narrowed. One target's failure is not an error of the call.
type Range struct {
	Min, Max float64
	Values   int
	Exact    bool
	Failed   bool
}

// ErrInfeasible is wrapped by the error of a model no point satisfies: the relations
// disagree with the shown counts or the bounds.
var ErrInfeasible = errors.New("lpaudit: the model has no solution")

// tol is the tolerance of the integer count of a range (Range.Values).
const tol = 1e-6

// countValues is the number of integers in [ceil(lo-tol), floor(hi+tol)].
func countValues(lo, hi float64) int {
	if math.IsInf(hi, 1) || math.IsInf(lo, -1) {
		return math.MaxInt
	}
	n := math.Floor(hi+tol) - math.Ceil(lo-tol) + 1
	if n < 0 {
		return 0
	}
	if n > math.MaxInt32 {
		return math.MaxInt
	}
	return int(n)
}

// validate reports the first malformed part of a model and its targets.
func validate(m Model, targets []Target, need int) error {
	n := len(m.Lo)
	if len(m.Hi) != n {
		return fmt.Errorf("lpaudit: %d lower bounds and %d upper bounds: want one of each per variable", n, len(m.Hi))
	}
	for j := range n {
		lo, hi := m.Lo[j], m.Hi[j]
		switch {
		case math.IsNaN(lo) || math.IsNaN(hi):
			return fmt.Errorf("lpaudit: variable %d has a NaN bound", j)
		case math.IsInf(lo, 1) || math.IsInf(hi, -1):
			return fmt.Errorf("lpaudit: variable %d has bounds [%g, %g]: Lo may not be +Inf nor Hi -Inf", j, lo, hi)
		case lo > hi:
			return fmt.Errorf("%w: variable %d has bounds [%g, %g]", ErrInfeasible, j, lo, hi)
		}
	}
	for k, r := range m.Rows {
		if len(r.Coef) != len(r.Vars) {
			return fmt.Errorf("lpaudit: row %d has %d variables and %d coefficients", k, len(r.Vars), len(r.Coef))
		}
		if math.IsNaN(r.RHS) || math.IsInf(r.RHS, 0) {
			return fmt.Errorf("lpaudit: row %d has right-hand side %g", k, r.RHS)
		}
		for i, v := range r.Vars {
			if v < 0 || v >= n {
				return fmt.Errorf("lpaudit: row %d names variable %d of %d", k, v, n)
			}
			if c := r.Coef[i]; math.IsNaN(c) || math.IsInf(c, 0) {
				return fmt.Errorf("lpaudit: row %d has coefficient %g for variable %d", k, c, v)
			}
		}
	}
	for i, t := range targets {
		if t.Var < 0 || t.Var >= n {
			return fmt.Errorf("lpaudit: target %d names variable %d of %d", i, t.Var, n)
		}
		if tv := float64(t.Truth); tv < m.Lo[t.Var] || tv > m.Hi[t.Var] {
			return fmt.Errorf("lpaudit: target %d (variable %d) has true value %d outside its bounds [%g, %g]", i, t.Var, t.Truth, m.Lo[t.Var], m.Hi[t.Var])
		}
	}
	if need < 1 {
		return fmt.Errorf("lpaudit: need %d: want at least 1", need)
	}
	return nil
}

// Sum is the relation Whole = Σ Parts between the counts of a table (the shape of
// secondary.Equation).
type Sum struct {
	Whole int
	Parts []int
}

// FromSums builds the model an attacker has of a table of counts: count i is a variable, fixed
// at values[i] when shown[i], otherwise known only to be at least floor[i] (1 for a withheld
// count, since zeros are always shown; 0 for a count never shown on its own). floor nil means
// 1 for every count that is not shown. Each sum is a row Whole - Σ Parts = 0. The sums must
// hold on the values, which are the model's solution X.
func FromSums(values []int, shown []bool, floor []int, sums []Sum) (Model, error) {
	n := len(values)
	if len(shown) != n || (floor != nil && len(floor) != n) {
		return Model{}, fmt.Errorf("lpaudit: %d values, %d shown flags and %d floors: want one of each per count", n, len(shown), len(floor))
	}
	m := Model{Lo: make([]float64, n), Hi: make([]float64, n), Rows: make([]Row, len(sums)), X: make([]float64, n)}
	for i, v := range values {
		m.X[i] = float64(v)
		switch {
		case shown[i]:
			m.Lo[i], m.Hi[i] = float64(v), float64(v)
		case floor == nil:
			m.Lo[i], m.Hi[i] = 1, math.Inf(1)
		default:
			m.Lo[i], m.Hi[i] = float64(floor[i]), math.Inf(1)
		}
		if !shown[i] && v < int(m.Lo[i]) {
			return Model{}, fmt.Errorf("lpaudit: count %d is %d, below its floor %g", i, v, m.Lo[i])
		}
	}
	for k, s := range sums {
		r := Row{Vars: make([]int, 0, len(s.Parts)+1), Coef: make([]float64, 0, len(s.Parts)+1)}
		r.Vars, r.Coef = append(r.Vars, s.Whole), append(r.Coef, 1)
		sum := 0
		for _, p := range s.Parts {
			if p < 0 || p >= n {
				return Model{}, fmt.Errorf("lpaudit: sum %d names count %d of %d", k, p, n)
			}
			r.Vars, r.Coef = append(r.Vars, p), append(r.Coef, -1)
			sum += values[p]
		}
		if s.Whole < 0 || s.Whole >= n {
			return Model{}, fmt.Errorf("lpaudit: sum %d names count %d of %d", k, s.Whole, n)
		}
		if sum != values[s.Whole] {
			return Model{}, fmt.Errorf("lpaudit: sum %d does not hold: count %d is %d, its parts sum to %d", k, s.Whole, values[s.Whole], sum)
		}
		m.Rows[k] = r
	}
	return m, nil
}
