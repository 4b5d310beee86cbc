package stats

import (
	"math"
	"slices"
)

// BenjaminiHochberg returns the Benjamini-Hochberg step-up cut-off p* for false-discovery rate
// q: with the m finite p-values sorted ascending, p* = p_(k) for the largest k with
// p_(k) <= k q / m, and 0 when there is no such k. Reject (call significant) every p <= p*.
// NaN entries are ignored and do not count in m.
func BenjaminiHochberg(p []float64, q float64) float64 {
	sorted := make([]float64, 0, len(p))
	for _, v := range p {
		if !math.IsNaN(v) {
			sorted = append(sorted, v)
		}
	}
	slices.Sort(sorted)
	m := float64(len(sorted))
	for k := len(sorted); k >= 1; k-- {
		if sorted[k-1] <= float64(k)*q/m {
			return sorted[k-1]
		}
	}
	return 0
}
