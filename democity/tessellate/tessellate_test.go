package tessellate

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb/planar"
)

func zones(t testing.TB) []modena.OMIZone {
	t.Helper()
	z, err := modena.OMIZones()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestSectionsModena(t *testing.T) {
	zs := zones(t)
	const total = 185000
	secs, err := Sections(zs, total, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sections", len(secs))
	if len(secs) < 500 || len(secs) > 900 {
		t.Errorf("%d sections, want 500-900", len(secs))
	}
	byCode := map[string]modena.OMIZone{}
	for _, z := range zs {
		byCode[z.Code] = z
	}
	sum, inBand := 0, 0
	for i, s := range secs {
		sum += s.Residents
		if s.Residents >= 150 && s.Residents <= 400 {
			inBand++
		}
		if s.Residents < 100 || s.Residents > 450 {
			t.Errorf("section %s: %d residents", s.ID, s.Residents)
		}
		if want := fmt.Sprintf("36023%07d", i+1); s.ID != want {
			t.Errorf("section %d id %s, want %s", i, s.ID, want)
		}
		if s.Households < 1 || s.Households > s.Residents {
			t.Errorf("section %s: %d households for %d residents", s.ID, s.Households, s.Residents)
		}
		z, ok := byCode[s.OMIZone]
		if !ok {
			t.Fatalf("section %s: unknown zone %q", s.ID, s.OMIZone)
		}
		c, _ := planar.CentroidArea(s.Geometry)
		if !planar.MultiPolygonContains(z.Geometry, c) {
			t.Errorf("section %s: centroid %v outside zone %s", s.ID, c, z.Code)
		}
		if a := AreaM2(s.Geometry); a < minPieceM2 {
			t.Errorf("section %s: area %.0f m²", s.ID, a)
		}
		checkRings(t, s)
	}
	if sum != total {
		t.Errorf("residents sum %d, want %d", sum, total)
	}
	if float64(inBand) < 0.95*float64(len(secs)) {
		t.Errorf("%d of %d sections within 150-400 residents", inBand, len(secs))
	}
}

func checkRings(t *testing.T, s Section) {
	t.Helper()
	for _, p := range s.Geometry {
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Errorf("section %s: ring not closed or too short", s.ID)
			}
			for _, pt := range r {
				if pt[0] != round7(pt[0]) || pt[1] != round7(pt[1]) {
					t.Errorf("section %s: coordinate %v not rounded", s.ID, pt)
					return
				}
			}
		}
	}
}

func TestSectionsDeterministic(t *testing.T) {
	zs := zones(t)
	a, err := Sections(zs, 185000, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Sections(zones(t), 185000, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("same inputs gave different sections")
	}
	c, err := Sections(zs, 185000, 8)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave identical sections")
	}
}

func TestSectionsSmallTotals(t *testing.T) {
	zs := zones(t)
	for _, total := range []int{20000, 5000, 50} {
		secs, err := Sections(zs, total, 3)
		if err != nil {
			t.Fatalf("total %d: %v", total, err)
		}
		sum := 0
		for _, s := range secs {
			sum += s.Residents
		}
		if sum != total {
			t.Errorf("total %d: residents sum %d", total, sum)
		}
	}
}

func TestSectionsErrors(t *testing.T) {
	if _, err := Sections(zones(t), 0, 1); err == nil {
		t.Error("zero residents: want error")
	}
	if _, err := Sections(nil, 100, 1); err == nil {
		t.Error("no zones: want error")
	}
	bad := zones(t)[:1]
	bad[0].Band = "X"
	if _, err := Sections(bad, 100, 1); err == nil {
		t.Error("unknown band: want error")
	}
}

func TestRoundToTotal(t *testing.T) {
	got := roundToTotal([]float64{1.5, 2.5, 3.2}, 8, 0, 10)
	if got[0]+got[1]+got[2] != 8 {
		t.Errorf("sum of %v, want 8", got)
	}
	if !reflect.DeepEqual(got, []int{2, 3, 3}) {
		t.Errorf("got %v, want [2 3 3]", got)
	}
}
