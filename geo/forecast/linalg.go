package forecast

import (
	"errors"
	"math"
)

// errNotPositiveDefinite is returned by invertSPD for a singular or
// indefinite matrix.
var errNotPositiveDefinite = errors.New("matrix not positive definite")

// invertSPD returns the inverse of a small symmetric positive-definite matrix
// by Cholesky decomposition.
func invertSPD(a [][]float64) ([][]float64, error) {
	n := len(a)
	l := newMatrix(n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for k := 0; k < j; k++ {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				if !(s > 0) {
					return nil, errNotPositiveDefinite
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	// inv = L⁻ᵀ L⁻¹, column by column: solve L Lᵀ x = e_c.
	inv := newMatrix(n)
	x := make([]float64, n)
	for c := 0; c < n; c++ {
		for i := 0; i < n; i++ {
			s := 0.0
			if i == c {
				s = 1
			}
			for k := 0; k < i; k++ {
				s -= l[i][k] * x[k]
			}
			x[i] = s / l[i][i]
		}
		for i := n - 1; i >= 0; i-- {
			s := x[i]
			for k := i + 1; k < n; k++ {
				s -= l[k][i] * x[k]
			}
			x[i] = s / l[i][i]
		}
		for i := range x {
			inv[i][c] = x[i]
		}
	}
	return inv, nil
}

func newMatrix(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
	}
	return m
}

// mulVec returns a·v.
func mulVec(a [][]float64, v []float64) []float64 {
	out := make([]float64, len(a))
	for i, row := range a {
		out[i] = dot(row, v)
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// quadForm returns vᵀ a v.
func quadForm(a [][]float64, v []float64) float64 { return dot(v, mulVec(a, v)) }
