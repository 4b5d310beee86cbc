package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/abitare/abitare/ingest/source"
	"github.com/jackc/pgx/v5"
)

// recordStream feeds COPY from a file while it is read, so memory stays bounded whatever the
// file size. Bad rows are reported and skipped; the caller rolls back if there were any.
type recordStream struct {
	rows     *rowReader
	validate *validator
	problems *problemList
	read     int
	current  []any
	err      error
}

func newRecordStream(r io.Reader, name string, src source.Source, v *validator, problems *problemList) (*recordStream, error) {
	rows, err := newRowReader(r, name, src.Required())
	if err != nil {
		return nil, err
	}
	return &recordStream{rows: rows, validate: v, problems: problems, current: make([]any, len(stagedColumns))}, nil
}

var stagedColumns = []string{
	"line", "person", "id_kind", "birth_year", "sex", "foreign_born", "kind", "domain",
	"event_date", "end_date", "amount", "score", "stage", "h3_cell", "lon", "lat",
}

// Next implements pgx.CopyFromSource.
func (s *recordStream) Next() bool {
	for {
		r, problem, err := s.rows.next()
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			s.err = err
			return false
		}
		s.read++
		if problem != nil {
			s.problems.add(*problem)
			continue
		}
		rec, problems := s.validate.validate(r)
		for _, p := range problems {
			s.problems.add(p)
		}
		if len(problems) > 0 || s.problems.total > 0 {
			continue // nothing will be stored: only validate the rest
		}
		s.fill(rec)
		return true
	}
}

func (s *recordStream) fill(rec record) {
	v := s.current
	v[0], v[1], v[2], v[3], v[4], v[5] = int32(rec.line), rec.person[:], string(rec.idKind), rec.birthYear, rec.sex, rec.foreignBorn
	v[6], v[7], v[8], v[9] = rec.kind.Name, rec.kind.Domain, rec.date, rec.end
	v[10], v[11], v[12], v[13], v[14], v[15] = rec.amount, rec.score, rec.stage, rec.cell, rec.point.Lon(), rec.point.Lat()
}

// Values implements pgx.CopyFromSource.
func (s *recordStream) Values() ([]any, error) { return s.current, nil }

// Err implements pgx.CopyFromSource.
func (s *recordStream) Err() error { return s.err }

// stage copies the stream into a fresh temporary table events_in.
func stage(ctx context.Context, tx pgx.Tx, stream *recordStream) error {
	_, err := tx.Exec(ctx, `
		DROP TABLE IF EXISTS events_in;
		CREATE TEMP TABLE events_in (
			line int, person bytea, id_kind text, birth_year smallint, sex char(1), foreign_born bool,
			kind text, domain text, event_date date, end_date date, amount numeric, score numeric,
			stage text, h3_cell bigint, lon float8, lat float8
		) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events_in"}, stagedColumns, stream); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}
