package profile

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/abitare/abitare/geo/aggregate"
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
	if rest > 0 && (restIn == 0 || restIn >= r.MinCount) {
		rr, rlo, rhi := stats.RelativeRisk(in, float64(residents), restIn, float64(rest), aggregate.Level)
		k.RR, k.RRLow, k.RRHigh = round(&rr), round(&rlo), round(&rhi)
	}
	return k
}

// needSQL is the register's people with need in the domain (or in two or more) in the period.
const needSQL = `
	SELECT person FROM events WHERE event_date >= $1 AND event_date < $2
	GROUP BY person
	HAVING ($3 = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = $3)`

const categoriesSQL = `
WITH need AS (` + needSQL + `),
disabled AS (SELECT DISTINCT person FROM events WHERE kind = 'disability'),
pop AS (
	SELECT r.pseudonym, r.sex, r.citizenship, r.household_type,
	       CASE WHEN $4 - r.birth_year < 15 THEN '00-14' WHEN $4 - r.birth_year < 25 THEN '15-24'
	            WHEN $4 - r.birth_year < 45 THEN '25-44' WHEN $4 - r.birth_year < 65 THEN '45-64'
	            WHEN $4 - r.birth_year < 80 THEN '65-79' ELSE '80+' END AS age,
	       d.person IS NOT NULL AS disabled, n.person IS NOT NULL AS in_need
	FROM residents r LEFT JOIN disabled d ON d.person = r.pseudonym LEFT JOIN need n ON n.person = r.pseudonym
)
SELECT v.dimension, v.category, count(*)::int, count(*) FILTER (WHERE in_need)::int
FROM pop, LATERAL (VALUES ('age', age), ('sex', sex::text), ('citizenship', citizenship),
                          ('household_type', lower(household_type)), ('disability', CASE WHEN disabled THEN 'yes' ELSE 'no' END)) v(dimension, category)
GROUP BY 1, 2 ORDER BY 1, 2`

const unclassifiedSQL = `
WITH need AS (` + needSQL + `)
SELECT count(*)::int FROM need n WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.pseudonym = n.person)`
