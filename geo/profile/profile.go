// Package profile reads the figures of the observatory back for the API: an area's profile
// (every indicator with its interval and trend, the overlap of domains, its hotspot classes)
// and rankings of areas for targeting. Counts between 1 and the disclosure threshold are
// withheld, and so are those listed in withheld_figures (secondary suppression, package
// withheld), together with every figure built on them: rates, intervals, changes, shares,
// composite indices and local statistics.
package profile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/withheld"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned for an area or period without figures.
var ErrNotFound error = &abitare.Error{Kind: abitare.NotFound, Message: "not found"}

// ErrBadRequest is returned for an unknown geography or indicator.
var ErrBadRequest error = &abitare.Error{Kind: abitare.Invalid, Message: "bad request"}

// Reader reads profiles and rankings.
type Reader struct {
	DB       *pgxpool.Pool
	MinCount int // disclosure threshold: counts 1..MinCount-1 are withheld
}

// Indicator is one indicator of an area in one period.
type Indicator struct {
	Indicator    string   `json:"indicator"`
	People       *int     `json:"people"`        // nil when withheld
	Residents    float64  `json:"residents"`     // rounded to whole people
	Rate         *float64 `json:"rate"`          // per 1,000
	CILow        *float64 `json:"ci_low"`        // exact Poisson 95%
	CIHigh       *float64 `json:"ci_high"`       //
	EBRate       *float64 `json:"eb_rate"`       // empirical-Bayes smoothed
	Unstable     bool     `json:"unstable"`      // too few residents or people for a stable rate
	PreviousRate *float64 `json:"previous_rate"` // same indicator, previous period
	Change       *float64 `json:"change"`        // rate minus previous rate
	Status       string   `json:"status"`        // published, withheld, not_applicable
}

// Area is an area's profile for one period.
type Area struct {
	Geography  string        `json:"geography"`
	ID         string        `json:"id"`
	Period     string        `json:"period"`
	Indicators []Indicator   `json:"indicators"`
	Overlap    []Combination `json:"overlap"` // districts and the municipality only (withheld.OverlapGeographies)
	// OverlapShares is, per domain, the share of its people who also appear in another domain.
	OverlapShares map[string]*float64 `json:"overlap_shares"`
	Hotspots      []Hotspot           `json:"hotspots"`
	Quarters      map[string][]Rate   `json:"quarters"` // indicator -> rate per quarter of the year
	Composite     *Composite          `json:"composite"`
	Coverage      []Coverage          `json:"coverage"`
	// IDISE is ISTAT's hardship index of the section, when loaded (abitare idise load).
	IDISE *IDISE `json:"idise,omitempty"`
}

// IDISE is ISTAT's published sub-municipal hardship index of a census section.
type IDISE struct {
	Value float64 `json:"value"`
	Area  *string `json:"area"` // the IDISE area holding the section, when the file names it
}

// Composite is an area's multi-domain need indices (inputs and weights: the run's record).
type Composite struct {
	AMPI  *float64 `json:"ampi"` // adjusted Mazziotta-Pareto, mean about 100
	IMD   *float64 `json:"imd"`  // IMD-style score
	RunID int64    `json:"run_id"`
}

// Coverage is need without help: people with a need signal and no social-services
// intervention in the period.
type Coverage struct {
	Need        string `json:"need"`
	People      *int   `json:"people"`
	WithoutHelp *int   `json:"without_help"`
	Status      string `json:"status"`
}

// Combination is the people of an area in one combination of domains.
type Combination struct {
	Combination string `json:"combination"`
	People      *int   `json:"people"`
	Status      string `json:"status"`
}

// Hotspot is an area's result in one local analysis.
type Hotspot struct {
	Analysis    string   `json:"analysis"`
	Statistic   *float64 `json:"statistic"`
	PValue      *float64 `json:"p_value"`
	Cluster     int      `json:"cluster"`
	Significant bool     `json:"significant"`
	RunID       int64    `json:"run_id"`
}

