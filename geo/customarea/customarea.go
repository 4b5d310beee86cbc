// Package customarea computes the figures of an area a planner makes: several census sections
// or H3 cells of one resolution, or a drawn polygon. The figures come from person-level data on
// the server, placed as geo/aggregate places people (each person once, at their latest located
// event of the period), so a person in two selected cells counts once; rates are per 1,000
// residents of the selection, with the exact Poisson interval of geo/aggregate.
//
// The counts are not true counts. A planner sees the true count of every unit that is not
// withheld, so a custom area made of a withheld unit and a shown neighbour would give the
// withheld count away by subtraction. Every count is therefore perturbed by the cell-key method
// (geo/disclosure/cellkey) with the latest release's parameters, keyed by the record keys of
// the people counted: the same people always get the same noise, and repeating a query gains
// nothing. True counts from 1 to the threshold minus one are withheld, and so is every count of
// a selection with fewer residents than the release's minimum (docs/privacy.md, "Custom areas").
//
// Usage, on a connection of a role that reads aggregates:
//
//	res, err := customarea.Compute(ctx, db, customarea.Query{Period: "2025",
//		Areas: &customarea.Areas{Geography: "section", IDs: []string{"360230000001", "360230000002"}}})
//	// or Polygon: json.RawMessage(`{"type": "Polygon", "coordinates": [[[10.92, 44.64], ...]]}`)
package customarea

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/abitare/abitare"
	"github.com/jackc/pgx/v5"
)

// MaxIDs is the most areas a selection may name.
const MaxIDs = 500

// DB is what Compute reads through: a pool, a connection or a transaction.
type DB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Query is a custom area and the period to count it in: either Areas or Polygon.
type Query struct {
	Period  string          `json:"period"`
	Areas   *Areas          `json:"areas,omitempty"`
	Polygon json.RawMessage `json:"polygon,omitempty"` // GeoJSON Polygon or MultiPolygon, WGS84
}

// Areas are units of one geography: "section" or "h3_7".."h3_10" (H3 ids in hex).
type Areas struct {
	Geography string   `json:"geography"`
	IDs       []string `json:"ids"`
}

// Figure is one indicator of the custom area.
type Figure struct {
	Indicator string   `json:"indicator"`
	People    *int     `json:"people"`    // perturbed; nil when withheld
	Residents float64  `json:"residents"` // of the selection, whole people
	Rate      *float64 `json:"rate"`      // per 1,000, from the perturbed count
	CILow     *float64 `json:"ci_low"`    // exact Poisson 95%
	CIHigh    *float64 `json:"ci_high"`
	Status    string   `json:"status"` // protected or withheld
}

// Result is the custom area's figures.
type Result struct {
	Period     string          `json:"period"`
	Geography  string          `json:"geography"`     // the selection's geography, or "polygon"
	IDs        []string        `json:"ids,omitempty"` // the selected units, sorted, without repeats
	Label      string          `json:"label"`         // a short name: geography and first id, or polygon and hash
	Residents  float64         `json:"residents"`
	Release    int64           `json:"release"` // the release whose parameters protect the counts
	Protection string          `json:"protection"`
	Figures    []Figure        `json:"indicators"`
	Outline    json.RawMessage `json:"outline"` // GeoJSON of the selection's union

	truth []count // the true counts, for this package's tests only
}

// count is a true count with the sum of its people's record keys, and how many of its people
// are placed in a census section, and in an H3 10 cell, whose figure is withheld.
type count struct {
	people                              int
	keySum                              int64
	inWithheldSections, inWithheldCells int
}

// Compute validates q, counts the people of the selection in the period and protects the
// counts. Errors in the query are abitare.Invalid, naming the id, ring or vertex at fault.
func Compute(ctx context.Context, db DB, q Query) (Result, error) {
	period, err := parsePeriod(q.Period)
	if err != nil {
		return Result{}, err
	}
	sel, err := newSelection(q)
	if err != nil {
		return Result{}, err
	}
	prot, err := latestProtection(ctx, db)
	if err != nil {
		return Result{}, err
	}
	if err := sel.resolve(ctx, db); err != nil {
		return Result{}, err
	}
	counts, err := countPeople(ctx, db, period, sel)
	if err != nil {
		return Result{}, fmt.Errorf("custom area %s: %w", sel.label(), err)
	}
	res := Result{Period: period.Label, Geography: sel.geography, IDs: sel.ids, Label: sel.label(), Residents: sel.residents,
		Release: prot.release, Protection: prot.note(), Outline: sel.outline, truth: counts}
	for i, ind := range abitare.Indicators {
		res.Figures = append(res.Figures, prot.figure(ind, counts[i], sel.residents))
	}
	return res, nil
}

// Label checks the query's selection as far as it can without the database and names it
// shortly: the geography and its first ids, or "polygon" and a hash of the coordinates. It is
// what a request records in the audit trail before Compute reads anything.
func (q Query) Label() (string, error) {
	sel, err := newSelection(q)
	if err != nil {
		return "", err
	}
	return sel.label(), nil
}

// parsePeriod reads one period: a year or a quarter.
func parsePeriod(s string) (abitare.Period, error) {
	periods, err := abitare.ParsePeriod(s)
	if err != nil {
		return abitare.Period{}, err
	}
	return periods[0], nil
}

// countPeople reads, per indicator in the order of abitare.Indicators, the true count of the
// selection's people and the sum of their record keys.
func countPeople(ctx context.Context, db DB, p abitare.Period, sel *selection) ([]count, error) {
	var polygon any
	if sel.geography == polygonGeography {
		polygon = sel.geojson
	}
	rows, err := db.Query(ctx, `SELECT indicator, people, key_sum, in_withheld_sections, in_withheld_cells
		FROM custom_area_people($1::date, $2::date, $3, $4, $5::text[], ST_SetSRID(ST_GeomFromGeoJSON($6::text), 4326))`,
		p.Start, p.End, p.Label, sel.geography, sel.ids, polygon)
	if err != nil {
		return nil, fmt.Errorf("count people: %w", err)
	}
	byIndicator := map[string]count{}
	var ind string
	var c count
	_, err = pgx.ForEachRow(rows, []any{&ind, &c.people, &c.keySum, &c.inWithheldSections, &c.inWithheldCells}, func() error {
		byIndicator[ind] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count people: %w", err)
	}
	out := make([]count, len(abitare.Indicators))
	for i, name := range abitare.Indicators {
		out[i] = byIndicator[name]
	}
	return out, nil
}
