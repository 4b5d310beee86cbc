package disclosure

import (
	"math"

	"github.com/abitare/abitare"
)

// SelectionUnit is one unit of a planner's selection (a census section or an H3 cell) with its
// figure of one indicator, as the planner's outputs hold it.
type SelectionUnit struct {
	People   int  // the true count
	Withheld bool // not shown to planners (withheld_figures)
	// Published is the unit's figure in the latest public release (cell-key perturbed), nil
	// when the release does not publish it (health below districts, areas under the minimum
	// of residents).
	Published *int
}

// Value is what the unit adds to a selection, and whether it has one: its true count when
// planners see it; otherwise its figure in the public release, which planners read too. A
// withheld unit the release does not publish has no value a planner may learn.
func (u SelectionUnit) Value() (int, bool) {
	switch {
	case !u.Withheld:
		return u.People, true
	case u.Published != nil:
		return *u.Published, true
	}
	return 0, false
}

// SelectionSum is one indicator of a selection as a planner may read it.
type SelectionSum struct {
	People *int   // the sum of the units' values; nil when withheld
	Status string // abitare.Shown, abitare.Protected or abitare.Withheld
	// PerturbedUnits is how many withheld units entered with their public (perturbed) figure.
	PerturbedUnits int
	// UnpublishedUnits is how many withheld units have no public figure: any withholds the sum.
	UnpublishedUnits int
}

// SumSelection sums one indicator over the units of a planner's selection (a custom area):
// Published when every unit is shown (the true count, as a planner could add it up), Protected
// when withheld units enter with their public figures, Withheld when one has none, when the
// selection has fewer than minResidents residents (rounded to whole people: a rate of a
// handful of residents is noise), or when the sum is a small count (Withheld; it cannot be one
// today, since shown counts and public figures are 0 or at least the threshold, but it stays
// withheld should it ever).
//
// Every answer is a function of figures the planner reads elsewhere, the same in every
// selection, so no combination of selections tells more than those figures do.
func SumSelection(units []SelectionUnit, residents float64, minResidents, threshold int) SelectionSum {
	s := SelectionSum{Status: abitare.Withheld}
	sum := 0
	for _, u := range units {
		v, ok := u.Value()
		if !ok {
			s.UnpublishedUnits++
			continue
		}
		sum += v
		if u.Withheld {
			s.PerturbedUnits++
		}
	}
	if s.UnpublishedUnits > 0 || int(math.Round(residents)) < minResidents || Withheld(sum, threshold) {
		return s
	}
	s.People, s.Status = &sum, abitare.Shown
	if s.PerturbedUnits > 0 {
		s.Status = abitare.Protected
	}
	return s
}
