// Package cellkey implements the cell-key method of statistical disclosure
// control for tables of counts of people.
//
// # The method
//
// The cell-key method (CKM) was developed at the Australian Bureau of
// Statistics (Fraser & Wooton 2005; Thompson, Broadfoot & Elazar 2013), was
// used by the Office for National Statistics for the 2021 Census of England and
// Wales, and is recommended by Eurostat for the European 2021 census round.
// It is implemented for R by the sdcTools packages ptable and cellKey
// (https://github.com/sdcTools/ptable).
//
// Every record (person) carries a persistent record key, a uniform random
// integer in [0, KeyModulus) that is drawn once and stored with the record.
// The key of a table cell is the sum of the keys of the records counted in the
// cell, taken modulo KeyModulus and scaled to [0, 1) (see CellKey). The value
// published for the cell is
//
//	published = true count + deviation
//
// where the deviation is read from a perturbation table (ptable, Table): the
// row for the true count is a probability distribution over published values,
// and the cell key selects a published value by inverse CDF: the first value
// whose cumulative probability exceeds the cell key. Because the same set of
// records always gives the same cell key, the same cell always receives the
// same noise, however often and in whatever table it is published, so the
// noise cannot be averaged away by repeated queries. Cells with no records
// (true zeros) have no record keys; ZeroCellKey derives a key for them from a
// secret and the cell's identity instead.
//
// # The perturbation table
//
// A Table is built from Params (Threshold T, MaxDeviation D, Variance V,
// ZeroProbability Z). The mapping to the parameters of sdcTools ptable's
// create_cnt_ptable is D = D, V = V and js = T-1.
//
// Row 0 (a true zero) publishes 0 with probability 1-Z; the remaining
// probability Z is spread uniformly over the published values T, T+1, ..., D.
// Publishing some true zeros as small positive counts protects zeros ("nobody
// in this area has attribute X" would otherwise be certain). This row is an
// extension: ptable's count tables leave zeros unperturbed, which is the case
// Z = 0 here. Row 0 is deliberately biased upwards (by Z·(T+D)/2).
//
// Row i >= 1 has support
//
//	S_i = { j : |j-i| <= D, j >= 0, and j == 0 or j >= T }
//
// so a published value is never in 1..T-1 and never further than D from the
// truth. A small true count (1 <= i < T) is further limited to the values a
// true zero can also take (0 and T..D): otherwise a published value above D
// would prove, to anyone who learns D, that the cell is not empty, and an
// upper bound from differencing would then pin the count between 1 and T-1
// (the attack suite in cmd/abitare finds exactly that without this rule). On S_i the row is the maximum-entropy distribution (Giessing 2016,
// the approach of ptable) with mean exactly i (unbiased noise) and variance
// exactly V:
//
//	p_j ∝ exp(a·(j-i) + b·(j-i)²)
//
// where the Lagrange multipliers a and b are solved numerically by nested
// safeguarded Newton iterations (Newton steps that fall outside the current
// bracket are replaced by bisection, so convergence is guaranteed): for a
// given b, the mean is strictly increasing in a; along the curve of zero-bias
// solutions a(b), the variance is strictly increasing in b.
//
// For small i the variance V can be infeasible together with mean i on S_i;
// for example with the defaults, i = 1 has support {0, 5, 6}, where any
// distribution with mean 1 has variance between 4 and 5. V is treated as
// feasible when minVar + m < V < maxVar - m, where minVar = (i-lo)(hi-i) for
// the nearest support points lo < i < hi (0 if i is in S_i), maxVar =
// (i-min S_i)(max S_i-i), and the margin m = 1e-6·maxVar keeps the solver away
// from the degenerate limits. When V is infeasible the variance constraint is
// dropped and the row is the maximum-entropy distribution with mean i alone
// (b = 0, a solved by safeguarded Newton). Such rows have more variance than V
// (the rows for 1..T-1 must jump to 0 or at least T). If i is an end point of
// S_i (only possible for i = T when D = T-1), the row is a point mass at i.
//
// The last row L is the first i >= 1 whose support is the full, unblocked,
// symmetric range i-D..i+D; that is L = T+D (or L = D when T = 1). True values
// above L use row L shifted, i.e. the deviations of row L. Rows therefore
// returns L+1.
//
// Probabilities are stored as integers out of KeyModulus = 2^31, the same
// resolution as cell keys built from record keys, so every Probability and
// Cumulative is an exact float64 and the last Cumulative of each row is
// exactly 1. The real-valued solution is rounded by the largest-remainder
// method, then a few units are moved between adjacent published values so
// that each row i >= 1 stays exactly unbiased (except in the corner case where
// the support has no two adjacent values, where the remaining bias is below
// T·2^-32). The rounding moves the variance by at most about 1e-6 (1e-8 with
// the defaults). A probability that rounds to zero is dropped from the row.
//
// # References
//
//   - Fraser, B. and Wooton, J. (2005). A proposed method for confidentialising
//     tabular output to protect against differencing. UNECE Work Session on
//     Statistical Data Confidentiality.
//   - Thompson, G., Broadfoot, S. and Elazar, D. (2013). Methodology for the
//     automatic confidentialisation of statistical outputs from remote
//     servers at the Australian Bureau of Statistics. UNECE Work Session on
//     Statistical Data Confidentiality.
//   - Giessing, S. (2016). Computational issues in the design of transition
//     probabilities and disclosure risk estimation for additive noise.
//     Privacy in Statistical Databases, LNCS 9867, doi:10.1007/978-3-319-45381-1_18.
//   - Enderle, T. ptable: Generation of Perturbation Tables for the Cell-Key
//     Method, R package, https://github.com/sdcTools/ptable.
//   - Office for National Statistics (2021). Protecting personal data in
//     Census 2021 results (cell key perturbation).
package cellkey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// KeyModulus is the modulus of record keys and cell keys: record keys are
// uniform integers in [0, KeyModulus), and a cell key is the sum of its record
// keys modulo KeyModulus, divided by KeyModulus. It is also the denominator of
// all probabilities in a Table.
const KeyModulus = 1 << 31

