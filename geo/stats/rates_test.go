package stats

import (
	"math"
	"testing"
)

// z95 is the two-sided 95% standard normal critical value.
const z95 = 1.959963984540054

func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

func TestRate(t *testing.T) {
	tests := []struct {
		count int
		pop   float64
		want  float64
	}{
		{5, 2000, 2.5},
		{0, 350, 0},
		{3, 0, math.NaN()},
		{3, -10, math.NaN()},
	}
	for _, tc := range tests {
		if got := Rate(tc.count, tc.pop); !near(got, tc.want, 1e-12) {
			t.Errorf("Rate(%d, %v) = %v, want %v", tc.count, tc.pop, got, tc.want)
		}
	}
}

// Published Garwood 95% limits for a Poisson count (e.g. the tables in Ulm 1990 and most
// epidemiology texts), with population 1,000 so the rate equals the count limit.
func TestPoissonExactCIKnownValues(t *testing.T) {
	tests := []struct {
		count  int
		lo, hi float64
		tol    float64
	}{
		{0, 0, 3.689, 5e-4},
		{1, 0.0253, 5.572, 5e-4},
		{5, 1.6235, 11.668, 5e-4},
		{10, 4.7954, 18.390, 5e-4},
	}
	for _, tc := range tests {
		lo, hi := PoissonExactCI(tc.count, 1000, 0.95)
		if !near(lo, tc.lo, tc.tol) || !near(hi, tc.hi, tc.tol) {
			t.Errorf("count %d: got [%.5f, %.5f], want [%v, %v]", tc.count, lo, hi, tc.lo, tc.hi)
		}
	}
}

// For counts 0 and 1 the limits have closed forms: hi(0) = -ln(alpha/2), lo(1) = -ln(1-alpha/2).
func TestPoissonExactCIClosedForms(t *testing.T) {
	for _, level := range []float64{0.9, 0.95, 0.99} {
		alpha := 1 - level
		_, hi0 := PoissonExactCI(0, 1000, level)
		lo1, _ := PoissonExactCI(1, 1000, level)
		if !near(hi0, -math.Log(alpha/2), 1e-10) || !near(lo1, -math.Log(1-alpha/2), 1e-10) {
			t.Errorf("level %v: hi(0) = %v, lo(1) = %v", level, hi0, lo1)
		}
	}
}

// poissonCDF is P(Y <= c) for Y ~ Poisson(mu), summed term by term: an independent route to the
// Garwood limits, which solve P(Y >= c; lo) = alpha/2 and P(Y <= c; hi) = alpha/2.
func poissonCDF(c int, mu float64) float64 {
	term, sum := math.Exp(-mu), math.Exp(-mu)
	for j := 1; j <= c; j++ {
		term *= mu / float64(j)
		sum += term
	}
	return sum
}

func TestPoissonExactCIDefinition(t *testing.T) {
	for _, level := range []float64{0.9, 0.95, 0.99} {
		alpha := 1 - level
		for c := 0; c <= 60; c++ {
			lo, hi := PoissonExactCI(c, 250, level) // per 1,000 of 250 = 4 x the count limit
			lo, hi = lo/4, hi/4
			if got := poissonCDF(c, hi); !near(got, alpha/2, 1e-9) {
				t.Errorf("level %v count %d: P(Y<=c; hi=%v) = %v, want %v", level, c, hi, got, alpha/2)
			}
			if c > 0 {
				if got := 1 - poissonCDF(c-1, lo); !near(got, alpha/2, 1e-9) {
					t.Errorf("level %v count %d: P(Y>=c; lo=%v) = %v, want %v", level, c, lo, got, alpha/2)
				}
			}
		}
	}
}

func TestPoissonExactCIInvalid(t *testing.T) {
	for _, tc := range []struct {
		count      int
		pop, level float64
	}{{1, 0, 0.95}, {-1, 100, 0.95}, {1, 100, 1}, {1, 100, 0}} {
		if lo, hi := PoissonExactCI(tc.count, tc.pop, tc.level); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("PoissonExactCI(%+v) = %v, %v, want NaN", tc, lo, hi)
		}
	}
}

// P(1/2, x) = erf(sqrt(x)) checks the incomplete gamma at a non-integer shape.
func TestRegGammaHalf(t *testing.T) {
	for _, x := range []float64{0.01, 0.3, 1, 1.6, 4, 12, 30, 40} {
		if got, want := regGammaP(0.5, x), math.Erf(math.Sqrt(x)); !near(got, want, 1e-13) {
			t.Errorf("P(0.5, %v) = %v, want %v", x, got, want)
		}
		if x > 12 {
			continue // 1-p below 1e-6: the quantile is ill-conditioned in double precision
		}
		if q := gammaQuantile(0.5, math.Erf(math.Sqrt(x))); !near(q, x, 1e-9*math.Max(1, x)) {
			t.Errorf("quantile(0.5, erf(sqrt(%v))) = %v", x, q)
		}
	}
}

