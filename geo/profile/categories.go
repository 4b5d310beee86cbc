package profile

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/disclosure"
	"github.com/abitare/abitare/geo/stats"
	"github.com/jackc/pgx/v5"
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
// classified and are left out; Unclassified says how many.
func (r *Reader) Categories(ctx context.Context, domain, period string) (list []CategoryRisk, unclassified int, err error) {
	if !slices.Contains(aggregate.Indicators, domain) {
		return nil, 0, fmt.Errorf("%w: domain %q, want one of %v", ErrBadRequest, domain, aggregate.Indicators)
	}
	ps, err := aggregate.ParsePeriod(period)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	p := ps[0]
	rows, err := r.DB.Query(ctx, categoriesSQL, p.Start, p.End, domain, p.Start.Year())
	if err != nil {
		return nil, 0, err
	}
	type cell struct {
		dim, cat      string
		residents, in int
	}
	cells, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (cell, error) {
		var c cell
		return c, row.Scan(&c.dim, &c.cat, &c.residents, &c.in)
	})
	if err != nil {
		return nil, 0, err
	}
	if err := r.DB.QueryRow(ctx, unclassifiedSQL, p.Start, p.End, domain).Scan(&unclassified); err != nil {
		return nil, 0, err
	}
	totals := map[string][2]int{}
	for _, c := range cells {
		t := totals[c.dim]
		totals[c.dim] = [2]int{t[0] + c.residents, t[1] + c.in}
	}
	for _, c := range cells {
		list = append(list, r.risk(c.dim, c.cat, c.in, c.residents, totals[c.dim]))
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].RR, list[j].RR
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return *a > *b
	})
	return list, unclassified, nil
}

func (r *Reader) risk(dim, cat string, in, residents int, total [2]int) CategoryRisk {
	k := CategoryRisk{Dimension: dim, Category: cat, Residents: residents, Status: r.status(in, residents > 0)}
	if k.Status != "published" {
		return k
	}
	rate := stats.Rate(in, float64(residents))
	lo, hi := stats.PoissonExactCI(in, float64(residents), aggregate.Level)
	k.People, k.Rate, k.CILow, k.CIHigh = &in, round(&rate), round(&lo), round(&hi)
	rest, restIn := total[0]-residents, total[1]-in
	// The complement's count is published implicitly by the total: withhold the relative risk
	// when it is small, or when there is no complement.
	if rest > 0 && !disclosure.Withheld(restIn, r.MinCount) {
		rr, rlo, rhi := stats.RelativeRisk(in, float64(residents), restIn, float64(rest), aggregate.Level)
		k.RR, k.RRLow, k.RRHigh = round(&rr), round(&rlo), round(&rhi)
	}
	return k
}

// The counts come from functions of the database (migrations/00007) that read the person-level
// tables with the owner's rights and return only counts, so that a planner's connection needs
// no access to people.
const categoriesSQL = `SELECT dimension, category, residents, in_need FROM category_counts($1, $2, $3, $4)`

const unclassifiedSQL = `SELECT unclassified_need($1, $2, $3)`
