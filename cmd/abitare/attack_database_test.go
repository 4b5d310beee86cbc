package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestAttacksOnADatabase runs the suite's two attackers of the planner's outputs (the exact
// linear-programming attacker of the linked tables, the averaging attacker of custom areas)
// against a database loaded elsewhere, as a new user has it after make demo:
//
//	ABITARE_ATTACK_DATABASE_URL=$(.ci/devdb) go test -count=1 -v -run TestAttacksOnADatabase ./cmd/abitare
//
// It reads the database and, for the averaging attacker, signs in as the demo's planner
// (demo-planner, made by make demo) with a token of a day it adds.
func TestAttacksOnADatabase(t *testing.T) {
	url := os.Getenv("ABITARE_ATTACK_DATABASE_URL")
	if url == "" {
		t.Skip("ABITARE_ATTACK_DATABASE_URL not set: the attackers run on the pipeline test's database instead")
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db := &testdb.DB{URL: url, Pool: pool}
	t.Run("planner outputs resist an exact attacker", func(t *testing.T) { checkPlannerLinearProgramming(t, db) })
	t.Run("custom areas resist averaging", func(t *testing.T) {
		c := newCLI(t, url)
		token := strings.TrimSpace(c.must("users", "token", "demo-planner", "attack check", "1"))
		srv := openTestServer(t, url)
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		users := map[auth.Role]testUser{auth.Planner: {name: "demo-planner", token: token}}
		checkCustomAreaAveraging(t, ts.URL, db, users)
	})
}
