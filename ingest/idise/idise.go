// Package idise loads ISTAT's sub-municipal hardship index (IDISE) for the city's census
// sections, so that the observatory's own composite index (AMPI, same method, other indicators:
// docs/idise.md) can be read beside it.
//
// The file is a CSV or XLSX with one row per census section:
//
//	SEZ21_ID  the ISTAT 2021 census section code, as in the sections file
//	IDISE     the index value (adjusted Mazziotta-Pareto, municipal mean 100; 101,3 or 101.3)
//	AREA      optional: the IDISE area the section belongs to (IDISE publishes areas of at
//	          least 250 residents, so each section carries its area's value)
//
// A load replaces the previous one in one transaction; any bad row rejects the whole file with
// every problem located (file, line, column, why).
package idise

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Columns of the file.
const (
	colSection = "SEZ21_ID"
	colIDISE   = "IDISE"
	colArea    = "AREA"
)

// entry is one section's value.
type entry struct {
	section, area string
	value         float64
}

// Summary says what a load stored and how IDISE compares with the observatory's AMPI.
type Summary struct {
	Sections int
	// Matched is the number of sections with both IDISE and an AMPI for Period.
	Matched int
	Period  string
	// Spearman is the rank correlation of IDISE and AMPI over the matched sections (NaN when
	// fewer than three).
	Spearman float64
}

// Load reads the file and replaces the stored IDISE values.
func Load(ctx context.Context, db *pgxpool.Pool, path string, opt tabular.Options) (Summary, error) {
	sections, err := knownSections(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	entries, err := read(path, opt, sections)
	if err != nil {
		return Summary{}, err
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM idise_sections`); err != nil {
			return err
		}
		rows := make([][]any, len(entries))
		for i, e := range entries {
			rows[i] = []any{e.section, nullIfEmpty(e.area), e.value, filepath.Base(path)}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"idise_sections"}, []string{"section_id", "area", "idise", "source_file"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("store IDISE: %w", err)
	}
	return compare(ctx, db, len(entries))
}

func knownSections(ctx context.Context, db *pgxpool.Pool) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT id FROM census_sections`)
	if err != nil {
		return nil, fmt.Errorf("read census sections: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read census sections: %w", err)
	}
	if len(ids) == 0 {
		return nil, errors.New("no census sections loaded: run abitare sections first")
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

func read(path string, opt tabular.Options, sections map[string]bool) ([]entry, error) {
	name := filepath.Base(path)
	seen := map[string]int{}
	return ingest.ReadAll(path, name, opt, []string{colSection, colIDISE}, func(r ingest.Row) (entry, []ingest.Problem) {
		e, errs := parse(r, name, sections)
		if first, dup := seen[e.section]; dup && e.section != "" {
			errs = append(errs, ingest.Problem{File: name, Line: r.Line(), Field: colSection, Reason: fmt.Sprintf("section repeated from line %d", first)})
		}
		seen[e.section] = r.Line()
		return e, errs
	})
}

func parse(r ingest.Row, name string, sections map[string]bool) (entry, []ingest.Problem) {
	var problems []ingest.Problem
	fail := func(col, reason string) {
		problems = append(problems, ingest.Problem{File: name, Line: r.Line(), Field: col, Reason: reason})
	}
	e := entry{section: r.Get(colSection), area: r.Get(colArea)}
	switch {
	case e.section == "":
		fail(colSection, "missing section code")
	case !sections[e.section]:
		fail(colSection, fmt.Sprintf("%q is not a loaded census section", e.section))
	}
	v, err := field.Decimal(r.Get(colIDISE))
	switch {
	case err != nil:
		fail(colIDISE, err.Error())
	case v <= 0 || v > 1000 || math.IsNaN(v):
		fail(colIDISE, fmt.Sprintf("%v is not an index value around 100", v))
	default:
		e.value = v
	}
	return e, problems
}

// compare reads the matched sections' IDISE and AMPI for the latest year with composite
// indices and ranks them against each other.
func compare(ctx context.Context, db *pgxpool.Pool, stored int) (Summary, error) {
	sum := Summary{Sections: stored, Spearman: math.NaN()}
	rows, err := db.Query(ctx, `
		SELECT c.period, i.idise, c.ampi FROM idise_sections i
		JOIN area_composite c ON c.geography = 'section' AND c.area_id = i.section_id
		WHERE c.ampi IS NOT NULL AND c.period = (SELECT max(period) FROM area_composite WHERE period NOT LIKE '%-Q%')`)
	if err != nil {
		return sum, fmt.Errorf("compare IDISE with AMPI: %w", err)
	}
	var xs, ys []float64
	var period string
	var x, y float64
	_, err = pgx.ForEachRow(rows, []any{&period, &x, &y}, func() error {
		xs, ys = append(xs, x), append(ys, y)
		sum.Period = period
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("compare IDISE with AMPI: %w", err)
	}
	sum.Matched = len(xs)
	if len(xs) >= 3 {
		sum.Spearman = Spearman(xs, ys)
	}
	return sum, nil
}

// Spearman is the rank correlation of xs and ys (ties take their average rank).
func Spearman(xs, ys []float64) float64 {
	return pearson(ranks(xs), ranks(ys))
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[idx[k]] = avg
		}
		i = j + 1
	}
	return out
}

func pearson(xs, ys []float64) float64 {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i] / n
		my += ys[i] / n
	}
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
