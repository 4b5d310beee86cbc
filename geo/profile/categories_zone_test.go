package profile

import (
	"testing"

	"github.com/abitare/abitare/geo/disclosure/secondary"
)

// zoneTestTable: three districts, every person placed in one. District A has 2 young people
// in need: small.
func zoneTestTable() categoryTable {
	zone := func(young, old, f, m int) []categoryCell {
		return []categoryCell{
			{dim: "age", cat: "young", residents: 500, in: young}, {dim: "age", cat: "old", residents: 900, in: old},
			{dim: "sex", cat: "F", residents: 700, in: f}, {dim: "sex", cat: "M", residents: 700, in: m},
		}
	}
	t := categoryTable{
		zones: []string{"A", "B", "C"},
		cells: map[string][]categoryCell{
			"A": zone(2, 20, 11, 11), "B": zone(10, 30, 20, 20), "C": zone(12, 25, 18, 19), "": zone(0, 0, 0, 0),
		},
		outside:     map[string]int{"A": 6, "B": 7, "C": 9},
		mapWithheld: map[string]bool{},
	}
	t.city = zone(24, 75, 49, 50)
	t.unclassified = 22
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
	joint, err := protectCategoryTable(tab, 5)
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
	apply := func(ar categoryArea, cp categoryProtection) {
		naive[ar.rest] = cp.unclassified
		for d, c := range ar.dim {
			naive[c] = cp.dimension[d]
		}
		for i, w := range cp.category {
			naive[ar.cat[i]] = w
		}
	}
	city, err := protectCategories(tab.city, tab.unclassified, 5)
	if err != nil {
		t.Fatal(err)
	}
	apply(joint.cityArea, city)
	for _, z := range tab.zones {
		cp, err := protectCategories(tab.cells[z], tab.outside[z], 5)
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
	if !joint.zone["A"].category[0] {
		t.Fatal("A's 2 young people shown")
	}
	if joint.city.category[0] || joint.city.category[1] {
		t.Fatalf("the city's age categories withheld (%v): the districts' cells should have been withheld instead", joint.city.category)
	}
}

func TestDistrictCategoriesRefuseATableThatDoesNotAddUp(t *testing.T) {
	tab := zoneTestTable()
	tab.cells["C"][1].in++ // C's old: now the districts hold one more than the city
	tab.cells["C"][2].in++
	if _, err := protectCategoryTable(tab, 5); err == nil {
		t.Fatal("districts adding up to more than the city were accepted")
	}
}

func TestDistrictWithheldOnTheMapIsNotGivenAway(t *testing.T) {
	tab := zoneTestTable()
	tab.mapWithheld["B"] = true // the map withholds B's 87 people (to protect one of its sections)
	joint, err := protectCategoryTable(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	b := joint.areas["B"]
	iv := secondary.Attack(joint.problem, joint.withheld)[b.total]
	if iv.Hi-iv.Lo+1 < secondary.DefaultRange {
		t.Fatalf("B's people, withheld on the map, narrowed to %+v", iv)
	}
}