// maxDeviationLimit bounds MaxDeviation. Larger deviations are not meaningful
// for counts of people and the table grows quadratically with D.
const maxDeviationLimit = 100

// Params are the parameters of a perturbation table. See the package
// documentation for how the table is built from them.
type Params struct {
	// Threshold is the smallest publishable positive count (default 5):
	// published values are 0 or >= Threshold, never 1..Threshold-1.
	Threshold int
	// MaxDeviation is D: |published - true| <= D always (default 5).
	MaxDeviation int
	// Variance is the target variance of the deviation (default 3). It is met
	// exactly for all large true values; small values whose support cannot
	// carry it get the maximum-entropy unbiased distribution instead.
	Variance float64
	// ZeroProbability is the probability that a true 0 is published as a
	// positive value in Threshold..MaxDeviation (default 0.1); it protects
	// zeros. 0 leaves zeros unperturbed.
	ZeroProbability float64
}

// DefaultParams returns Threshold 5, MaxDeviation 5, Variance 3 and
// ZeroProbability 0.1.
func DefaultParams() Params {
	return Params{Threshold: 5, MaxDeviation: 5, Variance: 3, ZeroProbability: 0.1}
}

// Validate reports whether p describes a feasible perturbation table. All
// violated constraints are reported (joined with errors.Join); each message
// names the offending field and says why.
func (p Params) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("cellkey: "+format, args...))
	}
	if p.Threshold < 1 {
		bad("Threshold must be >= 1 (it is the smallest publishable positive count), got %d", p.Threshold)
	}
	if p.MaxDeviation < 1 {
		bad("MaxDeviation must be >= 1, got %d", p.MaxDeviation)
	}
	if p.MaxDeviation > maxDeviationLimit {
		bad("MaxDeviation must be <= %d, got %d", maxDeviationLimit, p.MaxDeviation)
	}
	if p.Threshold >= 1 && p.MaxDeviation < p.Threshold {
		bad("MaxDeviation must be >= Threshold = %d so that a small count can be published unbiasedly as 0 or a value from Threshold to MaxDeviation, got %d",
			p.Threshold, p.MaxDeviation)
	}
	if math.IsNaN(p.ZeroProbability) || p.ZeroProbability < 0 || p.ZeroProbability >= 1 {
		bad("ZeroProbability must be in [0, 1), got %v", p.ZeroProbability)
	}
	switch {
	case math.IsNaN(p.Variance) || math.IsInf(p.Variance, 0) || p.Variance <= 0:
		bad("Variance must be a finite number > 0, got %v", p.Variance)
	case p.MaxDeviation >= 1:
		// For large values the support is the full range -D..D, on which a
		// mean-zero distribution has variance strictly below D² (the ±D
		// coin flip).
		d := float64(p.MaxDeviation)
		if !varianceFeasible(p.Variance, 0, d*d) {
			bad("Variance must be below MaxDeviation² = %v (the variance of a ±MaxDeviation coin flip, less a margin of 1e-6·MaxDeviation²), got %v",
				d*d, p.Variance)
		}
	}
	return errors.Join(errs...)
}

