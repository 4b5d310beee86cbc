package foresight

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/history"
	"github.com/abitare/abitare/geo/hotspots"
	"github.com/abitare/abitare/geo/stats"
	"github.com/abitare/abitare/geo/trends"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TrendGeographies are the geographies of emerging hot spots: H3 8 and 9, sections, districts.
var TrendGeographies = []string{"h3_8", "h3_9", "section", "omi"}

// ErrShortHistory: the history is too short for emerging hot spots (trends.MinTimeSteps).
var ErrShortHistory = errors.New("history too short")

// TrendSummary reports a run of RunTrends.
type TrendSummary struct {
	RunID    int64
	Quarters int
	// Categories counts areas per geography and domain and category ("h3_9 housing new_hot_spot").
	Categories map[string]int
}

// RunTrends computes the emerging hot and cold spots of every trend geography and domain from
// the history and replaces the stored ones, in one transaction.
//
// Per quarter, Gi* is computed on the areas' empirical-Bayes smoothed rates with the weights
// of the hotspot run (hotspots.Weights); its analytical z-score gives a two-sided normal
// p-value, and a bin is significant at p <= 0.10 (ArcGIS's 90% level), unadjusted, as sfdep
// and ArcGIS's Gi* without its FDR option: the categories' own rules (a final significant bin,
// runs, 90% of the bins) are what keep chance hot bins from becoming categories, and a
// Benjamini-Hochberg adjustment over the quarter's areas left the edge of a cluster four
// times the city's rate undetected (docs/statistics.md). The Mann-Kendall test of each area's
// z-scores and the categories are geo/trends'.
func RunTrends(ctx context.Context, db *pgxpool.Pool) (TrendSummary, error) {
	sum := TrendSummary{Categories: map[string]int{}}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		quarters, err := history.Quarters(ctx, tx)
		if err != nil {
			return err
		}
		if len(quarters) < trends.MinTimeSteps {
			return fmt.Errorf("%w: trends need at least %d quarters of history, the events span %d (%s)",
				ErrShortHistory, trends.MinTimeSteps, len(quarters), span(quarters))
		}
		sum.Quarters = len(quarters)
		params, _ := json.Marshal(map[string]any{
			"geographies": TrendGeographies, "domains": history.Domains, "quarters": quarters,
			"gi_input": "global empirical-Bayes smoothed rate", "gi_z": "analytical z of G*_i (row-standardised weights of the hotspot run)",
			"p": "two-sided normal, unadjusted", "alpha": trends.DefaultAlpha,
			"trend": "Mann-Kendall of the z-scores, ties-corrected variance, continuity correction", "trend_alpha": trends.DefaultTrendAlpha,
			"categories": "ArcGIS Pro Emerging Hot Spot Analysis (docs/statistics.md)",
		})
		if err := tx.QueryRow(ctx, `INSERT INTO analysis_runs (kind, period, parameters) VALUES ('trends', $1, $2) RETURNING id`,
			quarters[len(quarters)-1], params).Scan(&sum.RunID); err != nil {
			return fmt.Errorf("record the run: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM area_trends`); err != nil {
			return fmt.Errorf("clear trends: %w", err)
		}
		for _, g := range TrendGeographies {
			for _, d := range history.Domains {
				if err := trendsOf(ctx, tx, g, d, sum.RunID, sum.Categories); err != nil {
					return fmt.Errorf("trends of %s %s: %w", g, d, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return TrendSummary{}, fmt.Errorf("trends: %w", err)
	}
	return sum, nil
}

// areaTrend is one area's emerging hot spot analysis.
type areaTrend struct {
	z, p   []float64
	result trends.Result
}

func trendsOf(ctx context.Context, tx pgx.Tx, geography, domain string, runID int64, categories map[string]int) error {
	p, err := readPanel(ctx, tx, geography, domain, "")
	if err != nil || len(p.ids) < 3 {
		return err
	}
	w, err := hotspots.Weights(ctx, tx, geography, p.ids)
	if err != nil {
		return err
	}
	list, err := analyse(p, w)
	if err != nil {
		return err
	}
	rows := make([][]any, len(p.ids))
	for a, t := range list {
		c := t.result.Category.Key()
		categories[geography+" "+domain+" "+c]++
		m := t.result.Trend
		rows[a] = []any{geography, p.ids[a], domain, p.quarters, t.z, t.p, int32(m.S), m.Var, m.Z, m.P, c, runID}
	}
	cols := []string{"geography", "area_id", "domain", "quarters", "z", "p", "mk_s", "mk_var", "mk_z", "mk_p", "category", "run_id"}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"area_trends"}, cols, pgx.CopyFromRows(rows))
	return err
}

// analyse computes, for every area of the panel, its Gi* z-scores and adjusted p-values by
// quarter and its category.
func analyse(p panel, w stats.Weights) ([]areaTrend, error) {
	n, nq := len(p.ids), len(p.quarters)
	out := make([]areaTrend, n)
	for a := range out {
		out[a] = areaTrend{z: make([]float64, nq), p: make([]float64, nq)}
	}
	for q := range p.quarters {
		z, err := giStarZ(p.quarterCounts(q), p.residents, w)
		if err != nil {
			return nil, fmt.Errorf("quarter %s: %w", p.quarters[q], err)
		}
		for a := range out {
			out[a].z[q], out[a].p[q] = z[a], math.Erfc(math.Abs(z[a])/math.Sqrt2)
		}
	}
	for a := range out {
		r, err := trends.Classify(out[a].z, out[a].p, trends.Options{})
		if err != nil {
			return nil, fmt.Errorf("area %s: %w", p.ids[a], err)
		}
		out[a].result = r
	}
	return out, nil
}

// giStarZ is the analytical Gi* z-score of each area's smoothed rate; 0 where it is
// undefined: a quarter with nobody in the domain, an area without neighbours.
func giStarZ(counts []int, residents []float64, w stats.Weights) ([]float64, error) {
	z := make([]float64, len(counts))
	if !slices.ContainsFunc(counts, func(c int) bool { return c > 0 }) {
		return z, nil
	}
	eb := stats.EBSmoothGlobal(counts, residents)
	// Where empirical Bayes finds no spread between areas beyond chance it shrinks every rate
	// to the mean: the rates then differ by rounding only, and Gi* would turn that into z-scores.
	lo, hi := slices.Min(eb), slices.Max(eb)
	if !(hi-lo > 1e-9*math.Abs(hi)) {
		return z, nil
	}
	res, err := stats.GetisOrdGiStar(eb, w, stats.LISAOptions{Permutations: 1})
	if err != nil {
		return nil, err
	}
	for i, a := range res.Areas {
		if a.Cluster != stats.ClusterIsolated && a.Cluster != stats.ClusterUndefined && !math.IsNaN(a.ZNorm) {
			z[i] = a.ZNorm
		}
	}
	return z, nil
}

// Trend is one area's emerging hot spot analysis as the API answers it.
type Trend struct {
	ID       string    `json:"id"`
	Quarters []string  `json:"quarters"`
	Z        []float64 `json:"z"`
	P        []float64 `json:"p"`
	MKS      int       `json:"mk_s"`
	MKVar    float64   `json:"mk_var"`
	MKZ      float64   `json:"mk_z"`
	MKP      float64   `json:"mk_p"`
	Category string    `json:"category"`
}

// ReadTrends reads the stored analysis of a geography and domain, by area id.
func ReadTrends(ctx context.Context, db postgres.Querier, geography, domain string) ([]Trend, error) {
	if !slices.Contains(TrendGeographies, geography) {
		return nil, abitare.Errorf(abitare.Invalid, "geography %q: trends are computed for %v", geography, TrendGeographies)
	}
	if !slices.Contains(history.Domains, domain) {
		return nil, abitare.Errorf(abitare.Invalid, "domain %q: want one of %v", domain, history.Domains)
	}
	rows, err := db.Query(ctx, `SELECT area_id, quarters, z, p, mk_s, mk_var, mk_z, mk_p, category FROM area_trends
		WHERE geography = $1 AND domain = $2 ORDER BY area_id`, geography, domain)
	if err != nil {
		return nil, fmt.Errorf("read trends: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Trend, error) {
		var t Trend
		return t, r.Scan(&t.ID, &t.Quarters, &t.Z, &t.P, &t.MKS, &t.MKVar, &t.MKZ, &t.MKP, &t.Category)
	})
	if err != nil {
		return nil, fmt.Errorf("read trends: %w", err)
	}
	if len(list) == 0 {
		return nil, abitare.Errorf(abitare.NotFound, "no trends of %s %s: run abitare trends (it needs %d quarters of history)", geography, domain, trends.MinTimeSteps)
	}
	return list, nil
}
