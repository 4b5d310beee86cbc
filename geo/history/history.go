// Package history builds the quarterly history of every area (area_history): per H3 8 and 9
// cell, census section, district and municipality, and per quarter of every year with events,
// the people in each domain of need and in the signals some partners record (eviction filings,
// job-centre registrations, housing support). It is what trends and forecasts are computed
// from (geo/foresight).
//
// People are placed as aggregate places them in a period: in a quarter, at their latest
// located event of the quarter, preferring the map's three domains. A quarter's counts are
// therefore the same as the quarterly figures of aggregate (area_indicators) for that
// quarter, without the disclosure control those get: the history is for restricted roles.
//
//	sum, err := history.Build(ctx, db) // after aggregate, which fills h3_population
package history

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Domains are the domains of need the history counts.
var Domains = []string{"poverty", "housing", "health", "work", "education"}

// Signals are the partner records that may come before housing hardship, and housing
// hardship itself as social services see it; each is a series of the history.
var Signals = []struct{ Name, Filter string }{
	{"eviction", `kind = 'eviction'`},                                    // housing office: eviction filings
	{"job_loss", `kind = 'job_seeker_registration'`},                     // employment agency: registration at a job centre
	{"housing_support", `kind IN ('rent_support', 'emergency_housing')`}, // social services: rent support, emergency housing
}

// Geographies the history is built for.
var Geographies = []string{"h3_8", "h3_9", "section", "omi", "municipality"}

// Series lists every series of the history: the domains, then the signals.
func Series() []string {
	out := append([]string(nil), Domains...)
	for _, s := range Signals {
		out = append(out, s.Name)
	}
	return out
}

// Summary reports a build.
type Summary struct {
	Quarters []string // first to last, with no gap
	Rows     int64
	Areas    int64
	Elapsed  time.Duration
}

