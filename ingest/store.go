package ingest

import (
	"context"
	"fmt"

	"github.com/abitare/abitare/ingest/source"
	"github.com/jackc/pgx/v5"
)

// storeBatch moves the staged rows of one file into people and events as a new batch. An
// active batch of the same source whose period the new file covers is an older extract: its
// events are removed and it is marked superseded, in the same transaction. Rows already stored
// (same source, person, kind and date) are counted as duplicates.
func (l *Loader) storeBatch(ctx context.Context, tx pgx.Tx, src source.Source, name, format string, sum []byte, stream *recordStream, res *FileResult) error {
	err := tx.QueryRow(ctx, `SELECT min(event_date), max(event_date) FROM events_in`).Scan(&res.PeriodStart, &res.PeriodEnd)
	if err != nil {
		return fmt.Errorf("period of %s: %w", name, err)
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO ingest_batches (source, file_name, file_sha256, file_format, rows_read, rows_accepted, rows_rejected,
		                            rows_duplicate, rows_geocoded, rows_unlocated, loaded_by, period_start, period_end, rows_out_of_area)
		VALUES ($1, $2, $3, $4, $5, 0, 0, 0, $6, $7, $8, $9, $10, $11) RETURNING id`,
		src.Name, name, sum, format, res.RowsRead, stream.geocoded, stream.unlocated, l.LoadedBy,
		res.PeriodStart, res.PeriodEnd, stream.outOfArea).Scan(&res.BatchID)
	if err != nil {
		return fmt.Errorf("record batch of %s: %w", name, err)
	}
	res.RowsGeocoded, res.RowsUnlocated, res.RowsOutOfArea = stream.geocoded, stream.unlocated, stream.outOfArea
	if err := supersede(ctx, tx, src.Name, res); err != nil {
		return fmt.Errorf("replace older extracts by %s: %w", name, err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO people (pseudonym, id_kind, birth_year, sex, foreign_born)
		SELECT DISTINCT ON (person) person, id_kind, birth_year, sex, foreign_born
		FROM events_in ORDER BY person, line
		ON CONFLICT (pseudonym) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("store people of %s: %w", name, err)
	}
	// Staging rows are in file order, so event ids follow the file without a sort.
	tag, err := tx.Exec(ctx, `
		INSERT INTO events (batch_id, person, source, domain, kind, event_date, end_date, amount, score, income,
		                    household_size, days_lost, stage, status, severity, h3_cell, location_quality, geom, section_id)
		SELECT $1, person, $2, domain, kind, event_date, end_date, amount, score, income,
		       household_size, days_lost, stage, status, severity, h3_cell, location_quality,
		       CASE WHEN lon IS NOT NULL THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END, section_id
		FROM events_in
		ON CONFLICT (source, person, kind, event_date) DO NOTHING`, res.BatchID, src.Name)
	if err != nil {
		return fmt.Errorf("store events of %s: %w", name, err)
	}
	res.RowsAccepted = int(tag.RowsAffected())
	res.RowsDuplicate = res.RowsRead - res.RowsAccepted
	if res.Linkage, err = batchLinkage(ctx, tx, src.Name); err != nil {
		return fmt.Errorf("linkage of %s: %w", name, err)
	}
	_, err = tx.Exec(ctx, `UPDATE ingest_batches SET rows_accepted = $2, rows_duplicate = $3, people = $4 WHERE id = $1`,
		res.BatchID, res.RowsAccepted, res.RowsDuplicate, res.Linkage.People)
	if err != nil {
		return fmt.Errorf("update batch of %s: %w", name, err)
	}
	return nil
}

// supersede retires the active batches of the source whose period lies within the new batch's.
func supersede(ctx context.Context, tx pgx.Tx, src string, res *FileResult) error {
	rows, err := tx.Query(ctx, `
		UPDATE ingest_batches SET status = 'superseded', superseded_by = $1, closed_at = now()
		WHERE source = $2 AND status = 'active' AND id <> $1 AND id < $1
		  AND period_start >= $3 AND period_end <= $4
		  AND loaded_at < transaction_timestamp() -- not a file of this same load
		RETURNING id`, res.BatchID, src, res.PeriodStart, res.PeriodEnd)
	if err != nil {
		return err
	}
	res.Superseded, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(res.Superseded) > 0 {
		// Kept aside rather than deleted: rolling this batch back brings them back.
		if _, err := tx.Exec(ctx, `
			WITH moved AS (DELETE FROM events WHERE batch_id = ANY($1) RETURNING *)
			INSERT INTO superseded_events SELECT * FROM moved`, res.Superseded); err != nil {
			return err
		}
	}
	return nil
}

// BatchLinkage says how the people of a batch link to the other sources.
type BatchLinkage struct {
	People int           // distinct people in the batch
	Linked int           // of whom also found in another source
	ByKind []KindLinkage // by identifier kind: fiscal code, STP, ENI
}

// KindLinkage is the linkage of the people identified by one kind of code.
type KindLinkage struct {
	Kind   string `json:"kind"`
	People int    `json:"people"`
	Linked int    `json:"linked"`
}

// batchLinkage counts the people of the staged batch by identifier kind, and those of them
// found in another source's active batches.
func batchLinkage(ctx context.Context, tx pgx.Tx, src string) (BatchLinkage, error) {
	rows, err := tx.Query(ctx, `
		WITH mine AS (SELECT DISTINCT person, id_kind FROM events_in),
		elsewhere AS (
			SELECT DISTINCT e.person FROM events e
			JOIN mine m ON m.person = e.person
			JOIN ingest_batches b ON b.id = e.batch_id AND b.status = 'active'
			WHERE e.source <> $1
		)
		SELECT m.id_kind, count(*)::int, count(o.person)::int
		FROM mine m LEFT JOIN elsewhere o ON o.person = m.person
		GROUP BY m.id_kind ORDER BY m.id_kind`, src)
	if err != nil {
		return BatchLinkage{}, err
	}
	var l BatchLinkage
	l.ByKind, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (KindLinkage, error) {
		var k KindLinkage
		err := r.Scan(&k.Kind, &k.People, &k.Linked)
		return k, err
	})
	for _, k := range l.ByKind {
		l.People += k.People
		l.Linked += k.Linked
	}
	return l, err
}
