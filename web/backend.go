package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/abitare/abitare/admin"
	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/linkage"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/records"
	"github.com/abitare/abitare/tiles"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Backend is what the requests of one role read, through connections that run as the role's
// PostgreSQL role: the database refuses what the role may not see even if the server asked.
type Backend struct {
	DB       *pgxpool.Pool
	Tiles    *tiles.Library // the public tilesets, or the restricted ones for roles that read aggregates
	Profiles *profile.Reader
	// The read layers the handlers call, behind interfaces so that tests can fake them.
	Records RecordReader  // person-level records (package records)
	Admin   AdminReader   // the administrator's views (package admin)
	Linkage LinkageReader // the linkage officer's views (package linkage)
	// Trail is where the audit entries of this role's requests are appended; nil: DB. Tests
	// set it to a fake so that handlers run without a database.
	Trail postgres.Querier
}

// RecordReader reads person-level records.
type RecordReader interface {
	Timeline(ctx context.Context, person []byte) ([]records.Event, error)
	Targeting(ctx context.Context, q records.TargetingQuery) ([]records.Targeted, error)
}

// AdminReader reads what the administrator oversees.
type AdminReader interface {
	Users(ctx context.Context) ([]auth.User, error)
	Tokens(ctx context.Context) ([]auth.Token, error)
	Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
	CustomAreaAudit(ctx context.Context, actor string, since time.Time) (audit.CustomAreaReport, error)
	VerifyAudit(ctx context.Context) (audit.Report, error)
	Releases(ctx context.Context) ([]profile.Release, error)
}

// LinkageReader reads the linkage of the loaded sources.
type LinkageReader interface {
	Report(ctx context.Context) (linkage.Report, error)
	Key(ctx context.Context) (linkage.Key, error)
}

// trail is where the audit entries of the backend's requests go.
func (b *Backend) trail() postgres.Querier {
	if b.Trail != nil {
		return b.Trail
	}
	return b.DB
}

// Backends holds one Backend per role.
type Backends map[auth.Role]*Backend

// libraries are the tile libraries the roles share, each once.
func (b Backends) libraries() []*tiles.Library {
	var out []*tiles.Library
	for _, x := range b {
		if !slices.Contains(out, x.Tiles) {
			out = append(out, x.Tiles)
		}
	}
	return out
}

// WatchTiles picks up new releases and analysis runs every interval until ctx ends.
func (b Backends) WatchTiles(ctx context.Context, every time.Duration) {
	for _, lib := range b.libraries() {
		go lib.Watch(ctx, every)
	}
}

// RefreshTiles refreshes every tile library once.
func (b Backends) RefreshTiles(ctx context.Context) error {
	for _, lib := range b.libraries() {
		if err := lib.Refresh(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close closes every role's connections.
func (b Backends) Close() {
	for _, x := range b {
		x.DB.Close()
	}
}

// BackendOptions say where the role connections go.
type BackendOptions struct {
	DatabaseURL string // the server's own connection; each role's pool switches to its role
	// PublicDatabaseURL, when set, serves anonymous users through a login role of its own
	// (member of abitare_public) rather than by switching role on the server's connection.
	PublicDatabaseURL string
	// RoleDatabaseURLs, when set for a role, serve its requests through a login role of its own,
	// member of that role's abitare_ role only: then RESET ROLE gains nothing.
	RoleDatabaseURLs map[auth.Role]string
	MinCount         int // threshold for the restricted layers' withheld counts
	MaxConnsPerRole  int32
	// RenderTiles renders and stores a tileset found missing (pipeline.RenderWith); nil: none
	// is rendered, and a missing one is served as 503 until the commands render it.
	RenderTiles func(ctx context.Context, read *pgxpool.Pool, a tiles.Audience, minCount int) (*tiles.Tileset, error)
	// TileRetention is how long a superseded tileset stays served (default 30 days).
	TileRetention time.Duration
	Logger        *slog.Logger
	// ListenAddr is where the server listens: anonymous requests may run on a superuser's
	// connection only on loopback (the local demo).
	ListenAddr string
}

// OpenBackends opens a pool per role, the tile libraries (one for the public, one for the roles
// that read restricted aggregates, rendering what is missing) and the readers each role gets.
func OpenBackends(ctx context.Context, opt BackendOptions) (Backends, error) {
	if opt.MaxConnsPerRole == 0 {
		opt.MaxConnsPerRole = 4
	}
	out := Backends{}
	for _, role := range auth.Roles {
		url := opt.DatabaseURL
		if role == auth.Public && opt.PublicDatabaseURL != "" {
			url = opt.PublicDatabaseURL
		}
		if u := opt.RoleDatabaseURLs[role]; u != "" {
			url = u
		}
		pool, err := postgres.OpenRole(ctx, url, role, opt.MaxConnsPerRole)
		if err != nil {
			out.Close()
			return nil, err
		}
		out[role] = &Backend{DB: pool, Profiles: &profile.Reader{DB: pool, MinCount: opt.MinCount},
			Records: &records.Reader{DB: pool}, Admin: &admin.Reader{DB: pool}, Linkage: &linkage.Reader{DB: pool}}
	}
	for _, role := range auth.Roles {
		if err := checkRoleConnection(ctx, out[role].DB, role, opt.ListenAddr); err != nil {
			out.Close()
			return nil, err
		}
	}
	libraries := map[tiles.Audience]*tiles.Library{
		tiles.Public:     {Audience: tiles.Public, Read: out[auth.Public].DB},
		tiles.Restricted: {Audience: tiles.Restricted, Read: out[auth.Planner].DB, MinCount: opt.MinCount},
	}
	for _, lib := range libraries {
		lib.RenderMissing, lib.Retention, lib.Logger = opt.RenderTiles, opt.TileRetention, opt.Logger
		if err := lib.Refresh(ctx); err != nil && lib.Logger != nil {
			// Served as 503 until a refresh succeeds: the figures may not be there yet.
			lib.Logger.Warn("tiles not ready", "audience", lib.Audience, "err", err)
		}
	}
	for role, b := range out {
		b.Tiles = libraries[audienceOf(role)]
	}
	return out, nil
}

// ErrSuperuserPublic refuses to serve requests through a superuser's login.
var ErrSuperuserPublic = errors.New("requests would run on a superuser's connection")

// checkRoleConnection refuses a role's pool that logs in as a superuser unless the server
// listens on loopback only (the local demo): SET ROLE can be undone by RESET ROLE, so one
// injection would give the requester the whole database.
func checkRoleConnection(ctx context.Context, db *pgxpool.Pool, role auth.Role, listen string) error {
	var super bool
	if err := db.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = session_user`).Scan(&super); err != nil {
		return fmt.Errorf("check the %s connection's login role: %w", role, err)
	}
	if super && !loopbackOnly(listen) {
		return fmt.Errorf("%s %w (switched to %s, but RESET ROLE undoes that): give it a login role that is a member of %s only, with --public-database-url or %s (docs/security.md), or listen on 127.0.0.1 for a local demo",
			role, ErrSuperuserPublic, role.DatabaseRole(), role.DatabaseRole(), RoleURLEnv(role))
	}
	return nil
}

// RoleURLEnv is the environment variable naming a role's own database login.
func RoleURLEnv(role auth.Role) string {
	return "ABITARE_DATABASE_URL_" + strings.ToUpper(string(role))
}

// loopbackOnly reports whether a listen address accepts only local connections.
func loopbackOnly(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// audienceOf is the tiles a role sees.
func audienceOf(role auth.Role) tiles.Audience {
	if role.Can(auth.ReadAggregates) {
		return tiles.Restricted
	}
	return tiles.Public
}
