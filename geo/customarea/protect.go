package customarea

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/abitare/abitare/geo/aggregate"
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

// note is the protection as the result states it.
func (p protection) note() string {
	return fmt.Sprintf("sum of the selected units' figures as planners can read them: the true count of each unit shown to "+
		"planners, and for each withheld unit its cell-key perturbed figure in public release %d; withheld when a withheld unit "+
		"has no public figure, or when the selection has fewer than %d residents. No combination of custom areas tells more "+
		"than the units' own figures; rates and intervals from the sum",
		p.release, p.minResidents)
}

// figure sums one indicator over the selected units as planners may read it
// (disclosure.SumSelection), with its rate and interval when it is shown.
func (p protection) figure(indicator string, units []disclosure.SelectionUnit, residents float64) Figure {
	sum := disclosure.SumSelection(units, residents, p.minResidents, p.table.Params().Threshold)
	f := Figure{Indicator: indicator, People: sum.People, Residents: math.Round(residents), Status: sum.Status,
		PerturbedUnits: sum.PerturbedUnits, UnpublishedUnits: sum.UnpublishedUnits}
	if sum.People == nil {
		return f
	}
	rate := stats.Rate(*sum.People, f.Residents)
	lo, hi := stats.PoissonExactCI(*sum.People, f.Residents, aggregate.Level)
	f.Rate, f.CILow, f.CIHigh = finite(rate), finite(lo), finite(hi)
	return f
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
