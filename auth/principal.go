package auth

import "context"

// SessionCookie is the name of the web app's session cookie. The __Host- prefix makes browsers
// refuse it unless it is Secure, for the whole site and for this host only (no Domain), so that
// a sibling subdomain cannot plant or overwrite it.
const SessionCookie = "__Host-abitare_session"

// InsecureSessionCookie is its name when the server runs without the Secure flag (plain HTTP
// from another host), where the prefix is not allowed.
const InsecureSessionCookie = "abitare_session"

// Principal is who a request comes from.
type Principal struct {
	User    string // empty for anonymous requests
	Role    Role
	Via     string // "session", "token" or "anonymous"
	TokenID int64  // the API token, when Via is "token"
}

// Actor names the principal in the audit trail.
func (p Principal) Actor() string {
	if p.User == "" {
		return "anonymous"
	}
	return p.User
}

type principalKey struct{}

// FromContext returns the request's principal; anonymous when Identify did not run.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Principal{Role: Public, Via: "anonymous"}
}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}
