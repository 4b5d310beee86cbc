package aggregate

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/stats"
	"github.com/jackc/pgx/v5"
)

// CompositeDomains are the inputs of the composite indices, as empirical-Bayes rates (so that
// small areas do not top the index by chance).
var CompositeDomains = abitare.CompositeDomains

// CompositeGeographies are the areas the indices are computed for.
var CompositeGeographies = []string{"section", "h3_9", "h3_8", "omi", "municipality"}

// DefaultIMDWeights weight the domains of the IMD-style index, in the order of
// CompositeDomains; like the English IMD, income (poverty) and employment (work) weigh most.
var DefaultIMDWeights = []float64{0.30, 0.20, 0.20, 0.20, 0.10}

// storeComposite computes the adjusted Mazziotta-Pareto index (negative phenomenon: higher is
// more hardship; mean about 100) and the IMD-style score per area, and records inputs and
// weights in analysis_runs.
func storeComposite(ctx context.Context, tx pgx.Tx, p abitare.Period, weights []float64) error {
	params, _ := json.Marshal(map[string]any{
		"inputs": CompositeDomains, "input_measure": "global empirical-Bayes smoothed rate per 1,000",
		"ampi":        "adjusted Mazziotta-Pareto, negative polarity (mean + S*cv), goalposts 100 +/- 30 (docs/statistics.md)",
		"imd":         "domain ranks scaled to (0,1], exponential transform X = -23 ln(1 - R(1 - exp(-100/23))), weighted sum",
		"imd_weights": weights, "geographies": CompositeGeographies,
	})
	var run int64
	if err := tx.QueryRow(ctx, `INSERT INTO analysis_runs (kind, period, parameters) VALUES ('composite', $1, $2) RETURNING id`, p.Label, params).Scan(&run); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM area_composite WHERE period = $1`, p.Label); err != nil {
		return err
	}
	for _, g := range CompositeGeographies {
		ids, inputs, err := compositeInputs(ctx, tx, g, p.Label)
		if err != nil {
			return err
		}
		if len(ids) < 2 {
			continue // nothing to compare: a territory of one comune
		}
		ampi := stats.AdjustedMazziottaPareto(inputs, true)
		imd := stats.IMDStyle(inputs, weights)
		rows := make([][]any, len(ids))
		for i, id := range ids {
			rows[i] = []any{g, id, p.Label, nullNaN(ampi[i]), nullNaN(imd[i]), run}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_composite"}, []string{"geography", "area_id", "period", "ampi", "imd", "run_id"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("store composite %s: %w", g, err)
		}
	}
	return nil
}

// compositeInputs returns the areas with residents and, per domain, their EB rates.
func compositeInputs(ctx context.Context, tx pgx.Tx, geography, period string) ([]string, [][]float64, error) {
	rows, err := tx.Query(ctx, `
		SELECT area_id, indicator, coalesce(eb_rate, 'NaN') FROM area_indicators
		WHERE geography = $1 AND period = $2 AND residents > 0 AND indicator = ANY($3) ORDER BY area_id`,
		geography, period, CompositeDomains)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	index := map[string]int{}
	var ids []string
	inputs := make([][]float64, len(CompositeDomains))
	domain := map[string]int{}
	for i, d := range CompositeDomains {
		domain[d] = i
	}
	for rows.Next() {
		var id, ind string
		var v float64
		if err := rows.Scan(&id, &ind, &v); err != nil {
			return nil, nil, err
		}
		i, ok := index[id]
		if !ok {
			i = len(ids)
			index[id] = i
			ids = append(ids, id)
			for k := range inputs {
				inputs[k] = append(inputs[k], math.NaN())
			}
		}
		inputs[domain[ind]][i] = v
	}
	return ids, inputs, rows.Err()
}
