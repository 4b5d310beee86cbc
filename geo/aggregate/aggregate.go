// Package aggregate turns events into area figures: per period and per geography (H3
// resolutions 7-10, census sections, OMI zones, municipality), the residents, the people with
// need in each domain, their rate per 1,000 residents and the people in several domains at once.
//
// Each person counts once per area and period, in the area of their latest event of the period:
// figures are people, not events, and the domains overlap at person level because records of
// one person are linked across sources by their pseudonym.
package aggregate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/zones"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Summary reports what one period's aggregation stored.
type Summary struct {
	Period  string
	People  int            // people with at least one event in the period
	Areas   map[string]int // geography -> areas stored
	Elapsed time.Duration
}

// Run recomputes the resident denominators once, then the figures of each period, replacing
// each period's previous figures in a transaction of its own.
func Run(ctx context.Context, db *pgxpool.Pool, periods []abitare.Period) ([]Summary, error) {
	// One aggregation at a time: runs share a work table.
	lock, err := db.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if _, err := lock.Exec(ctx, `SELECT pg_advisory_lock(hashtext('abitare:aggregate'))`); err != nil {
		return nil, fmt.Errorf("wait for another aggregation: %w", err)
	}
	defer lock.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('abitare:aggregate'))`) //nolint:errcheck // released with the session anyway

	if _, err := zones.AddMissingCells(ctx, db); err != nil {
		return nil, err
	}
	if err := prepare(ctx, db); err != nil {
		return nil, err
	}
	sums := make([]Summary, 0, len(periods))
	for rest := periods; len(rest) > 0; {
		// The periods of one year share one pass over the year's events.
		n := 1
		for n < len(rest) && rest[n].Start.Year() == rest[0].Start.Year() {
			n++
		}
		year, err := runYear(ctx, db, rest[:n])
		sums = append(sums, year...)
		if err != nil {
			return sums, err
		}
		rest = rest[n:]
	}
	return sums, nil
}

// runYear reads the year's events once into one row per person and quarter, then derives the
// figures of each period (the year or its quarters) from it, two periods at a time (one per
// core), each in a transaction of its own.
func runYear(ctx context.Context, db *pgxpool.Pool, periods []abitare.Period) ([]Summary, error) {
	y := periods[0].Start.Year()
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for _, sql := range []string{
			`SET LOCAL work_mem = '256MB'`,
			`DROP TABLE IF EXISTS aggregation_person_quarter`,
		} {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, personQuarterSQL(), abitare.Year(y).Start, abitare.Year(y).End); err != nil {
			return fmt.Errorf("read the events of %d: %w", y, err)
		}
		_, err := tx.Exec(ctx, `ANALYZE aggregation_person_quarter`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("aggregate %d: %w", y, err)
	}
	defer db.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS aggregation_person_quarter`) //nolint:errcheck // dropped again by the next run

	sums := make([]Summary, len(periods))
	errs := make([]error, len(periods))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(2, len(periods)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
					var err error
					sums[i], err = runPeriod(ctx, tx, periods[i])
					return err
				})
			}
		}()
	}
	for i := range periods {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return sums[:i], fmt.Errorf("aggregate %s: %w", periods[i].Label, err)
		}
	}
	return sums, nil
}

