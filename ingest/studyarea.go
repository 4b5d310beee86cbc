package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"
)

// StudyArea is the territory records must fall in: the union of the stored municipalities.
type StudyArea struct {
	Name  string
	shape orb.MultiPolygon
	bound orb.Bound
}

// NewStudyArea wraps a named shape.
func NewStudyArea(name string, shape orb.MultiPolygon) *StudyArea {
	return &StudyArea{Name: name, shape: shape, bound: shape.Bound()}
}

// Contains reports whether p lies inside the area.
func (a *StudyArea) Contains(p orb.Point) bool {
	return a.bound.Contains(p) && planar.MultiPolygonContains(a.shape, p)
}

// LoadStudyArea reads the municipalities stored in the database.
func LoadStudyArea(ctx context.Context, db *pgxpool.Pool) (*StudyArea, error) {
	rows, err := db.Query(ctx, `SELECT name, ST_AsBinary(geom) FROM municipalities ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read study area: %w", err)
	}
	defer rows.Close()
	var names []string
	var shape orb.MultiPolygon
	for rows.Next() {
		var name string
		var b []byte
		if err := rows.Scan(&name, &b); err != nil {
			return nil, fmt.Errorf("read study area: %w", err)
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return nil, fmt.Errorf("decode municipality %s: %w", name, err)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return nil, fmt.Errorf("municipality %s is a %T, want a multipolygon", name, g)
		}
		names = append(names, name)
		shape = append(shape, mp...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read study area: %w", err)
	}
	if len(shape) == 0 {
		return nil, errors.New("no study area: run `abitare zones` first")
	}
	return NewStudyArea("comune di "+strings.Join(names, ", "), shape), nil
}
