package aggregate

import (
	"context"
	"fmt"
	"sort"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uber/h3-go/v4"
)

// DefaultFloor is the residents an adaptive hexagon must reach: ISTAT publishes its
// sub-municipal hardship index only for areas of at least 250 residents.
const DefaultFloor = 250

// AdaptiveCell is one hexagon of the population-adaptive partition.
type AdaptiveCell struct {
	Cell      h3.Cell
	Residents float64
}

// Adaptive partitions the populated cells top-down: a cell is split into its children when
// every populated child reaches the floor, and kept whole otherwise; so each hexagon shown is
// the finest whose residents reach the floor (a coarsest cell below it is kept as it is, and
// flagged by its count). residents10 holds the residents of resolution-10 cells.
func Adaptive(residents10 map[h3.Cell]float64, floor float64) []AdaptiveCell {
	pop := map[h3.Cell]float64{}
	children := map[h3.Cell][]h3.Cell{}
	for c, r := range residents10 {
		if r <= 0 {
			continue
		}
		pop[c] += r
		child := c
		for res := hexgrid.FinestResolution - 1; res >= hexgrid.CoarsestResolution; res-- {
			parent := c.Parent(res)
			if _, seen := pop[parent]; !seen || !contains(children[parent], child) {
				children[parent] = append(children[parent], child)
			}
			pop[parent] += r
			child = parent
		}
	}
	var roots []h3.Cell
	for c := range pop {
		if c.Resolution() == hexgrid.CoarsestResolution {
			roots = append(roots, c)
		}
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i] < roots[j] })
	var out []AdaptiveCell
	var visit func(c h3.Cell)
	visit = func(c h3.Cell) {
		kids := children[c]
		split := c.Resolution() < hexgrid.FinestResolution && len(kids) > 0
		for _, k := range kids {
			if pop[k] < floor {
				split = false
			}
		}
		if !split {
			out = append(out, AdaptiveCell{Cell: c, Residents: pop[c]})
			return
		}
		sort.Slice(kids, func(i, j int) bool { return kids[i] < kids[j] })
		for _, k := range kids {
			visit(k)
		}
	}
	for _, r := range roots {
		visit(r)
	}
	return out
}

func contains(cells []h3.Cell, c h3.Cell) bool {
	for _, x := range cells {
		if x == c {
			return true
		}
	}
	return false
}

// StoreAdaptive recomputes the adaptive partition from the stored residents of each
// resolution-10 cell, and stores it (with the polygons of its cells in h3_cells).
func StoreAdaptive(ctx context.Context, db *pgxpool.Pool, floor int) (int, error) {
	rows, err := db.Query(ctx, `SELECT cell, residents FROM h3_population`)
	if err != nil {
		return 0, fmt.Errorf("read residents: %w", err)
	}
	residents := map[h3.Cell]float64{}
	var cell int64
	var r float64
	_, err = pgx.ForEachRow(rows, []any{&cell, &r}, func() error {
		residents[h3.Cell(cell)] = r
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read residents: %w", err)
	}
	cells := Adaptive(residents, float64(floor))
	copyRows := make([][]any, len(cells))
	for i, c := range cells {
		copyRows[i] = []any{int64(c.Cell), int16(c.Cell.Resolution()), c.Residents, floor}
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `TRUNCATE adaptive_hexagons`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"adaptive_hexagons"}, []string{"cell", "resolution", "residents", "floor"}, pgx.CopyFromRows(copyRows))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store adaptive hexagons: %w", err)
	}
	return len(cells), nil
}
