package customarea

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/abitare/abitare"
	"github.com/jackc/pgx/v5"
)

// MaxVertices is the most vertices a drawn polygon may have, over all its rings.
const MaxVertices = 2000

type geoJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// newPolygon checks a GeoJSON Polygon or MultiPolygon: positions of two finite WGS84 numbers,
// rings of at least four positions that end where they start, at most MaxVertices in all.
// Validity and the study area are checked in the database (resolvePolygon).
func newPolygon(raw json.RawMessage) (*selection, error) {
	var g geoJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, abitare.Errorf(abitare.Invalid, "polygon: not GeoJSON: %v", err)
	}
	var polygons [][][][]float64
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, abitare.Errorf(abitare.Invalid, "polygon: coordinates of a Polygon must be rings of [longitude, latitude] positions: %v", err)
		}
		polygons = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polygons); err != nil {
			return nil, abitare.Errorf(abitare.Invalid, "polygon: coordinates of a MultiPolygon must be polygons of rings of [longitude, latitude] positions: %v", err)
		}
	default:
		return nil, abitare.Errorf(abitare.Invalid, "polygon: type %q: want Polygon or MultiPolygon", g.Type)
	}
	if err := checkRings(polygons); err != nil {
		return nil, err
	}
	canonical, err := json.Marshal(geoJSON{Type: "MultiPolygon", Coordinates: mustMarshal(polygons)})
	if err != nil {
		return nil, fmt.Errorf("polygon: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return &selection{geography: polygonGeography, geojson: string(canonical), hash: hex.EncodeToString(sum[:6])}, nil
}

func mustMarshal(v any) json.RawMessage {
	b, _ := json.Marshal(v) // slices of float64 known finite always marshal
	return b
}

func checkRings(polygons [][][][]float64) error {
	if len(polygons) == 0 {
		return abitare.Errorf(abitare.Invalid, "polygon: no polygons")
	}
	vertices := 0
	for pi, p := range polygons {
		if len(p) == 0 {
			return abitare.Errorf(abitare.Invalid, "polygon %d: no rings", pi+1)
		}
		for ri, ring := range p {
			where := fmt.Sprintf("polygon %d, ring %d", pi+1, ri+1)
			if len(ring) < 4 {
				return abitare.Errorf(abitare.Invalid, "%s: %d positions: a ring needs at least 4 (3 corners and the first again)", where, len(ring))
			}
			for vi, pos := range ring {
				if err := checkPosition(pos); err != nil {
					return abitare.Errorf(abitare.Invalid, "%s, vertex %d: %v", where, vi+1, err)
				}
				ring[vi] = pos[:2] // an altitude plays no part
			}
			first, last := ring[0], ring[len(ring)-1]
			if first[0] != last[0] || first[1] != last[1] {
				return abitare.Errorf(abitare.Invalid, "%s: not closed: the last vertex (%g, %g) must repeat the first (%g, %g)",
					where, last[0], last[1], first[0], first[1])
			}
			vertices += len(ring)
			if vertices > MaxVertices {
				return abitare.Errorf(abitare.Invalid, "%s: more than %d vertices in all: simplify the polygon", where, MaxVertices)
			}
		}
	}
	return nil
}

func checkPosition(pos []float64) error {
	if len(pos) < 2 || len(pos) > 3 {
		return fmt.Errorf("%d numbers: want [longitude, latitude]", len(pos))
	}
	lon, lat := pos[0], pos[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return fmt.Errorf("(%g, %g) is not a WGS84 longitude and latitude", lon, lat)
	}
	return nil
}

// resolvePolygon checks the polygon in PostGIS (valid, inside the study area, no larger than
// it) and turns it into the H3 resolution-10 cells whose centres lie inside it: a custom area
// is a sum of units (see the package doc), and a polygon cutting units into new small pieces
// would make counts no unit has. The residents and the outline are then the cells'.
func (s *selection) resolvePolygon(ctx context.Context, db DB) error {
	const geom = `ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)`
	var valid bool
	var reason *string
	var x, y *float64
	err := db.QueryRow(ctx, `SELECT valid, reason, ST_X(location), ST_Y(location) FROM ST_IsValidDetail(`+geom+`)`, s.geojson).
		Scan(&valid, &reason, &x, &y)
	if err != nil {
		return fmt.Errorf("check the polygon: %w", err)
	}
	if !valid {
		msg := "polygon: not a valid geometry"
		if reason != nil {
			msg += ": " + *reason
		}
		if x != nil && y != nil {
			msg += fmt.Sprintf(" at (%g, %g)", *x, *y)
		}
		return abitare.Errorf(abitare.Invalid, "%s", msg)
	}
	if err := s.checkInsideStudyArea(ctx, db, geom); err != nil {
		return err
	}
	rows, err := db.Query(ctx, `SELECT cell FROM h3_cells WHERE resolution = 10
		AND ST_Contains(`+geom+`, ST_Centroid(geom)) ORDER BY cell`, s.geojson)
	if err != nil {
		return fmt.Errorf("find the polygon's H3 10 cells: %w", err)
	}
	cells, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("find the polygon's H3 10 cells: %w", err)
	}
	if len(cells) == 0 {
		return abitare.Errorf(abitare.Invalid, "polygon: no H3 resolution-10 cell (about 150 m across) has its centre inside it: draw a larger area")
	}
	s.cells, s.ids = cells, make([]string, len(cells))
	for i, c := range cells {
		s.ids[i] = strconv.FormatUint(uint64(c), 16)
	}
	slices.Sort(s.ids)
	return s.readCells(ctx, db, 10)
}

