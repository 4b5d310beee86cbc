package admin_test

import (
	"context"
	"testing"
	"time"

	"github.com/abitare/abitare/admin"
	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres/testdb"
)

func TestAdministratorReads(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	store := &auth.Store{DB: db.Pool}
	if _, err := store.AddUser(ctx, "ada", auth.Administrator, "a long enough password 1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.CreateToken(ctx, "ada", "nightly export", time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"users", "person/00ff"} {
		if _, err := audit.Append(ctx, db.Pool, audit.Event{Actor: "ada", Role: "administrator", Action: "test", Target: target, Purpose: "a test of the trail"}); err != nil {
			t.Fatal(err)
		}
	}
	r := &admin.Reader{DB: db.Pool}

	users, err := r.Users(ctx)
	if err != nil || len(users) != 1 || users[0].Username != "ada" || users[0].Role != auth.Administrator {
		t.Errorf("users %+v, %v", users, err)
	}
	tokens, err := r.Tokens(ctx)
	if err != nil || len(tokens) != 1 || tokens[0].Name != "nightly export" || tokens[0].Username != "ada" {
		t.Errorf("tokens %+v, %v", tokens, err)
	}
	entries, err := r.Audit(ctx, audit.Filter{Target: "person/00ff"})
	if err != nil || len(entries) != 1 || entries[0].Action != "test" {
		t.Errorf("audit entries for person/00ff %+v, %v", entries, err)
	}
	all, err := r.Audit(ctx, audit.Filter{})
	if err != nil || len(all) != 2 || all[0].Seq < all[1].Seq {
		t.Errorf("audit entries %+v, %v: want both, newest first", all, err)
	}
	rep, err := r.VerifyAudit(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("verify %+v, %v", rep, err)
	}
	releases, err := r.Releases(ctx)
	if err != nil || len(releases) != 0 {
		t.Errorf("releases of an empty database %+v, %v", releases, err)
	}
}
