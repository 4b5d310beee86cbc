package customarea

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/disclosure/cellkey"
	"github.com/abitare/abitare/geo/stats"
	"github.com/jackc/pgx/v5"
)

// protection is what custom areas take from the latest release: its number, its threshold
// and its minimum of residents.
type protection struct {
	release      int64
	table        *cellkey.Table
	minResidents int
}

// latestProtection reads the latest release's parameters (custom_area_protection).
func latestProtection(ctx context.Context, db DB) (protection, error) {
	var p protection
	var threshold int
	var raw []byte
	err := db.QueryRow(ctx, `SELECT release_id, threshold, parameters FROM custom_area_protection()`).
		Scan(&p.release, &threshold, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, abitare.Errorf(abitare.Conflict, "custom area: no release yet: its withheld units are protected with the latest release's parameters (run abitare release)")
	}
	if err != nil {
		return p, fmt.Errorf("custom area: read the latest release's parameters: %w", err)
	}
	var params struct {
		MaxDeviation    int     `json:"max_deviation"`
		Variance        float64 `json:"variance"`
		ZeroProbability float64 `json:"zero_probability"`
		MinResidents    int     `json:"min_residents"`
	}
	if err := json.Unmarshal(raw, &params); err != nil {
		return p, fmt.Errorf("custom area: parameters of release %d: %w", p.release, err)
	}
	p.minResidents = params.MinResidents
	p.table, err = cellkey.New(cellkey.Params{Threshold: threshold, MaxDeviation: params.MaxDeviation,
		Variance: params.Variance, ZeroProbability: params.ZeroProbability})
	if err != nil {
		return p, fmt.Errorf("custom area: perturbation table of release %d: %w", p.release, err)
	}
	return p, nil
}

// unit is one selected unit's figure of an indicator, as the planner's outputs hold it.
type unit struct {
	area     string
	people   int  // the true count
	withheld bool // not shown to planners (withheld_figures)
	// published is the unit's figure in the latest public release (cell-key perturbed), nil
	// when the release does not publish it (health below districts, areas under the minimum
	// of residents).
	published *int
}

// value is what a unit adds to a custom area, and whether it has one: its true count when
// planners see it; otherwise its figure in the public release, which planners read too. A
// withheld unit the release does not publish has no value a planner may learn.
func (u unit) value() (int, bool) {
	switch {
	case !u.withheld:
		return u.people, true
	case u.published != nil:
		return *u.published, true
	}
	return 0, false
}

// note is the protection as the result states it.
func (p protection) note() string {
	return fmt.Sprintf("sum of the selected units' figures as planners can read them: the true count of each unit shown to "+
		"planners, and for each withheld unit its cell-key perturbed figure in public release %d; withheld when a withheld unit "+
		"has no public figure, or when the selection has fewer than %d residents. No combination of custom areas tells more "+
		"than the units' own figures; rates and intervals from the sum",
		p.release, p.minResidents)
}

// figure sums one indicator over the selected units: Published when every unit is shown
// (the true count, as a planner could add it up), Protected when withheld units enter with
// their public figures, Withheld when one has none or the selection is under the minimum of
// residents (a rate of a handful of residents is noise).
func (p protection) figure(indicator string, units []unit, residents float64) Figure {
	f := Figure{Indicator: indicator, Residents: math.Round(residents), Status: abitare.Withheld}
	sum := 0
	for _, u := range units {
		v, ok := u.value()
		if !ok {
			f.UnpublishedUnits++
			continue
		}
		sum += v
		if u.withheld {
			f.PerturbedUnits++
		}
	}
	if f.UnpublishedUnits > 0 || int(f.Residents) < p.minResidents {
		return f
	}
	if threshold := p.table.Params().Threshold; sum >= 1 && sum < threshold {
		return f // shown counts and published ones are 0 or at least the threshold; withheld should it ever
	}
	f.Status = abitare.Published
	if f.PerturbedUnits > 0 {
		f.Status = abitare.Protected
	}
	rate := stats.Rate(sum, f.Residents)
	lo, hi := stats.PoissonExactCI(sum, f.Residents, aggregate.Level)
	f.People, f.Rate, f.CILow, f.CIHigh = &sum, finite(rate), finite(lo), finite(hi)
	return f
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
