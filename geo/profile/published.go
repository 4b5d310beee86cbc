package profile

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/abitare/abitare"
	"github.com/jackc/pgx/v5"
)

// The readers in this file serve anonymous users: they read only the protected tables of the
// latest release (package disclosure), whose counts are already perturbed, and never the true
// aggregates. Counts and rates come back as published, with their protection status.

// PublishedLatestYear is the most recent year of the latest release.
func (r *Reader) PublishedLatestYear(ctx context.Context) (string, error) {
	return r.latestYear(ctx, "public_indicators", "nothing published yet (run abitare release)")
}

// PublishedIndicator is one published figure.
type PublishedIndicator struct {
	Geography string   `json:"geography,omitempty"`
	ID        string   `json:"id,omitempty"`
	Period    string   `json:"period,omitempty"`
	Indicator string   `json:"indicator"`
	People    *int     `json:"people"` // protected count; nil when suppressed
	Residents int      `json:"residents"`
	Rate      *float64 `json:"rate"` // per 1,000, from the protected count
	Status    string   `json:"status"`
	// ResidentsStatus says the denominator is a census figure, not a protected count.
	ResidentsStatus string `json:"residents_status"`
	Release         int64  `json:"release"`
}

// PublishedArea is an area's published figures for a period, with the rates of the year's
// quarters.
type PublishedArea struct {
	Geography  string               `json:"geography"`
	ID         string               `json:"id"`
	Period     string               `json:"period"`
	Release    int64                `json:"release"`
	Protection string               `json:"protection"`
	Indicators []PublishedIndicator `json:"indicators"`
	Quarters   map[string][]Rate    `json:"quarters"`
}

const protectionNote = "counts perturbed by the cell-key method (never 1 to threshold-1); rates from protected counts; published tables are not additive (see /api/releases)"

// PublishedArea returns the published figures of one area.
func (r *Reader) PublishedArea(ctx context.Context, geography, id, period string) (PublishedArea, error) {
	if err := checkGeography(geography); err != nil {
		return PublishedArea{}, err
	}
	if _, err := abitare.ParsePeriod(period); err != nil {
		return PublishedArea{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	a := PublishedArea{Geography: geography, ID: id, Period: period, Protection: protectionNote, Quarters: map[string][]Rate{}}
	list, err := r.published(ctx, `WHERE geography = $1 AND area_id = $2 AND period = $3 ORDER BY indicator`, geography, id, period)
	if err != nil {
		return a, err
	}
	if len(list) == 0 {
		return a, fmt.Errorf("%w: nothing published for %s %s in %s", ErrNotFound, geography, id, period)
	}
	a.Indicators, a.Release = list, list[0].Release
	quarters, err := r.published(ctx, `WHERE geography = $1 AND area_id = $2 AND period LIKE $3 || '-Q%' ORDER BY indicator, period`, geography, id, period)
	if err != nil {
		return a, err
	}
	for _, q := range quarters {
		a.Quarters[q.Indicator] = append(a.Quarters[q.Indicator], Rate{Period: q.Period, Rate: q.Rate, Status: q.Status})
	}
	for i := range a.Indicators {
		a.Indicators[i].Geography, a.Indicators[i].ID, a.Indicators[i].Period = "", "", ""
	}
	return a, nil
}

// PublishedIndicators returns every published figure of a geography and period, for the open
// data download.
func (r *Reader) PublishedIndicators(ctx context.Context, geography, period string) ([]PublishedIndicator, error) {
	if err := checkGeography(geography); err != nil {
		return nil, err
	}
	return r.published(ctx, `WHERE geography = $1 AND period = $2 ORDER BY area_id, indicator`, geography, period)
}

func (r *Reader) published(ctx context.Context, where string, args ...any) ([]PublishedIndicator, error) {
	rows, err := r.DB.Query(ctx, `SELECT geography, area_id, period, indicator, people, residents, rate, status, release_id
		FROM public_indicators `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read published figures: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (PublishedIndicator, error) {
		p := PublishedIndicator{ResidentsStatus: abitare.NotApplicable}
		return p, row.Scan(&p.Geography, &p.ID, &p.Period, &p.Indicator, &p.People, &p.Residents, &p.Rate, &p.Status, &p.Release)
	})
}

// PublishedOverlap is the city's published people per combination of domains, largest first.
func (r *Reader) PublishedOverlap(ctx context.Context, period string) ([]Combination, error) {
	rows, err := r.DB.Query(ctx, `SELECT combination, people, status FROM public_overlap WHERE period = $1
		ORDER BY people DESC NULLS LAST, combination`, period)
	if err != nil {
		return nil, fmt.Errorf("read published combinations: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Combination, error) {
		var c Combination
		return c, row.Scan(&c.Combination, &c.People, &c.Status)
	})
}

// Release is a publication's manifest as the public sees it: without the internal parameters
// of the perturbation, which would help an attacker.
type Release struct {
	ID                int64           `json:"id"`
	CreatedAt         time.Time       `json:"created_at"`
	Method            string          `json:"method"`
	Threshold         int             `json:"threshold"`
	KeyID             string          `json:"key_id"`
	Budget            string          `json:"budget"`
	Periods           []string        `json:"periods"`
	HealthGeographies []string        `json:"health_geographies"`
	Summary           json.RawMessage `json:"summary"`
	// Parameters and Utility are filled for the administrator only.
	Parameters json.RawMessage `json:"parameters,omitempty"`
	Utility    json.RawMessage `json:"utility,omitempty"`
	CreatedBy  string          `json:"created_by,omitempty"`
}

// PublicReleases lists the publications, newest first, from the public view.
func (r *Reader) PublicReleases(ctx context.Context) ([]Release, error) {
	rows, err := r.DB.Query(ctx, `SELECT id, created_at, method, threshold, key_id, budget, periods, health_geographies, summary
		FROM public_releases ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Release, error) {
		var x Release
		return x, row.Scan(&x.ID, &x.CreatedAt, &x.Method, &x.Threshold, &x.KeyID, &x.Budget, &x.Periods, &x.HealthGeographies, &x.Summary)
	})
}

// FullReleases lists the publications with their internal parameters and utility cost, for the
// data-protection officer (the administrator role).
func (r *Reader) FullReleases(ctx context.Context) ([]Release, error) {
	rows, err := r.DB.Query(ctx, `SELECT id, created_at, method, threshold, key_id, budget, periods, health_geographies, summary,
		parameters, utility, created_by FROM releases ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Release, error) {
		var x Release
		return x, row.Scan(&x.ID, &x.CreatedAt, &x.Method, &x.Threshold, &x.KeyID, &x.Budget, &x.Periods, &x.HealthGeographies,
			&x.Summary, &x.Parameters, &x.Utility, &x.CreatedBy)
	})
}
