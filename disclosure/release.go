package disclosure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Statuses of a published figure.
const (
	Protected     = abitare.Protected     // perturbed by the cell-key method and published
	Suppressed    = abitare.Suppressed    // not published at this geography
	NotApplicable = abitare.NotApplicable // not a count of people (e.g. census residents)
)

// Method names the protection in the manifest.
const Method = "cell-key (ABS/ONS), maximum-entropy perturbation table"

// Budget is the manifest's privacy-loss budget: the cell-key method is not differentially
// private and spends none.
const Budget = "not applicable: the cell-key method has no privacy-loss budget"

// Options configure a publication.
type Options struct {
	Params cellkey.Params
	// HealthGeographies are the geographies at which health figures are published: district
	// (OMI zone) and coarser.
	HealthGeographies []string
	// MinResidents is the population an area needs for its figures to be published.
	MinResidents int
	By           string // who publishes, for the manifest
}

// DefaultMinResidents matches the instability rule of the indicators (geo/stats).
const DefaultMinResidents = 100

// DefaultHealthGeographies: OMI zones are the city's districts here; census sections and H3
// cells are finer.
var DefaultHealthGeographies = []string{"omi", "municipality", "province", "region"}

// Manifest is the record of one publication.
type Manifest struct {
	ID                int64                     `json:"id"`
	Method            string                    `json:"method"`
	Threshold         int                       `json:"threshold"`
	Parameters        map[string]any            `json:"parameters"`
	KeyID             string                    `json:"key_id"`
	Budget            string                    `json:"budget"`
	Periods           []string                  `json:"periods"`
	HealthGeographies []string                  `json:"health_geographies"`
	Summary           map[string]map[string]int `json:"summary"` // geography -> status -> figures
	Utility           map[string]Utility        `json:"utility"` // geography -> cost of protection
}

// Utility is what protection costs at one geography: the mean absolute difference between
// published and true rates (per 1,000 residents) and counts, over published figures.
type Utility struct {
	Figures       int     `json:"figures"`
	RateMAE       float64 `json:"rate_mae_per_1000"`
	MeanTrueRate  float64 `json:"mean_true_rate_per_1000"`
	CountMAE      float64 `json:"count_mae"`
	ZerosMadeNon0 int     `json:"zeros_published_positive"`
	SmallMadeZero int     `json:"small_published_zero"`
}

// Release builds the protected tables from the current aggregates in one transaction,
// replacing the previous publication, and writes the manifest.
func Release(ctx context.Context, db *pgxpool.Pool, opt Options) (Manifest, error) {
	if len(opt.HealthGeographies) == 0 {
		opt.HealthGeographies = DefaultHealthGeographies
	}
	if opt.MinResidents < 1 {
		return Manifest{}, fmt.Errorf("minimum residents %d: want at least 1", opt.MinResidents)
	}
	table, err := cellkey.New(opt.Params)
	if err != nil {
		return Manifest{}, fmt.Errorf("perturbation table: %w", err)
	}
	var m Manifest
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE released_indicators, released_overlap IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var secret []byte
		if err := tx.QueryRow(ctx, `SELECT secret FROM release_secret`).Scan(&secret); err != nil {
			return fmt.Errorf("read the zero-cell secret: %w", err)
		}
		m = newManifest(table, secret, opt)
		if err := tx.QueryRow(ctx, `INSERT INTO releases (created_by, method, threshold, parameters, key_id, budget, periods, health_geographies, summary, utility)
			VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, '{}', '{}') RETURNING id`,
			opt.By, m.Method, m.Threshold, m.Parameters, m.KeyID, m.Budget, m.HealthGeographies).Scan(&m.ID); err != nil {
			return fmt.Errorf("record release: %w", err)
		}
		p := publisher{table: table, secret: secret, health: opt.HealthGeographies, minResidents: opt.MinResidents, release: m.ID,
			summary: map[string]map[string]int{}, utility: map[string]*utilitySum{}}
		if err := p.indicators(ctx, tx); err != nil {
			return err
		}
		if err := p.overlap(ctx, tx); err != nil {
			return err
		}
		m.Periods, m.Summary, m.Utility = p.periods, p.summary, p.utilities()
		_, err := tx.Exec(ctx, `UPDATE releases SET periods = $2, summary = $3, utility = $4 WHERE id = $1`,
			m.ID, m.Periods, m.Summary, m.Utility)
		return err
	})
	if err != nil {
		return Manifest{}, fmt.Errorf("publish: %w", err)
	}
	return m, nil
}

