package customarea

import (
	"math/rand/v2"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/disclosure/cellkey"
)

// TestAnswersAreSumsOfFixedUnitValues is the property that defeats averaging: whatever other
// units a selection holds, its answer minus the shown units' true counts is the same for the
// same withheld units, and a withheld small count adds 0 or 5, which any count from 1 to 5
// can add too.
func TestAnswersAreSumsOfFixedUnitValues(t *testing.T) {
	p := protection{table: defaultTable(t), minResidents: 100}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		target := unit{area: "T", people: 1 + rng.IntN(4), cellKey: rng.Int64N(1 << 31), withheld: true}
		if v := p.value(target); v != 0 && v != 5 {
			t.Fatalf("a withheld %d enters as %d: want 0 or 5", target.people, v)
		}
		pool := []unit{target}
		for range 1 + rng.IntN(11) {
			pool = append(pool, unit{area: "P", people: 1 + rng.IntN(30), cellKey: rng.Int64N(1 << 31), withheld: true})
		}
		var diffs []int
		for range 5 {
			var shown []unit
			shownSum := 0
			for range 3 {
				n := 5 + rng.IntN(40)
				shown = append(shown, unit{area: "S", people: n})
				shownSum += n
			}
			with := p.figure("housing", append(append([]unit{}, pool...), shown...), 2000)
			without := p.figure("housing", append(append([]unit{}, pool[1:]...), shown...), 2000)
			if with.Status != abitare.Protected || without.People == nil {
				t.Fatalf("trial %d: %+v / %+v", trial, with, without)
			}
			diffs = append(diffs, *with.People-*without.People)
		}
		for _, d := range diffs {
			if d != diffs[0] {
				t.Fatalf("trial %d: the target's differences vary with the shown units: %v", trial, diffs)
			}
		}
	}
	if v := p.value(unit{people: 12, cellKey: 99}); v != 12 {
		t.Errorf("a shown unit of 12 enters as %d", v)
	}
	if v, want := p.value(unit{people: 12, cellKey: 99, withheld: true}), p.table.Perturb(12, cellkey.CellKey(99)); v != want {
		t.Errorf("a withheld 12 enters as %d, want its cell-key value %d", v, want)
	}
}