// Rate is a period's rate of an indicator.
type Rate struct {
	Period string   `json:"period"`
	Rate   *float64 `json:"rate"`
	Status string   `json:"status"`
}

// Geographies accepted by the API.
var Geographies = abitare.Geographies

func checkGeography(g string) error {
	if !slices.Contains(Geographies, g) {
		return fmt.Errorf("%w: geography %q, want one of %v", ErrBadRequest, g, Geographies)
	}
	return nil
}

// LatestYear is the most recent aggregated year.
func (r *Reader) LatestYear(ctx context.Context) (string, error) {
	return r.latestYear(ctx, "area_indicators", "no figures yet (run abitare aggregate)")
}

// latestYear is the most recent year (quarters are for trends) in a table of figures.
func (r *Reader) latestYear(ctx context.Context, table, none string) (string, error) {
	var p *string
	if err := r.DB.QueryRow(ctx, `SELECT max(period) FROM `+table+` WHERE period NOT LIKE '%-Q%'`).Scan(&p); err != nil {
		return "", err
	}
	if p == nil {
		return "", fmt.Errorf("%w: %s", ErrNotFound, none)
	}
	return *p, nil
}

// Area returns the profile of one area.
func (r *Reader) Area(ctx context.Context, geography, id, period string) (Area, error) {
	if err := checkGeography(geography); err != nil {
		return Area{}, err
	}
	a := Area{Geography: geography, ID: id, Period: period, Quarters: map[string][]Rate{}}
	periods, err := abitare.ParsePeriod(period)
	if err != nil {
		return a, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	w, err := r.withheldOf(ctx, geography, id)
	if err != nil {
		return a, err
	}
	previous := periods[0].Previous().Label
	rows, err := r.DB.Query(ctx, `
		SELECT c.indicator, c.people, c.residents, c.rate, c.ci_low, c.ci_high, c.eb_rate, c.unstable, p.rate, p.people
		FROM area_indicators c
		LEFT JOIN area_indicators p ON p.geography = c.geography AND p.area_id = c.area_id
		     AND p.indicator = c.indicator AND p.period = $4
		WHERE c.geography = $1 AND c.area_id = $2 AND c.period = $3 ORDER BY c.indicator`,
		geography, id, period, previous)
	if err != nil {
		return a, err
	}
	a.Indicators, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Indicator, error) {
		return r.scanIndicator(row, w, period, previous)
	})
	if err != nil {
		return a, err
	}
	if len(a.Indicators) == 0 {
		return a, fmt.Errorf("%w: no figures for %s %s in %s", ErrNotFound, geography, id, period)
	}
	if slices.Contains(withheld.OverlapGeographies, geography) {
		if a.Overlap, err = r.overlap(ctx, geography, id, period, w); err != nil {
			return a, err
		}
		if a.OverlapShares, err = r.overlapShares(ctx, geography, id, period, w); err != nil {
			return a, err
		}
	}
	if a.Hotspots, err = r.hotspots(ctx, geography, id, period, w); err != nil {
		return a, err
	}
	if err := r.quarters(ctx, &a, w); err != nil {
		return a, err
	}
	if err := r.composite(ctx, &a); err != nil {
		return a, err
	}
	if err := r.idise(ctx, &a); err != nil {
		return a, err
	}
	return a, r.coverage(ctx, &a, w)
}

