package auth

import (
	"sync"
	"time"
)

// Throttle slows password guessing: after MaxFailures wrong passwords for one user name within
// Window, that name is locked until the window has passed since the last failure. It is kept
// in memory: a restart clears it, which costs a guesser a restart per few attempts.
type Throttle struct {
	MaxFailures int
	Window      time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle allows 5 failures per user name in 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{MaxFailures: 5, Window: 15 * time.Minute, failures: map[string][]time.Time{}}
}

// Locked reports whether logins for the name are refused now.
func (t *Throttle) Locked(name string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(name, now)) >= t.MaxFailures
}

// Failed records a wrong password.
func (t *Throttle) Failed(name string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures[name] = append(t.recent(name, now), now)
}

// Succeeded forgets the name's failures.
func (t *Throttle) Succeeded(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, name)
}

func (t *Throttle) recent(name string, now time.Time) []time.Time {
	kept := t.failures[name][:0]
	for _, at := range t.failures[name] {
		if now.Sub(at) < t.Window {
			kept = append(kept, at)
		}
	}
	if len(kept) == 0 {
		delete(t.failures, name)
		return nil
	}
	t.failures[name] = kept
	return kept
}
