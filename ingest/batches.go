package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Batch is the provenance of one loaded file.
type Batch struct {
	ID                                   int64
	Source, FileName, Format, Status     string
	SHA256                               []byte
	RowsRead, RowsAccepted, RowsRejected int
	RowsDuplicate, RowsGeocoded          int
	RowsUnlocated, People                int
	PeriodStart, PeriodEnd               *time.Time
	LoadedBy                             string
	LoadedAt                             time.Time
	SupersededBy                         *int64
}

// Batches lists every batch, newest first.
func Batches(ctx context.Context, db *pgxpool.Pool) ([]Batch, error) {
	rows, err := db.Query(ctx, `
		SELECT id, source, file_name, coalesce(file_format, ''), status, file_sha256, rows_read, rows_accepted,
		       rows_rejected, rows_duplicate, rows_geocoded, rows_unlocated, people, period_start, period_end,
		       loaded_by, loaded_at, superseded_by
		FROM ingest_batches ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Batch, error) {
		var b Batch
		err := r.Scan(&b.ID, &b.Source, &b.FileName, &b.Format, &b.Status, &b.SHA256, &b.RowsRead, &b.RowsAccepted,
			&b.RowsRejected, &b.RowsDuplicate, &b.RowsGeocoded, &b.RowsUnlocated, &b.People, &b.PeriodStart, &b.PeriodEnd,
			&b.LoadedBy, &b.LoadedAt, &b.SupersededBy)
		return b, err
	})
}

// ErrNoSuchBatch is returned when rolling back a batch that is not active.
var ErrNoSuchBatch = errors.New("no active batch with that id")

// Rollback removes one batch's events atomically and marks it rolled back (its provenance
// stays); the extracts it replaced, if any, are active again with their events restored;
// people left without any event are removed. The same file may then be loaded again.
func Rollback(ctx context.Context, db *pgxpool.Pool, id int64) (removed int64, err error) {
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE ingest_batches SET status = 'rolled_back', closed_at = now() WHERE id = $1 AND status = 'active'`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("batch %d: %w", id, ErrNoSuchBatch)
		}
		// Only the batch's own people can have become orphans: check those, not everyone.
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE rolled_back_people (person bytea PRIMARY KEY) ON COMMIT DROP`); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			WITH gone AS (DELETE FROM events WHERE batch_id = $1 RETURNING person),
			     kept AS (INSERT INTO rolled_back_people SELECT DISTINCT person FROM gone)
			SELECT count(*) FROM gone`, id).Scan(&removed)
		if err != nil {
			return err
		}
		if err := restoreReplaced(ctx, tx, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			DELETE FROM people p USING rolled_back_people r
			WHERE p.pseudonym = r.person AND NOT EXISTS (SELECT 1 FROM events e WHERE e.person = r.person)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("roll back batch %d: %w", id, err)
	}
	return removed, nil
}

// restoreReplaced makes the extracts that batch id replaced active again, with their events.
func restoreReplaced(ctx context.Context, tx pgx.Tx, id int64) error {
	rows, err := tx.Query(ctx, `
		UPDATE ingest_batches SET status = 'active', superseded_by = NULL, closed_at = NULL
		WHERE superseded_by = $1 RETURNING id`, id)
	if err != nil {
		return fmt.Errorf("reactivate the extracts batch %d replaced: %w", id, err)
	}
	restored, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(restored) == 0 {
		return err
	}
	_, err = tx.Exec(ctx, `
		WITH back AS (DELETE FROM superseded_events WHERE batch_id = ANY($1) RETURNING *)
		INSERT INTO events SELECT * FROM back`, restored)
	if err != nil {
		return fmt.Errorf("restore the events of batches %v: %w", restored, err)
	}
	return nil
}