// varianceFeasible reports whether variance v lies strictly inside the range
// (minVar, maxVar) of variances of distributions with the required mean, with
// a margin that keeps the maximum-entropy solver away from degenerate limits.
func varianceFeasible(v, minVar, maxVar float64) bool {
	margin := 1e-6 * maxVar
	return v > minVar+margin && v < maxVar-margin
}

// Transition is one possible published value for a true value.
type Transition struct {
	Published   int     // the published value
	Probability float64 // probability of publishing it
	Cumulative  float64 // sum of the probabilities up to and including this one
}

// row is one row of the table, stored as deviations and integer cumulative
// counts out of KeyModulus; cum is the same as float64 (exact).
type row struct {
	dev   []int
	count []int64
	cum   []float64
}

// Table is a perturbation table. It is immutable and safe for concurrent use.
type Table struct {
	params      Params
	rows        []row
	fingerprint string
}

// New validates p and builds its perturbation table.
func New(p Params) (*Table, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	last := lastRow(p)
	t := &Table{params: p, rows: make([]row, last+1)}
	t.rows[0] = zeroRow(p)
	for i := 1; i <= last; i++ {
		r, err := positiveRow(p, i)
		if err != nil {
			return nil, fmt.Errorf("cellkey: row %d: %w", i, err)
		}
		t.rows[i] = r
	}
	t.fingerprint = t.computeFingerprint()
	return t, nil
}

// Params returns the parameters the table was built from.
func (t *Table) Params() Params { return t.params }

// Rows returns the number of distinct rows, for true values 0..Rows()-1;
// larger true values use the last row shifted.
func (t *Table) Rows() int { return len(t.rows) }

// rowFor returns the stored row used for a true value.
func (t *Table) rowFor(value int) *row {
	if value < 0 {
		panic(fmt.Sprintf("cellkey: negative true value %d", value))
	}
	if value >= len(t.rows) {
		return &t.rows[len(t.rows)-1]
	}
	return &t.rows[value]
}

// Perturb returns the published value for a cell with true count value >= 0
// and cell key cellKey in [0, 1): value plus the deviation of the first
// transition of Row(value) whose Cumulative exceeds cellKey. It panics if
// value < 0 or cellKey is not in [0, 1), which are programming errors.
func (t *Table) Perturb(value int, cellKey float64) int {
	if !(cellKey >= 0 && cellKey < 1) {
		panic(fmt.Sprintf("cellkey: cell key %v not in [0, 1)", cellKey))
	}
	r := t.rowFor(value)
	for k, c := range r.cum {
		if c > cellKey {
			return value + r.dev[k]
		}
	}
	// Unreachable: the last cumulative is exactly 1 > cellKey.
	return value + r.dev[len(r.dev)-1]
}

// Row returns the distribution of published values for a true value >= 0, in
// increasing order of Published, omitting values with probability 0. The last
// Cumulative is exactly 1. It panics if value < 0.
func (t *Table) Row(value int) []Transition {
	r := t.rowFor(value)
	out := make([]Transition, len(r.dev))
	for k := range r.dev {
		out[k] = Transition{
			Published:   value + r.dev[k],
			Probability: float64(r.count[k]) / KeyModulus,
			Cumulative:  r.cum[k],
		}
	}
	return out
}

// Possible returns the smallest and largest true values that the table can publish as
// published (a transition of positive probability): what an attacker who knows the table learns
// of a count from its published value alone. ok is false when no true value can give it.
func (t *Table) Possible(published int) (lo, hi int, ok bool) {
	for value := max(0, published-t.maxShift()); value <= published+t.maxShift(); value++ {
		r := t.rowFor(value)
		for k := range r.dev {
			if value+r.dev[k] == published && r.count[k] > 0 {
				if !ok {
					lo, ok = value, true
				}
				hi = value
				break
			}
		}
	}
	return lo, hi, ok
}

