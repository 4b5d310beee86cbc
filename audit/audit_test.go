package audit_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/postgres/testdb"
)

func appendN(t *testing.T, db postgres.Querier, n int) {
	t.Helper()
	for i := range n {
		_, err := audit.Append(context.Background(), db, audit.Event{Actor: "ada", Role: "housing_office",
			Action: "timeline", Target: "person:" + strings.Repeat("ab", 4+i%3), Purpose: "eviction prevention case 42"})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifiesAndListsNewestFirst(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	// Concurrent writers must still give one unbroken chain.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { appendN(t, db.Pool, 10) })
	}
	wg.Wait()
	rep, err := audit.Verify(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Entries != 40 || rep.First != 1 || rep.Last != 40 {
		t.Fatalf("report %+v, want 40 entries 1..40 and no problems", rep)
	}
	list, err := audit.List(ctx, db.Pool, audit.Filter{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Seq != 40 || list[0].Purpose != "eviction prevention case 42" {
		t.Fatalf("List = %+v", list)
	}
}

// Each kind of tampering a database owner could do behind the application's back must be
// caught by Verify, naming the entry.
func TestTamperingIsCaught(t *testing.T) {
	for _, c := range []struct {
		name, sql string
		seq       int64
		reason    string
	}{
		{"changed purpose", `UPDATE audit_log SET purpose = 'routine' WHERE seq = 3`, 3, "content does not match"},
		{"changed time", `UPDATE audit_log SET at = at - interval '1 day' WHERE seq = 2`, 2, "content does not match"},
		{"removed entry", `DELETE FROM audit_log WHERE seq = 3`, 4, "missing"},
		{"rehashed entry", `UPDATE audit_log SET actor = 'eve', hash = sha256(hash) WHERE seq = 2`, 3, "previous hash"},
		{"forged first entry", `UPDATE audit_log SET prev_hash = sha256(prev_hash) WHERE seq = 1`, 1, "does not start the chain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.New(t)
			ctx := context.Background()
			appendN(t, db.Pool, 5)
			// The append-only triggers refuse this; an owner can switch them off, which is
			// exactly the tampering the chain must reveal.
			if _, err := db.Pool.Exec(ctx, c.sql); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: want the append-only trigger to refuse, got %v", c.sql, err)
			}
			_, err := db.Pool.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; `+c.sql+
				`; ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := audit.Verify(ctx, db.Pool)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("tampering not caught: %+v", rep)
			}
			found := false
			for _, p := range rep.Problems {
				found = found || (p.Seq == c.seq && strings.Contains(p.Reason, c.reason))
			}
			if !found {
				t.Fatalf("problems %+v, want entry %d: %q", rep.Problems, c.seq, c.reason)
			}
		})
	}
}

func TestTruncateIsRefused(t *testing.T) {
	db := testdb.New(t)
	appendN(t, db.Pool, 1)
	if _, err := db.Pool.Exec(context.Background(), `TRUNCATE audit_log`); err == nil {
		t.Fatal("TRUNCATE accepted")
	}
}

// An owner who rewrites an entry and recomputes every hash after it leaves a chain that
// verifies on its own; the anchor kept outside the database catches it, and the removal of
// the newest entries too.
func TestAnchorCatchesARewrittenChain(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	appendN(t, db.Pool, 6)
	anchor, err := audit.Head(ctx, db.Pool)
	if err != nil || anchor.Seq != 6 || len(anchor.Hash) != 64 {
		t.Fatalf("head %+v %v", anchor, err)
	}
	if rep, err := audit.Verify(ctx, db.Pool, anchor); err != nil || !rep.OK() {
		t.Fatalf("untouched trail with its anchor: %+v %v", rep, err)
	}
	// Rewrite entry 3's purpose and rehash 3..6, as the owner could with the triggers off.
	entries, err := audit.List(ctx, db.Pool, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	var prev []byte
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		if e.Seq == 3 {
			e.Purpose = "routine check"
		}
		if e.Seq >= 3 {
			e.PrevHash = prev
			e.Hash = audit.Hash(prev, e.Seq, e.At, e.Event)
			if _, err := tx.Exec(ctx, `UPDATE audit_log SET purpose = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, e.Seq, e.Purpose, e.PrevHash, e.Hash); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.Verify(ctx, db.Pool); err != nil || !rep.OK() {
		t.Fatalf("a consistent rewrite should pass the chain check alone (that is why anchors exist): %+v %v", rep, err)
	}
	rep, err := audit.Verify(ctx, db.Pool, anchor)
	if err != nil || rep.OK() || rep.Problems[0].Seq != 6 || !strings.Contains(rep.Problems[0].Reason, "anchor") {
		t.Fatalf("rewrite against the anchor: %+v %v", rep, err)
	}
	if rep, _ := audit.Verify(ctx, db.Pool, audit.Anchor{Seq: 9, Hash: anchor.Hash}); rep.OK() {
		t.Fatal("an anchor newer than the newest entry passed: removed entries go unnoticed")
	}
}

// The client address and the API token are part of the chained entry: changing either breaks
// the chain; entries without them hash as before.
func TestClientAndTokenAreChained(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	appendN(t, db.Pool, 2)
	if _, err := audit.Append(ctx, db.Pool, audit.Event{Actor: "pia", Role: "planner", Action: "ranking", Target: "h3_9/housing",
		Client: "10.1.2.3", TokenID: 42}); err != nil {
		t.Fatal(err)
	}
	appendN(t, db.Pool, 1)
	if rep, err := audit.Verify(ctx, db.Pool); err != nil || !rep.OK() {
		t.Fatalf("chain with client and token: %+v %v", rep, err)
	}
	list, err := audit.List(ctx, db.Pool, audit.Filter{Actor: "pia"})
	if err != nil || len(list) != 1 || list[0].Client != "10.1.2.3" || list[0].TokenID != 42 {
		t.Fatalf("listed entry %+v %v", list, err)
	}
	if _, err := db.Pool.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
		UPDATE audit_log SET client = '192.168.0.9' WHERE seq = 3;
		ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(ctx, db.Pool)
	if err != nil || rep.OK() || rep.Problems[0].Seq != 3 {
		t.Fatalf("a changed client address was not caught: %+v %v", rep, err)
	}
}

// An entry must name its client and token: no user role may append through the older
// five-argument form, which names neither; the seven-argument one stays open to them.
func TestUserRolesAppendOnlyWithClientAndToken(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	for _, role := range []string{"abitare_planner", "abitare_linkage_officer", "abitare_administrator"} {
		tx, err := db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+role); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Exec(ctx, `SELECT audit_append('ada', 'planner', 'timeline', 'person:ab', 'case 42')`)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s appended through the five-argument form: %v", role, err)
		}
		_ = tx.Rollback(ctx)
		tx, err = db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+role); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `SELECT audit_append('ada', 'planner', 'timeline', 'person:ab', 'case 42', '127.0.0.1', NULL)`); err != nil {
			t.Errorf("%s cannot append with client and token: %v", role, err)
		}
		_ = tx.Rollback(ctx)
	}
}
