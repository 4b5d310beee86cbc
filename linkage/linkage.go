// Package linkage is the read layer of the linkage officer's views: how the sources' records
// were linked to people (the report of package ingest) and the fingerprint of the
// pseudonymisation key the database was loaded with. It only reads; the caller (package web)
// writes the audit entry first.
package linkage

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/ingest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Reader reads the linkage of the loaded sources.
type Reader struct {
	DB *pgxpool.Pool
}

// Report is the linkage report: people by number of sources, per source and per identifier
// kind. Package ingest builds it, since it links the records as it loads them.
type Report = ingest.LinkageReport

// Report reads the linkage report.
func (r *Reader) Report(ctx context.Context) (Report, error) {
	return ingest.Report(ctx, r.DB)
}

// Key is the fingerprint of the linkage key (never the key itself).
type Key struct {
	Fingerprint string    `json:"fingerprint"` // hex
	CreatedAt   time.Time `json:"created_at"`
}

// Key reads the fingerprint of the key every stored pseudonym was made with; before the first
// load there is none, and the error is abitare.NotFound.
func (r *Reader) Key(ctx context.Context) (Key, error) {
	var fp []byte
	var k Key
	err := r.DB.QueryRow(ctx, `SELECT fingerprint, created_at FROM link_key`).Scan(&fp, &k.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Key{}, abitare.Errorf(abitare.NotFound, "no linkage key yet: the first ingest records its fingerprint")
	} else if err != nil {
		return Key{}, fmt.Errorf("read linkage key fingerprint: %w", err)
	}
	k.Fingerprint = hex.EncodeToString(fp)
	return k, nil
}
