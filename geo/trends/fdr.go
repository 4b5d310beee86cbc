package trends

import (
	"cmp"
	"math"
	"slices"
)

// AdjustBH returns Benjamini-Hochberg adjusted p-values, as R's
// p.adjust(p, method = "BH"): with the m p-values that are not NaN sorted
// ascending, p₍ₖ₎ becomes min over j ≥ k of min(1, m/j · p₍ⱼ₎). NaN stays NaN
// and is not counted in m, as R's p.adjust does with NA. An adjusted p-value
// is ≤ q exactly when the raw one is at most the step-up cut-off of
// geo/stats.BenjaminiHochberg(p, q), so "adjusted p ≤ Alpha" is the
// Benjamini-Hochberg rule at level Alpha.
//
// For ArcGIS's false discovery rate correction of emerging hot spots, adjust
// the p-values of all areas of one time step together, once per time step.
// A value outside [0, 1] (or infinite) is rejected with a *ValueError.
func AdjustBH(p []float64) ([]float64, error) {
	out := make([]float64, len(p))
	order := make([]int, 0, len(p))
	for i, v := range p {
		switch {
		case math.IsNaN(v):
			out[i] = math.NaN()
		case v < 0 || v > 1:
			return nil, &ValueError{Series: "p", Index: i, Value: v, Reason: "not a p-value in [0, 1]"}
		default:
			order = append(order, i)
		}
	}
	// Largest first, ties in input order, as R's order(p, decreasing = TRUE).
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	m := float64(len(order))
	running := 1.0
	for k, i := range order {
		rank := float64(len(order) - k) // position in ascending order, from 1
		running = min(running, m/rank*p[i])
		out[i] = running
	}
	return out, nil
}
