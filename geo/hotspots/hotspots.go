// Package hotspots finds statistically honest clusters of need: Local Moran's I, Getis-Ord Gi*
// and bivariate Local Moran on the areas of one geography, with conditional permutation
// inference and a false-discovery-rate cut-off (geo/stats), stored with the parameters of the
// run that made them.
//
// Inputs are rates on small populations, so Moran and the bivariate form use the
// Assuncao-Reis empirical-Bayes standardised rates, and Gi* (which needs non-negative values)
// the empirical-Bayes smoothed rates. Areas without residents are left out, not set to zero.
package hotspots

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/stats"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Geographies analysed: H3 cells at resolutions 8 to 10 (the 6 neighbours), census sections
// and, in a territory of several comuni, the comuni (queen contiguity; a territory of fewer than
// three has nothing to analyse). Resolution-10 cells hold a dozen residents each: their rates are
// standardised by empirical Bayes before any statistic sees them.
var Geographies = []string{"h3_10", "h3_9", "h3_8", "section", "municipality"}

// Indicators analysed one by one, and the pairs of the bivariate form (x at the area against
// the neighbours' y: not a local correlation).
var (
	Indicators = abitare.HotspotIndicators
	Pairs      = abitare.BivariatePairs
)

// Options are the inference settings; they travel with every stored result.
type Options = stats.LISAOptions

// Summary reports one run.
type Summary struct {
	RunID       int64
	Significant map[string]int // analysis@geography -> significant areas
	// Skipped lists the analysis@geography left out because their input is the same in every
	// area (e.g. an indicator nobody has in the period): a constant has no clusters to test.
	Skipped []string
}