// composite reads the area's indices, withheld when any of their inputs is: an index is a
// known function of its inputs, from which a withheld one could be solved.
func (r *Reader) composite(ctx context.Context, a *Area) error {
	for _, ind := range a.Indicators {
		if slices.Contains(abitare.CompositeDomains, ind.Indicator) && ind.Status == abitare.Withheld {
			return nil
		}
	}
	c := &Composite{}
	err := r.DB.QueryRow(ctx, `SELECT round(ampi::numeric, 1)::float8, round(imd::numeric, 1)::float8, run_id FROM area_composite WHERE geography = $1 AND area_id = $2 AND period = $3`,
		a.Geography, a.ID, a.Period).Scan(&c.AMPI, &c.IMD, &c.RunID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	a.Composite = c
	return err
}

// idise reads ISTAT's index of a census section, when one was loaded.
func (r *Reader) idise(ctx context.Context, a *Area) error {
	if a.Geography != "section" {
		return nil
	}
	v := &IDISE{}
	err := r.DB.QueryRow(ctx, `SELECT idise, area FROM idise_sections WHERE section_id = $1`, a.ID).Scan(&v.Value, &v.Area)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read IDISE of section %s: %w", a.ID, err)
	}
	a.IDISE = v
	return nil
}

func (r *Reader) coverage(ctx context.Context, a *Area, w withheldSet) error {
	rows, err := r.DB.Query(ctx, `SELECT need, people, without_help FROM area_coverage WHERE geography = $1 AND area_id = $2 AND period = $3 ORDER BY need`,
		a.Geography, a.ID, a.Period)
	if err != nil {
		return err
	}
	a.Coverage, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Coverage, error) {
		var c Coverage
		var people, without int
		if err := row.Scan(&c.Need, &people, &without); err != nil {
			return c, err
		}
		// Both counts, and their difference (the helped), must be publishable.
		c.Status = r.statusOf(people, true, w.has(a.Period, withheld.Coverage(c.Need, false)))
		if helped := people - without; c.Status == abitare.Shown && (r.statusOf(without, true, w.has(a.Period, withheld.Coverage(c.Need, true))) != abitare.Shown || r.status(helped, true) != abitare.Shown) {
			c.Status = abitare.Withheld
		}
		if c.Status == abitare.Shown {
			c.People, c.WithoutHelp = &people, &without
		}
		return c, nil
	})
	return err
}

// scanIndicator reads an indicator with the previous period's rate, shown only when both
// periods' counts may be.
func (r *Reader) scanIndicator(row pgx.CollectableRow, w withheldSet, period, previous string) (Indicator, error) {
	var ind Indicator
	var people int
	var prevPeople *int
	var rate, lo, hi, eb, prev *float64
	if err := row.Scan(&ind.Indicator, &people, &ind.Residents, &rate, &lo, &hi, &eb, &ind.Unstable, &prev, &prevPeople); err != nil {
		return ind, err
	}
	ind.Residents = math.Round(ind.Residents)
	ind.Status = r.statusOf(people, rate != nil, w.has(period, ind.Indicator))
	if prevPeople == nil || r.statusOf(*prevPeople, prev != nil, w.has(previous, ind.Indicator)) != abitare.Shown {
		prev = nil
	}
	if ind.Status == abitare.Shown {
		ind.People, ind.Rate, ind.CILow, ind.CIHigh, ind.EBRate, ind.PreviousRate = &people, round(rate), round(lo), round(hi), round(eb), round(prev)
		if rate != nil && prev != nil {
			ind.Change = round(ptr(*rate - *prev))
		}
	}
	return ind, nil
}

// status says whether a count may be published: zero or at least the threshold.
func (r *Reader) status(count int, defined bool) string { return r.statusOf(count, defined, false) }

func (r *Reader) overlap(ctx context.Context, geography, id, period string, w withheldSet) ([]Combination, error) {
	rows, err := r.DB.Query(ctx, `SELECT combination, people FROM area_overlap WHERE geography = $1 AND area_id = $2 AND period = $3 ORDER BY people DESC, combination`, geography, id, period)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Combination, error) {
		return r.scanCombination(row, func(c string) bool { return w.has(period, withheld.Overlap(c)) })
	})
}

