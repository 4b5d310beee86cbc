package web

import (
	"context"
	"sync"
	"time"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres"
)

// tileAudit records restricted tile reads once per user, layer, tileset and hour rather than
// once per tile: a map view reads hundreds of tiles, and the data-protection officer needs to
// know who looked at which layer of which figures when, not every tile. The first request of a
// key writes the entry before any tile leaves; the requests that arrive meanwhile wait for that
// one write; later ones find the key done without taking a lock.
type tileAudit struct {
	seen  sync.Map // tileAuditKey -> *tileAuditEntry
	mu    sync.Mutex
	sweep time.Time // last removal of past hours' keys
	now   func() time.Time
	// appended, when set, is told of each append and its result (for the metrics).
	appended func(error)
}

type tileAuditKey struct {
	user, role, layer, version string
	hour                       int64
}

type tileAuditEntry struct {
	once sync.Once
	err  error
}

// record makes sure the access is in the audit trail, appending through db when it is not.
func (a *tileAudit) record(ctx context.Context, db postgres.Querier, p auth.Principal, client, layer, version string) error {
	now := a.clock()
	key := tileAuditKey{user: p.Actor(), role: string(p.Role), layer: layer, version: version, hour: now.Unix() / 3600}
	v, _ := a.seen.LoadOrStore(key, &tileAuditEntry{})
	e := v.(*tileAuditEntry)
	e.once.Do(func() {
		hour := time.Unix(key.hour*3600, 0).UTC().Format("2006-01-02T15")
		_, e.err = audit.Append(context.WithoutCancel(ctx), db, audit.Event{Actor: key.user, Role: key.role,
			Action: "tiles " + layer, Target: "tileset " + version + " hour " + hour, Client: client, TokenID: p.TokenID})
		if a.appended != nil {
			a.appended(e.err)
		}
		if e.err != nil {
			a.seen.Delete(key) // the next request tries again
		}
		a.forgetPastHours(key.hour)
	})
	return e.err
}

// forgetPastHours drops the keys of earlier hours, at most once a minute, so that memory stays
// bounded by the users active in one hour.
func (a *tileAudit) forgetPastHours(hour int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock()
	if now.Sub(a.sweep) < time.Minute {
		return
	}
	a.sweep = now
	a.seen.Range(func(k, _ any) bool {
		if k.(tileAuditKey).hour < hour {
			a.seen.Delete(k)
		}
		return true
	})
}

func (a *tileAudit) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}
