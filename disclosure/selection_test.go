package disclosure_test

import (
	"math/rand/v2"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
)

// TestSelectionsAreSumsOfReadableFigures is the property that defeats averaging: whatever other
// units a selection holds, its sum minus the shown units' true counts is the same for the same
// withheld units (their public figures), and a withheld unit with no public figure withholds
// the sum rather than enter with anything of its own.
func TestSelectionsAreSumsOfReadableFigures(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	published := func(v int) *int { return &v }
	sum := func(units []disclosure.SelectionUnit) disclosure.SelectionSum {
		return disclosure.SumSelection(units, 2000, 100, 5)
	}
	for trial := range 2000 {
		target := disclosure.SelectionUnit{People: 1 + rng.IntN(4), Withheld: true, Published: published(5 * rng.IntN(2))}
		pool := []disclosure.SelectionUnit{target}
		for range 1 + rng.IntN(11) {
			pool = append(pool, disclosure.SelectionUnit{People: 1 + rng.IntN(30), Withheld: true, Published: published(5 + rng.IntN(30))})
		}
		var diffs []int
		for range 5 {
			var shown []disclosure.SelectionUnit
			for range 3 {
				shown = append(shown, disclosure.SelectionUnit{People: 5 + rng.IntN(40)})
			}
			with := sum(append(append([]disclosure.SelectionUnit{}, pool...), shown...))
			without := sum(append(append([]disclosure.SelectionUnit{}, pool[1:]...), shown...))
			if with.Status != abitare.Protected || without.People == nil {
				t.Fatalf("trial %d: %+v / %+v", trial, with, without)
			}
			diffs = append(diffs, *with.People-*without.People)
		}
		for _, d := range diffs {
			if d != *target.Published {
				t.Fatalf("trial %d: the target's differences %v, want always its public figure %d", trial, diffs, *target.Published)
			}
		}
		hidden := append([]disclosure.SelectionUnit{{People: 2, Withheld: true}}, pool...)
		if s := sum(hidden); s.Status != abitare.Withheld || s.People != nil || s.UnpublishedUnits != 1 {
			t.Fatalf("trial %d: a withheld unit without a public figure: %+v, want the sum withheld", trial, s)
		}
	}
}

func TestSumSelection(t *testing.T) {
	five, zero := 5, 0
	for _, c := range []struct {
		name      string
		units     []disclosure.SelectionUnit
		residents float64
		people    int // -1: withheld
		status    string
		perturbed int
	}{
		{"shown units: their true sum", []disclosure.SelectionUnit{{People: 9}, {People: 0}}, 500, 9, abitare.Shown, 0},
		{"nobody", nil, 500, 0, abitare.Shown, 0},
		{"withheld units at their public figures", []disclosure.SelectionUnit{{People: 9}, {People: 3, Withheld: true, Published: &five},
			{People: 1, Withheld: true, Published: &zero}}, 500, 14, abitare.Protected, 2},
		{"fewer residents than the minimum", []disclosure.SelectionUnit{{People: 9}}, 99, -1, abitare.Withheld, 0},
		{"residents rounded to the minimum", []disclosure.SelectionUnit{{People: 9}}, 99.5, 9, abitare.Shown, 0},
		{"a small sum", []disclosure.SelectionUnit{{People: 2}, {People: 2}}, 500, -1, abitare.Withheld, 0},
	} {
		got := disclosure.SumSelection(c.units, c.residents, 100, 5)
		if c.people < 0 {
			if got.People != nil || got.Status != c.status {
				t.Errorf("%s: %+v, want withheld", c.name, got)
			}
			continue
		}
		if got.People == nil || *got.People != c.people || got.Status != c.status || got.PerturbedUnits != c.perturbed {
			t.Errorf("%s: %+v, want %d %s with %d perturbed units", c.name, got, c.people, c.status, c.perturbed)
		}
	}
}
