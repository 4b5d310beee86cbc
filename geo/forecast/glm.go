package forecast

import (
	"errors"
	"fmt"
	"math"
)

// glmMinLength is the fewest quarters the trend GLM is fitted to.
const glmMinLength = 8

// glmRidge is the precision of a weak normal prior, N(0, 1), on every
// coefficient but the intercept (the slope per quarter and the seasonal
// effects, on the log scale). It changes nothing on ordinary data, where the
// likelihood's information is in the hundreds or more, but keeps the fit
// finite when the data cannot identify a coefficient: an area whose only
// positive counts are in its last quarter would otherwise have a slope
// running to +∞ (the Poisson MLE does not exist).
const glmRidge = 1.0

// IRLS settings: the iteration stops when no coefficient moves by more than
// irlsTol·(1+|β_j|), the usual convergence in a handful of iterations.
const (
	irlsTol     = 1e-10
	irlsMaxIter = 100
)

// glmData is the training window of one series in the form the GLM needs:
// counts y, offsets log e_t (+ a borrowed seasonal effect), time tc measured
// from the last observed quarter (so the intercept is the log rate of the
// last quarter) and the quarter of the year q = t mod 4 of each observation.
type glmData struct {
	y, off, tc []float64
	q          []int
	last       int     // index of the last observed quarter in the series
	exposure   float64 // exposure of the last quarter, used for the future ones
	total      float64 // total exposure of the window
}

// glmFit is the result of one (penalised) IRLS fit.
type glmFit struct {
	beta  []float64
	inv   [][]float64 // (XᵀWX + P)⁻¹ at the solution
	mu    []float64
	x     [][]float64
	iters int
	// pearson is Pearson's X² = Σ (y-μ)²/μ, df = n - p its degrees of freedom.
	pearson float64
	df      int
}

// dispersion is Pearson's X²/df, the quasi-Poisson dispersion of R's
// summary.glm (not floored).
func (f *glmFit) dispersion() float64 { return f.pearson / float64(f.df) }

// irls maximises the Poisson log-likelihood of log μ = Xβ + off, minus
// ½ Σ ridge_j β_j², by iteratively reweighted least squares (Newton's method
// with the canonical log link; McCullagh & Nelder 1989, §2.5), with step
// halving whenever the penalised objective would worsen.
func irls(x [][]float64, y, off, ridge []float64) (*glmFit, error) {
	n, p := len(y), len(x[0])
	beta := make([]float64, p)
	sy, se := 0.0, 0.0
	for i := range y {
		sy += y[i]
		se += math.Exp(off[i])
	}
	if !(sy > 0) {
		return nil, errors.New("no positive count")
	}
	beta[0] = math.Log(sy / se) // the intercept-only solution
	mu := make([]float64, n)
	objective := func(b []float64) float64 {
		obj := 0.0
		for i := range y {
			eta := dot(x[i], b) + off[i]
			obj += math.Exp(eta) - y[i]*eta
		}
		for j := range b {
			obj += 0.5 * ridge[j] * b[j] * b[j]
		}
		return obj
	}
	setMu := func(b []float64) {
		for i := range y {
			mu[i] = math.Max(math.Exp(dot(x[i], b)+off[i]), 1e-300)
		}
	}
	obj := objective(beta)
	var inv [][]float64
	for it := 1; it <= irlsMaxIter; it++ {
		setMu(beta)
		// Newton step: (XᵀWX + P) δ = Xᵀ(y - μ) - Pβ, W = diag(μ).
		h := newMatrix(p)
		g := make([]float64, p)
		for i := range y {
			for j := 0; j < p; j++ {
				g[j] += x[i][j] * (y[i] - mu[i])
				for k := 0; k <= j; k++ {
					h[j][k] += x[i][j] * mu[i] * x[i][k]
				}
			}
		}
		for j := 0; j < p; j++ {
			h[j][j] += ridge[j]
			g[j] -= ridge[j] * beta[j]
			for k := 0; k < j; k++ {
				h[k][j] = h[j][k]
			}
		}
		var err error
		if inv, err = invertSPD(h); err != nil {
			return nil, fmt.Errorf("IRLS iteration %d: %w", it, err)
		}
		step := mulVec(inv, g)
		next := make([]float64, p)
		for halve := 0; ; halve++ {
			for j := range next {
				next[j] = beta[j] + step[j]
			}
			if o := objective(next); o <= obj+1e-12*math.Abs(obj) || halve == 30 {
				obj = o
				break
			}
			for j := range step {
				step[j] /= 2
			}
		}
		moved := false
		for j := range beta {
			if math.Abs(next[j]-beta[j]) > irlsTol*(1+math.Abs(beta[j])) {
				moved = true
			}
		}
		beta = next
		if !moved {
			setMu(beta)
			f := &glmFit{beta: beta, mu: mu, x: x, iters: it, df: n - p}
			// The covariance at the solution.
			if f.inv, err = glmInverse(x, mu, ridge); err != nil {
				return nil, err
			}
			for i := range y {
				d := y[i] - mu[i]
				f.pearson += d * d / mu[i]
			}
			return f, nil
		}
	}
	return nil, fmt.Errorf("IRLS did not converge in %d iterations", irlsMaxIter)
}

