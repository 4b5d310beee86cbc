package profile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/disclosure/secondary"
	"github.com/jackc/pgx/v5"
)

// categoryTable is the whole city-by-district table of one domain and period: the city's
// categories, each district's, and the remainder (people in need placed in no district). Every
// district's cells are in the city's order, zeros included, so that cell i of every district
// and of the remainder adds up to the city's cell i.
type categoryTable struct {
	city         []categoryCell
	unclassified int
	zones        []string                  // districts, sorted
	cells        map[string][]categoryCell // by district; "" is the remainder
	outside      map[string]int            // unclassified people by district; "" the remainder
	mapWithheld  map[string]bool           // districts whose people in the domain the map withholds
}

// jointProtection is what the categories views withhold, city and districts at once.
type jointProtection struct {
	city categoryProtection
	zone map[string]categoryProtection
	// what was decided, for tests: the problem, its cells by area ("" the remainder), and the
	// cells withheld
	problem  secondary.Problem
	cityArea categoryArea
	areas    map[string]categoryArea
	withheld []bool
}

// categoryArea is an area's cells in the problem of protectCategoryTable.
type categoryArea struct {
	total, rest int
	dim         map[string]int
	cat         []int
}

// errNoJointProtection: no suppression of the districts' categories keeps the small counts
// safe with the map's figures shown. The districts' views are then refused and the city's is
// protected on its own, as when there were no districts' views.
var errNoJointProtection = errors.New("categories: no protection of the districts holds with the map's figures shown")

// readCategoryTable reads the table of one domain and period (validated by the caller).
func (r *Reader) readCategoryTable(ctx context.Context, domain string, p abitare.Period, period string) (categoryTable, error) {
	t := categoryTable{cells: map[string][]categoryCell{}, outside: map[string]int{}, mapWithheld: map[string]bool{}}
	rows, err := r.DB.Query(ctx, categoriesSQL, p.Start, p.End, domain, p.Start.Year())
	if err != nil {
		return t, err
	}
	t.city, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (categoryCell, error) {
		var c categoryCell
		return c, row.Scan(&c.dim, &c.cat, &c.residents, &c.in)
	})
	if err != nil {
		return t, err
	}
	if err := r.DB.QueryRow(ctx, unclassifiedSQL, p.Start, p.End, domain).Scan(&t.unclassified); err != nil {
		return t, err
	}
	index := map[[2]string]int{}
	for i, c := range t.city {
		index[[2]string{c.dim, c.cat}] = i
	}
	blank := func() []categoryCell {
		out := make([]categoryCell, len(t.city))
		for i, c := range t.city {
			out[i] = categoryCell{dim: c.dim, cat: c.cat}
		}
		return out
	}
	if err := r.DB.QueryRow(ctx, `SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM omi_zones`).Scan(&t.zones); err != nil {
		return t, err
	}
	for _, z := range append([]string{""}, t.zones...) {
		t.cells[z] = blank()
	}
	rows, err = r.DB.Query(ctx, zoneCategoriesSQL, p.Start, p.End, domain, p.Start.Year())
	if err != nil {
		return t, err
	}
	var zone, dim, cat string
	var residents, in int
	_, err = pgx.ForEachRow(rows, []any{&zone, &dim, &cat, &residents, &in}, func() error {
		i, ok := index[[2]string{dim, cat}]
		if !ok {
			return fmt.Errorf("categories: district %q has category %s/%s that the city has not", zone, dim, cat)
		}
		if t.cells[zone] == nil { // a section's district missing from omi_zones: count it apart
			t.zones = append(t.zones, zone)
			t.cells[zone] = blank()
		}
		t.cells[zone][i].residents, t.cells[zone][i].in = residents, in
		return nil
	})
	if err != nil {
		return t, err
	}
	sort.Strings(t.zones)
	var people int
	rows, err = r.DB.Query(ctx, zoneUnclassifiedSQL, p.Start, p.End, domain)
	if err != nil {
		return t, err
	}
	if _, err = pgx.ForEachRow(rows, []any{&zone, &people}, func() error {
		t.outside[zone] = people
		return nil
	}); err != nil {
		return t, err
	}
	rows, err = r.DB.Query(ctx, `SELECT area_id FROM withheld_figures WHERE geography = 'omi' AND period = $1 AND figure = $2`, period, domain)
	if err != nil {
		return t, fmt.Errorf("read withheld figures: %w", err)
	}
	if _, err = pgx.ForEachRow(rows, []any{&zone}, func() error {
		t.mapWithheld[zone] = true
		return nil
	}); err != nil {
		return t, err
	}
	return t, nil
}

