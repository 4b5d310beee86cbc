package web

import (
	"context"
	"runtime"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginGuard bounds what logins can cost. A password check (argon2id) takes about 19 MiB and
// tens of milliseconds of a core: without a bound, a flood of logins with made-up names grows
// memory by gigabytes. At most two checks per core run at once, and a request that cannot get
// a slot soon is answered 503; logins are also rate-limited per client address and overall
// (429), before any hashing.
type loginGuard struct {
	hashing   chan struct{}
	global    *rate.Limiter
	perClient *clientLimiters
	wait      time.Duration // how long a login may wait for a hashing slot
}

func newLoginGuard() *loginGuard {
	return &loginGuard{
		hashing:   make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
		global:    rate.NewLimiter(rate.Limit(20), 40),
		perClient: &clientLimiters{every: rate.Every(time.Second), burst: 20, max: 10_000},
		wait:      2 * time.Second,
	}
}

// allow reports whether the client may try a login now.
func (g *loginGuard) allow(client string) bool {
	return g.perClient.get(client).Allow() && g.global.Allow()
}

// acquire takes a hashing slot, waiting a little; release gives it back.
func (g *loginGuard) acquire(ctx context.Context) (release func(), ok bool) {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.hashing <- struct{}{}:
		return func() { <-g.hashing }, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// clientLimiters keeps a rate limiter per client address, at most max of them: past that the
// set starts afresh, so that memory stays bounded whatever the number of addresses.
type clientLimiters struct {
	every rate.Limit
	burst int
	max   int

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

func (c *clientLimiters) get(client string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.limiters[client]; ok {
		return l
	}
	if c.limiters == nil || len(c.limiters) >= c.max {
		c.limiters = map[string]*rate.Limiter{}
	}
	l := rate.NewLimiter(c.every, c.burst)
	c.limiters[client] = l
	return l
}
