package web

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// fakeTrail stands in for the database's audit_append: it counts the entries appended.
type fakeTrail struct {
	mu      sync.Mutex
	entries []string
	fail    bool
}

func (f *fakeTrail) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errors.New("not used")
}

func (f *fakeTrail) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errors.New("not used")
}

func (f *fakeTrail) QueryRow(_ context.Context, _ string, args ...any) pgx.Row {
	time.Sleep(5 * time.Millisecond) // a real append takes a while: concurrent requests meet
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return fakeRow{err: errors.New("database down")}
	}
	f.entries = append(f.entries, args[0].(string)+" "+args[2].(string)+" "+args[3].(string))
	return fakeRow{seq: int64(len(f.entries))}
}

func (f *fakeTrail) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.entries)
}

type fakeRow struct {
	seq int64
	err error
}

func (r fakeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	*dest[0].(*int64) = r.seq
	return nil
}

func TestTileAuditOncePerUserLayerTilesetAndHour(t *testing.T) {
	trail := &fakeTrail{}
	now := time.Date(2026, 11, 27, 10, 5, 0, 0, time.UTC)
	a := &tileAudit{now: func() time.Time { return now }}
	pia := auth.Principal{User: "pia", Role: auth.Planner, Via: "session"}
	ctx := context.Background()

	// 200 tiles of one layer read at once: one entry, written before any answer.
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.record(ctx, trail, pia, "10.0.0.1", "indicators", "a7"); err != nil {
				t.Error(err)
			}
			if trail.count() == 0 {
				t.Error("a tile was let through before its audit entry was written")
			}
		}()
	}
	wg.Wait()
	if n := trail.count(); n != 1 {
		t.Fatalf("200 reads wrote %d entries, want 1", n)
	}
	for _, c := range []struct {
		who            auth.Principal
		layer, version string
		want           int
	}{
		{pia, "indicators", "a7", 1}, // same key
		{pia, "hotspots", "a7", 2},   // another layer
		{pia, "hotspots", "a8", 3},   // another tileset
		{auth.Principal{User: "ugo", Role: auth.HousingOffice}, "hotspots", "a8", 4}, // another user
	} {
		if err := a.record(ctx, trail, c.who, "10.0.0.1", c.layer, c.version); err != nil {
			t.Fatal(err)
		}
		if n := trail.count(); n != c.want {
			t.Fatalf("%s %s %s: %d entries, want %d", c.who.User, c.layer, c.version, n, c.want)
		}
	}
	now = now.Add(time.Hour) // the next hour: recorded again
	if err := a.record(ctx, trail, pia, "10.0.0.1", "indicators", "a7"); err != nil || trail.count() != 5 {
		t.Fatalf("next hour: %v, %d entries", err, trail.count())
	}
	// Keys of past hours are forgotten: memory follows the active users.
	size := 0
	a.seen.Range(func(any, any) bool { size++; return true })
	if size != 1 {
		t.Errorf("%d keys kept after the hour changed, want 1", size)
	}
}

func TestTileAuditRefusesWhenTheTrailCannotBeWritten(t *testing.T) {
	trail := &fakeTrail{fail: true}
	a := &tileAudit{}
	pia := auth.Principal{User: "pia", Role: auth.Planner}
	if err := a.record(context.Background(), trail, pia, "10.0.0.1", "indicators", "a7"); err == nil {
		t.Fatal("a read was allowed with the audit trail down")
	}
	trail.fail = false
	if err := a.record(context.Background(), trail, pia, "10.0.0.1", "indicators", "a7"); err != nil || trail.count() != 1 {
		t.Fatalf("after the trail came back: %v, %d entries", err, trail.count())
	}
}
