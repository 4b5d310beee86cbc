package web

// The HTTP side of access control: who a request comes from (identify), what it may do
// (require, allowed), and the one JSON shape of every error answered (writeError), with the
// HTTP status of each kind of error (statusOf). The rules themselves are package auth's.

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
)

// sessionCookie returns the request's session cookie under either name.
func sessionCookie(r *http.Request) (*http.Cookie, error) {
	if c, err := r.Cookie(auth.SessionCookie); err == nil {
		return c, nil
	}
	return r.Cookie(auth.InsecureSessionCookie)
}

// sessionSecret returns the secret of the request's session cookie, if any.
func sessionSecret(r *http.Request) (string, bool) {
	c, err := sessionCookie(r)
	if err != nil {
		return "", false
	}
	return c.Value, true
}

// identify finds the principal of each request: a bearer token (scripts) or the session
// cookie (the web app); without either the request is anonymous. A token that does not work
// is an error (401), not a silent fall back to public data; a stale session cookie is dropped.
func identify(s *auth.Store, onError func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := auth.Principal{Role: auth.Public, Via: "anonymous"}
			if h := r.Header.Get("Authorization"); h != "" {
				secret, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					writeError(w, http.StatusUnauthorized, "Authorization must be: Bearer <token>")
					return
				}
				u, err := s.TokenUser(r.Context(), strings.TrimSpace(secret))
				if errors.Is(err, auth.ErrBadCredentials) {
					writeError(w, http.StatusUnauthorized, "invalid, expired or revoked token")
					return
				} else if err != nil {
					onError(w, r, err)
					return
				}
				p = auth.Principal{User: u.Username, Role: u.Role, Via: "token", TokenID: u.TokenID()}
			} else if c, err := sessionCookie(r); err == nil {
				u, err := s.Session(r.Context(), c.Value)
				switch {
				case errors.Is(err, auth.ErrBadCredentials):
					http.SetCookie(w, &http.Cookie{Name: c.Name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
						Secure: c.Name == auth.SessionCookie, SameSite: http.SameSiteStrictMode})
				case err != nil:
					onError(w, r, err)
					return
				default:
					p = auth.Principal{User: u.Username, Role: u.Role, Via: "session"}
				}
			}
			if p.Via == "anonymous" {
				next.ServeHTTP(w, r) // auth.FromContext gives the anonymous principal already
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		})
	}
}

// require lets a request through only if its role has the permission: anonymous requests get
// 401 (log in), others 403.
func require(perm auth.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !allowed(w, r, perm) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// allowed checks a permission inside a handler, answering 401 or 403 when it is missing.
func allowed(w http.ResponseWriter, r *http.Request, perm auth.Permission) bool {
	p := auth.FromContext(r.Context())
	switch {
	case p.Role.Can(perm):
		return true
	case p.User == "":
		w.Header().Set("WWW-Authenticate", `Bearer realm="abitare"`)
		writeError(w, http.StatusUnauthorized, "log in: this needs the permission to "+string(perm))
	default:
		writeError(w, http.StatusForbidden, "the "+string(p.Role)+" role may not "+string(perm))
	}
	return false
}

// writeError answers an error as JSON, the one shape of every API error:
// {"error": "what went wrong, for the user", "code": "<abitare.Kind>"}.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": message, "code": string(kindOfStatus(status))})
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

// statusOf is the HTTP status that answers an error of a kind.
func statusOf(k abitare.Kind) int {
	if s, ok := statusOfKind[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// kindOfStatus is the kind of error an HTTP status reports; statuses with no kind of their
// own (415, 413, ...) are invalid requests, and 5xx internal unless unavailable.
func kindOfStatus(status int) abitare.Kind {
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
