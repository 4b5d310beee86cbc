package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/abitare/abitare/ingest/geocode"
	"github.com/jackc/pgx/v5"
)

// recordStream feeds COPY from a file while it is read, so memory stays bounded whatever the
// file size. Bad rows are reported and skipped; the caller rolls back if there were any.
type recordStream struct {
	rows      *Rows
	validate  *validator
	problems  *problemList
	progress  *progress
	read      int
	geocoded  int // records placed from their address
	unlocated int // records with no coordinates and no address found: kept, not placed
	outOfArea int // records of a comune outside the territory: kept, not placed
	current   []any
	err       error
}

func newRecordStream(rows *Rows, v *validator, problems *problemList, p *progress) *recordStream {
	return &recordStream{rows: rows, validate: v, problems: problems, progress: p, current: make([]any, len(stagedColumns))}
}

var stagedColumns = []string{
	"line", "person", "id_kind", "birth_year", "sex", "foreign_born", "kind", "domain",
	"event_date", "end_date", "amount", "score", "income", "household_size", "days_lost",
	"stage", "status", "severity", "h3_cell", "lon", "lat", "location_quality", "section_id",
}

// Next implements pgx.CopyFromSource.
func (s *recordStream) Next() bool {
	for {
		r, problem, err := s.rows.Next()
		if problem != nil {
			s.read++
			s.problems.add(*problem)
		}
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			s.err = err
			return false
		}
		if problem != nil {
			continue
		}
		s.read++
		if s.read%4096 == 0 {
			s.progress.update(s.read, s.rows.BytesRead())
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
	v[10], v[11], v[12], v[13], v[14] = rec.amount, rec.score, rec.income, rec.householdSize, rec.daysLost
	v[15], v[16], v[17] = rec.stage, rec.status, rec.severity
	v[18], v[19], v[20] = nil, nil, nil
	if rec.located {
		v[18], v[19], v[20] = rec.cell, rec.point.Lon(), rec.point.Lat()
	}
	v[21], v[22] = string(rec.quality), rec.section
	switch {
	case rec.quality == geocode.OutOfArea:
		s.outOfArea++
	case !rec.located:
		s.unlocated++
	case rec.quality != geocode.Coordinates:
		s.geocoded++
	}
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
			income numeric, household_size smallint, days_lost smallint, stage text, status text,
			severity text, h3_cell bigint, lon float8, lat float8, location_quality text, section_id text
		) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events_in"}, stagedColumns, stream); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	// Temporary tables get no statistics on their own; the joins that follow need them.
	if _, err := tx.Exec(ctx, `ANALYZE events_in`); err != nil {
		return fmt.Errorf("analyze staging table: %w", err)
	}
	return nil
}