// Build replaces the history with one computed from every event, in one transaction.
func Build(ctx context.Context, db *pgxpool.Pool) (Summary, error) {
	start := time.Now()
	var sum Summary
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		steps := []struct{ what, sql string }{
			{"give sorts memory", `SET LOCAL work_mem = '256MB'`},
			{"place people per quarter", peopleSQL()},
			{"clear the history", `TRUNCATE area_history, area_history_residents`},
			{"count people per area and quarter", countsSQL()},
			{"count residents per area", residentsSQL},
		}
		for _, s := range steps {
			if _, err := tx.Exec(ctx, s.sql); err != nil {
				return fmt.Errorf("%s: %w", s.what, err)
			}
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM area_history`).Scan(&sum.Rows); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM area_history_residents`).Scan(&sum.Areas); err != nil {
			return err
		}
		var err error
		sum.Quarters, err = Quarters(ctx, tx)
		return err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("history: %w", err)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// Quarters lists the history's quarters, from the first with events to the last, with none
// missing (a quarter without events is a quarter of zeros, not a gap).
func Quarters(ctx context.Context, db postgres.Querier) ([]string, error) {
	var first, last *string
	if err := db.QueryRow(ctx, `SELECT min(quarter), max(quarter) FROM area_history`).Scan(&first, &last); err != nil {
		return nil, fmt.Errorf("history quarters: %w", err)
	}
	if first == nil {
		return nil, nil
	}
	return QuarterRange(*first, *last)
}

// QuarterRange lists the quarters from first to last ("2022-Q1" ... "2025-Q4").
func QuarterRange(first, last string) ([]string, error) {
	from, err := parseQuarter(first)
	if err != nil {
		return nil, err
	}
	to, err := parseQuarter(last)
	if err != nil {
		return nil, err
	}
	var out []string
	for p := from; !p.Start.After(to.Start); p = next(p) {
		out = append(out, p.Label)
	}
	return out, nil
}

// QuartersAfter lists the h quarters after q ("2024-Q4", 2: "2025-Q1", "2025-Q2").
func QuartersAfter(q string, h int) ([]string, error) {
	p, err := parseQuarter(q)
	if err != nil {
		return nil, err
	}
	out := make([]string, h)
	for i := range out {
		p = next(p)
		out[i] = p.Label
	}
	return out, nil
}

// parseQuarter reads one quarter with abitare.ParsePeriod, refusing a year.
func parseQuarter(s string) (abitare.Period, error) {
	ps, err := abitare.ParsePeriod(s)
	if err != nil || len(ps) != 1 {
		return abitare.Period{}, fmt.Errorf("quarter %q: want a quarter such as 2025-Q2", s)
	}
	return ps[0], nil
}

// next is the quarter after p.
func next(p abitare.Period) abitare.Period {
	return abitare.Quarter(p.End.Year(), int(p.End.Month()-1)/3+1)
}

// peopleSQL places each person in each quarter with events, with the series they are in.
func peopleSQL() string {
	var flags []string
	for _, d := range Domains {
		flags = append(flags, fmt.Sprintf("bool_or(domain = '%s') AS %s", d, d))
	}
	for _, s := range Signals {
		flags = append(flags, fmt.Sprintf("bool_or(%s) AS %s", s.Filter, s.Name))
	}
	// The latest located event, preferring the map's domains, found as aggregate finds it: a
	// key ordering (map domain, date, id) maximised with the flags, the event fetched by id.
	return `
CREATE TEMP TABLE history_people ON COMMIT DROP AS
WITH flags AS (
	SELECT person, extract(year FROM event_date)::int || '-Q' || extract(quarter FROM event_date)::int AS quarter,
	       ` + strings.Join(flags, ",\n\t       ") + `,
	       max(((domain IN ('poverty', 'housing', 'health'))::int::bigint << 62)
	           | ((event_date - date '1990-01-01')::bigint << 40) | id) FILTER (WHERE geom IS NOT NULL) AS placed_key
	FROM events GROUP BY 1, 2
)
SELECT f.*, e.h3_cell, e.section_id, e.geom FROM flags f LEFT JOIN events e ON e.id = (f.placed_key & 1099511627775);`
}

// countsSQL counts people per geography, area, quarter and series in one scan (GROUPING SETS),
// and stores the non-zero counts.
func countsSQL() string {
	var counts, values []string
	for _, s := range Series() {
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE %s)::int AS %s", s, s))
		values = append(values, fmt.Sprintf("('%s', a.%s)", s, s))
	}
	return `
INSERT INTO area_history (geography, area_id, quarter, series, people)
SELECT a.geography, a.area_id, a.quarter, v.series, v.people FROM (
	SELECT CASE WHEN grouping(k8) = 0 THEN 'h3_8' WHEN grouping(k9) = 0 THEN 'h3_9'
	            WHEN grouping(ks) = 0 THEN 'section' WHEN grouping(kd) = 0 THEN 'omi' ELSE 'municipality' END AS geography,
	       coalesce(k8, k9, ks, kd, km) AS area_id, quarter,
	       ` + strings.Join(counts, ",\n\t       ") + `
	FROM (SELECT hp.*, to_hex(g.cell8) AS k8, to_hex(g.cell9) AS k9, hp.section_id AS ks, s.omi_zone AS kd,
	             coalesce(s.municipality_code,
	                      (SELECT m.code FROM municipalities m WHERE hp.geom IS NOT NULL AND ST_Intersects(m.geom, hp.geom) ORDER BY m.code LIMIT 1),
	                      (SELECT min(code) FROM municipalities HAVING count(*) = 1)) AS km
	      FROM history_people hp
	      LEFT JOIN h3_lineage g ON g.cell10 = hp.h3_cell
	      LEFT JOIN census_sections s ON s.id = hp.section_id) x
	GROUP BY GROUPING SETS ((k8, quarter), (k9, quarter), (ks, quarter), (kd, quarter), (km, quarter))
	HAVING coalesce(k8, k9, ks, kd, km) IS NOT NULL
) a
CROSS JOIN LATERAL (VALUES ` + strings.Join(values, ", ") + `) v(series, people)
WHERE v.people > 0
ORDER BY 1, 2, 4, 3;`
}

// residentsSQL stores the residents of every area, as aggregate counts them, and the district
// a section or an H3 cell lies in (its centre's, for a cell).
const residentsSQL = `
INSERT INTO area_history_residents (geography, area_id, residents, district)
SELECT 'h3_8', to_hex(g.cell8), sum(p.residents), NULL FROM h3_population p JOIN h3_lineage g ON g.cell10 = p.cell GROUP BY g.cell8
UNION ALL SELECT 'h3_9', to_hex(g.cell9), sum(p.residents), NULL FROM h3_population p JOIN h3_lineage g ON g.cell10 = p.cell GROUP BY g.cell9
UNION ALL SELECT 'section', id, residents, omi_zone FROM census_sections
UNION ALL SELECT 'omi', omi_zone, sum(residents), NULL FROM census_sections WHERE omi_zone IS NOT NULL GROUP BY omi_zone
UNION ALL SELECT 'municipality', municipality_code, sum(residents), NULL FROM census_sections WHERE municipality_code IS NOT NULL GROUP BY municipality_code;
UPDATE area_history_residents r SET district = (
	SELECT z.code FROM omi_zones z, h3_cells c
	WHERE c.h3_index = r.area_id AND c.resolution = substr(r.geography, 4)::int AND ST_Intersects(z.geom, ST_Centroid(c.geom))
	ORDER BY z.code LIMIT 1)
WHERE r.geography IN ('h3_8', 'h3_9');`
