package customarea

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/abitare/abitare"
	"github.com/jackc/pgx/v5"
)

const polygonGeography = "polygon"

// h3Resolutions are the H3 geographies a selection may use, with their resolution.
var h3Resolutions = map[string]int{"h3_7": 7, "h3_8": 8, "h3_9": 9, "h3_10": 10}

// selection is a validated custom area, and once resolved its residents and outline.
type selection struct {
	geography string
	ids       []string // sorted, without repeats; none for a polygon
	cells     []int64  // the ids as H3 indexes, for an H3 geography
	geojson   string   // the polygon as sent, once checked
	hash      string   // short hash of the polygon's coordinates

	residents float64
	outline   json.RawMessage
}

func newSelection(q Query) (*selection, error) {
	switch {
	case q.Areas != nil && len(q.Polygon) > 0:
		return nil, abitare.Errorf(abitare.Invalid, "custom area: send either areas or polygon, not both")
	case q.Areas != nil:
		return newAreas(*q.Areas)
	case len(q.Polygon) > 0:
		return newPolygon(q.Polygon)
	}
	return nil, abitare.Errorf(abitare.Invalid, `custom area: send areas {"geography": ..., "ids": [...]} or a GeoJSON polygon`)
}

func newAreas(a Areas) (*selection, error) {
	_, isH3 := h3Resolutions[a.Geography]
	if a.Geography != "section" && !isH3 {
		return nil, abitare.Errorf(abitare.Invalid, "areas: geography %q: want section or h3_7 to h3_10", a.Geography)
	}
	if len(a.IDs) < 1 || len(a.IDs) > MaxIDs {
		return nil, abitare.Errorf(abitare.Invalid, "areas: %d ids: want 1 to %d", len(a.IDs), MaxIDs)
	}
	sel := &selection{geography: a.Geography}
	for i, id := range a.IDs {
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, unicode.IsControl) {
			return nil, abitare.Errorf(abitare.Invalid, "areas: id %d (%q): want a %s id", i+1, truncate(id), a.Geography)
		}
		if isH3 {
			cell, err := strconv.ParseUint(id, 16, 64)
			if err != nil || cell > math.MaxInt64 {
				return nil, abitare.Errorf(abitare.Invalid, "areas: id %d (%q): not an H3 index in hexadecimal", i+1, truncate(id))
			}
			id = strconv.FormatUint(cell, 16) // the form h3_cells.h3_index and the aggregates use
		}
		sel.ids = append(sel.ids, id)
	}
	slices.Sort(sel.ids)
	sel.ids = slices.Compact(sel.ids)
	for _, id := range sel.ids {
		if isH3 {
			cell, _ := strconv.ParseUint(id, 16, 64)
			sel.cells = append(sel.cells, int64(cell))
		}
	}
	return sel, nil
}

// unitGeography is the geography of the units the selection adds up: a polygon's are H3 10 cells.
func (s *selection) unitGeography() string {
	if s.geography == polygonGeography {
		return "h3_10"
	}
	return s.geography
}

// label is a short name of the selection, for the audit trail and reports.
func (s *selection) label() string {
	if s.geography == polygonGeography {
		return polygonGeography + " " + s.hash
	}
	first := make([]string, 0, 3)
	for _, id := range s.ids[:min(3, len(s.ids))] {
		first = append(first, truncate(id))
	}
	l := s.geography + " " + strings.Join(first, ",")
	if len(s.ids) > 3 {
		l += fmt.Sprintf(" +%d", len(s.ids)-3)
	}
	return l
}

// resolve checks the selection against the study area and reads its residents and outline.
func (s *selection) resolve(ctx context.Context, db DB) error {
	var err error
	switch {
	case s.geography == polygonGeography:
		err = s.resolvePolygon(ctx, db)
	case s.geography == "section":
		err = s.resolveSections(ctx, db)
	default:
		err = s.resolveCells(ctx, db)
	}
	if err != nil {
		return fmt.Errorf("custom area %s: %w", s.label(), err)
	}
	return nil
}

// resolveSections: the residents are the census's, as geo/aggregate counts them for a section.
func (s *selection) resolveSections(ctx context.Context, db DB) error {
	rows, err := db.Query(ctx, `SELECT id FROM census_sections WHERE id = ANY ($1)`, s.ids)
	if err != nil {
		return fmt.Errorf("look up sections: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("look up sections: %w", err)
	}
	if err := missing(s.ids, found, "census section"); err != nil {
		return err
	}
	err = db.QueryRow(ctx, `SELECT coalesce(sum(residents), 0)::float8, ST_AsGeoJSON(ST_Union(geom), 6)
		FROM census_sections WHERE id = ANY ($1)`, s.ids).Scan(&s.residents, &s.outline)
	if err != nil {
		return fmt.Errorf("read residents and outline: %w", err)
	}
	return nil
}

// resolveCells: the residents are those geo/aggregate gives the cells, the areal interpolation
// of the sections' residents to resolution-10 cells (h3_population) summed over descendants.
func (s *selection) resolveCells(ctx context.Context, db DB) error {
	res := h3Resolutions[s.geography]
	rows, err := db.Query(ctx, `SELECT to_hex(cell) FROM h3_cells WHERE resolution = $1 AND cell = ANY ($2)`, res, s.cells)
	if err != nil {
		return fmt.Errorf("look up cells: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("look up cells: %w", err)
	}
	if err := missing(s.ids, found, fmt.Sprintf("H3 cell of resolution %d in the study area", res)); err != nil {
		return err
	}
	return s.readCells(ctx, db, res)
}

// readCells reads the residents and the outline of the selection's cells of resolution res.
func (s *selection) readCells(ctx context.Context, db DB, res int) error {
	ancestor := map[int]string{7: "g.cell7", 8: "g.cell8", 9: "g.cell9", 10: "g.cell10"}[res]
	err := db.QueryRow(ctx, `SELECT coalesce(sum(p.residents), 0) FROM h3_population p JOIN h3_lineage g ON g.cell10 = p.cell
		WHERE `+ancestor+` = ANY ($1)`, s.cells).Scan(&s.residents)
	if err != nil {
		return fmt.Errorf("read residents: %w", err)
	}
	err = db.QueryRow(ctx, `SELECT ST_AsGeoJSON(ST_Union(geom), 6) FROM h3_cells WHERE resolution = $1 AND cell = ANY ($2)`,
		res, s.cells).Scan(&s.outline)
	if err != nil {
		return fmt.Errorf("read outline: %w", err)
	}
	return nil
}

// missing names the first id that was not found, and how many others.
func missing(ids, found []string, what string) error {
	var absent []string
	for _, id := range ids {
		if !slices.Contains(found, id) {
			absent = append(absent, id)
		}
	}
	if len(absent) == 0 {
		return nil
	}
	msg := fmt.Sprintf("areas: id %q is not a %s", absent[0], what)
	if len(absent) > 1 {
		msg += fmt.Sprintf(" (nor are %d other ids)", len(absent)-1)
	}
	return abitare.Errorf(abitare.Invalid, "%s", msg)
}

func truncate(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
