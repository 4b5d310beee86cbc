package trends

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/abitare/abitare/geo/stats"
)

// TestAdjustBHReference: values printed by R 4.2.2's p.adjust(p, "BH").
func TestAdjustBHReference(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct{ p, want []float64 }{
		{[]float64{0.01, 0.04, 0.03, 0.005}, []float64{0.02, 0.04, 0.04, 0.02}},
		{[]float64{0.01, nan, 0.02}, []float64{0.02, nan, 0.02}},
		{[]float64{}, []float64{}},
		{[]float64{0.3}, []float64{0.3}},
		{[]float64{0.9, 0.95, 1}, []float64{1, 1, 1}},
	} {
		got, err := AdjustBH(tc.p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want {
			if math.IsNaN(tc.want[i]) != math.IsNaN(got[i]) || math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("AdjustBH(%v) = %v, want %v", tc.p, got, tc.want)
				break
			}
		}
	}
}

// TestAdjustBHBoundary: a raw p-value exactly at the step-up threshold
// k·q/m (0.068 = 17 · 0.10 / 25) is adjusted, in floating point as in R, to
// 0.10000000000000002; Classify still counts it significant at 0.10, as
// geo/stats.BenjaminiHochberg does.
func TestAdjustBHBoundary(t *testing.T) {
	p := make([]float64, 25)
	for i := range p {
		p[i] = 0.9
		if i < 16 {
			p[i] = 0.001
		}
	}
	p[16] = 0.068
	adj, err := AdjustBH(p)
	if err != nil {
		t.Fatal(err)
	}
	if adj[16] != 0.10000000000000002 { // R 4.2.2: p.adjust(p, "BH")[17]
		t.Fatalf("adjusted %.17g", adj[16])
	}
	if cutoff := stats.BenjaminiHochberg(p, 0.10); cutoff != 0.068 {
		t.Fatalf("cut-off %v", cutoff)
	}
	z := []float64{0.1, -0.2, 0.3, 0, -0.5, 0.4, 0.2, -0.1, 0.3, -0.3, 0.1, 2.5}
	bins := pOf(z)
	bins[11] = adj[16]
	if got, err := Classify(z, bins, Options{}); err != nil || got.Category != NewHotSpot {
		t.Errorf("final bin at adjusted p %.17g: %v, %v, want a new hot spot", adj[16], got.Category, err)
	}
}

func TestAdjustBHRejects(t *testing.T) {
	for _, v := range []float64{-1e-9, 1.5, math.Inf(1)} {
		_, err := AdjustBH([]float64{0.1, v})
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Index != 1 || !errors.Is(err, ErrInvalidValue) {
			t.Errorf("p = %v: err = %v", v, err)
		}
	}
}

// TestAdjustBHMatchesCutoff: an adjusted p-value is ≤ q exactly when the raw
// one is ≤ the step-up cut-off of geo/stats.BenjaminiHochberg, so the
// classification's "adjusted p ≤ Alpha" is the observatory's FDR rule. Also:
// adjusted values lie in [p, 1] and keep the order of the raw ones.
func TestAdjustBHMatchesCutoff(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 3))
	for range 2000 {
		n := rng.IntN(60)
		p := make([]float64, n)
		for i := range p {
			switch u := rng.Float64(); {
			case u < 0.05:
				p[i] = math.NaN()
			case u < 0.2 && i > 0:
				p[i] = p[rng.IntN(i)] // a tie
			case u < 0.5:
				p[i] = 0.05 * rng.Float64() // small
			default:
				p[i] = rng.Float64()
			}
		}
		adj, err := AdjustBH(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []float64{0.05, 0.10, 0.20} {
			cutoff := stats.BenjaminiHochberg(p, q)
			for i := range p {
				if math.IsNaN(p[i]) {
					if !math.IsNaN(adj[i]) {
						t.Fatalf("NaN adjusted to %v", adj[i])
					}
					continue
				}
				if (adj[i] <= q) != (p[i] <= cutoff) {
					t.Fatalf("q = %v, p = %v: adjusted %v, cut-off %v (%v)", q, p[i], adj[i], cutoff, p)
				}
			}
		}
		for i := range p {
			if math.IsNaN(p[i]) {
				continue
			}
			if adj[i] < p[i] || adj[i] > 1 {
				t.Fatalf("p %v adjusted to %v", p[i], adj[i])
			}
			for j := range p {
				if p[j] < p[i] && adj[j] > adj[i] {
					t.Fatalf("order: p %v → %v but p %v → %v", p[j], adj[j], p[i], adj[i])
				}
			}
		}
	}
}
