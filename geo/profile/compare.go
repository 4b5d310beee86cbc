package profile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/jackc/pgx/v5"
)

// municipality is the geography of the whole city, the benchmark of a comparison.
const municipality = "municipality"

// MaxCompared is the most areas one comparison takes, besides the city.
const MaxCompared = 4

// Rank is an area's place among the areas of its geography whose figure is shown: 1 is the
// highest rate.
type Rank struct {
	Rank int `json:"rank"`
	Of   int `json:"of"`
}

// ComparedArea is an area's profile with its rank per indicator (nil when its figure is not
// shown: a withheld area has no place in the order, which would bound its rate).
type ComparedArea struct {
	Area
	Ranks map[string]*Rank `json:"ranks"`
}

// Comparison is up to MaxCompared areas of one geography, with the city as the benchmark.
type Comparison struct {
	Geography string         `json:"geography"`
	Period    string         `json:"period"`
	Areas     []ComparedArea `json:"areas"`
	City      Area           `json:"city"`
}

// PublishedComparedArea is an area's published figures with its rank per indicator.
type PublishedComparedArea struct {
	PublishedArea
	Ranks map[string]*Rank `json:"ranks"`
}

// PublishedComparison is the public's comparison: published figures only.
type PublishedComparison struct {
	Geography  string                  `json:"geography"`
	Period     string                  `json:"period"`
	Release    int64                   `json:"release"`
	Protection string                  `json:"protection"`
	Areas      []PublishedComparedArea `json:"areas"`
	City       PublishedArea           `json:"city"`
}

// checkCompared checks the period and the areas asked for: 1 to MaxCompared distinct codes of a geography.
func checkCompared(geography string, ids []string, period string) error {
	if err := checkGeography(geography); err != nil {
		return err
	}
	if _, err := abitare.ParsePeriod(period); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if len(ids) == 0 || len(ids) > MaxCompared {
		return fmt.Errorf("%w: ids: %d area codes, want 1 to %d separated by commas", ErrBadRequest, len(ids), MaxCompared)
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("%w: ids: area code %d is empty", ErrBadRequest, i+1)
		}
		if slices.Contains(ids[:i], id) {
			return fmt.Errorf("%w: ids: %q twice", ErrBadRequest, id)
		}
	}
	return nil
}

// Compare returns the restricted profiles of the areas, their ranks by empirical-Bayes rate
// (the order of Ranking), and the city's profile.
func (r *Reader) Compare(ctx context.Context, geography string, ids []string, period string) (Comparison, error) {
	c := Comparison{Geography: geography, Period: period}
	if err := checkCompared(geography, ids, period); err != nil {
		return c, err
	}
	level, city, err := r.cityID(ctx, "area_indicators")
	if err != nil {
		return c, err
	}
	if err := checkBelowBenchmark(geography, level, city); err != nil {
		return c, err
	}
	ranks, err := r.ranks(ctx, geography, ids, period)
	if err != nil {
		return c, err
	}
	for _, id := range ids {
		a, err := r.Area(ctx, geography, id, period)
		if err != nil {
			return c, fmt.Errorf("compare %s %s: %w", geography, id, err)
		}
		c.Areas = append(c.Areas, ComparedArea{Area: a, Ranks: ranks[id]})
	}
	c.City, err = r.Area(ctx, level, city, period)
	return c, err
}

// PublishedCompare returns the published figures of the areas, their ranks by published rate
// among the areas whose rate is published, and the city's.
func (r *Reader) PublishedCompare(ctx context.Context, geography string, ids []string, period string) (PublishedComparison, error) {
	c := PublishedComparison{Geography: geography, Period: period, Protection: protectionNote}
	if err := checkCompared(geography, ids, period); err != nil {
		return c, err
	}
	level, city, err := r.cityID(ctx, "public_indicators")
	if err != nil {
		return c, err
	}
	if err := checkBelowBenchmark(geography, level, city); err != nil {
		return c, err
	}
	ranks, err := r.publishedRanks(ctx, geography, ids, period)
	if err != nil {
		return c, err
	}
	for _, id := range ids {
		a, err := r.PublishedArea(ctx, geography, id, period)
		if err != nil {
			return c, fmt.Errorf("compare %s %s: %w", geography, id, err)
		}
		c.Areas = append(c.Areas, PublishedComparedArea{PublishedArea: a, Ranks: ranks[id]})
	}
	if c.City, err = r.PublishedArea(ctx, level, city, period); err != nil {
		return c, err
	}
	c.Release = c.City.Release
	return c, nil
}

