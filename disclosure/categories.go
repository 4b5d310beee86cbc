package disclosure

import (
	"errors"
	"fmt"
	"slices"

	"github.com/abitare/abitare/disclosure/secondary"
)

// CategoryCell is one category of residents in one area and its people in need of a domain.
type CategoryCell struct {
	Dimension string // age, sex, citizenship, household_type, disability
	Category  string
	Residents int // the category's residents: the view's denominator, not protected here
	People    int // the category's people in need
}

// CategoryProtection is what a categories view withholds.
type CategoryProtection struct {
	Category     []bool          // by cell: the count and its rate
	Dimension    map[string]bool // the dimension's relative risks (they give its total away)
	Unclassified bool
}

// ProtectCategories runs secondary suppression over one area's categories of a domain, with
// the unclassified people in need (in no register, so in no category). Cells: the area's people
// in the domain (shown on the map, so withheld only as a last resort), the unclassified, per
// dimension the people classified (shown through any relative risk: a category's people plus
// those outside it) and each category. Every dimension must classify the same people.
func ProtectCategories(cells []CategoryCell, unclassified, threshold int) (CategoryProtection, error) {
	out := CategoryProtection{Category: make([]bool, len(cells)), Dimension: map[string]bool{}}
	total := unclassified
	classified := map[string]int{}
	var dims []string
	for _, c := range cells {
		if _, seen := classified[c.Dimension]; !seen {
			dims = append(dims, c.Dimension)
		}
		classified[c.Dimension] += c.People
	}
	if len(dims) > 0 {
		total += classified[dims[0]]
	}
	p := secondary.Problem{Threshold: threshold, Exact: true}
	add := func(v int, hidden, costly bool) int {
		p.Values, p.Hidden, p.Costly = append(p.Values, v), append(p.Hidden, hidden), append(p.Costly, costly)
		return len(p.Values) - 1
	}
	city, rest := add(total, false, true), add(unclassified, false, false)
	dimCell := map[string]int{}
	for _, d := range dims {
		if classified[d]+unclassified != total {
			return out, fmt.Errorf("categories: dimension %s classifies %d people, want %d", d, classified[d], total-unclassified)
		}
		dimCell[d] = add(classified[d], false, false)
		p.Equations = append(p.Equations, secondary.Equation{Whole: city, Parts: []int{dimCell[d], rest}})
	}
	catCell := make([]int, len(cells))
	parts := map[string][]int{}
	for i, c := range cells {
		catCell[i] = add(c.People, false, false)
		parts[c.Dimension] = append(parts[c.Dimension], catCell[i])
	}
	for _, d := range dims {
		p.Equations = append(p.Equations, secondary.Equation{Whole: dimCell[d], Parts: parts[d]})
	}
	res, err := secondary.Protect(p)
	if err != nil {
		return out, fmt.Errorf("categories: %w", err)
	}
	out.Unclassified = res.Withheld[rest]
	for d, c := range dimCell {
		out.Dimension[d] = res.Withheld[c]
	}
	for i := range cells {
		out.Category[i] = res.Withheld[catCell[i]]
	}
	return out, nil
}

// CategoryTable is the whole city-by-district table of one domain and period: the city's
// categories, each district's, and the remainder (people in need placed in no district). Every
// district's cells are in the city's order, zeros included, so that cell i of every district
// and of the remainder adds up to the city's cell i.
type CategoryTable struct {
	City         []CategoryCell
	Unclassified int
	Zones        []string                  // districts, sorted
	Cells        map[string][]CategoryCell // by district; "" is the remainder
	Outside      map[string]int            // unclassified people by district; "" the remainder
	MapWithheld  map[string]bool           // districts whose people in the domain the map withholds
}

// JointProtection is what the categories views withhold, city and districts at once.
type JointProtection struct {
	City CategoryProtection
	Zone map[string]CategoryProtection
	// what was decided, for tests: the problem, its cells by area ("" the remainder), and the
	// cells withheld
	problem  secondary.Problem
	cityArea categoryArea
	areas    map[string]categoryArea
	withheld []bool
}

