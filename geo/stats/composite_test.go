package stats

import (
	"math"
	"testing"
)

func TestAdjustedMazziottaPareto(t *testing.T) {
	// Indicator 1: 1, 2, 3 -> Ref 2, Delta 1 -> 70, 100, 130.
	// Indicator 2: 10, 10, 40 -> Ref 20, Delta 15 -> 80, 80, 140.
	// Area 0: M 75, S 5, S cv = 25/75. Area 1: M 90, S 10, S cv = 100/90. Area 2: M 135, S 5, 25/135.
	ind := [][]float64{{1, 2, 3}, {10, 10, 40}}
	tests := []struct {
		negative bool
		want     []float64
	}{
		{true, []float64{75 + 25.0/75, 90 + 100.0/90, 135 + 25.0/135}},
		{false, []float64{75 - 25.0/75, 90 - 100.0/90, 135 - 25.0/135}},
	}
	for _, tc := range tests {
		got := AdjustedMazziottaPareto(ind, tc.negative)
		for i := range tc.want {
			if !near(got[i], tc.want[i], 1e-12) {
				t.Errorf("negative=%v area %d = %v, want %v", tc.negative, i, got[i], tc.want[i])
			}
		}
	}
}

func TestAdjustedMazziottaParetoEdges(t *testing.T) {
	// A constant indicator rescales to 100; a NaN area is NaN and ignored by the goalposts:
	// indicator 1 over areas 0, 1, 3 is 1, 2, 3 as above.
	got := AdjustedMazziottaPareto([][]float64{{1, 2, math.NaN(), 3}, {5, 5, 5, 5}}, true)
	want := []float64{85 + 225.0/85, 100, math.NaN(), 115 + 225.0/115} // M 85, S 15, S cv 225/85
	for i := range want {
		if !near(got[i], want[i], 1e-12) {
			t.Errorf("area %d = %v, want %v", i, got[i], want[i])
		}
	}
	// Opposite indicators: area 0 rescales to 70 and 130 (M 100, S 30, S cv 9), area 1 to 100, 100.
	got = AdjustedMazziottaPareto([][]float64{{1, 2, 3}, {3, 2, 1}}, true)
	for i, w := range []float64{109, 100, 109} {
		if !near(got[i], w, 1e-12) {
			t.Errorf("opposite: area %d = %v, want %v", i, got[i], w)
		}
	}
}

func TestIMDStyle(t *testing.T) {
	c := 1 - math.Exp(-100.0/23)
	x := func(r float64) float64 { return -23 * math.Log(1-r*c) }
	// Domain A 5, 1, 3 -> ranks 3, 1, 2 -> R 1, 1/3, 2/3.
	// Domain B 0, 7, 7 -> ranks 1, 2.5, 2.5 (tie averaged) -> R 1/3, 5/6, 5/6.
	// Weights 3 and 1 -> 3/4 X_A + 1/4 X_B.
	got := IMDStyle([][]float64{{5, 1, 3}, {0, 7, 7}}, []float64{3, 1})
	want := []float64{
		0.75*x(1) + 0.25*x(1.0/3),
		0.75*x(1.0/3) + 0.25*x(5.0/6),
		0.75*x(2.0/3) + 0.25*x(5.0/6),
	}
	for i := range want {
		if !near(got[i], want[i], 1e-12) {
			t.Errorf("area %d = %v, want %v", i, got[i], want[i])
		}
	}
	// The most deprived rank transforms to exactly 100.
	if !near(x(1), 100, 1e-12) || !near(imdExponential(1), 100, 1e-12) {
		t.Errorf("X(1) = %v", imdExponential(1))
	}
	// X(1/2) = -23 ln((1 + exp(-100/23))/2) = 15.65...
	if got, want := imdExponential(0.5), -23*math.Log((1+math.Exp(-100.0/23))/2); !near(got, want, 1e-12) {
		t.Errorf("X(0.5) = %v, want %v", got, want)
	}
	// A NaN area is left out of the ranking: the others rank among themselves.
	got = IMDStyle([][]float64{{2, math.NaN(), 1}}, []float64{1})
	if !near(got[0], 100, 1e-12) || !math.IsNaN(got[1]) || !near(got[2], x(0.5), 1e-12) {
		t.Errorf("with NaN: %v", got)
	}
}
