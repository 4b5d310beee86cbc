package ingest

import (
	"context"
	"fmt"

	"github.com/abitare/abitare/ingest/source"
	"github.com/jackc/pgx/v5"
)

// storeBatch moves the staged rows of one file into people and events as a new batch.
// Rows already stored (same source, person, kind and date) are counted as duplicates.
func (l *Loader) storeBatch(ctx context.Context, tx pgx.Tx, src source.Source, name string, sum []byte, res *FileResult) error {
	err := tx.QueryRow(ctx, `
		INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		VALUES ($1, $2, $3, $4, 0, 0, 0, $5) RETURNING id`,
		src.Name, name, sum, res.RowsRead, l.LoadedBy).Scan(&res.BatchID)
	if err != nil {
		return fmt.Errorf("record batch of %s: %w", name, err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO people (pseudonym, id_kind, birth_year, sex, foreign_born)
		SELECT DISTINCT ON (person) person, id_kind, birth_year, sex, foreign_born
		FROM events_in ORDER BY person, line
		ON CONFLICT (pseudonym) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("store people of %s: %w", name, err)
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO events (batch_id, person, source, domain, kind, event_date, end_date, amount, score, stage, h3_cell, section_id, geom)
		SELECT $1, e.person, $2, e.domain, e.kind, e.event_date, e.end_date, e.amount, e.score, e.stage, e.h3_cell,
		       (SELECT s.id FROM census_sections s WHERE ST_Intersects(s.geom, p.geom) ORDER BY s.id LIMIT 1),
		       p.geom
		FROM events_in e, LATERAL (SELECT ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326) AS geom) p
		ORDER BY e.line
		ON CONFLICT (source, person, kind, event_date) DO NOTHING`, res.BatchID, src.Name)
	if err != nil {
		return fmt.Errorf("store events of %s: %w", name, err)
	}
	res.RowsAccepted = int(tag.RowsAffected())
	res.RowsDuplicate = res.RowsRead - res.RowsAccepted
	_, err = tx.Exec(ctx, `UPDATE ingest_batches SET rows_accepted = $2, rows_duplicate = $3 WHERE id = $1`,
		res.BatchID, res.RowsAccepted, res.RowsDuplicate)
	if err != nil {
		return fmt.Errorf("update batch of %s: %w", name, err)
	}
	return nil
}
