package postgres_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/abitare/abitare/postgres/testdb"
)

// TestSchemaSnapshot keeps schema.sql equal to the schema the migrations make, so that a reader
// finds every table, view, function and grant in one file. After a new migration, write it
// again with ABITARE_UPDATE_SCHEMA=1 go test ./postgres -run TestSchemaSnapshot.
func TestSchemaSnapshot(t *testing.T) {
	db := testdb.New(t)
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Fatal("pg_dump not found: install postgresql-client-15")
	}
	out, err := exec.Command("pg_dump", "--schema-only", "--no-owner", "--no-comments", db.URL).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	got := normalizeDump(out)
	if os.Getenv("ABITARE_UPDATE_SCHEMA") != "" {
		if err := os.WriteFile("schema.sql", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gotLines) && i < len(wantLines); i++ {
			if gotLines[i] != wantLines[i] {
				t.Fatalf("schema.sql differs from the migrated schema at line %d:\n  migrated: %s\n  schema.sql: %s\nrun ABITARE_UPDATE_SCHEMA=1 go test ./postgres -run TestSchemaSnapshot",
					i+1, gotLines[i], wantLines[i])
			}
		}
		t.Fatalf("schema.sql has %d lines, the migrated schema %d: run ABITARE_UPDATE_SCHEMA=1 go test ./postgres -run TestSchemaSnapshot",
			len(wantLines), len(gotLines))
	}
}

// normalizeDump drops what differs between servers and runs but not between schemas: pg_dump's
// comments and session settings, its per-dump restrict key, and runs of blank lines.
func normalizeDump(dump []byte) []byte {
	var b strings.Builder
	b.WriteString("-- The schema the migrations make (package migrations), as pg_dump --schema-only prints it.\n")
	b.WriteString("-- Generated: do not edit. TestSchemaSnapshot keeps it true.\n")
	blank := true
	for _, line := range strings.Split(string(dump), "\n") {
		switch {
		case strings.HasPrefix(line, "--"), strings.HasPrefix(line, "SET "), strings.HasPrefix(line, `\restrict`),
			strings.HasPrefix(line, `\unrestrict`), strings.HasPrefix(line, "SELECT pg_catalog.set_config"):
			continue
		case strings.TrimSpace(line) == "":
			if blank {
				continue
			}
			blank = true
		default:
			blank = false
		}
		b.WriteString(line + "\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}
