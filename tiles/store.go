package tiles

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Save stores a tileset and sets its ID and creation time. A public tileset of a release that
// has one already is not stored twice: Save then loads the stored one's ID.
func Save(ctx context.Context, db *pgxpool.Pool, t *Tileset, by string) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var release *int64
		if t.Audience == Public {
			release = &t.ReleaseID
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO tilesets (audience, release_id, run_id, min_count, created_by, build_seconds)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
			t.Audience, release, t.RunID, t.MinCount, by, t.Elapsed.Seconds()).Scan(&t.ID, &t.CreatedAt); err != nil {
			return err
		}
		for _, layer := range t.sortedLayers() {
			a := t.Archives[layer]
			if _, err := tx.Exec(ctx, `INSERT INTO tile_archives (tileset_id, layer, archive, sha256, tiles, features)
				VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, layer, a.Data, a.SHA256[:], a.Tiles, a.Features); err != nil {
				return err
			}
		}
		return nil
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && t.Audience == Public {
		return db.QueryRow(ctx, `SELECT id, created_at FROM tilesets WHERE release_id = $1`, t.ReleaseID).Scan(&t.ID, &t.CreatedAt)
	}
	if err != nil {
		return fmt.Errorf("store %s tileset: %w", t.Audience, err)
	}
	return nil
}

// Prune deletes the restricted tilesets superseded more than keep ago: they hold true figures
// and nobody's map reads them any more. Public tilesets are the releases' and are kept.
func Prune(ctx context.Context, db *pgxpool.Pool, keep time.Duration) (int64, error) {
	tag, err := db.Exec(ctx, `
		DELETE FROM tilesets t WHERE audience = 'restricted' AND EXISTS (
			SELECT 1 FROM tilesets n WHERE n.audience = 'restricted' AND n.id > t.id AND n.created_at < now() - $1::interval)`,
		keep.String())
	if err != nil {
		return 0, fmt.Errorf("prune restricted tilesets: %w", err)
	}
	return tag.RowsAffected(), nil
}

// stored is a tileset's row, without its archives.
type stored struct {
	id        int64
	release   int64
	run       int64
	minCount  int
	createdAt time.Time
	// supersededAt is when the next tileset of the same audience (and threshold) was made.
	supersededAt *time.Time
}

// tables names what each audience's connections may read.
func tables(a Audience) (tilesets, archives string) {
	if a == Public {
		return "public_tilesets", "public_tile_archives"
	}
	return "tilesets", "tile_archives"
}

// listStored lists an audience's tilesets still within retention, newest first: the latest and
// those superseded less than retention ago.
func listStored(ctx context.Context, db *pgxpool.Pool, a Audience, minCount int, retention time.Duration) ([]stored, error) {
	sets, _ := tables(a)
	rows, err := db.Query(ctx, `
		SELECT id, coalesce(release_id, 0), coalesce(run_id, 0), min_count, created_at, superseded_at FROM (
			SELECT id, release_id, run_id, min_count, created_at,
			       lead(created_at) OVER (ORDER BY id) AS superseded_at
			FROM `+sets+` WHERE audience = $1 AND ($1 = 'public' OR min_count = $2)) s
		WHERE superseded_at IS NULL OR superseded_at > now() - $3::interval
		ORDER BY id DESC`, a, minCount, retention.String())
	if err != nil {
		return nil, fmt.Errorf("list %s tilesets: %w", a, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (stored, error) {
		var s stored
		return s, row.Scan(&s.id, &s.release, &s.run, &s.minCount, &s.createdAt, &s.supersededAt)
	})
}

// load reads a stored tileset's archives.
func load(ctx context.Context, db *pgxpool.Pool, a Audience, s stored) (*Tileset, error) {
	_, archives := tables(a)
	rows, err := db.Query(ctx, `SELECT layer, archive, sha256, tiles, features FROM `+archives+` WHERE tileset_id = $1`, s.id)
	if err != nil {
		return nil, fmt.Errorf("load tileset %d: %w", s.id, err)
	}
	t := &Tileset{ID: s.id, Audience: a, ReleaseID: s.release, RunID: s.run, MinCount: s.minCount,
		CreatedAt: s.createdAt, Archives: map[string]*Archive{}}
	var sum []byte
	for rows.Next() {
		ar := &Archive{}
		if err := rows.Scan(&ar.Layer, &ar.Data, &sum, &ar.Tiles, &ar.Features); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load tileset %d: %w", s.id, err)
		}
		copy(ar.SHA256[:], sum)
		t.Archives[ar.Layer] = ar
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load tileset %d: %w", s.id, err)
	}
	return t, nil
}

// currentKey is what the audience's tiles should render now: the latest release, or the latest
// analysis run.
func currentKey(ctx context.Context, db *pgxpool.Pool, a Audience) (int64, error) {
	// Trends runs (geo/foresight) feed no layer: a new one must not make the planner's tiles stale.
	sql := `SELECT coalesce(max(id), 0) FROM analysis_runs WHERE kind <> 'trends'`
	if a == Public {
		sql = `SELECT coalesce(max(id), 0) FROM public_releases`
	}
	var key int64
	if err := db.QueryRow(ctx, sql).Scan(&key); err != nil {
		return 0, fmt.Errorf("latest %s figures: %w", a, err)
	}
	return key, nil
}
