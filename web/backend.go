package web

import (
	"context"
	"fmt"

	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/web/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Backend is what the requests of one role read, through connections that run as the role's
// PostgreSQL role: the database refuses what the role may not see even if the server asked.
type Backend struct {
	DB       *pgxpool.Pool
	Tiler    *tiles.Tiler
	Profiles *profile.Reader
}

// Backends holds one Backend per role.
type Backends map[auth.Role]*Backend

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
	MinCount          int // threshold for the restricted layers' withheld counts
	MaxConnsPerRole   int32
}

// OpenBackends opens a pool per role and the tile catalog and readers each role gets.
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
		pool, err := openRolePool(ctx, url, role, opt.MaxConnsPerRole)
		if err != nil {
			out.Close()
			return nil, err
		}
		layers := tiles.PublicLayers()
		if role.Can(auth.ReadAggregates) {
			layers = tiles.RestrictedLayers()
		}
		tiler, err := tiles.NewTiler(pool, layers, opt.MinCount)
		if err != nil {
			pool.Close()
			out.Close()
			return nil, err
		}
		out[role] = &Backend{DB: pool, Tiler: tiler, Profiles: &profile.Reader{DB: pool, MinCount: opt.MinCount}}
	}
	return out, nil
}

func openRolePool(ctx context.Context, url string, role auth.Role, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.MaxConns = maxConns
	setRole := "SET ROLE " + pgx.Identifier{role.DatabaseRole()}.Sanitize()
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, setRole); err != nil {
			return fmt.Errorf("switch to database role %s (run abitare migrate): %w", role.DatabaseRole(), err)
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect as %s: %w", role, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect as %s: %w", role, err)
	}
	return pool, nil
}
