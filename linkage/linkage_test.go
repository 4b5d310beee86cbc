package linkage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/linkage"
	"github.com/abitare/abitare/postgres/testdb"
)

func TestKeyFingerprintAndReport(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	r := &linkage.Reader{DB: db.Pool}

	if _, err := r.Key(ctx); !errors.Is(err, abitare.NotFound) {
		t.Fatalf("key before any load: %v, want NotFound", err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO link_key (fingerprint, created_at) VALUES ('\xc0ffee', '2026-01-02T03:04:05Z')`); err != nil {
		t.Fatal(err)
	}
	k, err := r.Key(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k.Fingerprint != "c0ffee" || k.CreatedAt.UTC().Format("2006-01-02T15:04:05") != "2026-01-02T03:04:05" {
		t.Errorf("key %+v", k)
	}

	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		VALUES ('housing_office', 'a.csv', '\x01', 2, 2, 0, 0, 'test'), ('health', 'b.csv', '\x02', 1, 1, 0, 0, 'test');
		INSERT INTO people (pseudonym, id_kind) VALUES (sha256('a'), 'cf'), (sha256('b'), 'cf');
		INSERT INTO events (batch_id, person, source, domain, kind, event_date)
		VALUES (1, sha256('a'), 'housing_office', 'housing', 'eviction', '2025-01-01'),
		       (1, sha256('b'), 'housing_office', 'housing', 'eviction', '2025-01-02'),
		       (2, sha256('a'), 'health', 'health', 'disability', '2025-01-03')`); err != nil {
		t.Fatal(err)
	}
	rep, err := r.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int{}
	for _, c := range rep.PeopleBySources {
		got[c.Sources] = c.People
	}
	if got[1] != 1 || got[2] != 1 {
		t.Errorf("people by sources %+v, want one in 1 source and one in 2", rep.PeopleBySources)
	}
}