// benchmarkLevels are the geographies a benchmark can be, from the top.
var benchmarkLevels = []string{"region", "province", municipality}

// checkBelowBenchmark refuses to compare areas of the benchmark's geography or of one above it:
// the territory is the benchmark of every comparison, so only its parts are compared.
func checkBelowBenchmark(geography, level, id string) error {
	at, top := slices.Index(benchmarkLevels, geography), slices.Index(benchmarkLevels, level)
	if at >= 0 && at <= top {
		return fmt.Errorf("%w: geography %q: the territory (%s %s) is the benchmark of every comparison; compare its parts",
			ErrBadRequest, geography, level, id)
	}
	return nil
}

// cityID is the area the compared areas are set against, in a table of figures: the whole
// territory, as its one region or its one province when it spans several comuni, else its
// municipality (the lowest code, where several comuni have no province in common).
func (r *Reader) cityID(ctx context.Context, table string) (geography, id string, err error) {
	var g, a *string
	err = r.DB.QueryRow(ctx, `SELECT geography, min(area_id) FROM `+table+`
		WHERE geography IN ('region', 'province', 'municipality') GROUP BY geography
		ORDER BY CASE WHEN count(DISTINCT area_id) = 1 THEN array_position(ARRAY['region', 'province', 'municipality'], geography)
		              ELSE 10 + (geography <> 'municipality')::int END LIMIT 1`).Scan(&g, &a)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && a == nil) {
		return "", "", fmt.Errorf("%w: no figures for the city in %s", ErrNotFound, table)
	}
	if err != nil {
		return "", "", fmt.Errorf("read the city's code: %w", err)
	}
	return *g, *a, nil
}

// ranks places the areas among the shown ones of their geography by empirical-Bayes rate, as
// Ranking orders them: withheld figures and small counts take no place.
func (r *Reader) ranks(ctx context.Context, geography string, ids []string, period string) (map[string]map[string]*Rank, error) {
	return r.collectRanks(ctx, ids, `
		WITH shown AS (
			SELECT c.area_id, c.indicator, c.eb_rate FROM area_indicators c
			LEFT JOIN withheld_figures w ON w.geography = c.geography AND w.area_id = c.area_id AND w.period = c.period AND w.figure = c.indicator
			WHERE c.geography = $1 AND c.period = $2 AND c.residents > 0 AND c.eb_rate IS NOT NULL
			  AND w.figure IS NULL AND `+disclosure.PublishedCountSQL("c.people", "$4")+` IS NOT NULL)
		SELECT area_id, indicator, rank, n FROM (
			SELECT area_id, indicator, rank() OVER (PARTITION BY indicator ORDER BY eb_rate DESC)::int AS rank,
			       count(*) OVER (PARTITION BY indicator)::int AS n FROM shown) ranked
		WHERE area_id = ANY($3)`, geography, period, ids, r.MinCount)
}

// publishedRanks places the areas among those of their geography whose rate is published.
func (r *Reader) publishedRanks(ctx context.Context, geography string, ids []string, period string) (map[string]map[string]*Rank, error) {
	return r.collectRanks(ctx, ids, `
		SELECT area_id, indicator, rank, n FROM (
			SELECT area_id, indicator, rank() OVER (PARTITION BY indicator ORDER BY rate DESC)::int AS rank,
			       count(*) OVER (PARTITION BY indicator)::int AS n
			FROM public_indicators WHERE geography = $1 AND period = $2 AND rate IS NOT NULL AND residents > 0) ranked
		WHERE area_id = ANY($3)`, geography, period, ids)
}

// collectRanks runs a query of (area, indicator, rank, of) rows: ranks by area and indicator.
func (r *Reader) collectRanks(ctx context.Context, ids []string, query string, args ...any) (map[string]map[string]*Rank, error) {
	rows, err := r.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read ranks: %w", err)
	}
	out := map[string]map[string]*Rank{}
	for _, id := range ids {
		out[id] = map[string]*Rank{}
	}
	var id, indicator string
	var k Rank
	_, err = pgx.ForEachRow(rows, []any{&id, &indicator, &k.Rank, &k.Of}, func() error {
		out[id][indicator] = &Rank{Rank: k.Rank, Of: k.Of}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read ranks: %w", err)
	}
	return out, nil
}
