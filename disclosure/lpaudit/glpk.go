package lpaudit

// A small cgo wrapper around GLPK's simplex solver (Debian's libglpk-dev, GLPK 5.0): only what
// Ranges needs. GLPK keeps its environment (memory pool, terminal hooks) in thread-local
// storage, so a problem must be created, solved and deleted on one OS thread: every user of
// this file holds runtime.LockOSThread for a problem's whole life (see onThread). GLPK aborts
// the process on invalid input (an index out of range, a duplicate matrix element), so the
// callers validate everything before it gets here.

/*
#cgo LDFLAGS: -lglpk
#include <glpk.h>
#include <math.h>

// lpa_type is the GLPK bound type of [lo, hi]; infinite ends are absent bounds.
static int lpa_type(double lo, double hi) {
	int hasLo = !isinf(lo), hasHi = !isinf(hi);
	if (hasLo && hasHi) return lo == hi ? GLP_FX : GLP_DB;
	if (hasLo) return GLP_LO;
	if (hasHi) return GLP_UP;
	return GLP_FR;
}

static void lpa_col_bnds(glp_prob *P, int j, double lo, double hi) {
	glp_set_col_bnds(P, j, lpa_type(lo, hi), isinf(lo) ? 0 : lo, isinf(hi) ? 0 : hi);
}

// lpa_cols sets the bounds of columns first..first+n-1.
static void lpa_cols(glp_prob *P, int first, int n, const double *lo, const double *hi) {
	for (int k = 0; k < n; k++) lpa_col_bnds(P, first + k, lo[k], hi[k]);
}

// lpa_rows sets the bounds of rows first..first+n-1.
static void lpa_rows(glp_prob *P, int first, int n, const double *lo, const double *hi) {
	for (int k = 0; k < n; k++)
		glp_set_row_bnds(P, first + k, lpa_type(lo[k], hi[k]), isinf(lo[k]) ? 0 : lo[k], isinf(hi[k]) ? 0 : hi[k]);
}

// lpa_prims reads the primal values of n columns (numbered from 0).
static void lpa_prims(glp_prob *P, int n, const int *cols, double *out) {
	for (int k = 0; k < n; k++) out[k] = glp_get_col_prim(P, cols[k] + 1);
}

// lpa_held writes to out the columns of cols (numbered from 0) whose reduced cost exceeds tol
// in absolute value, and returns how many.
static int lpa_held(glp_prob *P, int n, const int *cols, double tol, int *out) {
	int k = 0;
	for (int i = 0; i < n; i++)
		if (fabs(glp_get_col_dual(P, cols[i] + 1)) > tol) out[k++] = cols[i];
	return k;
}

// lpa_simplex solves from the current basis (a warm start: GLPK's presolver, which would
// discard it, is off), in at most it_lim iterations; a basis that cannot be factorised is
// replaced by a crash basis, then by the standard one. When the iterations run out (the
// method stalls on a degenerate vertex) or presolve is set, it solves from scratch through
// GLPK's presolver, which takes another path. When that fails too, it tries other paths in
// turn (lpa_retry), and last GLPK's simplex method in exact rational arithmetic. Infeasible
// and unbounded problems come out as a status, not a return code; a problem none of these
// settles comes out as the last attempt's return code (GLP_EITLIM, GLP_ETMLIM, ...).
static int lpa_retry(glp_prob *P, glp_smcp *parm, int basis, int meth, int pricing, int r_test) {
	if (basis == 0) glp_std_basis(P); else glp_adv_basis(P, 0);
	parm->presolve = GLP_OFF;
	parm->meth = meth;
	parm->pricing = pricing;
	parm->r_test = r_test;
	return glp_simplex(P, parm);
}

static int lpa_simplex(glp_prob *P, int meth, int presolve, int it_lim, int *status) {
	glp_smcp parm;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.meth = meth;
	int ret = GLP_EITLIM;
	if (!presolve) {
		parm.it_lim = it_lim;
		ret = glp_simplex(P, &parm);
		if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
			glp_adv_basis(P, 0);
			ret = glp_simplex(P, &parm);
			if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
				glp_std_basis(P);
				ret = glp_simplex(P, &parm);
			}
		}
	}
	if (ret == GLP_EITLIM) {
		parm.presolve = GLP_ON;
		parm.it_lim = 20 * it_lim;
		ret = glp_simplex(P, &parm);
		if (ret == GLP_ENOPFS) {
			*status = GLP_NOFEAS;
			return 0;
		}
		if (ret == GLP_ENODFS) {
			*status = GLP_UNBND;
			return 0;
		}
	}
	// Other paths: the other method from the standard basis with Dantzig's pricing, then the
	// dual method from a crash basis with the textbook ratio test; each within its budget.
	if (ret != 0) {
		parm.it_lim = 20 * it_lim;
		parm.tm_lim = 60000;
		ret = lpa_retry(P, &parm, 0, meth == GLP_PRIMAL ? GLP_DUALP : GLP_PRIMAL, GLP_PT_STD, GLP_RT_HAR);
	}
	if (ret != 0) {
		ret = lpa_retry(P, &parm, 1, GLP_DUALP, GLP_PT_PSE, GLP_RT_STD);
	}
	if (ret != 0) {
		// Exact arithmetic cannot be misled by rounding; it is slow, so it gets a time limit.
		glp_std_basis(P);
		parm.tm_lim = 20000;
		ret = glp_exact(P, &parm);
	}
	*status = glp_get_status(P);
	return ret;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// onThread runs f locked to one OS thread, on which it may use GLPK, and releases that
// thread's GLPK environment afterwards.
func onThread(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer C.glp_free_env()
	C.glp_term_out(C.GLP_OFF)
	f()
}

// onThreads calls work(k) for every k in 0..n-1 on up to GOMAXPROCS goroutines, each locked to
// an OS thread on which it may use GLPK (onThread); start makes a goroutine's work function, with
// any state of its own. It returns when every k is done.
func onThreads(n int, start func() func(k int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			onThread(func() {
				work := start()
				for k := range next {
					work(k)
				}
			})
		}()
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
}

// lp is one GLPK problem; columns and rows are numbered from 0 here (from 1 in GLPK).
type lp struct{ p *C.glp_prob }

// newLP creates an empty problem. Call it inside onThread, and free it there.
func newLP() *lp { return &lp{p: C.glp_create_prob()} }

func (l *lp) free() { C.glp_delete_prob(l.p) }

// addCols appends columns with bounds [lo[k], hi[k]] and returns the index of the first.
func (l *lp) addCols(lo, hi []float64) int {
	if len(lo) == 0 {
		return int(C.glp_get_num_cols(l.p))
	}
	first := int(C.glp_add_cols(l.p, C.int(len(lo))))
	C.lpa_cols(l.p, C.int(first), C.int(len(lo)), (*C.double)(&lo[0]), (*C.double)(&hi[0]))
	return first - 1
}

// addRows appends rows whose value (Σ coef·x) is bounded by [lo[k], hi[k]].
func (l *lp) addRows(lo, hi []float64) int {
	if len(lo) == 0 {
		return int(C.glp_get_num_rows(l.p))
	}
	first := int(C.glp_add_rows(l.p, C.int(len(lo))))
	C.lpa_rows(l.p, C.int(first), C.int(len(lo)), (*C.double)(&lo[0]), (*C.double)(&hi[0]))
	return first - 1
}

// loadMatrix replaces the constraint matrix by the elements (row[k], col[k]) = val[k]; no
// element may appear twice.
func (l *lp) loadMatrix(row, col []int, val []float64) {
	ne := len(val)
	ia, ja := make([]C.int, ne+1), make([]C.int, ne+1)
	ar := make([]C.double, ne+1)
	for k := range val {
		ia[k+1], ja[k+1], ar[k+1] = C.int(row[k]+1), C.int(col[k]+1), C.double(val[k])
	}
	C.glp_load_matrix(l.p, C.int(ne), &ia[0], &ja[0], &ar[0])
}

// setRow sets the elements of row i: (i, cols[k]) = vals[k]; no column may appear twice.
func (l *lp) setRow(i int, cols []int, vals []float64) {
	ind, val := make([]C.int, len(cols)+1), make([]C.double, len(cols)+1)
	for k := range cols {
		ind[k+1], val[k+1] = C.int(cols[k]+1), C.double(vals[k])
	}
	C.glp_set_mat_row(l.p, C.int(i+1), C.int(len(cols)), &ind[0], &val[0])
}

// setCol sets the bounds of column j.
func (l *lp) setCol(j int, lo, hi float64) {
	C.lpa_col_bnds(l.p, C.int(j+1), C.double(lo), C.double(hi))
}

// setObj sets the objective coefficient of column j.
func (l *lp) setObj(j int, c float64) { C.glp_set_obj_coef(l.p, C.int(j+1), C.double(c)) }

// maximize sets the direction of the objective.
func (l *lp) maximize(max bool) {
	if max {
		C.glp_set_obj_dir(l.p, C.GLP_MAX)
	} else {
		C.glp_set_obj_dir(l.p, C.GLP_MIN)
	}
}

// adviseBasis replaces the basis by GLPK's crash basis (a better start than all slacks).
func (l *lp) adviseBasis() { C.glp_adv_basis(l.p, 0) }

// solution is what a solve ended with.
type solution int

const (
	optimal solution = iota
	infeasible
	unbounded
)

// method is how a programme is solved.
type method int

const (
	// warm: the primal simplex method from the current basis, for a basis that is feasible
	// (or nearly) after the objective changed.
	warm method = iota
	// dual: the dual simplex method from the current basis (then the primal if it fails),
	// for a first solve with a zero objective, where every basis is dual feasible.
	dual
	// fresh: from scratch through GLPK's presolver; the reference solves of the tests.
	fresh
)

// errStall is the error of a programme that GLPK's simplex method did not settle by any of
// the paths lpa_simplex tries.
var errStall = errors.New("lpaudit: GLPK's simplex method stalls")

// iterLimit, when positive, replaces the iteration budget of every attempt: the tests set it
// to make the solver fail.
var iterLimit = 0

// solve runs the simplex method.
func (l *lp) solve(how method) (solution, error) {
	var status C.int
	meth, presolve := C.int(C.GLP_PRIMAL), how == fresh
	if how == dual {
		meth = C.GLP_DUALP
	}
	ps := C.int(0)
	if presolve {
		ps = 1
	}
	// Enough for any solve seen; a solve that needs more is stalling (see lpa_simplex).
	itLim := 5000 + int(C.glp_get_num_rows(l.p)+C.glp_get_num_cols(l.p))
	if iterLimit > 0 {
		itLim = iterLimit
	}
	ret := C.lpa_simplex(l.p, meth, ps, C.int(itLim), &status)
	switch {
	case ret == C.GLP_EITLIM || ret == C.GLP_ETMLIM:
		return 0, fmt.Errorf("%w (%d rows, %d columns)", errStall, int(C.glp_get_num_rows(l.p)), int(C.glp_get_num_cols(l.p)))
	case ret != 0:
		return 0, fmt.Errorf("lpaudit: GLPK simplex failed (glp_simplex returned %d)", int(ret))
	}
	switch status {
	case C.GLP_OPT:
		return optimal, nil
	case C.GLP_NOFEAS:
		return infeasible, nil
	case C.GLP_UNBND:
		return unbounded, nil
	}
	return 0, fmt.Errorf("lpaudit: GLPK simplex ended with status %d", int(status))
}

// prims reads the values of columns cols (numbered from 0) into out.
func (l *lp) prims(cols []int32, out []float64) {
	if len(cols) > 0 {
		C.lpa_prims(l.p, C.int(len(cols)), (*C.int)(unsafe.Pointer(&cols[0])), (*C.double)(&out[0]))
	}
}

// prim is the value of column j.
func (l *lp) prim(j int) float64 { return float64(C.glp_get_col_prim(l.p, C.int(j+1))) }

// held appends to out the columns of cols whose reduced cost exceeds tol in absolute value.
func (l *lp) held(cols []int32, tol float64, out []int32) []int32 {
	if len(cols) == 0 {
		return out
	}
	start := len(out)
	out = append(out, make([]int32, len(cols))...)
	k := C.lpa_held(l.p, C.int(len(cols)), (*C.int)(unsafe.Pointer(&cols[0])), C.double(tol), (*C.int)(unsafe.Pointer(&out[start])))
	return out[:start+int(k)]
}

// rowDual is the dual value of row i in the last solution.
func (l *lp) rowDual(i int) float64 { return float64(C.glp_get_row_dual(l.p, C.int(i+1))) }

// objective is the objective's value.
func (l *lp) objective() float64 { return float64(C.glp_get_obj_val(l.p)) }
