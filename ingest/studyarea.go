package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/abitare/abitare/geo/pip"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// StudyArea is the territory records must fall in (the union of the stored municipalities),
// with its census sections, prepared for fast point queries.
type StudyArea struct {
	Name     string
	shape    *pip.Polygon
	sections *pip.Index
	comuni   comuni
}

// NewStudyArea wraps a named shape, without sections.
func NewStudyArea(name string, shape orb.MultiPolygon) *StudyArea {
	return &StudyArea{Name: name, shape: pip.NewPolygon(shape), sections: pip.NewIndex(nil, nil)}
}

// Contains reports whether p lies inside the area.
func (a *StudyArea) Contains(p orb.Point) bool { return a.shape.Contains(p) }

// Section returns the census section holding p, if any.
func (a *StudyArea) Section(p orb.Point) (string, bool) { return a.sections.Locate(p) }

// LoadStudyArea reads the municipalities and census sections stored in the database.
func LoadStudyArea(ctx context.Context, db *pgxpool.Pool) (*StudyArea, error) {
	names, shapes, err := readShapes(ctx, db, `SELECT name, ST_AsBinary(geom) FROM municipalities ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read study area: %w", err)
	}
	list, err := readComuni(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(shapes) == 0 {
		return nil, errors.New("no study area: run `abitare zones` first")
	}
	var all orb.MultiPolygon
	for _, s := range shapes {
		all = append(all, s...)
	}
	ids, sections, err := readShapes(ctx, db, `SELECT id, ST_AsBinary(geom) FROM census_sections ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read census sections: %w", err)
	}
	return &StudyArea{
		Name:     "comune di " + strings.Join(names, ", "),
		shape:    pip.NewPolygon(all),
		sections: pip.NewIndex(ids, sections),
		comuni:   list,
	}, nil
}

func readShapes(ctx context.Context, db *pgxpool.Pool, sql string) ([]string, []orb.MultiPolygon, error) {
	rows, err := db.Query(ctx, sql)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var names []string
	var shapes []orb.MultiPolygon
	for rows.Next() {
		var name string
		var b []byte
		if err := rows.Scan(&name, &b); err != nil {
			return nil, nil, err
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return nil, nil, fmt.Errorf("decode %s: %w", name, err)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return nil, nil, fmt.Errorf("%s is a %T, want a multipolygon", name, g)
		}
		names = append(names, name)
		shapes = append(shapes, mp)
	}
	return names, shapes, rows.Err()
}
