package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit is a token bucket: Rate requests per second on average, up to Burst at once.
type RateLimit struct {
	Rate  rate.Limit // rate.Inf: no limit
	Burst int
}

// DefaultCustomAreaRate is the custom-area limit of each user when Config sets none: 30 a
// minute, 10 at once. A planner asks for a custom area by pressing a button; a script that
// tries variants of a selection by the thousand is slowed to a pace the audit report can
// follow.
var DefaultCustomAreaRate = RateLimit{Rate: rate.Every(2 * time.Second), Burst: 10}

// NoRateLimit lets every request through (tests that send hundreds).
var NoRateLimit = RateLimit{Rate: rate.Inf}

// ParseRate reads a rate such as 30/m, 1/s, 600/h, 30/min or 5/10s; "off" (or "inf") is no
// limit.
func ParseRate(s string) (rate.Limit, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "off" || s == "inf" || s == "unlimited" {
		return rate.Inf, nil
	}
	n, per, ok := strings.Cut(s, "/")
	count, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
	if !ok || err != nil || count <= 0 || math.IsInf(count, 0) {
		return 0, fmt.Errorf("rate %q: want requests per period, such as 30/m, 1/s or 600/h (or off)", s)
	}
	per = strings.TrimSpace(per)
	switch per {
	case "s", "sec", "second":
		per = "1s"
	case "m", "min", "minute":
		per = "1m"
	case "h", "hour":
		per = "1h"
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("rate %q: the period %q is not s, m, h or a duration such as 10s", s, per)
	}
	return rate.Limit(count / d.Seconds()), nil
}

// String writes the limit as ParseRate reads it.
func (l RateLimit) String() string {
	if l.Rate == rate.Inf {
		return "off"
	}
	perMinute := float64(l.Rate) * 60
	return strconv.FormatFloat(perMinute, 'f', -1, 64) + "/m, burst " + strconv.Itoa(l.Burst)
}

// userLimiters keeps a token bucket per user. A user's bucket that has been idle long enough
// to fill again is the same as a new one, so such buckets are dropped now and then: memory
// stays bounded by the users active in the last refill time.
type userLimiters struct {
	limit RateLimit

	mu        sync.Mutex
	buckets   map[string]*userBucket
	lastSweep time.Time
}

type userBucket struct {
	limiter *rate.Limiter
	used    time.Time
}

func newUserLimiters(l RateLimit) *userLimiters {
	if l.Rate == 0 {
		l = DefaultCustomAreaRate
	}
	if l.Burst < 1 {
		l.Burst = 1
	}
	return &userLimiters{limit: l, buckets: map[string]*userBucket{}}
}

// refill is how long an idle bucket takes to fill again.
func (u *userLimiters) refill() time.Duration {
	return time.Duration(float64(u.limit.Burst) / float64(u.limit.Rate) * float64(time.Second))
}

// allow takes one request from the user's bucket at now, or says how long to wait for one.
func (u *userLimiters) allow(user string, now time.Time) (ok bool, wait time.Duration) {
	if u.limit.Rate == rate.Inf {
		return true, 0
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.sweep(now)
	b := u.buckets[user]
	if b == nil {
		b = &userBucket{limiter: rate.NewLimiter(u.limit.Rate, u.limit.Burst)}
		u.buckets[user] = b
	}
	b.used = now
	r := b.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops the buckets idle for longer than a refill, at most once a refill (or a minute).
func (u *userLimiters) sweep(now time.Time) {
	idle := max(u.refill(), time.Minute)
	if now.Sub(u.lastSweep) < idle {
		return
	}
	u.lastSweep = now
	for user, b := range u.buckets {
		if now.Sub(b.used) > idle {
			delete(u.buckets, user)
		}
	}
}

// size is how many users have a bucket, for tests.
func (u *userLimiters) size() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.buckets)
}
