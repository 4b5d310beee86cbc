package stats

import "math"

// Numerical tolerances of the incomplete-gamma routines.
const (
	gammaEps     = 1e-15
	gammaMaxIter = 10000
	gammaTiny    = 1e-300
)

// regGammaP returns the regularised lower incomplete gamma function P(a, x) for a > 0, x >= 0:
// the cumulative distribution function of a gamma variable with shape a and scale 1.
func regGammaP(a, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case math.IsInf(x, 1):
		return 1
	case x < a+1:
		return gammaSeries(a, x)
	default:
		return 1 - gammaContinuedFraction(a, x)
	}
}

// gammaPrefactor returns x^a e^-x / Gamma(a), computed in logs.
func gammaPrefactor(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	return math.Exp(a*math.Log(x) - x - lg)
}

// gammaSeries evaluates P(a, x) by its power series, which converges fast for x < a+1.
func gammaSeries(a, x float64) float64 {
	ap, term, sum := a, 1/a, 1/a
	for range gammaMaxIter {
		ap++
		term *= x / ap
		sum += term
		if math.Abs(term) < math.Abs(sum)*gammaEps {
			break
		}
	}
	return sum * gammaPrefactor(a, x)
}

// gammaContinuedFraction evaluates Q(a, x) = 1 - P(a, x) by its continued fraction (modified
// Lentz), which converges fast for x >= a+1.
func gammaContinuedFraction(a, x float64) float64 {
	b := x + 1 - a
	c := 1 / gammaTiny
	d := 1 / b
	h := d
	for i := 1; i <= gammaMaxIter; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = nonTiny(an*d + b)
		c = nonTiny(b + an/c)
		d = 1 / d
		step := d * c
		h *= step
		if math.Abs(step-1) < gammaEps {
			break
		}
	}
	return h * gammaPrefactor(a, x)
}

// nonTiny keeps a Lentz denominator away from zero.
func nonTiny(v float64) float64 {
	if math.Abs(v) < gammaTiny {
		return gammaTiny
	}
	return v
}

// gammaQuantile returns x with P(a, x) = p: the p-quantile of a gamma distribution with shape a
// and scale 1 (half the chi-square quantile with 2a degrees of freedom). It brackets the root
// and refines it by Newton steps, falling back to bisection whenever a step leaves the bracket.
func gammaQuantile(a, p float64) float64 {
	switch {
	case math.IsNaN(p) || a <= 0:
		return math.NaN()
	case p <= 0:
		return 0
	case p >= 1:
		return math.Inf(1)
	}
	lo, hi := gammaBracket(a, p)
	x := (lo + hi) / 2
	for range 200 {
		f := regGammaP(a, x) - p
		if f == 0 {
			return x
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		next := x - f/gammaDensity(a, x)
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) <= 1e-14*x || hi-lo <= 1e-15*hi {
			return next
		}
		x = next
	}
	return x
}

// gammaBracket returns lo < hi with P(a, lo) <= p <= P(a, hi).
func gammaBracket(a, p float64) (lo, hi float64) {
	hi = math.Max(1, a)
	for regGammaP(a, hi) < p {
		lo, hi = hi, 2*hi
	}
	return lo, hi
}

// gammaDensity returns the gamma(a, 1) density at x > 0.
func gammaDensity(a, x float64) float64 {
	return gammaPrefactor(a, x) / x
}

// normalQuantile2 returns the two-sided standard normal critical value for a confidence level:
// z with P(|Z| <= z) = level, e.g. 1.959964 for 0.95.
func normalQuantile2(level float64) float64 {
	return math.Sqrt2 * math.Erfinv(level)
}