func TestWilsonCI(t *testing.T) {
	z2 := z95 * z95
	tests := []struct {
		k      int
		n      float64
		lo, hi float64
	}{
		// 0 of 10: the lower limit is 0 and the upper z^2/(n+z^2).
		{0, 10, 0, z2 / (10 + z2)},
		// 10 of 10 mirrors it.
		{10, 10, 10 / (10 + z2), 1},
		// 5 of 10: centre 1/2, half-width z/(1+z^2/n) sqrt(1/40 + z^2/400) = 0.263405.
		{5, 10, 0.5 - z95/(1+z2/10)*math.Sqrt(0.025+z2/400), 0.5 + z95/(1+z2/10)*math.Sqrt(0.025+z2/400)},
		// Published value for 5/10: [0.2366, 0.7634].
		{5, 10, 0.2366, 0.7634},
	}
	for i, tc := range tests {
		lo, hi := WilsonCI(tc.k, tc.n, 0.95)
		tol := 1e-12
		if i == 3 {
			tol = 5e-5
		}
		if !near(lo, tc.lo, tol) || !near(hi, tc.hi, tol) {
			t.Errorf("WilsonCI(%d, %v) = [%v, %v], want [%v, %v]", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
	if lo, _ := WilsonCI(11, 10, 0.95); !math.IsNaN(lo) {
		t.Errorf("WilsonCI(11, 10) should be NaN")
	}
}

func TestUnstable(t *testing.T) {
	tests := []struct {
		count int
		pop   float64
		want  bool
	}{
		{0, 5000, true},   // no finite relative error
		{11, 5000, true},  // RSE 1/sqrt(11) = 30.2%
		{12, 5000, false}, // RSE 1/sqrt(12) = 28.9%
		{50, 99, true},    // population under 100
		{50, 100, false},
		{50, math.NaN(), true},
	}
	for _, tc := range tests {
		if got := Unstable(tc.count, tc.pop); got != tc.want {
			t.Errorf("Unstable(%d, %v) = %v, want %v", tc.count, tc.pop, got, tc.want)
		}
	}
	if rse := 1 / math.Sqrt(MinStableCount-1); rse <= UnstableRSE {
		t.Errorf("MinStableCount-1 should exceed the RSE threshold, got %v", rse)
	}
	if rse := 1 / math.Sqrt(MinStableCount); rse > UnstableRSE {
		t.Errorf("MinStableCount should meet the RSE threshold, got %v", rse)
	}
}

func TestRelativeRisk(t *testing.T) {
	tests := []struct {
		name   string
		a      int
		nA     float64
		b      int
		nB     float64
		rr, se float64 // expected ratio and standard error of its log
	}{
		// 20/100 against 10/100: rr 2, se sqrt(1/20 - 1/100 + 1/10 - 1/100) = sqrt(0.13);
		// 95% limits 2 exp(-+1.96 * 0.36056) = [0.98656, 4.05448].
		{"katz", 20, 100, 10, 100, 2, math.Sqrt(0.13)},
		// 30/1000 against 15/2000: rr 4, se sqrt(1/30 - 1/1000 + 1/15 - 1/2000).
		{"unequal", 30, 1000, 15, 2000, 4, math.Sqrt(1.0/30 - 0.001 + 1.0/15 - 0.0005)},
		// 0/50 against 4/60, Haldane: (0.5/51)/(4.5/61) and se sqrt(2 - 1/51 + 1/4.5 - 1/61).
		{"haldane", 0, 50, 4, 60, (0.5 / 51) / (4.5 / 61), math.Sqrt(2 - 1.0/51 + 1/4.5 - 1.0/61)},
	}
	for _, tc := range tests {
		rr, lo, hi := RelativeRisk(tc.a, tc.nA, tc.b, tc.nB, 0.95)
		wantLo, wantHi := tc.rr*math.Exp(-z95*tc.se), tc.rr*math.Exp(z95*tc.se)
		if !near(rr, tc.rr, 1e-12) || !near(lo, wantLo, 1e-9) || !near(hi, wantHi, 1e-9) {
			t.Errorf("%s: got %v [%v, %v], want %v [%v, %v]", tc.name, rr, lo, hi, tc.rr, wantLo, wantHi)
		}
	}
	if _, lo, hi := RelativeRisk(20, 100, 10, 100, 0.95); !near(lo, 0.98656, 5e-5) || !near(hi, 4.05448, 5e-5) {
		t.Errorf("katz rounded limits: [%v, %v]", lo, hi)
	}
}
