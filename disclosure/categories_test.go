package disclosure

import (
	"testing"

	"github.com/abitare/abitare/disclosure/secondary"
)

func TestProtectCategoriesGivesASmallCategoryAPartner(t *testing.T) {
	cells := []CategoryCell{
		{Dimension: "age", Category: "0-17", Residents: 900, People: 3}, {Dimension: "age", Category: "18-64", Residents: 5000, People: 40},
		{Dimension: "age", Category: "65+", Residents: 2000, People: 30},
		{Dimension: "sex", Category: "F", Residents: 4000, People: 40}, {Dimension: "sex", Category: "M", Residents: 3900, People: 33},
	}
	p, err := ProtectCategories(cells, 12, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Category[0] || !p.Category[2] || p.Category[1] {
		t.Fatalf("age categories withheld %v, want the 3 and its partner the 30 (the smaller other)", p.Category[:3])
	}
	if p.Category[3] || p.Category[4] || p.Unclassified || p.Dimension["age"] || p.Dimension["sex"] {
		t.Fatalf("withheld more than needed: %+v", p)
	}
}

func TestProtectCategoriesHidesTheClassifiedTotalWithASmallUnclassified(t *testing.T) {
	cells := []CategoryCell{
		{Dimension: "age", Category: "0-17", Residents: 900, People: 20}, {Dimension: "age", Category: "18+", Residents: 7000, People: 53},
		{Dimension: "sex", Category: "F", Residents: 4000, People: 40}, {Dimension: "sex", Category: "M", Residents: 3900, People: 33},
	}
	p, err := ProtectCategories(cells, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	// The city's total is on the map: with every category and relative risk shown, the 2
	// unclassified would be the difference.
	if !p.Unclassified || !p.Dimension["age"] || !p.Dimension["sex"] {
		t.Fatalf("%+v: want the unclassified and every dimension's relative risks withheld", p)
	}
	if !(p.Category[0] || p.Category[1]) || !(p.Category[2] || p.Category[3]) {
		t.Fatalf("categories withheld %v: want one per dimension, or the classified total is their sum", p.Category)
	}
}

func TestProtectCategoriesRefusesInconsistentDimensions(t *testing.T) {
	cells := []CategoryCell{{Dimension: "age", Category: "a", People: 10}, {Dimension: "sex", Category: "F", People: 12}}
	if _, err := ProtectCategories(cells, 0, 5); err == nil {
		t.Fatal("dimensions classifying different numbers of people were accepted")
	}
}

// zoneTestTable: three districts, every person placed in one. District A has 2 young people
// in need: small.
func zoneTestTable() CategoryTable {
	zone := func(young, old, f, m int) []CategoryCell {
		return []CategoryCell{
			{Dimension: "age", Category: "young", Residents: 500, People: young}, {Dimension: "age", Category: "old", Residents: 900, People: old},
			{Dimension: "sex", Category: "F", Residents: 700, People: f}, {Dimension: "sex", Category: "M", Residents: 700, People: m},
		}
	}
	t := CategoryTable{
		Zones: []string{"A", "B", "C"},
		Cells: map[string][]CategoryCell{
			"A": zone(2, 20, 11, 11), "B": zone(10, 30, 20, 20), "C": zone(12, 25, 18, 19), "": zone(0, 0, 0, 0),
		},
		Outside:     map[string]int{"A": 6, "B": 7, "C": 9},
		MapWithheld: map[string]bool{},
	}
	t.City = zone(24, 75, 49, 50)
	t.Unclassified = 22
	return t
}

// disclosedSmall lists the small cells an attacker narrows to fewer than three values.
func disclosedSmall(p secondary.Problem, withheld []bool) []int {
	var out []int
	for c, iv := range secondary.Attack(p, withheld) {
		if v := p.Values[c]; v >= 1 && v < p.Threshold && iv.Hi-iv.Lo+1 < secondary.DefaultRange {
			out = append(out, c)
		}
	}
	return out
}

func TestDistrictCategoriesResistSubtractionFromTheCity(t *testing.T) {
	tab := zoneTestTable()
	joint, err := ProtectCategoryTable(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	p, a := joint.problem, joint.areas["A"]
	if p.Values[a.cat[0]] != 2 {
		t.Fatalf("cell %d is %d, want A's 2 young people", a.cat[0], p.Values[a.cat[0]])
	}

	// Naive: each district protected on its own (as the city view protects the city), the city
	// as today; the attacker sees the union and every relation.
	naive := make([]bool, len(p.Values))
	apply := func(ar categoryArea, cp CategoryProtection) {
		naive[ar.rest] = cp.Unclassified
		for d, c := range ar.dim {
			naive[c] = cp.Dimension[d]
		}
		for i, w := range cp.Category {
			naive[ar.cat[i]] = w
		}
	}
	city, err := ProtectCategories(tab.City, tab.Unclassified, 5)
	if err != nil {
		t.Fatal(err)
	}
	apply(joint.cityArea, city)
	for _, z := range tab.Zones {
		cp, err := ProtectCategories(tab.Cells[z], tab.Outside[z], 5)
		if err != nil {
			t.Fatal(err)
		}
		apply(joint.areas[z], cp)
	}
	if !naive[a.cat[0]] {
		t.Fatal("the naive protection shows A's 2 young people")
	}
	iv := secondary.Attack(p, naive)
	if got := disclosedSmall(p, naive); len(got) == 0 {
		t.Fatalf("the naive per-district protection resists the attack (A's young: %+v): the test table proves nothing", iv[a.cat[0]])
	}
	t.Logf("naive per-district protection: A's 2 young people narrowed to %+v", iv[a.cat[0]])

	if got := disclosedSmall(p, joint.withheld); len(got) > 0 {
		t.Fatalf("joint protection discloses cells %v", got)
	}
	ivj := secondary.Attack(p, joint.withheld)
	t.Logf("joint protection: A's young people in %+v", ivj[a.cat[0]])
	if !joint.Zone["A"].Category[0] {
		t.Fatal("A's 2 young people shown")
	}
	if joint.City.Category[0] || joint.City.Category[1] {
		t.Fatalf("the city's age categories withheld (%v): the districts' cells should have been withheld instead", joint.City.Category)
	}
}

func TestDistrictCategoriesRefuseATableThatDoesNotAddUp(t *testing.T) {
	tab := zoneTestTable()
	tab.Cells["C"][1].People++ // C's old: now the districts hold one more than the city
	tab.Cells["C"][2].People++
	if _, err := ProtectCategoryTable(tab, 5); err == nil {
		t.Fatal("districts adding up to more than the city were accepted")
	}
}

func TestDistrictWithheldOnTheMapIsNotGivenAway(t *testing.T) {
	tab := zoneTestTable()
	tab.MapWithheld["B"] = true // the map withholds B's 87 people (to protect one of its sections)
	joint, err := ProtectCategoryTable(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	b := joint.areas["B"]
	iv := secondary.Attack(joint.problem, joint.withheld)[b.total]
	if iv.Hi-iv.Lo+1 < secondary.DefaultRange {
		t.Fatalf("B's people, withheld on the map, narrowed to %+v", iv)
	}
}