// hotspots reads the area's local statistics. The statistic of an area whose indicator is
// withheld is withheld too: with the neighbours' rates it gives the area's own rate back.
func (r *Reader) hotspots(ctx context.Context, geography, id, period string, w withheldSet) ([]Hotspot, error) {
	rows, err := r.DB.Query(ctx, `SELECT analysis, statistic, p_value, cluster, significant, run_id FROM hotspots WHERE geography = $1 AND area_id = $2 AND period = $3 ORDER BY analysis`, geography, id, period)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Hotspot, error) {
		var h Hotspot
		err := row.Scan(&h.Analysis, &h.Statistic, &h.PValue, &h.Cluster, &h.Significant, &h.RunID)
		if w.anyWithheld(period, hotspotIndicators(h.Analysis)) {
			h.Statistic = nil
		}
		return h, err
	})
}

func (r *Reader) quarters(ctx context.Context, a *Area, w withheldSet) error {
	rows, err := r.DB.Query(ctx, `
		SELECT indicator, period, people, rate FROM area_indicators
		WHERE geography = $1 AND area_id = $2 AND period LIKE $3 || '-Q%' ORDER BY indicator, period`, a.Geography, a.ID, a.Period)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ind, period string
		var people int
		var rate *float64
		if err := rows.Scan(&ind, &period, &people, &rate); err != nil {
			return err
		}
		q := Rate{Period: period, Status: r.statusOf(people, rate != nil, w.has(period, ind))}
		if q.Status == abitare.Shown {
			q.Rate = round(rate)
		}
		a.Quarters[ind] = append(a.Quarters[ind], q)
	}
	return rows.Err()
}

// Ranked is one area in a ranking.
type Ranked struct {
	Rank      int      `json:"rank"`
	ID        string   `json:"id"`
	People    *int     `json:"people"`
	Residents float64  `json:"residents"`
	Rate      *float64 `json:"rate"`
	CILow     *float64 `json:"ci_low"`
	CIHigh    *float64 `json:"ci_high"`
	EBRate    *float64 `json:"eb_rate"`
	Unstable  bool     `json:"unstable"`
	Status    string   `json:"status"`
}

// Ranking lists a geography's areas by their empirical-Bayes rate of an indicator, highest
// first, so that a small area with one case does not top the list by chance. Areas whose count
// is withheld come last, by area code: a place between two shown rates, or before another
// withheld area, would bound their own.
func (r *Reader) Ranking(ctx context.Context, geography, indicator, period string, limit int) ([]Ranked, error) {
	if err := checkGeography(geography); err != nil {
		return nil, err
	}
	if !slices.Contains(abitare.Indicators, indicator) {
		return nil, fmt.Errorf("%w: indicator %q, want one of %v", ErrBadRequest, indicator, abitare.Indicators)
	}
	shownCount := disclosure.PublishedCountSQL("c.people", "$5")
	rows, err := r.DB.Query(ctx, `
		SELECT c.area_id, c.people, c.residents, c.rate, c.ci_low, c.ci_high, c.eb_rate, c.unstable, w.figure IS NOT NULL
		FROM area_indicators c
		LEFT JOIN withheld_figures w ON w.geography = c.geography AND w.area_id = c.area_id AND w.period = c.period AND w.figure = c.indicator
		WHERE c.geography = $1 AND c.indicator = $2 AND c.period = $3 AND c.residents > 0
		ORDER BY (w.figure IS NOT NULL OR `+shownCount+` IS NULL),
		         CASE WHEN w.figure IS NULL AND `+shownCount+` IS NOT NULL THEN c.eb_rate END DESC NULLS LAST, c.area_id
		LIMIT $4`, geography, indicator, period, limit, r.MinCount)
	if err != nil {
		return nil, err
	}
	n := 0
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Ranked, error) {
		var k Ranked
		var people int
		var rate, lo, hi, eb *float64
		var isWithheld bool
		err := row.Scan(&k.ID, &people, &k.Residents, &rate, &lo, &hi, &eb, &k.Unstable, &isWithheld)
		n++
		k.Rank, k.Residents, k.Status = n, math.Round(k.Residents), r.statusOf(people, rate != nil, isWithheld)
		if k.Status == abitare.Shown {
			k.People, k.Rate, k.CILow, k.CIHigh, k.EBRate = &people, round(rate), round(lo), round(hi), round(eb)
		}
		return k, err
	})
}

