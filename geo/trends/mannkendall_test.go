package trends

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMannKendallReference checks series whose Z and p were printed by R 4.2.2:
// cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE).
// S and Var are worked by hand.
func TestMannKendallReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		s    int
		v    float64
		z, p float64
	}{
		// n(n−1)(2n+5)/18 = 5·4·15/18; Z = 9/√(50/3).
		{"increasing", []float64{1, 2, 3, 4, 5}, 10, 50.0 / 3, 2.2045407685048599, 0.027486336111510377},
		// One pair of ties: (300 − 2·1·9)/18.
		{"one tie", []float64{1, 2, 2, 3, 5}, 9, 282.0 / 18, 2.0211646105596457, 0.043262727806910678},
		// Ties of 2, 2 and 3: (2250 − 18 − 18 − 66)/18.
		{"decreasing with ties", []float64{3, 3, 2, 5, 1, 1, 1, 0, 2, -1}, -26, 2148.0 / 18, -2.2885432413650753, 0.022105904942060842},
		// Ties of 2 and 3: (3828 − 18 − 66)/18 = 208.
		{"twelve quarters", []float64{0.5, 1.2, 0.8, 1.9, 1.9, 2.4, 2.1, 3.0, 2.8, 3.3, 3.3, 3.3}, 56, 208, 3.8135638490484505, 0.00013697711633860863},
		// The shortest series: the largest |S| reaches p = 0.0894.
		{"shortest", []float64{1, 2, 3, 4}, 6, 26.0 / 3, 1.6984155512168937, 0.089429359028993544},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MannKendall(tc.x)
			if err != nil {
				t.Fatal(err)
			}
			if got.N != len(tc.x) || got.S != tc.s {
				t.Errorf("N, S = %d, %d, want %d, %d", got.N, got.S, len(tc.x), tc.s)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"Var", got.Var, tc.v}, {"Z", got.Z, tc.z}, {"P", got.P, tc.p}} {
				if math.Abs(c.got-c.want) > 1e-12 {
					t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
				}
			}
		})
	}
}

// TestMannKendallThreeValues backs the choice of MinMannKendall: with n = 3 the
// most extreme series gives p = 0.296 (R: 0.29626987148428635), which no level
// used here rejects.
func TestMannKendallThreeValues(t *testing.T) {
	x := []float64{1, 2, 3}
	p := twoSidedP(zScore(kendallS(x), varianceS(x)))
	if math.Abs(p-0.29626987148428635) > 1e-12 {
		t.Errorf("p(n = 3) = %.17g", p)
	}
	_, err := MannKendall(x)
	var short *TooShortError
	if !errors.As(err, &short) || short.N != 3 || short.Min != MinMannKendall || !errors.Is(err, ErrTooShort) {
		t.Errorf("n = 3: err = %v, want a *TooShortError{3, %d}", err, MinMannKendall)
	}
}

func TestMannKendallRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		x     []float64
		index int
	}{
		{"NaN", []float64{1, 2, math.NaN(), 4, 5}, 2},
		{"+Inf", []float64{1, 2, 3, 4, math.Inf(1)}, 4},
		{"-Inf", []float64{math.Inf(-1), 2, 3, 4}, 0},
	} {
		_, err := MannKendall(tc.x)
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Index != tc.index || ve.Series != "x" || !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: err = %v, want a *ValueError at x[%d]", tc.name, err, tc.index)
		}
	}
	for _, x := range [][]float64{nil, {}, {1}, {1, 2}} {
		if _, err := MannKendall(x); !errors.Is(err, ErrTooShort) {
			t.Errorf("len %d: err = %v, want ErrTooShort", len(x), err)
		}
	}
}

// TestMannKendallConstant: equal values have no trend and Var(S) = 0 (R's
// cor.test answers NA there, because tau-b is undefined).
func TestMannKendallConstant(t *testing.T) {
	got, err := MannKendall([]float64{2, 2, 2, 2, 2, 2})
	if err != nil {
		t.Fatal(err)
	}
	if got != (MK{N: 6, S: 0, Var: 0, Z: 0, P: 1}) {
		t.Errorf("constant series: %+v", got)
	}
}

// TestMannKendallVarianceByEnumeration checks the ties-corrected variance
// without the formula: under the null hypothesis every ordering of the values
// is equally likely, so Var(S) is the mean of S² over all n! orderings (the
// mean of S is 0). The values include groups of ties of sizes 2 to 4.
func TestMannKendallVarianceByEnumeration(t *testing.T) {
	for _, x := range [][]float64{
		{1, 2, 3, 4, 5, 6, 7},
		{1, 1, 2, 3, 4, 5, 6},
		{1, 1, 2, 2, 3, 3, 4},
		{5, 5, 5, 1, 2, 2, 9},
		{0, 0, 0, 0, 1, 1, 2},
		{-1, 3, 3, 3, 3, 3, 3},
		{1, 1, 2, 2},
	} {
		sumSq, perms := 0, 0
		permute(slices.Clone(x), 0, func(y []float64) {
			s := kendallS(y)
			sumSq += s * s
			perms++
		})
		want := float64(sumSq) / float64(perms)
		if got := varianceS(x); math.Abs(got-want) > 1e-9 {
			t.Errorf("%v: Var(S) = %v, enumeration of %d orderings gives %v", x, got, perms, want)
		}
	}
}

// permute calls f with every ordering of x[k:] (x[:k] fixed).
func permute(x []float64, k int, f func([]float64)) {
	if k == len(x) {
		f(x)
		return
	}
	for i := k; i < len(x); i++ {
		x[k], x[i] = x[i], x[k]
		permute(x, k+1, f)
		x[k], x[i] = x[i], x[k]
	}
}

// TestMannKendallSymmetries: negating the values or reversing time negates S
// and Z and keeps Var and p; a strictly increasing transformation changes
// nothing (the test uses ranks only).
func TestMannKendallSymmetries(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 1))
	for range 300 {
		n := MinMannKendall + rng.IntN(40)
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Round(rng.NormFloat64()*4) / 2 // ties are common
		}
		base, err := MannKendall(x)
		if err != nil {
			t.Fatal(err)
		}
		// Z has the sign of S, and is 0 when the continuity correction
		// takes |S| ≤ 1 to 0.
		if base.P < 0 || base.P > 1 || (abs(base.S) <= 1) != (base.Z == 0) || base.Z*float64(base.S) < 0 {
			t.Fatalf("%v: %+v", x, base)
		}
		neg := make([]float64, n)
		rev := make([]float64, n)
		mono := make([]float64, n)
		for i, v := range x {
			neg[i] = -v
			rev[n-1-i] = v
			mono[i] = math.Exp(v) + 3*v
		}
		for _, c := range []struct {
			name string
			y    []float64
			sign int
		}{{"negated", neg, -1}, {"reversed", rev, -1}, {"monotone", mono, 1}} {
			got, err := MannKendall(c.y)
			if err != nil {
				t.Fatal(err)
			}
			if got.S != c.sign*base.S || got.Var != base.Var || got.Z != float64(c.sign)*base.Z || got.P != base.P {
				t.Errorf("%s %v: %+v, base %+v", c.name, x, got, base)
			}
		}
	}
}

func abs(k int) int { return max(k, -k) }
