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

// protection is the perturbation of the latest release, as custom areas apply it to the
// selected units whose figures planners do not see.
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
	var zeroSecret []byte // handed over by the function; units never need it (a withheld count is at least 1)
	err := db.QueryRow(ctx, `SELECT release_id, threshold, parameters, zero_secret FROM custom_area_protection()`).
		Scan(&p.release, &threshold, &raw, &zeroSecret)
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
	people   int   // the true count
	cellKey  int64 // the sum of its people's record keys modulo 2^31 (area_indicators.cell_key)
	withheld bool  // not shown to planners (withheld_figures)
}

// value is what a unit adds to a custom area: its true count when planners see it; otherwise
// its own cell-key perturbed count, which depends on the unit and the period alone (the same
// in every selection, and equal to the public release's figure wherever that shows the unit).
func (p protection) value(u unit) int {
	if !u.withheld {
		return u.people
	}
	return p.table.Perturb(u.people, cellkey.CellKey(u.cellKey))
}

// note is the protection as the result states it.
func (p protection) note() string {
	return fmt.Sprintf("sum of the selected units' figures: the true count of each unit shown to planners, and for each "+
		"withheld unit its own cell-key perturbed count (parameters of release %d; fixed per unit and period, whatever "+
		"the selection), so no combination of custom areas tells more than the units themselves; withheld when the "+
		"selection has fewer than %d residents; rates and intervals from the sum",
		p.release, p.minResidents)
}

// figure sums one indicator over the selected units: Published when every unit is shown
// (the true count, as a planner could add it up), Protected when withheld units enter with
// their perturbed values, Withheld for a selection under the minimum of residents (a rate of
// a handful of residents is noise).
func (p protection) figure(indicator string, units []unit, residents float64) Figure {
	f := Figure{Indicator: indicator, Residents: math.Round(residents), Status: abitare.Withheld}
	if int(f.Residents) < p.minResidents {
		return f
	}
	sum := 0
	for _, u := range units {
		sum += p.value(u)
		if u.withheld {
			f.PerturbedUnits++
		}
	}
	if threshold := p.table.Params().Threshold; sum >= 1 && sum < threshold {
		return f // shown counts and perturbed ones are 0 or at least the threshold; withheld should it ever
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
