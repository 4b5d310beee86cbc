package stats

import (
	"math"
	"testing"
)

func TestEBSmoothGlobal(t *testing.T) {
	tests := []struct {
		name   string
		counts []int
		pops   []float64
		want   []float64
	}{
		// y = 0, 0.1, 0.02; r = 12/300 = 0.04; s2 = 100 (0.0016+0.0036+0.0004)/300 = 0.0056/3;
		// a = s2 - 0.04/100 = 0.0044/3; C = a/(a + 0.0004) = 11/14 for every area.
		// EB = 0.04 + 11/14 (y - 0.04): 0.12/14, 1.22/14, 0.34/14 -> per 1,000: 60/7, 610/7, 170/7.
		{"shrink", []int{0, 10, 2}, []float64{100, 100, 100}, []float64{60.0 / 7, 610.0 / 7, 170.0 / 7}},
		// y = 0.01, 0.02, 0.012; r = 6/450 = 1/75; s2 = 1/75000; a = 1/75000 - (1/75)/150 < 0,
		// so a is truncated to 0 and every area takes the global rate 1000/75.
		{"pooled", []int{1, 2, 3}, []float64{100, 100, 250}, []float64{1000.0 / 75, 1000.0 / 75, 1000.0 / 75}},
		// An area without residents is NaN and leaves the others unchanged.
		{"empty area", []int{0, 10, 2, 0}, []float64{100, 100, 100, 0},
			[]float64{60.0 / 7, 610.0 / 7, 170.0 / 7, math.NaN()}},
		// All counts zero: r = 0, every smoothed rate is 0.
		{"zeros", []int{0, 0}, []float64{10, 20}, []float64{0, 0}},
	}
	for _, tc := range tests {
		got := EBSmoothGlobal(tc.counts, tc.pops)
		for i := range tc.want {
			if !near(got[i], tc.want[i], 1e-9) {
				t.Errorf("%s: area %d = %v, want %v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

func TestAssuncaoReis(t *testing.T) {
	tests := []struct {
		name   string
		counts []int
		pops   []float64
		want   []float64
	}{
		// Same data as "shrink": v_i = a + r/100 = 0.0056/3 for every area.
		{"positive a", []int{0, 10, 2}, []float64{100, 100, 100},
			[]float64{-0.04 / math.Sqrt(0.0056/3), 0.06 / math.Sqrt(0.0056/3), -0.02 / math.Sqrt(0.0056/3)}},
		// r = 1/75, s2 = 1/75000, a = 1/75000 - 1/11250 = -17/225000.
		// v1 = v2 = -17/225000 + 1/7500 = 13/225000; v3 = -17/225000 + 12/225000 < 0 -> r/b3 = 12/225000.
		// y - r = -1/300, 1/150, -1/750.
		{"negative v", []int{1, 2, 3}, []float64{100, 100, 250},
			[]float64{(-1.0 / 300) / math.Sqrt(13.0/225000), (1.0 / 150) / math.Sqrt(13.0/225000),
				(-1.0 / 750) / math.Sqrt(12.0/225000)}},
		{"empty area", []int{1, 5, 2, 3}, []float64{100, 0, 100, 250},
			[]float64{(-1.0 / 300) / math.Sqrt(13.0/225000), math.NaN(), (1.0 / 150) / math.Sqrt(13.0/225000),
				(-1.0 / 750) / math.Sqrt(12.0/225000)}},
		{"zeros", []int{0, 0, 0}, []float64{10, 20, 30}, []float64{0, 0, 0}},
	}
	for _, tc := range tests {
		got := AssuncaoReis(tc.counts, tc.pops)
		for i := range tc.want {
			if !near(got[i], tc.want[i], 1e-9) {
				t.Errorf("%s: area %d = %v, want %v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

func TestEBPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"length":   func() { EBSmoothGlobal([]int{1}, []float64{1, 2}) },
		"negative": func() { AssuncaoReis([]int{-1}, []float64{1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
