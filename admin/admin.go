// Package admin is the read layer of the administrator's views: users, API tokens, the audit
// trail and its verification, and the full release manifests. It only reads, through the
// administrator role's connections; the caller (package web) writes the audit entry first.
package admin

import (
	"context"
	"time"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/profile"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Reader reads what the administrator oversees.
type Reader struct {
	DB *pgxpool.Pool
}

// Users lists the users, without their password hashes.
func (r *Reader) Users(ctx context.Context) ([]auth.User, error) {
	return (&auth.Store{DB: r.DB}).Users(ctx)
}

// Tokens lists the API tokens, without their secrets.
func (r *Reader) Tokens(ctx context.Context) ([]auth.Token, error) {
	return (&auth.Store{DB: r.DB}).Tokens(ctx)
}

// Audit lists the entries of the audit trail the filter selects, newest first.
func (r *Reader) Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	return audit.List(ctx, r.DB, f)
}

// CustomAreaAudit reports one user's custom-area queries since a time by overlap: the pairs of
// selections that differ by one unit or two (audit.CustomAreas).
func (r *Reader) CustomAreaAudit(ctx context.Context, actor string, since time.Time) (audit.CustomAreaReport, error) {
	return audit.CustomAreas(ctx, r.DB, actor, since)
}

// VerifyAudit checks the hash chain of the audit trail.
func (r *Reader) VerifyAudit(ctx context.Context) (audit.Report, error) {
	return audit.Verify(ctx, r.DB)
}

// Releases lists the publications with their internal parameters and utility cost.
func (r *Reader) Releases(ctx context.Context) ([]profile.Release, error) {
	return (&profile.Reader{DB: r.DB}).FullReleases(ctx)
}