// prepare refreshes planner statistics and the residents of every H3 cell.
func prepare(ctx context.Context, db *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Fresh loads have no planner statistics yet; without them the spatial joins pick plans
		// twenty times slower.
		for _, s := range []struct{ what, sql string }{
			{"update planner statistics", `ANALYZE events, census_sections, h3_cells, h3_lineage`},
			{"interpolate residents to H3 cells", populationSQL},
			{"update planner statistics", `ANALYZE h3_population`},
		} {
			if _, err := tx.Exec(ctx, s.sql); err != nil {
				return fmt.Errorf("%s: %w", s.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("aggregate: %w", err)
	}
	return nil
}

// quarters returns the quarters (1-4) a period spans.
func quartersSpanned(p abitare.Period) []int32 {
	var qs []int32
	for t := p.Start; t.Before(p.End); t = t.AddDate(0, 3, 0) {
		qs = append(qs, int32(t.Month()-1)/3+1)
	}
	return qs
}

func runPeriod(ctx context.Context, tx pgx.Tx, p abitare.Period) (Summary, error) {
	start := time.Now()
	sum := Summary{Period: p.Label, Areas: map[string]int{}}
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"give sorts memory", `SET LOCAL work_mem = '256MB'`, nil},
		{"place people of the period", periodPeopleSQL(), []any{quartersSpanned(p)}},
		// Temporary tables never get planner statistics on their own.
		{"update planner statistics", `ANALYZE period_people`, nil},
		{"count residents per area", residentsSQL, nil},
		{"count people per area", countsSQL, nil},
		{"clear the period", `DELETE FROM area_stats WHERE period = $1`, []any{p.Label}},
		{"clear the period's overlap", `DELETE FROM area_overlap WHERE period = $1`, []any{p.Label}},
		{"store figures", statsSQL, []any{p.Label}},
		{"store overlap", overlapSQL, []any{p.Label}},
		{"clear the period's coverage", `DELETE FROM area_coverage WHERE period = $1`, []any{p.Label}},
		{"store need without help", storeCoverageSQL(), []any{p.Label}},
		{"clear the period's pieces", `DELETE FROM disclosure_pieces WHERE period = $1`, []any{p.Label}},
		{"store the pieces of sections and cells", storePiecesSQL(), []any{p.Label}},
	}
	for _, s := range steps {
		if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
			return sum, fmt.Errorf("%s: %w", s.what, err)
		}
	}
	if err := storeIndicators(ctx, tx, p); err != nil {
		return sum, err
	}
	if err := storeComposite(ctx, tx, p, DefaultIMDWeights); err != nil {
		return sum, fmt.Errorf("composite indices: %w", err)
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM period_people`).Scan(&sum.People); err != nil {
		return sum, fmt.Errorf("count people: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT geography, count(*)::int FROM area_stats WHERE period = $1 GROUP BY 1`, p.Label)
	if err != nil {
		return sum, fmt.Errorf("count areas: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return sum, err
		}
		sum.Areas[g] = n
	}
	sum.Elapsed = time.Since(start)
	return sum, rows.Err()
}

// populationSQL spreads each section's residents over the resolution-10 cells it overlaps, in
// proportion to the overlapping area (areal interpolation: residents are assumed evenly spread
// inside a section, which is why sections are small).
const populationSQL = `
TRUNCATE h3_population;
INSERT INTO h3_population (cell, residents)
SELECT c.cell, sum(s.residents * ST_Area(ST_Intersection(c.geom, s.geom)) / nullif(ST_Area(s.geom), 0))
FROM h3_cells c JOIN census_sections s ON ST_Intersects(c.geom, s.geom)
WHERE c.resolution = 10
GROUP BY c.cell
HAVING sum(s.residents * ST_Area(ST_Intersection(c.geom, s.geom)) / nullif(ST_Area(s.geom), 0)) > 0;`

// personQuarterSQL reads a year's events once: per person and quarter, the domains and need
// signals, and the latest located event, preferring the map's three domains (poverty, housing,
// health) over the others.
func personQuarterSQL() string {
	needs := ""
	for _, n := range Needs {
		needs += ",\n\t       bool_or(" + n.Signal + ") AS " + n.Name
	}
	// The latest located event is found without sorting the year's events: a key that orders
	// (map domain, date, id) is maximised in the same hash aggregate as the flags, and the event
	// is then fetched by its id (the key's low 40 bits).
	return `
CREATE UNLOGGED TABLE aggregation_person_quarter AS
WITH flags AS (
	SELECT person, extract(quarter FROM event_date)::int AS q,
	       bool_or(domain = 'poverty') AS poverty, bool_or(domain = 'housing') AS housing,
	       bool_or(domain = 'health') AS health, bool_or(domain = 'work') AS work,
	       bool_or(domain = 'education') AS education,
	       bool_or(source = 'social_services') AS helped` + needs + `,
	       max(((domain IN ('poverty', 'housing', 'health'))::int::bigint << 62)
	           | ((event_date - date '1990-01-01')::bigint << 40) | id) FILTER (WHERE geom IS NOT NULL) AS placed_key
	FROM events WHERE event_date >= $1 AND event_date < $2
	GROUP BY person, extract(quarter FROM event_date)::int
)
SELECT f.*, (f.placed_key >> 62) = 1 AS map_domain, e.event_date AS placed_on, e.id AS placed_by,
       e.h3_cell, e.section_id, e.geom
FROM flags f LEFT JOIN events e ON e.id = (f.placed_key & 1099511627775);`
}

