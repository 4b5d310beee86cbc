// Package audit keeps the observatory's access log: who read which restricted data, in which
// role, about which area or person, for what purpose, and when. Entries are appended by the
// database function audit_append, which chains each entry to the previous one by a SHA-256
// hash; Verify recomputes the chain here, independently of the database, so that an entry
// changed, inserted or removed behind the application's back is found.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
)

// Event is one access to restricted data.
type Event struct {
	Actor   string `json:"actor"` // user name, or "cli:<os user>" for the command line
	Role    string `json:"role"`
	Action  string `json:"action"`             // what was done, e.g. "timeline", "tiles indicators"
	Target  string `json:"target"`             // the area, person or object concerned
	Purpose string `json:"purpose"`            // the purpose stated by the user; empty where none is required
	Client  string `json:"client,omitempty"`   // the client's address; empty for the command line
	TokenID int64  `json:"token_id,omitempty"` // the API token used; 0 for a session or the command line
}

// Entry is a stored event with its place in the chain.
type Entry struct {
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	Event
	PrevHash []byte `json:"-"`
	Hash     []byte `json:"-"`
}

// Retention is how long entries must be kept; the database refuses to delete younger ones.
const Retention = "6 months"

// Append writes an event to the log and returns its sequence number. Callers append before
// they answer, and refuse to answer when the log cannot be written.
func Append(ctx context.Context, db postgres.Querier, e Event) (int64, error) {
	var seq int64
	err := db.QueryRow(ctx, `SELECT audit_append($1, $2, $3, $4, $5, $6, $7)`, e.Actor, e.Role, e.Action, e.Target, e.Purpose,
		nullIfEmpty(e.Client), nullIfZero(e.TokenID)).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("write audit entry: %w", err)
	}
	return seq, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// Filter selects entries for List.
type Filter struct {
	Actor  string    // exact user name; empty for all
	Since  time.Time // zero for the beginning
	Limit  int       // at most this many, newest first; 0 for 1,000
	Target string    // exact target; empty for all
}

// List returns entries, newest first.
func List(ctx context.Context, db postgres.Querier, f Filter) ([]Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := db.Query(ctx, `
		SELECT seq, at, actor, role, action, target, purpose, coalesce(client, ''), coalesce(token_id, 0), prev_hash, hash FROM audit_log
		WHERE ($1 = '' OR actor = $1) AND at >= $2 AND ($3 = '' OR target = $3)
		ORDER BY seq DESC LIMIT $4`, f.Actor, f.Since, f.Target, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return pgx.CollectRows(rows, scanEntry)
}

func scanEntry(r pgx.CollectableRow) (Entry, error) {
	var e Entry
	err := r.Scan(&e.Seq, &e.At, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Purpose, &e.Client, &e.TokenID, &e.PrevHash, &e.Hash)
	return e, err
}

// zeroHash is the previous hash of the first entry ever written.
var zeroHash = make([]byte, sha256.Size)

// Hash is an entry's chain hash: SHA-256 of the previous hash followed by the entry's fields
// joined by the unit separator (0x1f), the time in UTC with microseconds, then the client and
// the token when there are (concat_ws skips NULLs). It must stay equal to the computation in
// audit_append (migrations/00013_audit_client_token.sql).
func Hash(prev []byte, seq int64, at time.Time, e Event) []byte {
	fields := []string{strconv.FormatInt(seq, 10), at.UTC().Format("2006-01-02T15:04:05.000000Z"),
		e.Actor, e.Role, e.Action, e.Target, e.Purpose}
	if e.Client != "" {
		fields = append(fields, e.Client)
	}
	if e.TokenID != 0 {
		fields = append(fields, strconv.FormatInt(e.TokenID, 10))
	}
	h := sha256.New()
	h.Write(prev)
	h.Write([]byte(strings.Join(fields, "\x1f")))
	return h.Sum(nil)
}

// Problem is a break in the chain.
type Problem struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Report is the outcome of Verify.
type Report struct {
	Entries  int       `json:"entries"`
	First    int64     `json:"first_seq"`
	Last     int64     `json:"last_seq"`
	Head     string    `json:"head_hash"` // hex; keep it elsewhere to detect removal of the newest entries
	Oldest   time.Time `json:"oldest,omitzero"`
	Problems []Problem `json:"problems"`
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Anchor is an entry's place and hash kept outside the database (in each release manifest,
// which the data-protection officer files away). The chain is not keyed: an owner of the
// database could rewrite an entry and recompute every hash after it, and the chain alone would
// still verify; the hash of an anchored entry would not.
type Anchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"` // hex
}

// Head returns the newest entry as an anchor (seq 0 when the log is empty).
func Head(ctx context.Context, db postgres.Querier) (Anchor, error) {
	var a Anchor
	var hash []byte
	err := db.QueryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&a.Seq, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return Anchor{}, nil
	}
	if err != nil {
		return Anchor{}, fmt.Errorf("read the audit trail's head: %w", err)
	}
	a.Hash = hex.EncodeToString(hash)
	return a, nil
}

// Verify reads the whole log in order and recomputes the chain; each anchor's entry must still
// have the anchored hash. The oldest remaining entry is
// the anchor: entries older than the retention period may have been removed, so its previous
// hash is taken as given unless it is the first entry ever written.
func Verify(ctx context.Context, db postgres.Querier, anchors ...Anchor) (Report, error) {
	rows, err := db.Query(ctx, `SELECT seq, at, actor, role, action, target, purpose, coalesce(client, ''), coalesce(token_id, 0),
		prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return Report{}, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	rep := Report{Problems: []Problem{}}
	var prev []byte
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Purpose, &e.Client, &e.TokenID, &e.PrevHash, &e.Hash); err != nil {
			return rep, fmt.Errorf("read audit log: %w", err)
		}
		rep.check(e, prev)
		for _, a := range anchors {
			if a.Seq == e.Seq && a.Hash != hex.EncodeToString(e.Hash) {
				rep.Problems = append(rep.Problems, Problem{Seq: e.Seq, Reason: "hash differs from the anchor kept outside the database: the trail was rewritten"})
			}
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("read audit log: %w", err)
	}
	// An anchor older than the oldest kept entry was removed after its retention: nothing to
	// check. One newer than the newest was removed before its time.
	for _, a := range anchors {
		if a.Seq > rep.Last {
			rep.Problems = append(rep.Problems, Problem{Seq: a.Seq, Reason: "anchored entry missing: the newest entries were removed"})
		}
	}
	rep.Head = hex.EncodeToString(prev)
	return rep, nil
}

func (r *Report) check(e Entry, prev []byte) {
	problem := func(format string, args ...any) {
		r.Problems = append(r.Problems, Problem{Seq: e.Seq, Reason: fmt.Sprintf(format, args...)})
	}
	switch {
	case r.Entries == 0:
		r.First, r.Oldest = e.Seq, e.At
		if e.Seq == 1 && !bytes.Equal(e.PrevHash, zeroHash) {
			problem("the first entry does not start the chain")
		}
	case e.Seq != r.Last+1:
		problem("entries %d to %d are missing", r.Last+1, e.Seq-1)
	}
	if r.Entries > 0 && !bytes.Equal(e.PrevHash, prev) {
		problem("previous hash does not match entry %d", r.Last)
	}
	if want := Hash(e.PrevHash, e.Seq, e.At, e.Event); !bytes.Equal(want, e.Hash) {
		problem("content does not match its hash (changed after it was written)")
	}
	r.Entries++
	r.Last = e.Seq
}
