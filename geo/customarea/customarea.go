// Package customarea computes the figures of an area a planner makes: several census sections
// or H3 cells of one resolution, or a drawn polygon (answered as the H3 resolution-10 cells whose
// centres lie inside it). Rates are per 1,000 residents of the selection, with the exact Poisson
// interval of geo/aggregate.
//
// A custom area's count is the sum of its units' figures as a planner can already read them
// (disclosure.SumSelection): the true count of a unit planners see, and for a unit whose figure is
// withheld its figure in the latest public release (cell-key perturbed, disclosure/cellkey). A
// figure is withheld when one of its withheld units has no public figure (health below districts,
// areas under the public minimum of residents), or when the selection has fewer residents than
// that minimum. Any answer is therefore a function of figures the planner reads elsewhere, so no
// combination of custom areas (adding shown units to draw fresh noise, varying the pool of
// withheld units, polygons against selections) tells anything those figures do not
// (docs/privacy.md, "Custom areas").
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
	"github.com/abitare/abitare/disclosure"
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
	People    *int     `json:"people"`    // the sum of the units' values; nil when withheld
	Residents float64  `json:"residents"` // of the selection, whole people
	Rate      *float64 `json:"rate"`      // per 1,000, from People
	CILow     *float64 `json:"ci_low"`    // exact Poisson 95%
	CIHigh    *float64 `json:"ci_high"`
	Status    string   `json:"status"` // published (every unit shown), protected (withheld units perturbed) or withheld
	// PerturbedUnits is how many withheld units entered with their public (perturbed) figure.
	PerturbedUnits int `json:"perturbed_units"`
	// UnpublishedUnits is how many withheld units have no public figure: any makes the
	// figure withheld.
	UnpublishedUnits int `json:"unpublished_units"`
}

// Result is the custom area's figures.
type Result struct {
	Period     string          `json:"period"`
	Geography  string          `json:"geography"`     // the selection's geography, or "polygon"
	IDs        []string        `json:"ids,omitempty"` // the selected units, sorted, without repeats (a polygon's H3 10 cells)
	Label      string          `json:"label"`         // a short name: geography and first id, or polygon and hash
	Residents  float64         `json:"residents"`
	Release    int64           `json:"release"` // the release whose parameters protect the counts
	Protection string          `json:"protection"`
	Figures    []Figure        `json:"indicators"`
	Outline    json.RawMessage `json:"outline"` // GeoJSON of the selection's union

	truth []int // the true counts, for this package's tests only
}

// Compute validates q and sums the figures of the selection's units in the period, as a
// planner can read them. Errors in the query are abitare.Invalid, naming the id, ring or vertex at fault.
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
	units, err := readUnits(ctx, db, period, sel)
	if err != nil {
		return Result{}, fmt.Errorf("custom area %s: %w", sel.label(), err)
	}
	res := Result{Period: period.Label, Geography: sel.geography, IDs: sel.ids, Label: sel.label(), Residents: sel.residents,
		Release: prot.release, Protection: prot.note(), Outline: sel.outline}
	for _, ind := range abitare.Indicators {
		res.Figures = append(res.Figures, prot.figure(ind, units[ind], sel.residents))
		truth := 0
		for _, u := range units[ind] {
			truth += u.People
		}
		res.truth = append(res.truth, truth)
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

// readUnits reads, per indicator, the figures of the selected units in the period: the true
// count of area_indicators, whether withheld_figures withholds it, and its figure in the latest
// public release (public_indicators). A unit without a row has nobody in it.
func readUnits(ctx context.Context, db DB, p abitare.Period, sel *selection) (map[string][]disclosure.SelectionUnit, error) {
	rows, err := db.Query(ctx, `SELECT a.indicator, a.people, w.area_id IS NOT NULL, pub.people
		FROM area_indicators a
		LEFT JOIN withheld_figures w ON w.geography = a.geography AND w.area_id = a.area_id AND w.period = a.period AND w.figure = a.indicator
		LEFT JOIN public_indicators pub ON pub.geography = a.geography AND pub.area_id = a.area_id AND pub.period = a.period
		     AND pub.indicator = a.indicator AND pub.status = 'protected'
		WHERE a.geography = $1 AND a.period = $2 AND a.area_id = ANY ($3) AND a.people > 0`,
		sel.unitGeography(), p.Label, sel.ids)
	if err != nil {
		return nil, fmt.Errorf("read the units' figures: %w", err)
	}
	out := map[string][]disclosure.SelectionUnit{}
	var ind string
	var u disclosure.SelectionUnit
	_, err = pgx.ForEachRow(rows, []any{&ind, &u.People, &u.Withheld, &u.Published}, func() error {
		out[ind] = append(out[ind], u)
		u.Published = nil
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the units' figures: %w", err)
	}
	return out, nil
}