// Run analyses one period and replaces its stored hotspots.
func Run(ctx context.Context, db *pgxpool.Pool, period string, opt Options) (Summary, error) {
	sum := Summary{Significant: map[string]int{}}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM hotspots WHERE period = $1`, period); err != nil {
			return err
		}
		params, _ := json.Marshal(map[string]any{
			"permutations": orDefault(opt.Permutations, stats.DefaultPermutations), "seed": opt.Seed,
			"fdr_q": orDefaultF(opt.FDR, stats.DefaultFDR), "geographies": Geographies, "indicators": Indicators,
			"pairs": Pairs, "moran_input": "Assuncao-Reis empirical-Bayes standardised rate",
			"gi_input": "global empirical-Bayes smoothed rate per 1,000", "weights": "H3: 6 neighbours (grid disk 1); sections: queen contiguity with a 1e-7 degree (about 1 cm) precision threshold; row-standardised",
			"inference": "conditional permutation, folded pseudo p = (M+1)/(R+1), Benjamini-Hochberg",
		})
		if err := tx.QueryRow(ctx, `INSERT INTO analysis_runs (kind, period, parameters) VALUES ('hotspots', $1, $2) RETURNING id`,
			period, params).Scan(&sum.RunID); err != nil {
			return err
		}
		for _, g := range Geographies {
			if err := analyseGeography(ctx, tx, g, period, opt, &sum); err != nil {
				return fmt.Errorf("%s: %w", g, err)
			}
		}
		if len(sum.Skipped) == 0 {
			return nil
		}
		// The run's record says which layers are empty, and why.
		skipped, _ := json.Marshal(map[string]any{"skipped": sum.Skipped, "skipped_reason": "input the same in every area: nothing to test"})
		_, err := tx.Exec(ctx, `UPDATE analysis_runs SET parameters = parameters || $2::jsonb WHERE id = $1`, sum.RunID, skipped)
		return err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("hotspots %s: %w", period, err)
	}
	return sum, nil
}

// areaSet is the areas of one geography with residents, and their counts by indicator.
type areaSet struct {
	ids       []string
	residents []float64
	counts    map[string][]int
	eb        map[string][]float64
}

func analyseGeography(ctx context.Context, tx pgx.Tx, geography, period string, opt Options, sum *Summary) error {
	areas, err := readAreas(ctx, tx, geography, period)
	if err != nil || len(areas.ids) < 3 {
		return err
	}
	w, err := Weights(ctx, tx, geography, areas.ids)
	if err != nil {
		return err
	}
	ar := map[string][]float64{}
	for _, ind := range Indicators {
		ar[ind] = stats.AssuncaoReis(areas.counts[ind], areas.residents)
	}
	analyse := func(analysis string, run func() (stats.LISAResult, error), inputs ...[]float64) error {
		if !varies(inputs...) {
			sum.Skipped = append(sum.Skipped, analysis+"@"+geography)
			return nil
		}
		res, err := run()
		if err != nil {
			return fmt.Errorf("%s: %w", analysis, err)
		}
		return store(ctx, tx, geography, period, analysis, areas.ids, res, sum)
	}
	for _, ind := range Indicators {
		err := analyse("moran:"+ind, func() (stats.LISAResult, error) { return stats.LocalMoran(ar[ind], w, opt) }, ar[ind])
		if err != nil {
			return err
		}
		err = analyse("gi:"+ind, func() (stats.LISAResult, error) { return stats.GetisOrdGiStar(areas.eb[ind], w, opt) }, areas.eb[ind])
		if err != nil {
			return err
		}
	}
	for _, p := range Pairs {
		x, y := ar[p[0]], ar[p[1]]
		err := analyse("bivariate:"+p[0]+":"+p[1], func() (stats.LISAResult, error) { return stats.BivariateLocalMoran(x, y, w, opt) }, x, y)
		if err != nil {
			return err
		}
	}
	return nil
}

// varies reports whether each series takes at least two values over the areas where all are
// defined (not NaN), and there are at least three such areas: otherwise there is nothing to
// test, as when nobody in the period has the indicator (every standardised rate is 0).
func varies(series ...[]float64) bool {
	n := len(series[0])
	defined := 0
	first := make([]float64, len(series))
	differs := make([]bool, len(series))
	for i := 0; i < n; i++ {
		ok := true
		for _, v := range series {
			ok = ok && !math.IsNaN(v[i])
		}
		if !ok {
			continue
		}
		for k, v := range series {
			if defined == 0 {
				first[k] = v[i]
			} else if v[i] != first[k] {
				differs[k] = true
			}
		}
		defined++
	}
	if defined < 3 {
		return false
	}
	for _, d := range differs {
		if !d {
			return false
		}
	}
	return true
}

func readAreas(ctx context.Context, tx pgx.Tx, geography, period string) (areaSet, error) {
	rows, err := tx.Query(ctx, `
		SELECT area_id, indicator, people, residents, coalesce(eb_rate, 'NaN') FROM area_indicators
		WHERE geography = $1 AND period = $2 AND residents > 0 AND indicator = ANY($3)
		ORDER BY area_id, indicator`, geography, period, Indicators)
	if err != nil {
		return areaSet{}, err
	}
	defer rows.Close()
	s := areaSet{counts: map[string][]int{}, eb: map[string][]float64{}}
	index := map[string]int{}
	for rows.Next() {
		var id, ind string
		var people int
		var residents, eb float64
		if err := rows.Scan(&id, &ind, &people, &residents, &eb); err != nil {
			return s, err
		}
		i, seen := index[id]
		if !seen {
			i = len(s.ids)
			index[id] = i
			s.ids = append(s.ids, id)
			s.residents = append(s.residents, residents)
			for _, k := range Indicators {
				s.counts[k] = append(s.counts[k], 0)
				s.eb[k] = append(s.eb[k], math.NaN())
			}
		}
		s.counts[ind][i], s.eb[ind][i] = people, eb
	}
	return s, rows.Err()
}

// Weights builds the row-standardised weights of a geography's areas (ids, in that order): H3
// neighbours for cells, queen contiguity (a shared point, with a 1 cm tolerance for slivers
// between zones) for sections and districts. Trends (geo/foresight) use the same.
func Weights(ctx context.Context, tx postgres.Querier, geography string, ids []string) (stats.Weights, error) {
	table, ok := polygonTables[geography]
	if !ok {
		cells := make([]uint64, len(ids))
		for i, id := range ids {
			c, err := strconv.ParseUint(id, 16, 64)
			if err != nil {
				return stats.Weights{}, fmt.Errorf("area %q is not an H3 index", id)
			}
			cells[i] = c
		}
		return stats.H3Weights(cells), nil
	}
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(`
		SELECT a.%[2]s, b.%[2]s FROM %[1]s a
		JOIN %[1]s b ON a.%[2]s < b.%[2]s AND ST_DWithin(a.geom, b.geom, 1e-7) -- about 1 cm
		WHERE a.%[2]s = ANY($1) AND b.%[2]s = ANY($1)`, table.name, table.id), ids)
	if err != nil {
		return stats.Weights{}, err
	}
	defer rows.Close()
	lists := make([][]int, len(ids))
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return stats.Weights{}, err
		}
		lists[index[a]] = append(lists[index[a]], index[b])
		lists[index[b]] = append(lists[index[b]], index[a])
	}
	return stats.FromNeighbors(lists), rows.Err()
}

// polygonTables are the geographies whose neighbours are found by contiguity: table and id.
var polygonTables = map[string]struct{ name, id string }{
	"section":      {"census_sections", "id"},
	"omi":          {"omi_zones", "code"},
	"municipality": {"municipalities", "code"},
}

func store(ctx context.Context, tx pgx.Tx, geography, period, analysis string, ids []string, res stats.LISAResult, sum *Summary) error {
	rows := make([][]any, len(ids))
	significant := 0
	for i, a := range res.Areas {
		rows[i] = []any{geography, ids[i], period, analysis, nan(a.Stat), nan(a.Z), nan(a.P), int16(a.Cluster), a.Significant, sum.RunID}
		if a.Significant {
			significant++
		}
	}
	sum.Significant[analysis+"@"+geography] = significant
	cols := []string{"geography", "area_id", "period", "analysis", "statistic", "z_sim", "p_value", "cluster", "significant", "run_id"}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"hotspots"}, cols, pgx.CopyFromRows(rows))
	return err
}

func nan(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

func orDefaultF(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}