// categoryArea is an area's cells in the problem of ProtectCategoryTable.
type categoryArea struct {
	total, rest int
	dim         map[string]int
	cat         []int
}

// ErrNoJointProtection says that no suppression of the districts' categories keeps the small
// counts safe with the map's figures shown. The districts' views are then refused and the city's
// is protected on its own (ProtectCategories), as when there were no districts' views.
var ErrNoJointProtection = errors.New("categories: no protection of the districts holds with the map's figures shown")

// ProtectCategoryTable runs secondary suppression over the whole table at once, so that a
// district's count withheld cannot be recovered from the city's minus the other districts'.
//
// Cells: the city's as ProtectCategories has them (its people in the domain, shown on the map;
// its unclassified; per dimension its people classified; each category) and the same for every
// district (a district's people in the domain are on the map too, unless the map withholds them)
// and for the remainder, which nobody sees (hidden). Relations: within each area, as in
// ProtectCategories; across areas, every cell of the city is the sum of the districts' and the
// remainder's. City cells are costly (the city view shows them); the city's and the districts'
// people on the map are fixed (never withheld: the map shows them).
//
// The result is attacked again as the planner sees it: a district whose people the map
// withholds loses all its non-zero cells when they would narrow that figure to fewer than
// three values, and a small count still disclosed withholds every district cell; if even that
// is not enough, it fails with ErrNoJointProtection.
func ProtectCategoryTable(t CategoryTable, threshold int) (JointProtection, error) {
	out := JointProtection{Zone: map[string]CategoryProtection{}}
	var dims []string
	for _, c := range t.City {
		if !slices.Contains(dims, c.Dimension) {
			dims = append(dims, c.Dimension)
		}
	}
	p := secondary.Problem{Threshold: threshold, Exact: true}
	var names []string // of the cells, for errors
	describe := func(c int) string { return names[c] }
	label := ""
	add := func(v int, hidden, costly bool) int {
		p.Values, p.Hidden, p.Costly = append(p.Values, v), append(p.Hidden, hidden), append(p.Costly, costly)
		names = append(names, label)
		return len(p.Values) - 1
	}
	build := func(name string, cells []CategoryCell, outside int, hidden, totalHidden, costly bool) (categoryArea, error) {
		a := categoryArea{dim: map[string]int{}, cat: make([]int, len(cells))}
		classified := map[string]int{}
		for _, c := range cells {
			classified[c.Dimension] += c.People
		}
		total := outside
		if len(dims) > 0 {
			total += classified[dims[0]]
		}
		label = name + ": people in the domain"
		a.total = add(total, hidden || totalHidden, true)
		label = name + ": unclassified"
		a.rest = add(outside, hidden, costly)
		parts := map[string][]int{}
		for i, c := range cells {
			label = name + ": " + c.Dimension + "/" + c.Category
			a.cat[i] = add(c.People, hidden, costly)
			parts[c.Dimension] = append(parts[c.Dimension], a.cat[i])
		}
		for _, d := range dims {
			if classified[d]+outside != total {
				return a, fmt.Errorf("categories of %s: dimension %s classifies %d people, want %d", name, d, classified[d], total-outside)
			}
			label = name + ": classified by " + d
			a.dim[d] = add(classified[d], hidden, costly)
			p.Equations = append(p.Equations, secondary.Equation{Whole: a.total, Parts: []int{a.dim[d], a.rest}},
				secondary.Equation{Whole: a.dim[d], Parts: parts[d]})
		}
		return a, nil
	}
	city, err := build("the city", t.City, t.Unclassified, false, false, true)
	if err != nil {
		return out, err
	}
	areas := map[string]categoryArea{}
	all := append([]string{""}, t.Zones...)
	for _, z := range all {
		name := "district " + z
		if z == "" {
			name = "the people in no district"
		}
		if areas[z], err = build(name, t.Cells[z], t.Outside[z], z == "", t.MapWithheld[z], false); err != nil {
			return out, err
		}
	}
	across := func(whole func(categoryArea) int) {
		e := secondary.Equation{Whole: whole(city)}
		for _, z := range all {
			e.Parts = append(e.Parts, whole(areas[z]))
		}
		p.Equations = append(p.Equations, e)
	}
	across(func(a categoryArea) int { return a.total })
	across(func(a categoryArea) int { return a.rest })
	for _, d := range dims {
		across(func(a categoryArea) int { return a.dim[d] })
	}
	for i := range t.City {
		across(func(a categoryArea) int { return a.cat[i] })
	}
	// The map shows the people in the domain of the city and of the districts it does not
	// withhold, whatever is decided here: fixed.
	p.Fixed = make([]bool, len(p.Values))
	fix := func(c int) { p.Fixed[c] = p.Values[c] == 0 || p.Values[c] >= threshold }
	fix(city.total)
	for _, z := range t.Zones {
		if !t.MapWithheld[z] {
			fix(areas[z].total)
		}
	}
	res, err := secondary.Protect(p)
	var u *secondary.UnbalancedError
	if err != nil && !errors.As(err, &u) {
		// The heuristic can get stuck against fixed cells (it widens a bound by withholding a
		// whole, never by loosening the other parts): protect with them costly instead, and let
		// the attack below undo what withholding them was worth.
		p.Fixed = nil
		res, err = secondary.Protect(p)
	}
	if err != nil {
		if errors.As(err, &u) {
			return out, fmt.Errorf("categories: the districts do not add up to the city: %w", err)
		}
		return out, fmt.Errorf("categories: %w", err)
	}
	withheld := res.Withheld
	// Attacked again as the planner sees it, with the map's figures.
	withheld[city.total] = false
	for _, z := range t.Zones {
		if !t.MapWithheld[z] {
			withheld[areas[z].total] = false
		}
	}
	zoneCells := func(a categoryArea) []int {
		cells := append([]int{a.rest}, a.cat...)
		for _, c := range a.dim {
			cells = append(cells, c)
		}
		return cells
	}
	for {
		iv := secondary.Attack(p, withheld)
		leak, changed := false, false
		withholdZone := func(a categoryArea) {
			for _, k := range zoneCells(a) {
				if !withheld[k] && p.Values[k] > 0 { // zeros are always shown
					withheld[k], changed = true, true
				}
			}
		}
		leakCell := -1
		for c, v := range p.Values {
			if v >= 1 && v < threshold && (withheld[c] || p.Hidden[c]) && iv[c].Hi-iv[c].Lo+1 < secondary.DefaultRange {
				leak, leakCell = true, c
			}
		}
		for _, z := range t.Zones {
			if c := areas[z].total; t.MapWithheld[z] && p.Values[c] >= threshold && iv[c].Hi-iv[c].Lo+1 < secondary.DefaultRange {
				before := changed
				changed = false
				withholdZone(areas[z])
				if !changed { // the district shows nothing already: the other districts give it away
					leak, leakCell = true, c
				}
				changed = changed || before
			}
		}
		if leak {
			for _, z := range t.Zones {
				withholdZone(areas[z])
			}
		}
		if !leak && !changed {
			break
		}
		if !changed {
			return out, fmt.Errorf("%w: %s, %d, narrowed to [%d, %d]", ErrNoJointProtection,
				describe(leakCell), p.Values[leakCell], iv[leakCell].Lo, iv[leakCell].Hi)
		}
	}
	result := func(a categoryArea, n int) CategoryProtection {
		cp := CategoryProtection{Category: make([]bool, n), Dimension: map[string]bool{}, Unclassified: withheld[a.rest]}
		for d, c := range a.dim {
			cp.Dimension[d] = withheld[c]
		}
		for i := range cp.Category {
			cp.Category[i] = withheld[a.cat[i]]
		}
		return cp
	}
	out.problem, out.cityArea, out.areas, out.withheld = p, city, areas, withheld
	out.City = result(city, len(t.City))
	for _, z := range t.Zones {
		out.Zone[z] = result(areas[z], len(t.City))
	}
	return out, nil
}
