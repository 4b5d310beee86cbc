package ingest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LinkageReport says how well the pooled records link people across sources, overall. The
// least linked groups (people known only by an STP or ENI code) are the most vulnerable: the
// report keeps them visible rather than averaged away.
type LinkageReport struct {
	PeopleBySources []SourceCount   `json:"people_by_sources"` // people found in 1, 2, ... sources
	Sources         []SourceLinkage `json:"sources"`           // per source
	Kinds           []KindLinkage   `json:"kinds"`             // per identifier kind
}

// SourceCount is the number of people found in exactly Sources sources.
type SourceCount struct {
	Sources int `json:"sources"`
	People  int `json:"people"`
}

// SourceLinkage describes one source: its people, how many appear in another source, and how
// its records were placed.
type SourceLinkage struct {
	Source       string         `json:"source"`
	People       int            `json:"people"`
	Linked       int            `json:"linked"`
	Events       int            `json:"events"`
	ByQuality    map[string]int `json:"by_quality"`    // location quality -> events
	GeocodedRate float64        `json:"geocoded_rate"` // placed events among those that needed an address lookup
}

// Report computes the linkage report over the active batches.
func Report(ctx context.Context, db *pgxpool.Pool) (LinkageReport, error) {
	var rep LinkageReport
	err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			CREATE TEMP TABLE person_sources ON COMMIT DROP AS
			SELECT e.person, array_agg(DISTINCT e.source) AS sources
			FROM events e JOIN ingest_batches b ON b.id = e.batch_id AND b.status = 'active'
			GROUP BY e.person`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT cardinality(sources), count(*)::int FROM person_sources GROUP BY 1 ORDER BY 1`)
		if err != nil {
			return err
		}
		if rep.PeopleBySources, err = pgx.CollectRows(rows, pgx.RowToStructByPos[SourceCount]); err != nil {
			return err
		}
		if rep.Sources, err = sourceLinkage(ctx, tx); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT p.id_kind, count(*)::int, count(*) FILTER (WHERE cardinality(s.sources) > 1)::int
			FROM person_sources s JOIN people p ON p.pseudonym = s.person GROUP BY 1 ORDER BY 1`)
		if err != nil {
			return err
		}
		rep.Kinds, err = pgx.CollectRows(rows, pgx.RowToStructByPos[KindLinkage])
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("linkage report: %w", err)
	}
	return rep, nil
}

func sourceLinkage(ctx context.Context, tx pgx.Tx) ([]SourceLinkage, error) {
	rows, err := tx.Query(ctx, `
		SELECT u.source, count(*)::int, count(*) FILTER (WHERE cardinality(s.sources) > 1)::int
		FROM person_sources s, unnest(s.sources) u(source) GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SourceLinkage, error) {
		s := SourceLinkage{ByQuality: map[string]int{}}
		return s, r.Scan(&s.Source, &s.People, &s.Linked)
	})
	if err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `
		SELECT e.source, e.location_quality, count(*)::int
		FROM events e JOIN ingest_batches b ON b.id = e.batch_id AND b.status = 'active' GROUP BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bySource := map[string]*SourceLinkage{}
	for i := range out {
		bySource[out[i].Source] = &out[i]
	}
	for rows.Next() {
		var src, quality string
		var n int
		if err := rows.Scan(&src, &quality, &n); err != nil {
			return nil, err
		}
		if s := bySource[src]; s != nil {
			s.ByQuality[quality] = n
			s.Events += n
		}
	}
	for i := range out {
		s := &out[i]
		lookedUp := s.Events - s.ByQuality["coordinates"]
		if lookedUp > 0 {
			s.GeocodedRate = float64(lookedUp-s.ByQuality["none"]) / float64(lookedUp)
		}
	}
	return out, rows.Err()
}
