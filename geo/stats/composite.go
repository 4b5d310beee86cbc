package stats

import (
	"math"
	"slices"
)

// AMPI rescaling constants: an indicator at its reference value maps to 100 and one at a
// goalpost (reference +- Delta) to 70 or 130.
const (
	ampiCentre = 100.0
	ampiRange  = 30.0
)

// AdjustedMazziottaPareto returns ISTAT's adjusted Mazziotta-Pareto index (AMPI) of each area.
// indicators[j][i] is indicator j for area i; every indicator must already have the polarity of
// the phenomenon (higher = more of it; flip an opposite indicator, e.g. by negating it). Each
// indicator is rescaled as r = 100 + 30 (x - Ref)/Delta, i.e. (x - Inf)/(Sup - Inf) * 60 + 70 with
// goalposts Inf, Sup = Ref -+ Delta, where Ref is the indicator's unweighted mean over the areas
// and Delta = (max - min)/2 (r = 100 when the indicator does not vary). The index is
// M_i + S_i cv_i when negative is true (a negative phenomenon such as hardship, where an
// unbalanced profile worsens the score) and M_i - S_i cv_i otherwise, with M_i and S_i the mean
// and population sd of area i's rescaled indicators and cv_i = S_i/M_i. An area with any
// non-finite indicator gets NaN and takes no part in Ref, min and max. It panics if the
// indicators differ in length.
func AdjustedMazziottaPareto(indicators [][]float64, negative bool) []float64 {
	n := commonLength(indicators)
	ok := completeAreas(indicators, n)
	rescaled := make([][]float64, len(indicators))
	for j, x := range indicators {
		rescaled[j] = ampiRescale(x, ok)
	}
	sign := -1.0
	if negative {
		sign = 1
	}
	out := make([]float64, n)
	profile := make([]float64, len(indicators))
	for i := range out {
		if !ok[i] || len(indicators) == 0 {
			out[i] = math.NaN()
			continue
		}
		for j := range rescaled {
			profile[j] = rescaled[j][i]
		}
		m, s := meanSD(profile)
		out[i] = m + sign*s*s/m
	}
	return out
}

// commonLength returns the shared length of the rows, panicking if they differ.
func commonLength(rows [][]float64) int {
	if len(rows) == 0 {
		return 0
	}
	n := len(rows[0])
	for _, r := range rows {
		if len(r) != n {
			panic("stats: indicators differ in length")
		}
	}
	return n
}

// completeAreas marks the areas where every row holds a finite value.
func completeAreas(rows [][]float64, n int) []bool {
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = true
		for _, r := range rows {
			ok[i] = ok[i] && !math.IsNaN(r[i]) && !math.IsInf(r[i], 0)
		}
	}
	return ok
}

// ampiRescale maps x to 100 + 30 (x - Ref)/Delta over the areas marked ok (others untouched).
func ampiRescale(x []float64, ok []bool) []float64 {
	var vals []float64
	for i, v := range x {
		if ok[i] {
			vals = append(vals, v)
		}
	}
	out := make([]float64, len(x))
	if len(vals) == 0 {
		return out
	}
	ref, _ := meanSD(vals)
	delta := (slices.Max(vals) - slices.Min(vals)) / 2
	for i, v := range x {
		out[i] = ampiCentre
		if delta > 0 {
			out[i] += ampiRange * (v - ref) / delta
		}
	}
	return out
}

// imdShape is the constant of the English IMD exponential transformation.
const imdShape = 23.0

// IMDStyle combines deprivation domains the way the English Index of Multiple Deprivation does.
// domains[d][i] is domain d's score for area i, higher meaning more deprived. Each domain is
// ranked (ties share their average rank) and scaled to R = rank/n in (0, 1], 1 the most
// deprived; R is transformed to X = -23 ln(1 - R (1 - exp(-100/23))), which runs from near 0 to
// 100 and stretches the deprived tail; the index is sum_d w_d X_d / sum_d w_d, so it stays on the
// 0-100 scale (the English weights are 22.5, 22.5, 13.5, 13.5, 9.3, 9.3, 9.3). An area with a
// non-finite domain score gets NaN and is not ranked. It panics if len(weights) differs from
// len(domains), the domains differ in length, or the weights do not have a positive sum.
func IMDStyle(domains [][]float64, weights []float64) []float64 {
	if len(weights) != len(domains) {
		panic("stats: one weight per domain")
	}
	n := commonLength(domains)
	ok := completeAreas(domains, n)
	var wsum float64
	for _, w := range weights {
		wsum += w
	}
	if !(wsum > 0) {
		panic("stats: weights must have a positive sum")
	}
	out := make([]float64, n)
	for d, scores := range domains {
		for i, r := range scaledRanks(scores, ok) {
			out[i] += weights[d] / wsum * imdExponential(r)
		}
	}
	for i := range out {
		if !ok[i] {
			out[i] = math.NaN()
		}
	}
	return out
}

// imdExponential is the IMD transformation X = -23 ln(1 - R (1 - exp(-100/23))).
func imdExponential(r float64) float64 {
	return -imdShape * math.Log(1-r*(1-math.Exp(-100/imdShape)))
}

// scaledRanks returns rank/n of each marked score (ascending, ties averaged); 0 elsewhere.
func scaledRanks(scores []float64, ok []bool) []float64 {
	var order []int
	for i := range scores {
		if ok[i] {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(scores[a], scores[b]) })
	out := make([]float64, len(scores))
	n := float64(len(order))
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && scores[order[end]] == scores[order[start]] {
			end++
		}
		avg := float64(start+1+end) / 2 // mean of ranks start+1 .. end
		for _, i := range order[start:end] {
			out[i] = avg / n
		}
		start = end
	}
	return out
}

// cmpFloat orders two finite floats.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
