package aggregate

import (
	"context"
	"fmt"
	"math"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/stats"
	"github.com/jackc/pgx/v5"
)

// Level is the confidence level of every interval.
const Level = abitare.ConfidenceLevel

type areaCounts struct {
	geography, area string
	residents       float64
	people          []int   // by indicator, in the order of abitare.Indicators
	cellKeys        []int64 // the cell key of each count, for disclosure control
}

// storeIndicators computes, for each geography, the rate with its exact Poisson interval, the
// empirical-Bayes smoothed rate (shrunk towards the geography's overall rate) and the
// instability flag of every indicator, and stores them. The previous period's rate is joined
// when figures are read.
func storeIndicators(ctx context.Context, tx pgx.Tx, p abitare.Period) error {
	areas, err := readAreaCounts(ctx, tx)
	if err != nil {
		return err
	}
	byGeography := map[string][]areaCounts{}
	for _, a := range areas {
		byGeography[a.geography] = append(byGeography[a.geography], a)
	}
	var rows [][]any
	for _, g := range abitare.Geographies {
		rows = append(rows, indicatorRows(byGeography[g], p.Label)...)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM area_indicators WHERE period = $1`, p.Label); err != nil {
		return fmt.Errorf("clear indicators: %w", err)
	}
	cols := []string{"geography", "area_id", "period", "indicator", "people", "residents", "rate", "ci_low", "ci_high", "eb_rate", "unstable", "cell_key"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_indicators"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("store indicators: %w", err)
	}
	return nil
}

func indicatorRows(areas []areaCounts, period string) [][]any {
	var rows [][]any
	pops := make([]float64, len(areas))
	for i, a := range areas {
		pops[i] = a.residents
	}
	for k, name := range abitare.Indicators {
		counts := make([]int, len(areas))
		for i, a := range areas {
			counts[i] = a.people[k]
		}
		eb := stats.EBSmoothGlobal(counts, pops)
		for i, a := range areas {
			rate := stats.Rate(counts[i], a.residents)
			lo, hi := stats.PoissonExactCI(counts[i], a.residents, Level)
			rows = append(rows, []any{a.geography, a.area, period, name, counts[i], a.residents,
				nullNaN(rate), nullNaN(lo), nullNaN(hi), nullNaN(eb[i]), stats.Unstable(counts[i], a.residents), a.cellKeys[k]})
		}
	}
	return rows
}

func readAreaCounts(ctx context.Context, tx pgx.Tx) ([]areaCounts, error) {
	rows, err := tx.Query(ctx, `
		SELECT coalesce(r.geography, p.geography), coalesce(r.area_id, p.area_id), coalesce(r.residents, 0),
		       coalesce(p.poverty, 0), coalesce(p.housing, 0), coalesce(p.health, 0), coalesce(p.work, 0),
		       coalesce(p.education, 0), coalesce(p.multi_domain, 0),
		       coalesce(p.poverty_key, 0), coalesce(p.housing_key, 0), coalesce(p.health_key, 0), coalesce(p.work_key, 0),
		       coalesce(p.education_key, 0), coalesce(p.multi_domain_key, 0)
		FROM area_residents r FULL JOIN area_people p USING (geography, area_id)
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("read area counts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (areaCounts, error) {
		a := areaCounts{people: make([]int, len(abitare.Indicators)), cellKeys: make([]int64, len(abitare.Indicators))}
		dst := []any{&a.geography, &a.area, &a.residents}
		for i := range a.people {
			dst = append(dst, &a.people[i])
		}
		for i := range a.cellKeys {
			dst = append(dst, &a.cellKeys[i])
		}
		return a, r.Scan(dst...)
	})
}

func nullNaN(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
