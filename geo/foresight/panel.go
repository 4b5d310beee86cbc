// Package foresight turns the quarterly history of every area (geo/history) into what a
// planner needs to anticipate need: emerging hot and cold spots (Gi* per quarter with the
// hotspot run's weights, then the Mann-Kendall trend of the z-scores and ArcGIS's categories:
// geo/trends), forecasts of the next quarters' rates with prediction intervals (geo/forecast),
// and the lagged association between partner signals and housing hardship. Everything is at
// area level and for restricted roles; nothing here says anything about a person.
//
//	sum, err := foresight.RunTrends(ctx, db)                          // after history.Build
//	list, err := foresight.ReadTrends(ctx, db, "h3_9", "housing")
//	fc, err := foresight.Forecasts(ctx, db, "omi", "housing", "2024-Q4", 4)
//	ll, err := foresight.LeadLag(ctx, db, "omi")
package foresight

import (
	"context"
	"fmt"
	"slices"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/history"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
)

// panel is the history of one geography and series: every area with residents, every quarter.
type panel struct {
	geography string
	quarters  []string
	ids       []string
	residents []float64
	district  []string // the district an area lies in, "" when none
	counts    [][]int  // area -> quarter
}

// readPanel reads a geography's history of one series up to the quarter asOf (all when "").
func readPanel(ctx context.Context, db postgres.Querier, geography, series, asOf string) (panel, error) {
	p := panel{geography: geography}
	quarters, err := history.Quarters(ctx, db)
	if err != nil {
		return p, err
	}
	if asOf != "" {
		i := slices.Index(quarters, asOf)
		if i < 0 {
			return p, abitare.Errorf(abitare.Invalid, "as_of %q: want a quarter of the history, %s", asOf, span(quarters))
		}
		quarters = quarters[:i+1]
	}
	p.quarters = quarters
	rows, err := db.Query(ctx, `SELECT area_id, residents, coalesce(district, '') FROM area_history_residents
		WHERE geography = $1 AND residents > 0 ORDER BY area_id`, geography)
	if err != nil {
		return p, fmt.Errorf("read residents of %s: %w", geography, err)
	}
	index := map[string]int{}
	var id, district string
	var residents float64
	if _, err := pgx.ForEachRow(rows, []any{&id, &residents, &district}, func() error {
		index[id] = len(p.ids)
		p.ids, p.residents, p.district = append(p.ids, id), append(p.residents, residents), append(p.district, district)
		p.counts = append(p.counts, make([]int, len(quarters)))
		return nil
	}); err != nil {
		return p, fmt.Errorf("read residents of %s: %w", geography, err)
	}
	quarterIndex := map[string]int{}
	for i, q := range quarters {
		quarterIndex[q] = i
	}
	rows, err = db.Query(ctx, `SELECT area_id, quarter, people FROM area_history WHERE geography = $1 AND series = $2`, geography, series)
	if err != nil {
		return p, fmt.Errorf("read history of %s %s: %w", geography, series, err)
	}
	var quarter string
	var people int
	_, err = pgx.ForEachRow(rows, []any{&id, &quarter, &people}, func() error {
		a, okA := index[id]
		q, okQ := quarterIndex[quarter]
		if okA && okQ {
			p.counts[a][q] = people
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("read history of %s %s: %w", geography, series, err)
	}
	return p, nil
}

// quarterCounts is one quarter's counts over the areas.
func (p panel) quarterCounts(q int) []int {
	out := make([]int, len(p.ids))
	for a := range p.ids {
		out[a] = p.counts[a][q]
	}
	return out
}

// total sums the areas' counts per quarter.
func (p panel) total() []float64 {
	out := make([]float64, len(p.quarters))
	for a := range p.ids {
		for q, n := range p.counts[a] {
			out[q] += float64(n)
		}
	}
	return out
}

func span(quarters []string) string {
	if len(quarters) == 0 {
		return "which is empty (run abitare trends)"
	}
	return quarters[0] + " to " + quarters[len(quarters)-1]
}

// checkSeries rejects an unknown domain or signal.
func checkSeries(series string) error {
	if !slices.Contains(history.Series(), series) {
		return abitare.Errorf(abitare.Invalid, "domain %q: want one of %v", series, history.Series())
	}
	return nil
}