// glmInverse returns (XᵀWX + P)⁻¹ with W = diag(μ).
func glmInverse(x [][]float64, mu, ridge []float64) ([][]float64, error) {
	p := len(x[0])
	h := newMatrix(p)
	for i := range x {
		for j := 0; j < p; j++ {
			for k := 0; k < p; k++ {
				h[j][k] += x[i][j] * mu[i] * x[i][k]
			}
		}
	}
	for j := range h {
		h[j][j] += ridge[j]
	}
	return invertSPD(h)
}

// glmModel is a fitted trend GLM of one series, ready to forecast:
//
//	log μ_t = log e_t + s(q_t) + α + b·tc + Σ_q γ_q [q_t = q]
//
// with s the borrowed seasonal effects (zero when none) and γ the own ones
// (quarters 1..3 of the year, quarter 0 the reference). beta holds
// (α, b, γ1, γ2, γ3) as far as the model has them; cov is their covariance,
// φ·(XᵀWX + P)⁻¹, or the shrunk covariance.
type glmModel struct {
	data      glmData
	trend     bool
	ownSeason bool
	borrowed  [4]float64
	beta      []float64
	cov       [][]float64
	phi       float64 // dispersion used for prediction, max(1, X²/df)
	zero      bool    // no positive count in the window: see zeroSteps
}

