package withheld

import (
	"testing"

	"github.com/abitare/abitare/disclosure/secondary"
)

// TestSeveralComuniLinkTheirPartitions: two comuni of 3 and 10 people in poverty, one H3 7 cell
// of 13 over both. Nothing shows the territory's total, yet the cell and the comuni are two
// partitions of it: 13 - 10 gives the small comune away unless a second count is withheld.
func TestSeveralComuniLinkTheirPartitions(t *testing.T) {
	build := func(several bool) (*periodTable, secondary.Problem) {
		tab := &periodTable{period: "2025", index: map[figureKey]int{}, pieces: map[figureKey][]int{}}
		tab.add(figureKey{"municipality", "036005", "poverty"}, 3, false)
		tab.add(figureKey{"municipality", "036023", "poverty"}, 10, false)
		tab.add(figureKey{"h3_7", "871ea2000ffffff", "poverty"}, 13, false)
		geo := geometry{sectionDistrict: map[string]string{}, severalComuni: several}
		if several {
			geo.within = []containment{
				{whole: territoryArea, parts: []figureKey{{"municipality", "036005", ""}, {"municipality", "036023", ""}}, exhaustive: true},
				{whole: territoryArea, parts: []figureKey{{"h3_7", "871ea2000ffffff", ""}}, exhaustive: true},
			}
		}
		p := tab.problem(5, geo)
		p.Exact = false
		return tab, p
	}
	disclosed := func(tab *periodTable, p secondary.Problem, res secondary.Result) bool {
		// The attacker's view: the relations of the territory, whatever the protector knew.
		_, full := build(true)
		iv := secondary.Attack(full, append(res.Withheld, make([]bool, len(full.Values)-len(res.Withheld))...))
		small := tab.index[figureKey{"municipality", "036005", "poverty"}]
		return iv[small].Hi-iv[small].Lo+1 < 3
	}
	tab, p := build(false)
	res, err := secondary.Protect(p)
	if err != nil {
		t.Fatal(err)
	}
	if !disclosed(tab, p, res) {
		t.Fatal("without the territory's relations the small comune should be recoverable: the test has no teeth")
	}
	tab, p = build(true)
	if res, err = secondary.Protect(p); err != nil {
		t.Fatal(err)
	}
	if disclosed(tab, p, res) || res.Secondary == 0 {
		t.Fatalf("with the territory's relations the small comune is still recoverable (%+v)", res)
	}
}
