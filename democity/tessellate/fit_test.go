package tessellate

import (
	"math"
	"testing"

	"github.com/abitare/abitare/geo/modena"
)

// TestFitPartitionsTheComune: the fitted zones add up to the comune's area (no overlap, no gap,
// nothing outside), and the sections cut from them do too.
func TestFitPartitionsTheComune(t *testing.T) {
	zones, err := modena.OMIZones()
	if err != nil {
		t.Fatal(err)
	}
	boundary, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	raw := 0.0
	for _, z := range zones {
		raw += AreaM2(z.Geometry)
	}
	fitted, err := Fit(zones, boundary)
	if err != nil {
		t.Fatal(err)
	}
	want := AreaM2(boundary)
	sum := 0.0
	for i, z := range fitted {
		if z.Code != zones[i].Code || len(z.Geometry) == 0 {
			t.Fatalf("zone %d: %s with %d polygons", i, z.Code, len(z.Geometry))
		}
		sum += AreaM2(z.Geometry)
	}
	if math.Abs(sum-want)/want > 1e-6 {
		t.Fatalf("fitted zones cover %.4f km², the comune %.4f km² (the raw zones %.4f km²)", sum/1e6, want/1e6, raw/1e6)
	}
	secs, err := Sections(fitted, 50000, 1)
	if err != nil {
		t.Fatal(err)
	}
	cut := 0.0
	for _, s := range secs {
		cut += AreaM2(s.Geometry)
	}
	// Pieces under minPieceM2 are dropped: a few hundred m² at most.
	if math.Abs(cut-want)/want > 1e-4 {
		t.Fatalf("sections cover %.4f km², the comune %.4f km²", cut/1e6, want/1e6)
	}
}