// design returns the design row of an observation at time tc in quarter q.
func (g *glmModel) design(tc float64, q int) []float64 {
	row := []float64{1}
	if g.trend {
		row = append(row, tc)
	}
	if g.ownSeason {
		for k := 1; k <= 3; k++ {
			row = append(row, indicator(q == k))
		}
	}
	return row
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// slope returns the fitted slope per quarter and its variance.
func (g *glmModel) slope() (b, v float64) { return g.beta[1], g.cov[1][1] }

// season returns the seasonal effects of the model, borrowed and own, that
// its children borrow.
func (g *glmModel) season() [4]float64 {
	s := g.borrowed
	if g.ownSeason {
		for q := 1; q <= 3; q++ {
			s[q] += g.beta[1+q]
		}
	}
	return s
}

// glmWindow extracts the training window of s: the last w quarters (all if
// w is 0), with the borrowed seasonal effects added to the offsets.
func glmWindow(s *Series, w int, borrowed [4]float64) glmData {
	n := s.Len()
	start := 0
	if w > 0 && w < n {
		start = n - w
	}
	d := glmData{last: n - 1, exposure: s.Exposure[n-1]}
	for t := start; t < n; t++ {
		q := t % 4
		d.y = append(d.y, s.Counts[t])
		d.off = append(d.off, math.Log(s.Exposure[t])+borrowed[q])
		d.tc = append(d.tc, float64(t-(n-1)))
		d.q = append(d.q, q)
		d.total += s.Exposure[t]
	}
	return d
}

// fitOwn fits the GLM to one series without shrinkage.
func fitOwn(s *Series, m Method, borrowed *[4]float64) (*glmModel, error) {
	g := &glmModel{trend: true, ownSeason: m.Seasonal && borrowed == nil}
	if borrowed != nil {
		g.borrowed = *borrowed
	}
	g.data = glmWindow(s, m.Window, g.borrowed)
	if sum(g.data.y) == 0 {
		g.zero = true
		return g, nil
	}
	x := make([][]float64, len(g.data.y))
	for i := range x {
		x[i] = g.design(g.data.tc[i], g.data.q[i])
	}
	f, err := irls(x, g.data.y, g.data.off, ridgeFor(len(x[0])))
	if err != nil {
		return nil, fmt.Errorf("forecast: %s: %s: %w", m.Name(), s.name(), err)
	}
	g.beta = f.beta
	g.phi = math.Max(1, f.dispersion())
	g.cov = scaled(f.inv, g.phi)
	return g, nil
}

// ridgeFor is the prior precision vector: none on the intercept, glmRidge on
// the rest.
func ridgeFor(p int) []float64 {
	r := make([]float64, p)
	for j := 1; j < p; j++ {
		r[j] = glmRidge
	}
	return r
}

func scaled(a [][]float64, c float64) [][]float64 {
	out := newMatrix(len(a))
	for i := range a {
		for j := range a[i] {
			out[i][j] = c * a[i][j]
		}
	}
	return out
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// withSlope refits the model's other coefficients with the slope fixed at b,
// whose variance is vb, and returns the model with the joint covariance:
// the refitted coefficients β_a(b) move with the slope by
// dβ_a/db = -(X_aᵀWX_a + P)⁻¹ X_aᵀW tc, so with g = (dβ_a/db, 1) in the
// layout of beta, cov = φ (X_aᵀWX_a + P)⁻¹ (padded) + g gᵀ vb.
func (g *glmModel) withSlope(b, vb float64) (*glmModel, error) {
	a := &glmModel{data: g.data, ownSeason: g.ownSeason, borrowed: g.borrowed, phi: g.phi}
	off := make([]float64, len(g.data.off))
	x := make([][]float64, len(off))
	for i := range off {
		off[i] = g.data.off[i] + b*g.data.tc[i]
		x[i] = a.design(g.data.tc[i], g.data.q[i])
	}
	f, err := irls(x, g.data.y, off, ridgeFor(len(x[0])))
	if err != nil {
		return nil, err
	}
	// XᵀW tc and the sensitivity of β_a to b.
	xwt := make([]float64, len(x[0]))
	for i := range x {
		for j := range xwt {
			xwt[j] += x[i][j] * f.mu[i] * g.data.tc[i]
		}
	}
	sens := mulVec(f.inv, xwt)
	// Full layout: α, b, γ...
	p := len(f.beta) + 1
	full := func(v []float64, slope float64) []float64 {
		return append([]float64{v[0], slope}, v[1:]...)
	}
	a.trend = true
	a.beta = full(f.beta, b)
	grad := full(negate(sens), 1)
	a.cov = newMatrix(p)
	fi := func(j int) int { // index in the refit's layout, -1 for the slope
		switch {
		case j == 0:
			return 0
		case j == 1:
			return -1
		}
		return j - 1
	}
	for j := 0; j < p; j++ {
		for k := 0; k < p; k++ {
			c := grad[j] * grad[k] * vb
			if fj, fk := fi(j), fi(k); fj >= 0 && fk >= 0 {
				c += a.phi * f.inv[fj][fk]
			}
			a.cov[j][k] = c
		}
	}
	return a, nil
}

func negate(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}

// glmHierarchy fits the GLM to every series and, recursively, to every
// parent, each parent once (cache). Parents are fitted first: a series with a
// parent borrows the parent's seasonal effects (when m.Seasonal) and, with
// m.Shrink, has its slope shrunk toward the parent's slope.
func glmHierarchy(areas []*Series, m Method, cache map[*Series]*glmModel) ([]*glmModel, error) {
	var parents []*Series
	seen := map[*Series]bool{}
	for _, s := range areas {
		if p := s.Parent; p != nil && !seen[p] {
			seen[p] = true
			if _, done := cache[p]; !done {
				parents = append(parents, p)
			}
		}
	}
	if len(parents) > 0 {
		if _, err := glmHierarchy(parents, m, cache); err != nil {
			return nil, err
		}
	}
	models := make([]*glmModel, len(areas))
	for i, s := range areas {
		var borrowed *[4]float64
		if p := s.Parent; m.Seasonal && p != nil && !cache[p].zero {
			sp := cache[p].season()
			borrowed = &sp
		}
		var err error
		if models[i], err = fitOwn(s, m, borrowed); err != nil {
			return nil, err
		}
	}
	if m.Shrink {
		if err := shrinkSlopes(areas, models, cache); err != nil {
			return nil, fmt.Errorf("forecast: %s: %w", m.Name(), err)
		}
	}
	for i, s := range areas {
		cache[s] = models[i]
	}
	return models, nil
}

// shrinkSlopes shrinks each slope toward its parent's by empirical Bayes.
// With d_i = b_i - b_p(i) and v_i = Var(b_i) + Var(b_p(i)) over the k series
// that have a parent (and positive counts), the between-area variance of the
// slopes about their parents' is the moment estimate
//
//	Q  = Σ d_i² / v_i
//	τ² = max(0, (Q - k) / Σ 1/v_i)
//
// (E[Q] = k + τ² Σ 1/v_i when the targets are known; the DerSimonian & Laird
// 1986 estimator with known means). Each slope becomes
//
//	w_i = τ² / (τ² + Var(b_i)),  b̃_i = b_p + w_i (b_i - b_p)
//
// with variance w_i Var(b_i) + (1-w_i)² Var(b_p) (the normal-normal
// posterior, plus the parent's own uncertainty). A precise slope (a large
// area) keeps its own trend; a noisy one (a small area) takes its parent's.
// The intercept is then refitted given b̃_i. With fewer than three such
// series τ² cannot be estimated and nothing is shrunk.
func shrinkSlopes(areas []*Series, models []*glmModel, cache map[*Series]*glmModel) error {
	var idx []int
	q, sw := 0.0, 0.0
	for i, s := range areas {
		if s.Parent == nil || models[i].zero || cache[s.Parent].zero {
			continue
		}
		b, v := models[i].slope()
		bp, vp := cache[s.Parent].slope()
		d, vv := b-bp, v+vp
		q += d * d / vv
		sw += 1 / vv
		idx = append(idx, i)
	}
	k := len(idx)
	if k < 3 {
		return nil
	}
	tau2 := math.Max(0, (q-float64(k))/sw)
	for _, i := range idx {
		b, v := models[i].slope()
		bp, vp := cache[areas[i].Parent].slope()
		w := tau2 / (tau2 + v)
		shrunk, err := models[i].withSlope(bp+w*(b-bp), w*v+(1-w)*(1-w)*vp)
		if err != nil {
			return fmt.Errorf("%s: refit with the shrunk slope: %w", areas[i].name(), err)
		}
		models[i] = shrunk
	}
	return nil
}

// steps forecasts 1..h quarters ahead. The point is the fitted rate
// exp(η̂_h); the interval is that of the count y at the last exposure e:
// with η̂_h ~ N(η_h, s²), s² = x_hᵀ cov x_h (parameter uncertainty), and
// Var(y | μ) = φμ (quasi-Poisson), y has mean M = e·exp(η̂_h + s²/2) and
// variance V = φM + M²(exp(s²) - 1); its quantiles are those of the negative
// binomial with this mean and variance (Poisson when V = M).
func (g *glmModel) steps(h int) []Step {
	if g.zero {
		return g.zeroSteps(h)
	}
	out := make([]Step, h)
	e := g.data.exposure
	for k := 1; k <= h; k++ {
		q := (g.data.last + k) % 4
		x := g.design(float64(k), q)
		eta := dot(x, g.beta) + g.borrowed[q]
		s2 := quadForm(g.cov, x)
		mean := e * math.Exp(eta+s2/2)
		variance := g.phi*mean + mean*mean*math.Expm1(s2)
		out[k-1] = countStep(math.Exp(eta), e, mean, variance)
	}
	return out
}

// zeroSteps forecasts a series without a positive count in its window: the
// rate is 0 and the intervals are those of the Jeffreys posterior predictive,
// the rate ~ Gamma(½, E) with E the window's total exposure, so the count at
// exposure e is negative binomial with size ½ and mean e/(2E).
func (g *glmModel) zeroSteps(h int) []Step {
	e := g.data.exposure
	mean := e / (2 * g.data.total)
	out := make([]Step, h)
	for k := range out {
		out[k] = countStep(0, e, mean, mean+2*mean*mean)
	}
	return out
}

// countStep is a step with point rate and the intervals of a count with the
// given mean and variance at exposure e.
func countStep(rate, e, mean, variance float64) Step {
	q := countQuantiles(mean, variance, []float64{0.025, 0.10, 0.90, 0.975})
	return Step{Rate: rate, Lo95: q[0] / e, Lo80: q[1] / e, Hi80: q[2] / e, Hi95: q[3] / e}
}

// glmPanelSteps fits the GLM hierarchy and forecasts every area.
func glmPanelSteps(areas []*Series, h int, m Method) ([][]Step, error) {
	models, err := glmHierarchy(areas, m, map[*Series]*glmModel{})
	if err != nil {
		return nil, err
	}
	out := make([][]Step, len(areas))
	for i, g := range models {
		out[i] = g.steps(h)
	}
	return out, nil
}
