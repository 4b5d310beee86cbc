// Package testdb gives each test a fresh, migrated PostGIS database on the server at
// DATABASE_URL, dropped when the test ends. Without DATABASE_URL the test is skipped, unless
// ABITARE_TEST_REQUIRE_DB is set (as `make test` does), when it fails.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
	adminURL := adminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := randomName("abitare_test_")
	if err := create(ctx, adminURL, name, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop(t, adminURL, name) })
	db := &DB{URL: databaseURL(t, adminURL, name)}
	if _, err := migrations.Up(ctx, db.URL, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	db.open(t)
	return db
}

// Template is a migrated database that a fixture fills once and tests then copy, each into a
// database of its own (Copy), so that a costly set-up runs once and no test sees what another
// changed. Nothing may stay connected to it once it is filled: PostgreSQL copies only an idle
// database.
type Template struct {
	adminURL, name string
	// URL is the template's own database, for the fixture that fills it.
	URL string
}

// NewTemplate creates and migrates a database named abitare_template_<random>; Drop removes it
// (a test binary's TestMain, after the tests have run).
func NewTemplate(t testing.TB) *Template {
	t.Helper()
	tp := &Template{adminURL: adminURL(t), name: randomName("abitare_template_")}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := create(ctx, tp.adminURL, tp.name, ""); err != nil {
		t.Fatal(err)
	}
	tp.URL = databaseURL(t, tp.adminURL, tp.name)
	if _, err := migrations.Up(ctx, tp.URL, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		tp.Drop()
		t.Fatalf("migrate template database: %v", err)
	}
	return tp
}

// Copy makes a database of the test's own from the template, dropped when the test ends.
func (tp *Template) Copy(t testing.TB) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := randomName("abitare_test_")
	if err := create(ctx, tp.adminURL, name, tp.name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop(t, tp.adminURL, name) })
	db := &DB{URL: databaseURL(t, tp.adminURL, name)}
	db.open(t)
	return db
}

// Drop removes the template.
func (tp *Template) Drop() { _ = dropDatabase(tp.adminURL, tp.name) }

func adminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		if os.Getenv("ABITARE_TEST_REQUIRE_DB") != "" {
			t.Fatal("DATABASE_URL is not set; run the tests with make test")
		}
		t.Skip("DATABASE_URL not set: integration test skipped (make test sets it)")
	}
	return u
}

func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// create makes database name, empty or, when template is not "", a copy of template (by file
// copy: a test database is small and a WAL-logged copy of it slower).
func create(ctx context.Context, adminURL, name, template string) error {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	defer admin.Close(ctx)
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize() + " STRATEGY FILE_COPY"
	}
	if _, err := admin.Exec(ctx, sql); err != nil {
		return fmt.Errorf("create test database %s: %w", name, err)
	}
	return nil
}

func databaseURL(t testing.TB, adminURL, name string) string {
	t.Helper()
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("parse DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func (db *DB) open(t testing.TB) {
	t.Helper()
	var err error
	db.Pool, err = pgxpool.New(context.Background(), db.URL)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Pool.Close)
}

func drop(t testing.TB, adminURL, name string) {
	if err := dropDatabase(adminURL, name); err != nil {
		t.Logf("drop test database: %v", err)
	}
}

// dropDatabase drops database name, closing its connections.
func dropDatabase(adminURL, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "DATABASE_URL"
	}
	return u.Redacted()
}
