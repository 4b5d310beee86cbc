package profile

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/geo/stats"
)

// CategoryRisk is the rate of need of one category of residents and its relative risk against
// the rest of the resident population.
type CategoryRisk struct {
	Dimension string   `json:"dimension"` // age, sex, citizenship, household_type, disability
	Category  string   `json:"category"`
	Residents int      `json:"residents"`
	People    *int     `json:"people"`
	Rate      *float64 `json:"rate"` // per 1,000 residents of the category
	CILow     *float64 `json:"ci_low"`
	CIHigh    *float64 `json:"ci_high"`
	RR        *float64 `json:"relative_risk"` // against the residents outside the category
	RRLow     *float64 `json:"rr_low"`
	RRHigh    *float64 `json:"rr_high"`
	Status    string   `json:"status"`
}

// Categories returns, for one domain (or multi_domain) and one period, the rate and relative
// risk of every category of the population register, sorted by relative risk, highest first.
// People known only to an agency and not in the register (such as STP holders) cannot be
// classified and are left out; unclassified says how many (nil when withheld).
//
// A dimension's categories add up to the people classified, and these plus the unclassified to
// the city's people in the domain, which the map shows; a relative risk gives away the people
// outside its category. These relations are protected like the map's
// (disclosure.ProtectCategoryTable): a category's count, the unclassified or a dimension's
// relative risks are withheld so that no small count among them can be recovered by
// subtraction, together with every OMI district's categories (ZoneCategories), so that the
// city's counts minus the districts' give none away.
func (r *Reader) Categories(ctx context.Context, domain, period string) (list []CategoryRisk, unclassified *int, err error) {
	p, err := checkCategoryQuery(domain, period)
	if err != nil {
		return nil, nil, err
	}
	t, err := r.readCategoryTable(ctx, domain, p, period)
	if err != nil {
		return nil, nil, err
	}
	prot, err := disclosure.ProtectCategoryTable(t, r.MinCount)
	if errors.Is(err, disclosure.ErrNoJointProtection) { // the districts' views are refused: the city alone
		prot.City, err = disclosure.ProtectCategories(t.City, t.Unclassified, r.MinCount)
	}
	if err != nil {
		return nil, nil, err
	}
	list, unclassified = r.categoryAnswer(t.City, t.Unclassified, prot.City)
	return list, unclassified, nil
}

// checkCategoryQuery checks the domain and the period of a categories view.
func checkCategoryQuery(domain, period string) (abitare.Period, error) {
	if !slices.Contains(abitare.Indicators, domain) {
		return abitare.Period{}, fmt.Errorf("%w: domain %q, want one of %v", ErrBadRequest, domain, abitare.Indicators)
	}
	ps, err := abitare.ParsePeriod(period)
	if err != nil {
		return abitare.Period{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return ps[0], nil
}

func (r *Reader) risk(dim, cat string, in, residents int, total [2]int) CategoryRisk {
	k := CategoryRisk{Dimension: dim, Category: cat, Residents: residents, Status: r.status(in, residents > 0)}
	if k.Status != abitare.Shown {
		return k
	}
	rate := stats.Rate(in, float64(residents))
	lo, hi := stats.PoissonExactCI(in, float64(residents), abitare.ConfidenceLevel)
	k.People, k.Rate, k.CILow, k.CIHigh = &in, round(&rate), round(&lo), round(&hi)
	rest, restIn := total[0]-residents, total[1]-in
	// The complement's count is published implicitly by the total: withhold the relative risk
	// when it is small, or when there is no complement.
	if rest > 0 && !disclosure.Withheld(restIn, r.MinCount) {
		rr, rlo, rhi := stats.RelativeRisk(in, float64(residents), restIn, float64(rest), abitare.ConfidenceLevel)
		k.RR, k.RRLow, k.RRHigh = round(&rr), round(&rlo), round(&rhi)
	}
	return k
}

// The counts come from functions of the database (migrations/00007) that read the person-level
// tables with the owner's rights and return only counts, so that a planner's connection needs
// no access to people.
const categoriesSQL = `SELECT dimension, category, residents, in_need FROM category_counts($1, $2, $3, $4)`

const unclassifiedSQL = `SELECT unclassified_need($1, $2, $3)`
