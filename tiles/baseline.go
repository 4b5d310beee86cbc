package tiles

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ReadyTable is a layer's tile-ready table kept as a plain table, for a tile server that cuts
// each tile per request with ST_AsMVT (pg_tileserv's approach, against a table that has the
// figures pivoted already): the baseline of the tile benchmark.
type ReadyTable struct {
	Layer  Layer
	Table  string
	source *Source
	query  string
}

// CreateReadyTable (re)creates table from the layer's features as the audience sees them.
func CreateReadyTable(ctx context.Context, db *pgxpool.Pool, audience Audience, layer, table string, minCount int) (*ReadyTable, error) {
	l, ok := Find(audience, layer)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownLayer, layer)
	}
	s := l.Source(audience)
	name := pgx.Identifier{table}.Sanitize()
	for _, sql := range append([]string{`SET jit = off`, `DROP TABLE IF EXISTS ` + name}, readyTable(s, minCount, "CREATE TABLE "+name, name)...) {
		if _, err := db.Exec(ctx, sql); err != nil {
			return nil, fmt.Errorf("tile-ready table %s: %w", table, err)
		}
	}
	q := `SELECT ` + asMVT(l.ID, s) + ` FROM (
		SELECT ` + mvtColumns(s, "r.geom") + `
		FROM ` + name + ` r CROSS JOIN (SELECT $2::int AS x, $3::int AS y) t
		WHERE r.geom && ST_TileEnvelope($1, $2, $3, margin => ` + margin + `)
		  AND $1 BETWEEN r.minzoom AND r.maxzoom
	) q WHERE q.geom IS NOT NULL`
	return &ReadyTable{Layer: l, Table: table, source: s, query: q}, nil
}

// Tile cuts one tile from the table.
func (r *ReadyTable) Tile(ctx context.Context, db *pgxpool.Pool, z, x, y int) ([]byte, error) {
	var mvt []byte
	if err := db.QueryRow(ctx, r.query, z, x, y).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("tile %s/%d/%d/%d: %w", r.Layer.ID, z, x, y, err)
	}
	return mvt, nil
}

// readyTable is the SQL that makes a tile-ready table of the source's features: create is
// its CREATE clause (a temporary or a plain table), name its name. One row per feature, the
// geometry in web mercator with a spatial index, the zooms it is drawn at and every field.
func readyTable(s *Source, minCount int, create, name string) []string {
	cols := []string{"ST_Transform(f.geom, 3857) AS geom", "f.minzoom", "f.maxzoom"}
	if s.hasFID {
		cols = append(cols, "f.fid")
	}
	for _, c := range s.Columns() {
		cols = append(cols, "f."+c)
	}
	return []string{
		create + ` AS SELECT ` + strings.Join(cols, ", ") + ` FROM (` + s.featuresSQL(minCount) + `) f WHERE f.geom IS NOT NULL`,
		`CREATE INDEX ON ` + name + ` USING gist (geom)`,
		`ANALYZE ` + name,
	}
}
