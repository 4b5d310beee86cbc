package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/abitare/abitare"
)

// SessionCookie is the name of the web app's session cookie. The __Host- prefix makes browsers
// refuse it unless it is Secure, for the whole site and for this host only (no Domain), so that
// a sibling subdomain cannot plant or overwrite it.
const SessionCookie = "__Host-abitare_session"

// InsecureSessionCookie is its name when the server runs without the Secure flag (plain HTTP
// from another host), where the prefix is not allowed.
const InsecureSessionCookie = "abitare_session"

// sessionCookie returns the request's session cookie under either name.
func sessionCookie(r *http.Request) (*http.Cookie, error) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c, nil
	}
	return r.Cookie(InsecureSessionCookie)
}

// SessionSecret returns the secret of the request's session cookie, if any.
func SessionSecret(r *http.Request) (string, bool) {
	c, err := sessionCookie(r)
	if err != nil {
		return "", false
	}
	return c.Value, true
}

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

// Identify finds the principal of each request: a bearer token (scripts) or the session
// cookie (the web app); without either the request is anonymous. A token that does not work
// is an error (401), not a silent fall back to public data; a stale session cookie is dropped.
func (s *Store) Identify(onError func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := Principal{Role: Public, Via: "anonymous"}
			if h := r.Header.Get("Authorization"); h != "" {
				secret, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					Deny(w, http.StatusUnauthorized, "Authorization must be: Bearer <token>")
					return
				}
				u, err := s.TokenUser(r.Context(), strings.TrimSpace(secret))
				if errors.Is(err, ErrBadCredentials) {
					Deny(w, http.StatusUnauthorized, "invalid, expired or revoked token")
					return
				} else if err != nil {
					onError(w, r, err)
					return
				}
				p = Principal{User: u.Username, Role: u.Role, Via: "token", TokenID: u.TokenID()}
			} else if c, err := sessionCookie(r); err == nil {
				u, err := s.Session(r.Context(), c.Value)
				switch {
				case errors.Is(err, ErrBadCredentials):
					http.SetCookie(w, &http.Cookie{Name: c.Name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
						Secure: c.Name == SessionCookie, SameSite: http.SameSiteStrictMode})
				case err != nil:
					onError(w, r, err)
					return
				default:
					p = Principal{User: u.Username, Role: u.Role, Via: "session"}
				}
			}
			if p.Via == "anonymous" {
				next.ServeHTTP(w, r) // FromContext gives the anonymous principal already
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// Require lets a request through only if its role has the permission: anonymous requests get
// 401 (log in), others 403.
func Require(perm Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !Allowed(w, r, perm) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Allowed checks a permission inside a handler, answering 401 or 403 when it is missing.
func Allowed(w http.ResponseWriter, r *http.Request, perm Permission) bool {
	p := FromContext(r.Context())
	switch {
	case p.Role.Can(perm):
		return true
	case p.User == "":
		w.Header().Set("WWW-Authenticate", `Bearer realm="abitare"`)
		Deny(w, http.StatusUnauthorized, "log in: this needs the permission to "+string(perm))
	default:
		Deny(w, http.StatusForbidden, "the "+string(p.Role)+" role may not "+string(perm))
	}
	return false
}

// Deny answers an error as JSON, the one shape of every API error:
// {"error": "what went wrong, for the user", "code": "<abitare.Kind>"}.
func Deny(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": message, "code": string(KindOfStatus(status))})
}

// statusOfKind is the HTTP status of each kind of error.
var statusOfKind = map[abitare.Kind]int{
	abitare.Invalid:         http.StatusBadRequest,
	abitare.Unauthorized:    http.StatusUnauthorized,
	abitare.Forbidden:       http.StatusForbidden,
	abitare.NotFound:        http.StatusNotFound,
	abitare.Conflict:        http.StatusConflict,
	abitare.TooManyRequests: http.StatusTooManyRequests,
	abitare.Unavailable:     http.StatusServiceUnavailable,
	abitare.Internal:        http.StatusInternalServerError,
}

// StatusOf is the HTTP status that answers an error of a kind.
func StatusOf(k abitare.Kind) int {
	if s, ok := statusOfKind[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// KindOfStatus is the kind of error an HTTP status reports; statuses with no kind of their
// own (415, 413, ...) are invalid requests, and 5xx internal unless unavailable.
func KindOfStatus(status int) abitare.Kind {
	for k, s := range statusOfKind {
		if s == status {
			return k
		}
	}
	if status >= 500 {
		return abitare.Internal
	}
	return abitare.Invalid
}
