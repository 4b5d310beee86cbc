package aggregate

import (
	"slices"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

func TestAdaptivePartition(t *testing.T) {
	centre := hexgrid.Cell(orb.Point{10.925, 44.645}, 8)
	dense := centre.Children(9)[0] // children of this res-9 cell get 300 residents each
	sparse := centre.Children(9)[1]
	residents := map[h3.Cell]float64{}
	for _, c := range dense.Children(10) {
		residents[c] = 300
	}
	for _, c := range sparse.Children(10) {
		residents[c] = 20 // 140 in all: below the floor even at resolution 9
	}
	got := Adaptive(residents, 250)

	total, covered := 0.0, map[h3.Cell]bool{}
	byRes := map[int]int{}
	for _, a := range got {
		total += a.Residents
		byRes[a.Cell.Resolution()]++
		for _, c := range a.Cell.Children(10) {
			if covered[c] {
				t.Fatalf("cell %s covered twice", c)
			}
			covered[c] = true
		}
	}
	if total != 7*300+7*20 {
		t.Fatalf("partition holds %v residents, want %v", total, 7*300+7*20)
	}
	for c := range residents {
		if !covered[c] {
			t.Fatalf("populated cell %s not covered", c)
		}
	}
	// The sparse res-9 cell pulls its whole res-8 parent up: no split below resolution 8.
	if byRes[8] != 1 || len(got) != 1 {
		t.Fatalf("want the resolution-8 parent alone, got %v", byRes)
	}
	// With a floor the sparse children also reach, everything splits down to resolution 10.
	if fine := Adaptive(residents, 10); len(fine) != 14 {
		t.Fatalf("floor 10: %d cells, want the 14 populated resolution-10 cells", len(fine))
	}
	// Without the sparse cell, the dense one splits to resolution 10.
	for _, c := range sparse.Children(10) {
		delete(residents, c)
	}
	if got := Adaptive(residents, 250); len(got) != 7 || got[0].Cell.Resolution() != 10 {
		t.Fatalf("dense only: %d cells at resolution %d", len(got), got[0].Cell.Resolution())
	}
}

func TestNeedsAreTheVocabularys(t *testing.T) {
	var names []string
	for _, n := range Needs {
		names = append(names, n.Name)
	}
	if !slices.Equal(names, abitare.Needs) {
		t.Fatalf("needs with a signal %v, vocabulary %v", names, abitare.Needs)
	}
}