// maxShift is the largest distance between a true value and a value it can be published as.
func (t *Table) maxShift() int {
	m := 0
	for _, r := range t.rows {
		for _, d := range r.dev {
			m = max(m, d, -d)
		}
	}
	return m
}

// Fingerprint identifies the table for a release manifest: the first 16 hex
// characters of a SHA-256 over a versioned text encoding of the parameters and
// of every probability (as integer counts out of KeyModulus). Equal tables
// built from equal parameters have equal fingerprints in every run.
func (t *Table) Fingerprint() string { return t.fingerprint }

func (t *Table) computeFingerprint() string {
	var b strings.Builder
	p := t.params
	fmt.Fprintf(&b, "cellkey-ptable-v1\nthreshold=%d\nmaxdeviation=%d\nvariance=%s\nzeroprobability=%s\nmodulus=%d\nrows=%d\n",
		p.Threshold, p.MaxDeviation,
		strconv.FormatFloat(p.Variance, 'g', -1, 64),
		strconv.FormatFloat(p.ZeroProbability, 'g', -1, 64),
		KeyModulus, len(t.rows))
	for i, r := range t.rows {
		b.WriteString(strconv.Itoa(i))
		for k := range r.dev {
			fmt.Fprintf(&b, " %d:%d", r.dev[k], r.count[k])
		}
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])[:16]
}

// CellKey converts a sum of record keys (each in [0, KeyModulus)) into a cell
// key in [0, 1): ((keySum mod KeyModulus) + KeyModulus) mod KeyModulus,
// divided by KeyModulus. Negative sums (e.g. after subtracting the keys of
// removed records) and sums that overflowed into large magnitudes are handled:
// only keySum modulo 2^31 matters, and int64 wrap-around preserves it.
func CellKey(keySum int64) float64 {
	m := keySum % KeyModulus
	if m < 0 {
		m += KeyModulus
	}
	return float64(m) / KeyModulus
}

