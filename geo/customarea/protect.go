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

// protection is the perturbation of the latest release, as custom areas apply it.
type protection struct {
	release      int64
	table        *cellkey.Table
	minResidents int
	zeroSecret   []byte // derived from the release secret, for empty selections
}

// latestProtection reads the latest release's parameters (custom_area_protection).
func latestProtection(ctx context.Context, db DB) (protection, error) {
	var p protection
	var threshold int
	var raw []byte
	err := db.QueryRow(ctx, `SELECT release_id, threshold, parameters, zero_secret FROM custom_area_protection()`).
		Scan(&p.release, &threshold, &raw, &p.zeroSecret)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, abitare.Errorf(abitare.Conflict, "custom area: no release yet: its counts are protected with the latest release's parameters (run abitare release)")
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

// isolates reports whether the count would give away withheld figures: subtracting the shown
// units of the selection from it leaves the people of its withheld sections (or H3 10 cells),
// known to within the perturbation's maximum deviation D. When they are from 1 to
// threshold - 1 + 2D, that interval could narrow a small count, so the figure is withheld;
// fewer than one or more than that, it bounds no small count more than its own perturbation does.
func (p protection) isolates(c count) bool {
	limit := p.table.Params().Threshold - 1 + 2*p.table.Params().MaxDeviation
	for _, n := range []int{c.inWithheldSections, c.inWithheldCells} {
		if n >= 1 && n <= limit {
			return true
		}
	}
	return false
}

// note is the protection as the result states it.
func (p protection) note() string {
	return fmt.Sprintf("cell-key perturbed with the parameters of release %d (the same people always get the same noise), "+
		"counts from 1 to %d withheld, and every count of a selection of fewer than %d residents, "+
		"or whose people in withheld sections or H3 10 cells are few enough to be isolated by subtraction; "+
		"rates and intervals from the perturbed counts; not additive: do not add or subtract custom areas",
		p.release, p.table.Params().Threshold-1, p.minResidents)
}

// figure protects one true count: withheld when the selection is too small or the count is
// from 1 to the threshold minus one, else perturbed with the cell key of the people counted
// (for nobody, a key drawn from the indicator alone, so every empty selection gets the same
// noise and drawing many variants of one gains nothing).
func (p protection) figure(indicator string, c count, residents float64) Figure {
	f := Figure{Indicator: indicator, Residents: math.Round(residents), Status: abitare.Withheld}
	threshold := p.table.Params().Threshold
	if int(f.Residents) < p.minResidents || (c.people >= 1 && c.people < threshold) || p.isolates(c) {
		return f
	}
	key := cellkey.ZeroCellKey(p.zeroSecret, "custom area", indicator)
	if c.people > 0 {
		key = cellkey.CellKey(c.keySum)
	}
	published := p.table.Perturb(c.people, key)
	if published >= 1 && published < threshold {
		return f // the table never gives these; withheld should it ever
	}
	rate := stats.Rate(published, f.Residents)
	lo, hi := stats.PoissonExactCI(published, f.Residents, aggregate.Level)
	f.People, f.Rate, f.CILow, f.CIHigh, f.Status = &published, finite(rate), finite(lo), finite(hi), abitare.Protected
	return f
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