// checkInsideStudyArea names the first vertex outside the study area, or says how much of the
// polygon lies outside when every vertex is in.
func (s *selection) checkInsideStudyArea(ctx context.Context, db DB, geom string) error {
	var inside, larger bool
	var outside float64
	var path []int32
	var x, y *float64
	err := db.QueryRow(ctx, `WITH g AS (SELECT `+geom+` AS geom), study AS (SELECT ST_Union(geom) AS geom FROM municipalities),
		p AS (SELECT (dp).path AS path, (dp).geom AS geom FROM (SELECT ST_DumpPoints(g.geom) AS dp FROM g) d)
		SELECT coalesce(ST_CoveredBy(g.geom, study.geom), false),
		       coalesce(ST_Area(g.geom::geography) > ST_Area(study.geom::geography), true),
		       coalesce(1 - ST_Area(ST_Intersection(g.geom, study.geom)) / nullif(ST_Area(g.geom), 0), 1)::float8,
		       (SELECT path FROM p WHERE NOT coalesce(ST_Covers(study.geom, p.geom), false) ORDER BY path LIMIT 1),
		       (SELECT ST_X(geom) FROM p WHERE NOT coalesce(ST_Covers(study.geom, p.geom), false) ORDER BY path LIMIT 1),
		       (SELECT ST_Y(geom) FROM p WHERE NOT coalesce(ST_Covers(study.geom, p.geom), false) ORDER BY path LIMIT 1)
		FROM g CROSS JOIN study`, s.geojson).Scan(&inside, &larger, &outside, &path, &x, &y)
	if err != nil {
		return fmt.Errorf("check the polygon against the study area: %w", err)
	}
	switch {
	case larger:
		return abitare.Errorf(abitare.Invalid, "polygon: larger than the study area")
	case inside:
		return nil
	case len(path) > 0 && x != nil && y != nil:
		return abitare.Errorf(abitare.Invalid, "polygon: %s (%g, %g) is outside the study area", vertexName(path), *x, *y)
	}
	return abitare.Errorf(abitare.Invalid, "polygon: %.1f%% of it lies outside the study area", 100*outside)
}

// vertexName reads a path of ST_DumpPoints: [ring, vertex] of a Polygon, [polygon, ring,
// vertex] of a MultiPolygon. Polygons are stored as MultiPolygon (newPolygon).
func vertexName(path []int32) string {
	switch len(path) {
	case 3:
		return fmt.Sprintf("polygon %d, ring %d, vertex %d", path[0], path[1], path[2])
	case 2:
		return fmt.Sprintf("ring %d, vertex %d", path[0], path[1])
	}
	return fmt.Sprintf("vertex %v", path)
}
