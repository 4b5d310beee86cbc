package customarea

import (
	"math/rand/v2"
	"testing"

	"github.com/abitare/abitare"
)

// TestAnswersAreSumsOfReadableFigures is the property that defeats averaging: whatever other
// units a selection holds, its answer minus the shown units' true counts is the same for the
// same withheld units (their public figures), and a withheld unit with no public figure
// withholds the answer rather than enter with anything of its own.
func TestAnswersAreSumsOfReadableFigures(t *testing.T) {
	p := protection{table: defaultTable(t), minResidents: 100}
	rng := rand.New(rand.NewPCG(1, 2))
	published := func(v int) *int { return &v }
	for trial := range 2000 {
		target := unit{area: "T", people: 1 + rng.IntN(4), withheld: true, published: published(5 * rng.IntN(2))}
		pool := []unit{target}
		for range 1 + rng.IntN(11) {
			pool = append(pool, unit{area: "P", people: 1 + rng.IntN(30), withheld: true, published: published(5 + rng.IntN(30))})
		}
		var diffs []int
		for range 5 {
			var shown []unit
			for range 3 {
				shown = append(shown, unit{area: "S", people: 5 + rng.IntN(40)})
			}
			with := p.figure("housing", append(append([]unit{}, pool...), shown...), 2000)
			without := p.figure("housing", append(append([]unit{}, pool[1:]...), shown...), 2000)
			if with.Status != abitare.Protected || without.People == nil {
				t.Fatalf("trial %d: %+v / %+v", trial, with, without)
			}
			diffs = append(diffs, *with.People-*without.People)
		}
		for _, d := range diffs {
			if d != *target.published {
				t.Fatalf("trial %d: the target's differences %v, want always its public figure %d", trial, diffs, *target.published)
			}
		}
		hidden := append([]unit{{area: "H", people: 2, withheld: true}}, pool...)
		if f := p.figure("housing", hidden, 2000); f.Status != abitare.Withheld || f.People != nil || f.UnpublishedUnits != 1 {
			t.Fatalf("trial %d: a withheld unit without a public figure: %+v, want the figure withheld", trial, f)
		}
	}
}
