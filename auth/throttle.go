package auth

import (
	"sync"
	"time"
)

// Throttle slows password guessing. A login reserves a failure before its password is hashed,
// under one lock, so that forty wrong passwords sent at once get at most MaxPerAccount tries;
// a success gives the reservation back. Failures are counted per account and client address
// (MaxPerAccount: guessing one account), per client address (MaxPerClient: spraying one
// password over many accounts) and per account from anywhere (MaxPerAccountAll: guessing from
// many addresses), each over Window. Keying the account limit by address too means a stranger
// cannot lock a user out from elsewhere, short of the looser account-wide limit.
//
// It is kept in memory, bounded by MaxKeys: a restart clears it, which costs a guesser a
// restart per few attempts.
type Throttle struct {
	MaxPerAccount    int
	MaxPerClient     int
	MaxPerAccountAll int
	Window           time.Duration
	MaxKeys          int

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle allows 5 failures per account and address, 30 per address (an office behind one
// address has many users) and 50 per account in 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{MaxPerAccount: 5, MaxPerClient: 30, MaxPerAccountAll: 50, Window: 15 * time.Minute,
		MaxKeys: 100_000, failures: map[string][]time.Time{}}
}

// Reservation is a failure counted in advance for one login attempt.
type Reservation struct {
	t    *Throttle
	keys []string
	at   time.Time
}

// Reserve counts a failure for the attempt before the password is checked, or reports false
// when any of its limits is reached.
func (t *Throttle) Reserve(account, client string, now time.Time) (*Reservation, bool) {
	keys := []string{"a\x00" + account + "\x00" + client, "c\x00" + client, "A\x00" + account}
	limits := []int{t.MaxPerAccount, t.MaxPerClient, t.MaxPerAccountAll}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, k := range keys {
		if len(t.recent(k, now)) >= limits[i] {
			return nil, false
		}
	}
	t.makeRoom(now)
	for _, k := range keys {
		t.failures[k] = append(t.failures[k], now)
	}
	return &Reservation{t: t, keys: keys, at: now}, true
}

// Succeeded gives the reservation back and forgets the account's failures from this address.
func (r *Reservation) Succeeded() {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	delete(r.t.failures, r.keys[0])
	for _, k := range r.keys[1:] {
		r.t.remove(k, r.at)
	}
}

// Failed keeps the reserved failure: nothing to do, said for the reader.
func (r *Reservation) Failed() {}

// remove takes one failure at the time back from key.
func (t *Throttle) remove(key string, at time.Time) {
	list := t.failures[key]
	for i, x := range list {
		if x.Equal(at) {
			t.failures[key] = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(t.failures[key]) == 0 {
		delete(t.failures, key)
	}
}

func (t *Throttle) recent(key string, now time.Time) []time.Time {
	list := t.failures[key]
	kept := list[:0]
	for _, at := range list {
		if now.Sub(at) < t.Window {
			kept = append(kept, at)
		}
	}
	if len(kept) == 0 {
		delete(t.failures, key)
		return nil
	}
	t.failures[key] = kept
	return kept
}

// makeRoom keeps the map under MaxKeys: expired keys go first; if an attack from very many
// addresses still fills it, the whole record is dropped rather than memory grown.
func (t *Throttle) makeRoom(now time.Time) {
	if len(t.failures)+3 <= t.MaxKeys {
		return
	}
	for k := range t.failures {
		t.recent(k, now)
	}
	if len(t.failures)+3 > t.MaxKeys {
		t.failures = map[string][]time.Time{}
	}
}

// Keys is how many keys the throttle holds, for tests and metrics.
func (t *Throttle) Keys() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.failures)
}