// periodPeopleSQL places each person with an event in the period's quarters ($1) at their
// latest located event, preferring the map's three domains, with the domains they appear in;
// people whose events have no place count only for the municipality.
func periodPeopleSQL() string {
	needs := ""
	for _, n := range Needs {
		needs += ", bool_or(" + n.Name + ") AS " + n.Name
	}
	return `
CREATE TEMP TABLE period_people ON COMMIT DROP AS
WITH pq AS (
	SELECT * FROM aggregation_person_quarter WHERE q = ANY($1)
), latest AS (
	SELECT DISTINCT ON (person) person, h3_cell, section_id, geom FROM pq WHERE geom IS NOT NULL
	ORDER BY person, map_domain DESC, placed_on DESC, placed_by DESC
), domains AS (
	SELECT person, bool_or(poverty) AS poverty, bool_or(housing) AS housing, bool_or(health) AS health,
	       bool_or(work) AS work, bool_or(education) AS education, bool_or(helped) AS helped` + needs + `
	FROM pq GROUP BY person
)
SELECT d.*, pe.record_key::bigint AS record_key, l.h3_cell AS cell10, g.cell9, g.cell8, g.cell7, l.section_id, s.omi_zone,
       coalesce(s.municipality_code,
                (SELECT m.code FROM municipalities m WHERE ST_Intersects(m.geom, l.geom) ORDER BY m.code LIMIT 1),
                (SELECT min(code) FROM municipalities HAVING count(*) = 1)) AS municipality,
       d.poverty::int + d.housing::int + d.health::int AS domains,
       d.poverty::int + d.housing::int + d.health::int + d.work::int + d.education::int AS all_domains,
       concat_ws('+', CASE WHEN d.poverty THEN 'poverty' END, CASE WHEN d.housing THEN 'housing' END,
                 CASE WHEN d.health THEN 'health' END, CASE WHEN d.work THEN 'work' END,
                 CASE WHEN d.education THEN 'education' END) AS combination
FROM domains d LEFT JOIN latest l USING (person)
JOIN people pe ON pe.pseudonym = d.person
LEFT JOIN h3_lineage g ON g.cell10 = l.h3_cell
LEFT JOIN census_sections s ON s.id = l.section_id;`
}

const residentsSQL = `
CREATE TEMP TABLE area_residents ON COMMIT DROP AS
SELECT 'h3_10' AS geography, to_hex(cell) AS area_id, residents FROM h3_population
UNION ALL SELECT 'h3_9', to_hex(g.cell9), sum(p.residents) FROM h3_population p JOIN h3_lineage g ON g.cell10 = p.cell GROUP BY g.cell9
UNION ALL SELECT 'h3_8', to_hex(g.cell8), sum(p.residents) FROM h3_population p JOIN h3_lineage g ON g.cell10 = p.cell GROUP BY g.cell8
UNION ALL SELECT 'h3_7', to_hex(g.cell7), sum(p.residents) FROM h3_population p JOIN h3_lineage g ON g.cell10 = p.cell GROUP BY g.cell7
UNION ALL SELECT 'section', id, residents FROM census_sections
UNION ALL SELECT 'omi', omi_zone, sum(residents) FROM census_sections WHERE omi_zone IS NOT NULL GROUP BY omi_zone
UNION ALL SELECT 'municipality', municipality_code, sum(residents) FROM census_sections GROUP BY municipality_code
UNION ALL SELECT 'province', l.province, sum(s.residents) FROM census_sections s JOIN municipality_levels l USING (municipality_code)
	WHERE l.province IS NOT NULL GROUP BY l.province
UNION ALL SELECT 'region', l.region, sum(s.residents) FROM census_sections s JOIN municipality_levels l USING (municipality_code)
	WHERE l.region IS NOT NULL GROUP BY l.region;`

// areaKeys are the geographies a placed person counts in, with the expression of the area id.
var areaKeys = []struct{ geography, key string }{
	{"h3_10", "to_hex(cell10)"}, {"h3_9", "to_hex(cell9)"}, {"h3_8", "to_hex(cell8)"}, {"h3_7", "to_hex(cell7)"},
	{"section", "section_id"}, {"omi", "omi_zone"}, {"municipality", "pp.municipality"},
	{"province", "l.province"}, {"region", "l.region"},
}

// byArea groups period_people by every geography at once (one scan, GROUPING SETS), with
// extra grouping columns, and returns geography, area_id and the aggregates.
func byArea(aggregates string, extra ...string) string {
	var cols, sets, cases, keys []string
	for i, a := range areaKeys {
		k := fmt.Sprintf("k%d", i)
		cols = append(cols, a.key+" AS "+k)
		sets = append(sets, "("+strings.Join(append([]string{k}, extra...), ", ")+")")
		cases = append(cases, fmt.Sprintf("WHEN grouping(%s) = 0 THEN '%s'", k, a.geography))
		keys = append(keys, k)
	}
	return fmt.Sprintf(`SELECT CASE %s END AS geography, coalesce(%s) AS area_id, %s
FROM (SELECT %s, pp.* FROM period_people pp LEFT JOIN municipality_levels l ON l.municipality_code = pp.municipality) pp
GROUP BY GROUPING SETS (%s)
HAVING coalesce(%s) IS NOT NULL`, strings.Join(cases, " "), strings.Join(keys, ", "), aggregates,
		strings.Join(cols, ", "), strings.Join(sets, ", "), strings.Join(keys, ", "))
}

