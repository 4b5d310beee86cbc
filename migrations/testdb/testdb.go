// Package testdb gives each test a fresh, migrated PostGIS database on the server at
// DATABASE_URL, dropped when the test ends. Without DATABASE_URL the test is skipped, unless
// ABITARE_TEST_REQUIRE_DB is set (as `make test` does), when it fails.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/abitare/abitare/migrations"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a fresh database for one test.
type DB struct {
	URL  string
	Pool *pgxpool.Pool
}

// New creates and migrates a database named abitare_test_<random>.
func New(t testing.TB) *DB {
	t.Helper()
	adminURL := os.Getenv("DATABASE_URL")
	if adminURL == "" {
		if os.Getenv("ABITARE_TEST_REQUIRE_DB") != "" {
			t.Fatal("DATABASE_URL is not set; run the tests with make test")
		}
		t.Skip("DATABASE_URL not set: integration test skipped (make test sets it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "abitare_test_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("connect to %s: %v", redact(adminURL), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { drop(t, adminURL, name) })

	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("parse DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	db := &DB{URL: u.String()}
	if _, err := migrations.Up(ctx, db.URL, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	db.Pool, err = pgxpool.New(context.Background(), db.URL)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Pool.Close)
	return db
}

func drop(t testing.TB, adminURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Logf("drop test database: %v", err)
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Logf("drop test database: %v", err)
	}
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "DATABASE_URL"
	}
	return u.Redacted()
}
