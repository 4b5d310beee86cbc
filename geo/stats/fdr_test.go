package stats

import (
	"math"
	"testing"
)

func TestBenjaminiHochberg(t *testing.T) {
	tests := []struct {
		name string
		p    []float64
		q    float64
		want float64
	}{
		// m = 4, thresholds k q/m = .0125 .025 .0375 .05; sorted .005 .01 .03 .04 all pass.
		{"all", []float64{0.01, 0.04, 0.03, 0.005}, 0.05, 0.04},
		// .01 .02 .03 pass, .5 > .05: cut-off .03.
		{"three", []float64{0.5, 0.03, 0.01, 0.02}, 0.05, 0.03},
		// Step-up versus step-down: p(1) = .02 > .0125 and p(2) = .03 > .025 fail, but
		// p(3) = .035 <= .0375 and p(4) = .05 <= .05 pass, so step-up rejects all four (a
		// step-down procedure would stop at p(1) and reject none; PySAL's strict "<" gives 3).
		{"step-up", []float64{0.05, 0.035, 0.03, 0.02}, 0.05, 0.05},
		// Nothing passes: .02 > .01, .03 > .02, ... (m = 5, thresholds .01 .02 .03 .04 .05).
		{"none", []float64{0.02, 0.03, 0.2, 0.5, 0.9}, 0.05, 0},
		// Pseudo p-values from 999 permutations with ties: m = 10, thresholds .005 k.
		// sorted .001 .001 .002 .004 .02 ...: k=4 .004 <= .02 passes; k=5 .02 <= .025 passes;
		// k=6 .031 > .03, k=7..10 fail (.5 > .035, ...). Cut-off .02.
		{"ties", []float64{0.001, 0.5, 0.002, 0.001, 0.6, 0.004, 0.02, 0.031, 0.7, 0.8}, 0.05, 0.02},
		// A NaN does not count in m: as "three".
		{"nan", []float64{0.5, 0.03, nan(), 0.01, 0.02}, 0.05, 0.03},
		{"empty", nil, 0.05, 0},
	}
	for _, tc := range tests {
		if got := BenjaminiHochberg(tc.p, tc.q); got != tc.want {
			t.Errorf("%s: cut-off %v, want %v", tc.name, got, tc.want)
		}
	}
}

func nan() float64 { return math.NaN() }