func round(v *float64) *float64 {
	if v == nil {
		return nil
	}
	return ptr(math.Round(*v*100) / 100)
}

func ptr[T any](v T) *T { return &v }

// AnalysisRun is the record of an analysis and its parameters.
type AnalysisRun struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Period     string          `json:"period"`
	Parameters json.RawMessage `json:"parameters"`
	CreatedAt  time.Time       `json:"created_at"`
}

// Run returns the record of one analysis run.
func (r *Reader) Run(ctx context.Context, id int64) (AnalysisRun, error) {
	run := AnalysisRun{ID: id}
	err := r.DB.QueryRow(ctx, `SELECT kind, period, parameters, created_at FROM analysis_runs WHERE id = $1`, id).
		Scan(&run.Kind, &run.Period, &run.Parameters, &run.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return run, fmt.Errorf("%w: no run %d", ErrNotFound, id)
	}
	return run, err
}

// overlapShares computes, for each domain, the share of its people in at least one other
// domain, from the combinations; withheld when either count is below the threshold.
func (r *Reader) overlapShares(ctx context.Context, geography, id, period string, w withheldSet) (map[string]*float64, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT d, sum(people)::int, (sum(people) FILTER (WHERE combination LIKE '%+%'))::int
		FROM area_overlap, unnest(string_to_array(combination, '+')) d
		WHERE geography = $1 AND area_id = $2 AND period = $3 GROUP BY d ORDER BY d`, geography, id, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*float64{}
	for rows.Next() {
		var d string
		var all int
		var shared *int
		if err := rows.Scan(&d, &all, &shared); err != nil {
			return nil, err
		}
		n := 0
		if shared != nil {
			n = *shared
		}
		out[d] = nil
		// all - n are the people in d alone: that combination's count.
		if r.statusOf(all, true, w.has(period, d)) == abitare.Shown && r.status(n, true) == abitare.Shown &&
			r.statusOf(all-n, true, w.has(period, withheld.Overlap(d))) == abitare.Shown && all > 0 {
			out[d] = round(ptr(float64(n) / float64(all)))
		}
	}
	return out, rows.Err()
}

// scanCombination reads a (combination, people) row, withholding a small count and those
// isWithheld names.
func (r *Reader) scanCombination(row pgx.CollectableRow, isWithheld func(combination string) bool) (Combination, error) {
	var c Combination
	var n int
	err := row.Scan(&c.Combination, &n)
	c.Status = r.statusOf(n, true, err == nil && isWithheld(c.Combination))
	if c.Status == abitare.Shown {
		c.People = &n
	}
	return c, err
}

// CityOverlap is the study area's people per combination of domains, largest first: the data of
// an UpSet chart.
func (r *Reader) CityOverlap(ctx context.Context, period string) ([]Combination, error) {
	rows, err := r.DB.Query(ctx, `SELECT o.combination, sum(o.people)::int, bool_or(w.figure IS NOT NULL)
		FROM area_overlap o
		LEFT JOIN withheld_figures w ON w.geography = o.geography AND w.area_id = o.area_id AND w.period = o.period AND w.figure = 'overlap:' || o.combination
		WHERE o.geography = 'municipality' AND o.period = $1
		GROUP BY o.combination ORDER BY 2 DESC, 1`, period)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Combination, error) {
		var c Combination
		var n int
		var isWithheld bool
		err := row.Scan(&c.Combination, &n, &isWithheld)
		if c.Status = r.statusOf(n, true, isWithheld); c.Status == abitare.Shown {
			c.People = &n
		}
		return c, err
	})
}
