package profile

import (
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
)

// TestCategoryAnswerShowsWhatTheProtectionLetsThrough: the view withholds what
// disclosure.ProtectCategories decided (a category's count and rate, a dimension's relative
// risks, the unclassified) and shows the rest, highest relative risk first.
func TestCategoryAnswerShowsWhatTheProtectionLetsThrough(t *testing.T) {
	r := &Reader{MinCount: 5}
	cells := []disclosure.CategoryCell{
		{Dimension: "age", Category: "0-17", Residents: 900, People: 3}, {Dimension: "age", Category: "18-64", Residents: 5000, People: 40},
		{Dimension: "age", Category: "65+", Residents: 2000, People: 30},
		{Dimension: "sex", Category: "F", Residents: 4000, People: 40}, {Dimension: "sex", Category: "M", Residents: 3900, People: 33},
	}
	prot := disclosure.CategoryProtection{Category: []bool{true, false, true, false, false},
		Dimension: map[string]bool{"age": true, "sex": false}, Unclassified: true}
	list, unclassified := r.categoryAnswer(cells, 12, prot)
	if unclassified != nil {
		t.Errorf("unclassified %d shown, want withheld", *unclassified)
	}
	byName := map[string]CategoryRisk{}
	for _, k := range list {
		byName[k.Dimension+"/"+k.Category] = k
	}
	for _, name := range []string{"age/0-17", "age/65+"} {
		if k := byName[name]; k.Status != abitare.Withheld || k.People != nil || k.Rate != nil || k.RR != nil {
			t.Errorf("%s: %+v, want withheld", name, k)
		}
	}
	if k := byName["age/18-64"]; k.Status != abitare.Shown || k.People == nil || *k.People != 40 || k.Rate == nil || k.RR != nil {
		t.Errorf("age/18-64: %+v, want its 40 and rate shown without a relative risk (the dimension's are withheld)", k)
	}
	for _, name := range []string{"sex/F", "sex/M"} {
		if k := byName[name]; k.Status != abitare.Shown || k.RR == nil {
			t.Errorf("%s: %+v, want shown with its relative risk", name, k)
		}
	}
	if len(list) != len(cells) || list[0].RR == nil || list[1].RR == nil || *list[0].RR < *list[1].RR || list[len(list)-1].RR != nil {
		t.Errorf("order %+v: want the relative risks first, highest first", list)
	}
}