func newManifest(table *cellkey.Table, secret []byte, opt Options) Manifest {
	p := table.Params()
	sum := sha256.Sum256(secret)
	return Manifest{
		Method: Method, Threshold: p.Threshold, Budget: Budget, HealthGeographies: opt.HealthGeographies,
		Parameters: map[string]any{"max_deviation": p.MaxDeviation, "variance": p.Variance,
			"zero_probability": p.ZeroProbability, "min_residents": opt.MinResidents, "record_key": "people.record_key, uniform in [0, 2^31)",
			"cell_key": "sum of the record keys of the cell's people, modulo 2^31", "ptable_fingerprint": table.Fingerprint()},
		KeyID: "ptable:" + table.Fingerprint() + " zero-cells:" + hex.EncodeToString(sum[:8]),
	}
}

type publisher struct {
	minResidents int
	table        *cellkey.Table
	secret       []byte
	health       []string
	release      int64
	periods      []string // of the true counts, in order
	summary      map[string]map[string]int
	utility      map[string]*utilitySum
}

type utilitySum struct {
	n, zerosUp, smallDown int
	rateErr, rate, cntErr float64
}

// truth is one true count with its cell key.
type truth struct {
	geography, area, period, indicator string
	people                             int
	residents                          float64
	cellKey                            *int64
}

