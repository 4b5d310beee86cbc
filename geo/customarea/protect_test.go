package customarea

import (
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/disclosure/cellkey"
)

func TestFewPeopleOfWithheldUnitsWithholdTheFigure(t *testing.T) {
	table, err := cellkey.New(cellkey.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	p := protection{table: table, minResidents: 100}
	limit := table.Params().Threshold - 1 + 2*table.Params().MaxDeviation
	for _, c := range []struct {
		sections, cells int
		want            bool
	}{
		{0, 0, false},                 // no withheld unit in the selection
		{1, 0, true},                  // one person of a withheld section: isolated by subtraction
		{0, limit, true},              // as many as the perturbation could still narrow to a small count
		{limit + 1, 0, false},         // more: the interval bounds no small count
		{limit + 1, limit + 1, false}, //
		{limit + 1, 2, true},          // either partition is enough for the attacker
	} {
		got := p.isolates(count{people: 200, inWithheldSections: c.sections, inWithheldCells: c.cells})
		if got != c.want {
			t.Errorf("%d people in withheld sections, %d in withheld cells: isolates %v, want %v", c.sections, c.cells, got, c.want)
		}
	}
	if f := p.figure("housing", count{people: 40, keySum: 12345, inWithheldSections: 3}, 2000); f.Status != abitare.Withheld || f.People != nil {
		t.Fatalf("a large count with 3 people of a withheld section: %+v, want withheld", f)
	}
	if f := p.figure("housing", count{people: 40, keySum: 12345}, 2000); f.Status != abitare.Protected || f.People == nil {
		t.Fatalf("a large count with no withheld unit: %+v, want protected", f)
	}
}