// protectCategoryTable runs secondary suppression over the whole table at once, so that a
// district's count withheld cannot be recovered from the city's minus the other districts'.
//
// Cells: the city's as protectCategories has them (its people in the domain, shown on the map;
// its unclassified; per dimension its people classified; each category) and the same for every
// district (a district's people in the domain are on the map too, unless the map withholds them)
// and for the remainder, which nobody sees (hidden). Relations: within each area, as in
// protectCategories; across areas, every cell of the city is the sum of the districts' and the
// remainder's. City cells are costly (the city view shows them); the city's and the districts'
// people on the map are fixed (never withheld: the map shows them).
//
// The result is attacked again as the planner sees it: a district whose people the map
// withholds loses all its non-zero cells when they would narrow that figure to fewer than
// three values, and a small count still disclosed withholds every district cell; if even that
// is not enough, it fails with errNoJointProtection.
func protectCategoryTable(t categoryTable, threshold int) (jointProtection, error) {
	out := jointProtection{zone: map[string]categoryProtection{}}
	var dims []string
	for _, c := range t.city {
		if !slices.Contains(dims, c.dim) {
			dims = append(dims, c.dim)
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
	build := func(name string, cells []categoryCell, outside int, hidden, totalHidden, costly bool) (categoryArea, error) {
		a := categoryArea{dim: map[string]int{}, cat: make([]int, len(cells))}
		classified := map[string]int{}
		for _, c := range cells {
			classified[c.dim] += c.in
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
			label = name + ": " + c.dim + "/" + c.cat
			a.cat[i] = add(c.in, hidden, costly)
			parts[c.dim] = append(parts[c.dim], a.cat[i])
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
	city, err := build("the city", t.city, t.unclassified, false, false, true)
	if err != nil {
		return out, err
	}
	areas := map[string]categoryArea{}
	all := append([]string{""}, t.zones...)
	for _, z := range all {
		name := "district " + z
		if z == "" {
			name = "the people in no district"
		}
		if areas[z], err = build(name, t.cells[z], t.outside[z], z == "", t.mapWithheld[z], false); err != nil {
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
	for i := range t.city {
		across(func(a categoryArea) int { return a.cat[i] })
	}
	// The map shows the people in the domain of the city and of the districts it does not
	// withhold, whatever is decided here: fixed.
	p.Fixed = make([]bool, len(p.Values))
	fix := func(c int) { p.Fixed[c] = p.Values[c] == 0 || p.Values[c] >= threshold }
	fix(city.total)
	for _, z := range t.zones {
		if !t.mapWithheld[z] {
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
	for _, z := range t.zones {
		if !t.mapWithheld[z] {
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
		for _, z := range t.zones {
			if c := areas[z].total; t.mapWithheld[z] && p.Values[c] >= threshold && iv[c].Hi-iv[c].Lo+1 < secondary.DefaultRange {
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
			for _, z := range t.zones {
				withholdZone(areas[z])
			}
		}
		if !leak && !changed {
			break
		}
		if !changed {
			return out, fmt.Errorf("%w: %s, %d, narrowed to [%d, %d]", errNoJointProtection,
				describe(leakCell), p.Values[leakCell], iv[leakCell].Lo, iv[leakCell].Hi)
		}
	}
	result := func(a categoryArea, n int) categoryProtection {
		cp := categoryProtection{category: make([]bool, n), dimension: map[string]bool{}, unclassified: withheld[a.rest]}
		for d, c := range a.dim {
			cp.dimension[d] = withheld[c]
		}
		for i := range cp.category {
			cp.category[i] = withheld[a.cat[i]]
		}
		return cp
	}
	out.problem, out.cityArea, out.areas, out.withheld = p, city, areas, withheld
	out.city = result(city, len(t.city))
	for _, z := range t.zones {
		out.zone[z] = result(areas[z], len(t.city))
	}
	return out, nil
}

// ZoneCategories is Categories for one OMI district: its residents' categories (by their
// register section) and its people in need (placed in the district as abitare aggregate places
// them), with relative risks against the district's residents outside the category. What it
// shows is decided with the city's and every other district's categories at once
// (protectCategoryTable), so that no small count can be recovered by subtracting districts from
// the city.
func (r *Reader) ZoneCategories(ctx context.Context, domain, zone, period string) (list []CategoryRisk, unclassified *int, err error) {
	p, err := checkCategoryQuery(domain, period)
	if err != nil {
		return nil, nil, err
	}
	t, err := r.readCategoryTable(ctx, domain, p, period)
	if err != nil {
		return nil, nil, err
	}
	if zone == "" || !slices.Contains(t.zones, zone) {
		return nil, nil, fmt.Errorf("%w: OMI district %q", ErrNotFound, zone)
	}
	prot, err := protectCategoryTable(t, r.MinCount)
	if err != nil {
		return nil, nil, err
	}
	list, unclassified = r.categoryAnswer(t.cells[zone], t.outside[zone], prot.zone[zone])
	return list, unclassified, nil
}

// categoryAnswer turns an area's cells and their protection into the view's rows, sorted by
// relative risk, highest first.
func (r *Reader) categoryAnswer(cells []categoryCell, outside int, prot categoryProtection) (list []CategoryRisk, unclassified *int) {
	if !prot.unclassified {
		unclassified = &outside
	}
	totals := map[string][2]int{}
	for _, c := range cells {
		t := totals[c.dim]
		totals[c.dim] = [2]int{t[0] + c.residents, t[1] + c.in}
	}
	for i, c := range cells {
		k := r.risk(c.dim, c.cat, c.in, c.residents, totals[c.dim])
		if prot.category[i] {
			k = CategoryRisk{Dimension: c.dim, Category: c.cat, Residents: c.residents, Status: abitare.Withheld}
		}
		if prot.dimension[c.dim] {
			k.RR, k.RRLow, k.RRHigh = nil, nil, nil
		}
		list = append(list, k)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].RR, list[j].RR
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return *a > *b
	})
	return list, unclassified
}

const zoneCategoriesSQL = `SELECT zone, dimension, category, residents, in_need FROM zone_category_counts($1, $2, $3, $4)`

const zoneUnclassifiedSQL = `SELECT zone, people FROM zone_unclassified_need($1, $2, $3)`
