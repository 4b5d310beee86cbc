// Package postgres is Abitare's adapter to PostgreSQL: how the commands and the server open
// their connections (Open, OpenRole), the one interface every package that runs SQL takes
// (Querier), and, in postgres/testdb, the fresh databases of the tests. The schema itself is
// made by package migrations; schema.sql beside this file is a snapshot of what it makes,
// kept equal to it by a test, for reading the schema in one place.
package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/abitare/abitare/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Querier is what the packages that run SQL take: a pool, a connection or a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Open connects to the database at url with the rights of its login (the commands' own
// connection: migrations, loads, aggregation).
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	if url == "" {
		return nil, errors.New("no database: set DATABASE_URL or --database-url (make demo starts a local one)")
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return pool, nil
}

// OpenRole opens connections that run as the role's PostgreSQL role, so that the database
// refuses what the role may not see whatever the caller asks.
func OpenRole(ctx context.Context, url string, role auth.Role, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.MaxConns = maxConns
	// A role's queries are a request's or a tile layer's: short, where compiling them with JIT
	// costs more than it saves.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	// No query of a request may run away with a connection, nor a transaction sit open.
	setRole := "SET ROLE " + pgx.Identifier{role.DatabaseRole()}.Sanitize() +
		"; SET statement_timeout = '30s'; SET idle_in_transaction_session_timeout = '60s'"
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
