package trends

import (
	"math"
	"slices"
)

// MinMannKendall is the shortest series MannKendall accepts. With three values
// the largest |S| (3) gives p = 0.296, so no trend could ever be significant;
// four values reach p = 0.0895.
const MinMannKendall = 4

// MK is the result of the Mann-Kendall trend test of one series. It equals R's
// cor.test(x, seq_along(x), method = "kendall", exact = FALSE,
// continuity = TRUE): Z is R's statistic and P its p.value.
type MK struct {
	N   int     // number of values
	S   int     // Kendall's S = Σ_{i<j} sign(x_j − x_i)
	Var float64 // Var(S), corrected for ties in x
	Z   float64 // (S − sign(S)) / √Var; 0 when S = 0 or Var = 0
	P   float64 // two-sided p-value 2(1 − Φ(|Z|)); 1 when Z = 0
}

// Increasing reports a trend upwards significant at level alpha (P ≤ alpha,
// up to a relative 1e-9, and Z > 0).
func (m MK) Increasing(alpha float64) bool { return significant(m.P, alpha) && m.Z > 0 }

// Decreasing reports a trend downwards significant at level alpha (P ≤ alpha,
// up to a relative 1e-9, and Z < 0).
func (m MK) Decreasing(alpha float64) bool { return significant(m.P, alpha) && m.Z < 0 }

// MannKendall tests x (oldest first, one value per equally spaced time step)
// for a monotonic trend. It returns a *TooShortError when len(x) is below
// MinMannKendall and a *ValueError at the first NaN or infinite value. A
// series of equal values has Var = 0 and gets S = 0, Z = 0, P = 1.
func MannKendall(x []float64) (MK, error) {
	if err := checkSeries("x", x, MinMannKendall); err != nil {
		return MK{}, err
	}
	s, v := kendallS(x), varianceS(x)
	z := zScore(s, v)
	return MK{N: len(x), S: s, Var: v, Z: z, P: twoSidedP(z)}, nil
}

// checkSeries rejects a series shorter than minLen or holding a value that is
// not finite.
func checkSeries(name string, x []float64, minLen int) error {
	if len(x) < minLen {
		return &TooShortError{N: len(x), Min: minLen}
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &ValueError{Series: name, Index: i, Value: v, Reason: "not finite"}
		}
	}
	return nil
}

// kendallS is Σ_{i<j} sign(x_j − x_i), exact in integers.
func kendallS(x []float64) int {
	s := 0
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			switch {
			case x[j] > x[i]:
				s++
			case x[j] < x[i]:
				s--
			}
		}
	}
	return s
}

// varianceS is [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over the groups of equal
// values of x. The bracket is an exact integer.
func varianceS(x []float64) float64 {
	n := len(x)
	sorted := slices.Clone(x)
	slices.Sort(sorted)
	total := n * (n - 1) * (2*n + 5)
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		t := j - i
		total -= t * (t - 1) * (2*t + 5)
		i = j
	}
	return float64(total) / 18
}

// zScore is the continuity-corrected (S − sign(S)) / √v, 0 when S or v is 0.
func zScore(s int, v float64) float64 {
	if s == 0 || v == 0 {
		return 0
	}
	corrected := s - 1
	if s < 0 {
		corrected = s + 1
	}
	return float64(corrected) / math.Sqrt(v)
}

// twoSidedP is 2(1 − Φ(|z|)) = erfc(|z|/√2), accurate far into the tail.
func twoSidedP(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}