func (p *publisher) indicators(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT geography, area_id, period, indicator, people, residents, cell_key
		FROM area_indicators WHERE round(residents) >= 1 ORDER BY geography, period, indicator, area_id`)
	if err != nil {
		return fmt.Errorf("read true counts: %w", err)
	}
	truths, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (truth, error) {
		var t truth
		return t, r.Scan(&t.geography, &t.area, &t.period, &t.indicator, &t.people, &t.residents, &t.cellKey)
	})
	if err != nil {
		return fmt.Errorf("read true counts: %w", err)
	}
	for _, t := range truths {
		if t.people > 0 && t.cellKey == nil {
			return fmt.Errorf("%s %s %s %s has no cell key: run abitare aggregate again before releasing", t.geography, t.area, t.period, t.indicator)
		}
	}
	out := make([][]any, 0, len(truths))
	for _, t := range truths {
		out = append(out, p.indicatorRow(t))
		p.periods = append(p.periods, t.period)
	}
	slices.Sort(p.periods)
	p.periods = slices.Compact(p.periods)
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"released_indicators"},
		[]string{"release_id", "geography", "area_id", "period", "indicator", "residents", "people", "rate", "status"}, pgx.CopyFromRows(out))
	if err != nil {
		return fmt.Errorf("store protected figures: %w", err)
	}
	return nil
}

func (p *publisher) indicatorRow(t truth) []any {
	residents := int(math.Round(t.residents))
	if residents < p.minResidents || (t.indicator == "health" && !slices.Contains(p.health, t.geography)) {
		p.tally(t.geography, Suppressed)
		return []any{p.release, t.geography, t.area, t.period, t.indicator, residents, nil, nil, Suppressed}
	}
	published := p.perturb(t.people, t.cellKey, t.geography, t.area, t.indicator)
	rate := round2(1000 * float64(published) / float64(residents))
	p.tally(t.geography, Protected)
	p.measure(t, published, rate, residents)
	return []any{p.release, t.geography, t.area, t.period, t.indicator, residents, published, rate, Protected}
}

// perturb applies the table with the cell's key: the sum of its people's record keys, or for
// an empty cell a key drawn from the cell's identity. The period is left out of an empty
// cell's identity so that successive periods give a zero the same noise.
func (p *publisher) perturb(people int, cellKey *int64, identity ...string) int {
	var key float64
	if people == 0 {
		key = cellkey.ZeroCellKey(p.secret, identity...)
	} else {
		key = cellkey.CellKey(*cellKey)
	}
	return p.table.Perturb(people, key)
}

// tally counts a figure of the geography with its status, for the manifest's summary.
func (p *publisher) tally(geography, status string) {
	if p.summary[geography] == nil {
		p.summary[geography] = map[string]int{}
	}
	p.summary[geography][status]++
}

func (p *publisher) measure(t truth, published int, rate float64, residents int) {
	u := p.utility[t.geography]
	if u == nil {
		u = &utilitySum{}
		p.utility[t.geography] = u
	}
	trueRate := 1000 * float64(t.people) / float64(residents)
	u.n++
	u.rateErr += math.Abs(rate - trueRate)
	u.rate += trueRate
	u.cntErr += math.Abs(float64(published - t.people))
	if t.people == 0 && published > 0 {
		u.zerosUp++
	}
	if t.people > 0 && published == 0 {
		u.smallDown++
	}
}

func (p *publisher) utilities() map[string]Utility {
	out := map[string]Utility{}
	for g, u := range p.utility {
		n := float64(u.n)
		out[g] = Utility{Figures: u.n, RateMAE: round4(u.rateErr / n), MeanTrueRate: round4(u.rate / n),
			CountMAE: round4(u.cntErr / n), ZerosMadeNon0: u.zerosUp, SmallMadeZero: u.smallDown}
	}
	return out
}

// overlap publishes the city's people per combination of the five domains, every combination
// including the empty ones, each perturbed with its own cell key.
func (p *publisher) overlap(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT period, combination, people, cell_key FROM area_overlap WHERE geography = 'municipality'`)
	if err != nil {
		return fmt.Errorf("read true combinations: %w", err)
	}
	type key struct{ period, combination string }
	counts := map[key]truth{}
	for rows.Next() {
		var t truth
		if err := rows.Scan(&t.period, &t.area, &t.people, &t.cellKey); err != nil {
			return err
		}
		k := key{t.period, t.area}
		prev := counts[k]
		// A study area of several municipalities has a row each; their people add up and so
		// do their keys.
		if prev.cellKey != nil && t.cellKey != nil {
			sum := *prev.cellKey + *t.cellKey
			t.cellKey = &sum
		}
		t.people += prev.people
		counts[k] = t
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var out [][]any
	for _, period := range p.periods {
		for _, combo := range Combinations() {
			t := counts[key{period, combo}]
			if t.people > 0 && t.cellKey == nil {
				return fmt.Errorf("combination %s in %s has no cell key: run abitare aggregate again before releasing", combo, period)
			}
			published := p.perturb(t.people, t.cellKey, "municipality", "overlap", combo)
			out = append(out, []any{p.release, period, combo, published, Protected})
		}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"released_overlap"}, []string{"release_id", "period", "combination", "people", "status"}, pgx.CopyFromRows(out))
	if err != nil {
		return fmt.Errorf("store protected combinations: %w", err)
	}
	return nil
}

// Combinations lists the 31 non-empty combinations of the five domains, named as the
// aggregation names them (domains joined by '+', in the order of abitare.Domains).
func Combinations() []string {
	var out []string
	for mask := 1; mask < 1<<len(abitare.Domains); mask++ {
		var parts []string
		for i, d := range abitare.Domains {
			if mask&(1<<i) != 0 {
				parts = append(parts, d)
			}
		}
		out = append(out, strings.Join(parts, "+"))
	}
	return out
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }
