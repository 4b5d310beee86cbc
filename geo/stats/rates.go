package stats

import "math"

// PerThousand is the scale of every rate in this package: events per 1,000 residents.
const PerThousand = 1000.0

// Thresholds of the instability flag (see Unstable).
const (
	// UnstableRSE is the relative standard error above which a rate is flagged.
	UnstableRSE = 0.30
	// MinStableCount is the smallest count whose Poisson relative standard error 1/sqrt(count)
	// is at most UnstableRSE: 1/sqrt(11) = 0.3015 > 0.30, 1/sqrt(12) = 0.2887.
	MinStableCount = 12
	// MinStablePopulation is the smallest denominator for which a rate is shown as stable.
	MinStablePopulation = 100.0
)

// Rate returns count per 1,000 of population; NaN when population is not positive.
func Rate(count int, population float64) float64 {
	if !(population > 0) {
		return math.NaN()
	}
	return float64(count) / population * PerThousand
}

// PoissonExactCI returns Garwood's exact (central) confidence interval for a Poisson count,
// expressed per 1,000 of population: lo = G(alpha/2; count) and hi = G(1-alpha/2; count+1),
// where G(p; a) is the p-quantile of a gamma(a, 1) variable (half a chi-square quantile with 2a
// degrees of freedom) and alpha = 1-level; lo is 0 when count is 0. It returns NaN, NaN when
// population is not positive, count is negative or level is outside (0, 1).
func PoissonExactCI(count int, population float64, level float64) (lo, hi float64) {
	if !(population > 0) || count < 0 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	alpha := 1 - level
	if count > 0 {
		lo = gammaQuantile(float64(count), alpha/2)
	}
	hi = gammaQuantile(float64(count)+1, 1-alpha/2)
	scale := PerThousand / population
	return lo * scale, hi * scale
}

// WilsonCI returns the Wilson score interval for a proportion successes/n, as proportions in
// [0, 1]. It returns NaN, NaN when n is not positive, successes is outside [0, n] or level is
// outside (0, 1).
func WilsonCI(successes int, n float64, level float64) (lo, hi float64) {
	k := float64(successes)
	if !(n > 0) || k < 0 || k > n || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	z := normalQuantile2(level)
	p := k / n
	z2n := z * z / n
	centre := (p + z2n/2) / (1 + z2n)
	half := z / (1 + z2n) * math.Sqrt(p*(1-p)/n+z2n/(4*n))
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// Unstable reports whether a rate built on count and population should be flagged as
// statistically unreliable: the population is below MinStablePopulation, or the count's Poisson
// relative standard error 1/sqrt(count) exceeds UnstableRSE (30%), that is count < 12 (a count
// of 0 has no finite relative error and is flagged too).
func Unstable(count int, population float64) bool {
	return !(population >= MinStablePopulation) || count < MinStableCount
}

// RelativeRisk returns the risk ratio (a/nA)/(b/nB) of group A against group B with Katz's
// log-normal interval: ln rr +- z sqrt(1/a - 1/nA + 1/b - 1/nB). When a or b is 0 the
// Haldane-Anscombe correction is applied first (0.5 added to every cell of the 2x2 table: a and
// b gain 0.5, nA and nB gain 1), so the result stays finite. It returns NaN values when a
// denominator is not positive, a count is negative or exceeds its denominator, or level is
// outside (0, 1).
func RelativeRisk(a int, nA float64, b int, nB float64, level float64) (rr, lo, hi float64) {
	x, y := float64(a), float64(b)
	if !(nA > 0 && nB > 0) || x < 0 || y < 0 || x > nA || y > nB || !(level > 0 && level < 1) {
		nan := math.NaN()
		return nan, nan, nan
	}
	if a == 0 || b == 0 {
		x, y, nA, nB = x+0.5, y+0.5, nA+1, nB+1
	}
	rr = (x / nA) / (y / nB)
	se := math.Sqrt(1/x - 1/nA + 1/y - 1/nB)
	z := normalQuantile2(level)
	return rr, rr * math.Exp(-z*se), rr * math.Exp(z*se)
}
