package stats

import "math"

// ebMoments are the global quantities of the empirical-Bayes estimators (rates per person).
type ebMoments struct {
	r  float64 // global rate sum e / sum b
	s2 float64 // population-weighted variance of the area rates around r
	a  float64 // method-of-moments prior variance s2 - r / (sum b / n), not truncated
	ok bool    // at least one area has a positive population
}

// ebValid reports whether an area takes part in empirical-Bayes estimation.
func ebValid(pop float64) bool {
	return pop > 0 && !math.IsInf(pop, 1)
}

// checkCounts panics on mismatched lengths or negative counts (programming errors).
func checkCounts(counts []int, pops []float64) {
	if len(counts) != len(pops) {
		panic("stats: counts and pops differ in length")
	}
	for _, c := range counts {
		if c < 0 {
			panic("stats: negative count")
		}
	}
}

// globalMoments computes r, s2 and a over the areas with a positive population.
func globalMoments(counts []int, pops []float64) ebMoments {
	var sumE, sumB float64
	n := 0
	for i, b := range pops {
		if ebValid(b) {
			sumE += float64(counts[i])
			sumB += b
			n++
		}
	}
	if n == 0 {
		return ebMoments{}
	}
	r := sumE / sumB
	var ss float64
	for i, b := range pops {
		if ebValid(b) {
			d := float64(counts[i])/b - r
			ss += b * d * d
		}
	}
	s2 := ss / sumB
	return ebMoments{r: r, s2: s2, a: s2 - r/(sumB/float64(n)), ok: true}
}

// EBSmoothGlobal returns Marshall's global empirical-Bayes smoothed rates per 1,000: each crude
// rate y_i = e_i/b_i is shrunk towards the global rate r = sum e / sum b by
// C_i = a / (a + r/b_i), with a = max(0, s2 - r/(sum b/n)) and s2 = sum b_i (y_i - r)^2 / sum b,
// giving r + C_i (y_i - r). This is GeoDa's EB rate (RateSmoother_EBS), floor included; esda's
// Empirical_Bayes is the same formula without the floor, so the two agree whenever a >= 0.
// Areas whose population is not positive get NaN and take no part in the global quantities. It
// panics if the slices differ in length or a count is negative.
func EBSmoothGlobal(counts []int, pops []float64) []float64 {
	checkCounts(counts, pops)
	m := globalMoments(counts, pops)
	a := math.Max(0, m.a)
	out := make([]float64, len(pops))
	for i, b := range pops {
		if !m.ok || !ebValid(b) {
			out[i] = math.NaN()
			continue
		}
		y := float64(counts[i]) / b
		out[i] = (m.r + shrinkage(a, m.r, b)*(y-m.r)) * PerThousand
	}
	return out
}

// shrinkage returns Marshall's weight a / (a + r/b) on the area's own rate (0 when both are 0).
func shrinkage(a, r, b float64) float64 {
	den := a + r/b
	if den <= 0 {
		return 0
	}
	return a / den
}

// AssuncaoReis returns the Assuncao-Reis empirical-Bayes standardised rates, the input LISA and
// Gi* should use for rates on small populations: with y_i = e_i/b_i (per person, not per 1,000),
// r = sum e / sum b, s2 = sum b_i (y_i - r)^2 / sum b and a = s2 - r/(sum b/n),
// v_i = a + r/b_i (r/b_i when that is negative) and z_i = (y_i - r)/sqrt(v_i): esda's
// assuncao_rate exactly (GeoDa's EB rate standardisation floors a at 0 first, which differs when
// a < 0). Areas whose population is not positive get NaN and take no part in r, s2 and a. When
// every count is 0 (r = 0) every z is 0. It panics if the slices differ in length or a count is
// negative.
func AssuncaoReis(counts []int, pops []float64) []float64 {
	checkCounts(counts, pops)
	m := globalMoments(counts, pops)
	out := make([]float64, len(pops))
	for i, b := range pops {
		if !m.ok || !ebValid(b) {
			out[i] = math.NaN()
			continue
		}
		out[i] = assuncaoReisZ(float64(counts[i])/b, b, m)
	}
	return out
}

// assuncaoReisZ standardises one area's rate y with population b.
func assuncaoReisZ(y, b float64, m ebMoments) float64 {
	v := m.a + m.r/b
	if v < 0 {
		v = m.r / b
	}
	if v <= 0 {
		return 0 // r = 0: every rate equals the global rate
	}
	return (y - m.r) / math.Sqrt(v)
}
