package pip

import (
	"math/rand/v2"
	"testing"

	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The prepared polygon must agree with orb's planar containment everywhere.
func TestPolygonAgreesWithPlanar(t *testing.T) {
	boundary, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	p := NewPolygon(boundary)
	rng := rand.New(rand.NewPCG(1, 1))
	b := boundary.Bound().Pad(0.01)
	inside := 0
	for i := 0; i < 200000; i++ {
		pt := orb.Point{b.Min.X() + rng.Float64()*(b.Max.X()-b.Min.X()), b.Min.Y() + rng.Float64()*(b.Max.Y()-b.Min.Y())}
		want := planar.MultiPolygonContains(boundary, pt)
		if got := p.Contains(pt); got != want {
			t.Fatalf("Contains(%v) = %v, planar says %v", pt, got, want)
		}
		if want {
			inside++
		}
	}
	if inside < 50000 {
		t.Fatalf("only %d points inside: the test does not exercise the polygon", inside)
	}
}

func TestHolesAndIndex(t *testing.T) {
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	donut := orb.MultiPolygon{{square(0, 0, 10, 10), square(4, 4, 6, 6)}}
	other := orb.MultiPolygon{{square(10, 0, 20, 10)}}
	ix := NewIndex([]string{"donut", "other"}, []orb.MultiPolygon{donut, other})
	for pt, want := range map[orb.Point]string{{1, 1}: "donut", {5, 5}: "", {15, 5}: "other", {25, 5}: "", {9.9, 9.9}: "donut"} {
		if got, _ := ix.Locate(pt); got != want {
			t.Errorf("Locate(%v) = %q, want %q", pt, got, want)
		}
	}
}

func BenchmarkContains(b *testing.B) {
	boundary, _ := modena.Boundary()
	p := NewPolygon(boundary)
	pts := make([]orb.Point, 1024)
	rng := rand.New(rand.NewPCG(1, 1))
	bd := boundary.Bound()
	for i := range pts {
		pts[i] = orb.Point{bd.Min.X() + rng.Float64()*(bd.Max.X()-bd.Min.X()), bd.Min.Y() + rng.Float64()*(bd.Max.Y()-bd.Min.Y())}
	}
	b.Run("slabs", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p.Contains(pts[i%len(pts)])
		}
	})
	b.Run("planar", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			planar.MultiPolygonContains(boundary, pts[i%len(pts)])
		}
	})
}
