package forecast

import "math"

// etsParams are the smoothing parameters and initial states of ETS(A,Ad,N)
// in its innovations state-space form (Hyndman et al. 2008, ch. 2):
//
//	ŷ_t = ℓ_{t-1} + φ b_{t-1},  ε_t = y_t - ŷ_t
//	ℓ_t = ℓ_{t-1} + φ b_{t-1} + α ε_t
//	b_t = φ b_{t-1} + β ε_t
//
// β here is forecast::ets's beta (β = α β* in Holt's form).
type etsParams struct {
	alpha, beta, phi float64
	level0, trend0   float64
}

// etsFilter runs the recursions over y and returns the final states and the
// sum of squared one-step errors.
func etsFilter(p etsParams, y []float64) (level, trend, sse float64) {
	level, trend = p.level0, p.trend0
	for _, v := range y {
		e := v - (level + p.phi*trend)
		level += p.phi*trend + p.alpha*e
		trend = p.phi*trend + p.beta*e
		sse += e * e
	}
	return level, trend, sse
}

// etsForecast returns the point forecast and the variance multiplier v_h
// (the h-step variance is σ² v_h) for h = 1..len(out) from the final states:
//
//	ŷ_{T+h} = ℓ_T + (φ + φ² + ... + φ^h) b_T
//	v_h = 1 + Σ_{j=1}^{h-1} c_j²,  c_j = α + β (φ + ... + φ^j)
//
// (Hyndman et al. 2008, Table 6.1, class 1).
func etsForecast(p etsParams, level, trend float64, point, mult []float64) {
	damp, c2 := 0.0, 0.0
	phiJ := 1.0
	for h := range point {
		phiJ *= p.phi
		damp += phiJ // φ + ... + φ^(h+1)
		point[h] = level + damp*trend
		mult[h] = 1 + c2
		c := p.alpha + p.beta*damp // c_(h+1), used from the next step on
		c2 += c * c
	}
}

// etsInitial returns the initial states forecast::ets starts its optimiser
// from: the least-squares line through the first min(10, n) observations
// against t = 1, 2, ...; ℓ0 is its value at t = 0 and b0 its slope.
func etsInitial(y []float64) (level0, trend0 float64) {
	n := min(10, len(y))
	var st, sy, stt, sty float64
	for i := 0; i < n; i++ {
		t := float64(i + 1)
		st, sy, stt, sty = st+t, sy+y[i], stt+t*t, sty+t*y[i]
	}
	fn := float64(n)
	trend0 = (fn*sty - st*sy) / (fn*stt - st*st)
	return (sy - trend0*st) / fn, trend0
}

// The grid of smoothing parameters searched: α in 0.05..0.95, β = α β* with
// β* in etsBetaStar, and φ in forecast::ets's default range 0.8..0.98.
var (
	etsBetaStar = []float64{0.01, 0.05, 0.1, 0.2, 0.3, 0.5}
	etsPhi      = []float64{0.8, 0.85, 0.9, 0.95, 0.98}
)

// etsFit chooses the smoothing parameters that minimise the in-sample sum of
// squared one-step errors (the Gaussian likelihood with additive errors) over
// a fixed grid, from the initial states of etsInitial. A grid rather than a
// numerical optimiser keeps the fit deterministic and robust on series of
// eight to twenty quarters, where the likelihood surface is flat.
func etsFit(y []float64) (p etsParams, sse float64) {
	l0, b0 := etsInitial(y)
	sse = math.Inf(1)
	for ai := 1; ai <= 19; ai++ {
		alpha := 0.05 * float64(ai)
		for _, bs := range etsBetaStar {
			for _, phi := range etsPhi {
				q := etsParams{alpha: alpha, beta: alpha * bs, phi: phi, level0: l0, trend0: b0}
				if _, _, s := etsFilter(q, y); s < sse {
					p, sse = q, s
				}
			}
		}
	}
	return p, sse
}

// etsSteps forecasts the rate by damped exponential smoothing with normal
// intervals. σ² = SSE / (n - 5): five quantities (α, β, φ, ℓ0, b0) are
// estimated from the series.
func etsSteps(s *Series, h int) []Step {
	y := make([]float64, s.Len())
	for t := range y {
		y[t] = s.Rate(t)
	}
	p, sse := etsFit(y)
	level, trend, _ := etsFilter(p, y)
	sigma2 := sse / float64(len(y)-5)
	point, mult := make([]float64, h), make([]float64, h)
	etsForecast(p, level, trend, point, mult)
	out := make([]Step, h)
	for k := range out {
		out[k] = normalStep(point[k], math.Sqrt(sigma2*mult[k]))
	}
	return out
}
