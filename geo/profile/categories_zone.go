package profile

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/jackc/pgx/v5"
)

// readCategoryTable reads the table of one domain and period (validated by the caller).
func (r *Reader) readCategoryTable(ctx context.Context, domain string, p abitare.Period, period string) (disclosure.CategoryTable, error) {
	t := disclosure.CategoryTable{Cells: map[string][]disclosure.CategoryCell{}, Outside: map[string]int{}, MapWithheld: map[string]bool{}}
	rows, err := r.DB.Query(ctx, categoriesSQL, p.Start, p.End, domain, p.Start.Year())
	if err != nil {
		return t, err
	}
	t.City, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (disclosure.CategoryCell, error) {
		var c disclosure.CategoryCell
		return c, row.Scan(&c.Dimension, &c.Category, &c.Residents, &c.People)
	})
	if err != nil {
		return t, err
	}
	if err := r.DB.QueryRow(ctx, unclassifiedSQL, p.Start, p.End, domain).Scan(&t.Unclassified); err != nil {
		return t, err
	}
	index := map[[2]string]int{}
	for i, c := range t.City {
		index[[2]string{c.Dimension, c.Category}] = i
	}
	blank := func() []disclosure.CategoryCell {
		out := make([]disclosure.CategoryCell, len(t.City))
		for i, c := range t.City {
			out[i] = disclosure.CategoryCell{Dimension: c.Dimension, Category: c.Category}
		}
		return out
	}
	if err := r.DB.QueryRow(ctx, `SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM omi_zones`).Scan(&t.Zones); err != nil {
		return t, err
	}
	for _, z := range append([]string{""}, t.Zones...) {
		t.Cells[z] = blank()
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
		if t.Cells[zone] == nil { // a section's district missing from omi_zones: count it apart
			t.Zones = append(t.Zones, zone)
			t.Cells[zone] = blank()
		}
		t.Cells[zone][i].Residents, t.Cells[zone][i].People = residents, in
		return nil
	})
	if err != nil {
		return t, err
	}
	sort.Strings(t.Zones)
	var people int
	rows, err = r.DB.Query(ctx, zoneUnclassifiedSQL, p.Start, p.End, domain)
	if err != nil {
		return t, err
	}
	if _, err = pgx.ForEachRow(rows, []any{&zone, &people}, func() error {
		t.Outside[zone] = people
		return nil
	}); err != nil {
		return t, err
	}
	rows, err = r.DB.Query(ctx, `SELECT area_id FROM withheld_figures WHERE geography = 'omi' AND period = $1 AND figure = $2`, period, domain)
	if err != nil {
		return t, fmt.Errorf("read withheld figures: %w", err)
	}
	if _, err = pgx.ForEachRow(rows, []any{&zone}, func() error {
		t.MapWithheld[zone] = true
		return nil
	}); err != nil {
		return t, err
	}
	return t, nil
}

// ZoneCategories is Categories for one OMI district: its residents' categories (by their
// register section) and its people in need (placed in the district as abitare aggregate places
// them), with relative risks against the district's residents outside the category. What it
// shows is decided with the city's and every other district's categories at once
// (disclosure.ProtectCategoryTable), so that no small count can be recovered by subtracting districts from
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
	if zone == "" || !slices.Contains(t.Zones, zone) {
		return nil, nil, fmt.Errorf("%w: OMI district %q", ErrNotFound, zone)
	}
	prot, err := disclosure.ProtectCategoryTable(t, r.MinCount)
	if err != nil {
		return nil, nil, err
	}
	list, unclassified = r.categoryAnswer(t.Cells[zone], t.Outside[zone], prot.Zone[zone])
	return list, unclassified, nil
}

// categoryAnswer turns an area's cells and their protection into the view's rows, sorted by
// relative risk, highest first.
func (r *Reader) categoryAnswer(cells []disclosure.CategoryCell, outside int, prot disclosure.CategoryProtection) (list []CategoryRisk, unclassified *int) {
	if !prot.Unclassified {
		unclassified = &outside
	}
	totals := map[string][2]int{}
	for _, c := range cells {
		t := totals[c.Dimension]
		totals[c.Dimension] = [2]int{t[0] + c.Residents, t[1] + c.People}
	}
	for i, c := range cells {
		k := r.risk(c.Dimension, c.Category, c.People, c.Residents, totals[c.Dimension])
		if prot.Category[i] {
			k = CategoryRisk{Dimension: c.Dimension, Category: c.Category, Residents: c.Residents, Status: abitare.Withheld}
		}
		if prot.Dimension[c.Dimension] {
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