// countsSQL counts people per area: per domain, in two or all three of the map's domains, and
// in two or more of all five.
var countsSQL = `
CREATE TEMP TABLE area_people ON COMMIT DROP AS
` + byArea(`
       count(*) FILTER (WHERE poverty)::int AS poverty,
       count(*) FILTER (WHERE housing)::int AS housing,
       count(*) FILTER (WHERE health)::int AS health,
       count(*) FILTER (WHERE work)::int AS work,
       count(*) FILTER (WHERE education)::int AS education,
       count(*) FILTER (WHERE domains >= 2)::int AS two_plus,
       count(*) FILTER (WHERE domains = 3)::int AS all_three,
       count(*) FILTER (WHERE all_domains >= 2)::int AS multi_domain,`+cellKeySums()) + `;`

// cellKeySums adds, for each indicator, the cell key of its count: the sum of the counted
// people's record keys modulo 2^31 (the cell-key method, disclosure).
func cellKeySums() string {
	var sums []string
	for _, ind := range abitare.Indicators {
		sums = append(sums, fmt.Sprintf("coalesce(sum(record_key) FILTER (WHERE %s), 0) %% %d AS %s_key", indicatorFilter(ind), cellKeyModulus, ind))
	}
	return "\n       " + strings.Join(sums, ",\n       ")
}

// cellKeyModulus is cellkey.KeyModulus; people.record_key lies in [0, cellKeyModulus).
const cellKeyModulus = 1 << 31

func indicatorFilter(indicator string) string {
	if indicator == "multi_domain" {
		return "all_domains >= 2"
	}
	return indicator
}

// overlapSQL stores the people of each combination of domains per area.
var overlapSQL = `
INSERT INTO area_overlap (geography, area_id, period, combination, people, cell_key)
SELECT geography, area_id, $1, combination, people, cell_key FROM (
` + byArea(fmt.Sprintf(`combination, count(*) AS people, sum(record_key) %% %d AS cell_key`, cellKeyModulus), "combination") + `
) o ORDER BY 1, 2, 4;`

// statsSQL joins residents and people, computes rates, and counts the domains in which an area's
// rate is above the study area's. Public tiles recompute this class from published counts only.
const statsSQL = `
WITH joined AS (
	SELECT coalesce(r.geography, p.geography) AS geography, coalesce(r.area_id, p.area_id) AS area_id,
	       coalesce(r.residents, 0) AS residents,
	       coalesce(p.poverty, 0) AS poverty, coalesce(p.housing, 0) AS housing, coalesce(p.health, 0) AS health,
	       coalesce(p.two_plus, 0) AS two_plus, coalesce(p.all_three, 0) AS all_three
	FROM area_residents r FULL JOIN area_people p USING (geography, area_id)
), rated AS (
	SELECT *, 1000.0 * poverty / nullif(residents, 0) AS poverty_rate,
	          1000.0 * housing / nullif(residents, 0) AS housing_rate,
	          1000.0 * health / nullif(residents, 0) AS health_rate
	FROM joined
), city AS (
	SELECT 1000.0 * sum(poverty) / nullif(sum(residents), 0) AS poverty_rate,
	       1000.0 * sum(housing) / nullif(sum(residents), 0) AS housing_rate,
	       1000.0 * sum(health) / nullif(sum(residents), 0) AS health_rate
	FROM joined WHERE geography = 'municipality'
)
INSERT INTO area_stats (geography, area_id, period, residents, poverty, housing, health,
                        poverty_rate, housing_rate, health_rate, two_plus, all_three, overlap)
SELECT r.geography, r.area_id, $1, r.residents, r.poverty, r.housing, r.health,
       r.poverty_rate, r.housing_rate, r.health_rate, r.two_plus, r.all_three,
       coalesce((r.poverty_rate > c.poverty_rate)::int, 0) + coalesce((r.housing_rate > c.housing_rate)::int, 0)
         + coalesce((r.health_rate > c.health_rate)::int, 0)
FROM rated r CROSS JOIN city c
ORDER BY r.geography, r.area_id;`