// ZeroCellKey returns a cell key in [0, 1) for a cell that has no records,
// such as a true zero, which has no record keys to sum. It is the first 53
// bits of HMAC-SHA-256(secret, parts) scaled to [0, 1), where parts (the
// identity of the cell, e.g. table name, area code, category) are encoded
// unambiguously: a domain label, the number of parts, and each part prefixed
// by its length, so ("a", "bc") and ("ab", "c") give unrelated keys. The same
// secret and parts always give the same key; without the secret the key is
// unpredictable. Keep the secret with the record keys.
func ZeroCellKey(secret []byte, parts ...string) float64 {
	mac := hmac.New(sha256.New, secret)
	var buf [binary.MaxVarintLen64]byte
	mac.Write([]byte("cellkey/zero-cell-key/v1\x00"))
	mac.Write(buf[:binary.PutUvarint(buf[:], uint64(len(parts)))])
	for _, s := range parts {
		mac.Write(buf[:binary.PutUvarint(buf[:], uint64(len(s)))])
		mac.Write([]byte(s))
	}
	sum := mac.Sum(nil)
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// allowed reports whether j may be published: j >= 0 and j is 0 or >= T.
func allowed(p Params, j int) bool {
	return j == 0 || j >= p.Threshold
}

// lastRow returns L, the first i >= 1 whose support is the whole unblocked
// range i-D..i+D.
func lastRow(p Params) int {
	for i := 1; ; i++ {
		full := true
		for j := i - p.MaxDeviation; j <= i+p.MaxDeviation; j++ {
			if j < 0 || !allowed(p, j) {
				full = false
				break
			}
		}
		if full {
			return i
		}
	}
}

// zeroRow builds row 0: 0 with probability 1-Z, the rest spread uniformly over
// Threshold..MaxDeviation (the units left over by the integer division go to
// the smallest values).
func zeroRow(p Params) row {
	positive := int64(math.Round(p.ZeroProbability * KeyModulus))
	devs := []int{0}
	counts := []int64{KeyModulus - positive}
	if positive > 0 {
		n := int64(p.MaxDeviation - p.Threshold + 1)
		for k := int64(0); k < n; k++ {
			c := positive / n
			if k < positive%n {
				c++
			}
			devs = append(devs, p.Threshold+int(k))
			counts = append(counts, c)
		}
	}
	return makeRow(devs, counts)
}

// positiveRow builds row i >= 1.
func positiveRow(p Params, i int) (row, error) {
	var devs []int
	for j := max(0, i-p.MaxDeviation); j <= i+p.MaxDeviation; j++ {
		if allowed(p, j) && (i >= p.Threshold || j <= p.MaxDeviation) {
			devs = append(devs, j-i)
		}
	}
	lo, hi := devs[0], devs[len(devs)-1]
	if lo > 0 || hi < 0 {
		return row{}, fmt.Errorf("mean %d is impossible on support %d..%d", i, i+lo, i+hi)
	}
	if lo == 0 || hi == 0 {
		// Mean i at an end of the support forces a point mass at i.
		return makeRow([]int{0}, []int64{KeyModulus}), nil
	}
	d := make([]float64, len(devs))
	for k, v := range devs {
		d[k] = float64(v)
	}

	// Range of variances of distributions on the support with mean i.
	below, above := lo, hi // nearest support deviations <= 0 and >= 0
	for _, v := range devs {
		if v <= 0 {
			below = v
		}
	}
	for k := len(devs) - 1; k >= 0; k-- {
		if devs[k] >= 0 {
			above = devs[k]
		}
	}
	minVar := float64(-below) * float64(above)
	maxVar := float64(-lo) * float64(hi)

	var a, b float64
	if varianceFeasible(p.Variance, minVar, maxVar) {
		var err error
		b, err = solveIncreasing(func(b float64) (float64, float64, error) {
			a, err := solveMean(d, b)
			if err != nil {
				return 0, 0, err
			}
			m := moments(d, a, b)
			// d/db of the variance along the zero-mean curve a(b): the
			// Schur complement Var(d²) - Cov(d,d²)²/Var(d).
			deriv := m.var2 - m.cov12*m.cov12/m.var1
			return m.var1 - p.Variance, deriv, nil
		})
		if err != nil {
			return row{}, fmt.Errorf("variance %v: %w", p.Variance, err)
		}
		if a, err = solveMean(d, b); err != nil {
			return row{}, err
		}
	} else {
		var err error
		if a, err = solveMean(d, 0); err != nil {
			return row{}, err
		}
	}
	return makeRow(devs, quantize(devs, moments(d, a, b).p)), nil
}

// stats holds a distribution p_k ∝ exp(a·d_k + b·d_k²) and its moments.
type stats struct {
	p     []float64
	mean  float64 // E[d]
	var1  float64 // Var(d)
	var2  float64 // Var(d²)
	cov12 float64 // Cov(d, d²)
}

// moments evaluates the exponential-family distribution on d with natural
// parameters a and b, using the log-sum-exp shift for stability.
func moments(d []float64, a, b float64) stats {
	w := make([]float64, len(d))
	wmax := math.Inf(-1)
	for k, x := range d {
		w[k] = a*x + b*x*x
		wmax = max(wmax, w[k])
	}
	var z float64
	for k := range w {
		w[k] = math.Exp(w[k] - wmax)
		z += w[k]
	}
	var s stats
	s.p = w
	for k := range w {
		w[k] /= z
		s.mean += w[k] * d[k]
	}
	var m2 float64
	for k, x := range d {
		m2 += w[k] * x * x
	}
	for k, x := range d {
		c1 := x - s.mean
		c2 := x*x - m2
		s.var1 += w[k] * c1 * c1
		s.var2 += w[k] * c2 * c2
		s.cov12 += w[k] * c1 * c2
	}
	return s
}

// solveMean finds a such that the distribution with parameters (a, b) on d
// has mean 0. The mean is strictly increasing in a with derivative Var(d).
func solveMean(d []float64, b float64) (float64, error) {
	return solveIncreasing(func(a float64) (float64, float64, error) {
		m := moments(d, a, b)
		return m.mean, m.var1, nil
	})
}

// solveIncreasing finds a root of a strictly increasing function f, given its
// value and derivative, by Newton's method safeguarded with a bracket (as in
// Numerical Recipes' rtsafe): a Newton step that would leave the bracket, or
// that would not at least halve the previous step, is replaced by bisection.
// The bracket is found by doubling away from 0.
func solveIncreasing(f func(x float64) (val, deriv float64, err error)) (float64, error) {
	const limit = 1e12
	f0, df0, err := f(0)
	if err != nil || f0 == 0 {
		return 0, err
	}
	lo, hi := 0.0, 0.0 // f(lo) < 0 < f(hi)
	x, fx, dfx := 0.0, f0, df0
	dir := 1.0 // direction in which the root lies
	if f0 > 0 {
		dir = -1
	}
	for step := 1.0; ; step *= 2 {
		if step > limit {
			return 0, errors.New("solver could not bracket the root")
		}
		y := dir * step
		fy, dfy, err := f(y)
		if err != nil || fy == 0 {
			return y, err
		}
		if (fy > 0) == (f0 > 0) {
			x, fx, dfx = y, fy, dfy // same side: still short of the root
			continue
		}
		if fy < 0 {
			lo, hi = y, x
		} else {
			lo, hi = x, y
		}
		break
	}
	// Start in the middle of the bracket (one bisection step).
	x = lo + (hi-lo)/2
	if fx, dfx, err = f(x); err != nil || fx == 0 {
		return x, err
	}
	dx, dxOld := hi-lo, hi-lo
	for iter := 0; iter < 400; iter++ {
		if fx < 0 {
			lo = x
		} else {
			hi = x
		}
		newton := x - fx/dfx
		if !(dfx > 0) || math.IsInf(dfx, 0) || !(newton > lo && newton < hi) ||
			math.Abs(2*fx) > math.Abs(dxOld*dfx) {
			dxOld, dx = dx, (hi-lo)/2
			newton = lo + dx
			if newton == lo || newton == hi {
				return x, nil // bracket exhausted at float precision
			}
		} else {
			dxOld, dx = dx, fx/dfx
			if newton == x {
				return x, nil
			}
		}
		x = newton
		if math.Abs(dx) <= 1e-15*math.Max(1, math.Abs(x)) {
			return x, nil
		}
		if fx, dfx, err = f(x); err != nil || fx == 0 {
			return x, err
		}
	}
	return x, nil
}

// quantize rounds probabilities to integer counts out of KeyModulus by the
// largest-remainder method, then moves units between adjacent support values
// so that the row's mean deviation is exactly 0 where the support allows.
func quantize(devs []int, p []float64) []int64 {
	n := len(p)
	counts := make([]int64, n)
	rem := make([]float64, n)
	var total int64
	for k := range p {
		x := p[k] * KeyModulus
		counts[k] = int64(math.Floor(x))
		rem[k] = x - float64(counts[k])
		total += counts[k]
	}
	for ; total < KeyModulus; total++ {
		best := -1
		for k := range rem {
			if best < 0 || rem[k] > rem[best] {
				best = k
			}
		}
		counts[best]++
		rem[best] = -1
	}
	for ; total > KeyModulus; total-- { // cannot happen, but be exact
		best := 0
		for k := range counts {
			if counts[k] > counts[best] {
				best = k
			}
		}
		counts[best]--
	}

	// Residual bias in units of 1/KeyModulus.
	var r int64
	for k := range counts {
		r += counts[k] * int64(devs[k])
	}
	if r == 0 {
		return counts
	}
	// Smallest gap between adjacent support values; among the pairs with that
	// gap, take the one whose donor has the most mass.
	gap := math.MaxInt
	for k := 0; k+1 < n; k++ {
		gap = min(gap, devs[k+1]-devs[k])
	}
	bestPair, bestMass := -1, int64(-1)
	for k := 0; k+1 < n; k++ {
		if devs[k+1]-devs[k] != gap {
			continue
		}
		donor := counts[k] // r < 0: move mass up from k to k+1
		if r > 0 {
			donor = counts[k+1] // r > 0: move mass down from k+1 to k
		}
		if donor > bestMass {
			bestPair, bestMass = k, donor
		}
	}
	g := int64(gap)
	units := (abs64(r) + g/2) / g // nearest whole number of moves
	units = min(units, bestMass)
	if r > 0 {
		counts[bestPair+1] -= units
		counts[bestPair] += units
	} else {
		counts[bestPair] -= units
		counts[bestPair+1] += units
	}
	return counts
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// makeRow drops zero counts and accumulates the rest.
func makeRow(devs []int, counts []int64) row {
	var r row
	var cum int64
	for k := range devs {
		if counts[k] == 0 {
			continue
		}
		cum += counts[k]
		r.dev = append(r.dev, devs[k])
		r.count = append(r.count, counts[k])
		r.cum = append(r.cum, float64(cum)/KeyModulus)
	}
	return r
}
