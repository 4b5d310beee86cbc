package auth

import (
	"sync"
	"time"
)

// CacheTTL is how long a verified session or token is trusted without asking the database
// again. A map reads hundreds of tiles a minute; each would otherwise cost a query (and, for a
// token, a write of its last use). Changes made through the same Store apply at once; a token
// revoked, an account disabled or a role changed by another process (abitare users) applies
// within CacheTTL.
const CacheTTL = 10 * time.Second

// maxCached bounds the cache: beyond it, it starts afresh.
const maxCached = 10_000

// credentialCache maps the hash of a session or token secret to its user. The zero value is
// ready to use.
type credentialCache struct {
	mu      sync.RWMutex
	entries map[string]cachedUser
}

type cachedUser struct {
	user    User
	expires time.Time
}

func (c *credentialCache) get(hash []byte, now time.Time) (User, bool) {
	c.mu.RLock()
	e, ok := c.entries[string(hash)]
	c.mu.RUnlock()
	if !ok || now.After(e.expires) {
		return User{}, false
	}
	return e.user, true
}

func (c *credentialCache) put(hash []byte, u User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCached {
		c.entries = map[string]cachedUser{}
	}
	c.entries[string(hash)] = cachedUser{user: u, expires: now.Add(CacheTTL)}
}

func (c *credentialCache) forget(hash []byte) {
	c.mu.Lock()
	delete(c.entries, string(hash))
	c.mu.Unlock()
}

// clear drops everything: after a change of role, password, account or token.
func (c *credentialCache) clear() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}
