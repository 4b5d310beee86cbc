package profile

import "testing"

func TestProtectCategoriesGivesASmallCategoryAPartner(t *testing.T) {
	cells := []categoryCell{
		{dim: "age", cat: "0-17", residents: 900, in: 3}, {dim: "age", cat: "18-64", residents: 5000, in: 40},
		{dim: "age", cat: "65+", residents: 2000, in: 30},
		{dim: "sex", cat: "F", residents: 4000, in: 40}, {dim: "sex", cat: "M", residents: 3900, in: 33},
	}
	p, err := protectCategories(cells, 12, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !p.category[0] || !p.category[2] || p.category[1] {
		t.Fatalf("age categories withheld %v, want the 3 and its partner the 30 (the smaller other)", p.category[:3])
	}
	if p.category[3] || p.category[4] || p.unclassified || p.dimension["age"] || p.dimension["sex"] {
		t.Fatalf("withheld more than needed: %+v", p)
	}
}

func TestProtectCategoriesHidesTheClassifiedTotalWithASmallUnclassified(t *testing.T) {
	cells := []categoryCell{
		{dim: "age", cat: "0-17", residents: 900, in: 20}, {dim: "age", cat: "18+", residents: 7000, in: 53},
		{dim: "sex", cat: "F", residents: 4000, in: 40}, {dim: "sex", cat: "M", residents: 3900, in: 33},
	}
	p, err := protectCategories(cells, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	// The city's total is on the map: with every category and relative risk shown, the 2
	// unclassified would be the difference.
	if !p.unclassified || !p.dimension["age"] || !p.dimension["sex"] {
		t.Fatalf("%+v: want the unclassified and every dimension's relative risks withheld", p)
	}
	if !(p.category[0] || p.category[1]) || !(p.category[2] || p.category[3]) {
		t.Fatalf("categories withheld %v: want one per dimension, or the classified total is their sum", p.category)
	}
}

func TestProtectCategoriesRefusesInconsistentDimensions(t *testing.T) {
	cells := []categoryCell{{dim: "age", cat: "a", in: 10}, {dim: "sex", cat: "F", in: 12}}
	if _, err := protectCategories(cells, 0, 5); err == nil {
		t.Fatal("dimensions classifying different numbers of people were accepted")
	}
}
