package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/web/audit"
	"github.com/abitare/abitare/web/auth"
)

// whoami tells the web app who is logged in and what the role may do.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, sessionInfo(auth.FromContext(r.Context())))
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// login checks a password and sets the session cookie: HttpOnly (no script reads it), Secure
// and SameSite=Strict (no other site can make the browser send it).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&c); err != nil || c.Username == "" {
		auth.Deny(w, http.StatusBadRequest, `send {"username": ..., "password": ...} as JSON`)
		return
	}
	name, client := strings.ToLower(c.Username), clientOf(r)
	if !s.logins.allow(client) {
		s.logger.Warn("login rate limited", "username", name, "client", client)
		w.Header().Set("Retry-After", "2")
		auth.Deny(w, http.StatusTooManyRequests, "too many logins: try again in a moment")
		return
	}
	// A failure is counted before the password is checked, so that simultaneous tries cannot
	// all slip under the limit; a success gives it back.
	reservation, ok := s.throttle.Reserve(name, client, time.Now())
	if !ok {
		s.logger.Warn("login locked", "username", name, "client", client)
		w.Header().Set("Retry-After", strconv.Itoa(int(s.throttle.Window.Seconds())))
		auth.Deny(w, http.StatusTooManyRequests, "too many wrong passwords: try again later")
		return
	}
	release, ok := s.logins.acquire(r.Context())
	if !ok {
		reservation.Succeeded() // not a failure: the password was never checked
		w.Header().Set("Retry-After", "1")
		auth.Deny(w, http.StatusServiceUnavailable, "the server is busy checking passwords: try again in a moment")
		return
	}
	u, secret, err := s.users.Login(r.Context(), c.Username, c.Password)
	release()
	if errors.Is(err, auth.ErrBadCredentials) {
		reservation.Failed()
		s.logger.Warn("login refused", "username", name, "client", client)
		auth.Deny(w, http.StatusUnauthorized, "wrong user name or password")
		return
	} else if err != nil {
		reservation.Succeeded()
		s.fail(w, r, err)
		return
	}
	reservation.Succeeded()
	if _, err := audit.Append(r.Context(), s.users.DB, audit.Event{Actor: u.Username, Role: string(u.Role), Action: "login", Target: "session"}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: int(auth.SessionLifetime.Seconds())})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"user": u.Username, "role": u.Role})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(auth.SessionCookie); err == nil {
		if err := s.users.Logout(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// purpose is the purpose a user states for a restricted request: ?purpose= or the
// X-Abitare-Purpose header.
func purpose(r *http.Request) string {
	if p := r.URL.Query().Get("purpose"); p != "" {
		return p
	}
	return r.Header.Get("X-Abitare-Purpose")
}

// minPurposeLength keeps "x" from passing as a purpose.
const minPurposeLength = 10

// record writes an access to restricted data to the audit trail, through the role's own
// connection, before the data is sent. When the trail cannot be written nothing is sent.
func (s *Server) record(w http.ResponseWriter, r *http.Request, action, target string) bool {
	p := auth.FromContext(r.Context())
	_, err := audit.Append(r.Context(), s.backend(r).DB, audit.Event{Actor: p.Actor(), Role: string(p.Role),
		Action: action, Target: target, Purpose: purpose(r)})
	s.metrics.audited("api", err)
	if err != nil {
		s.logger.Error("audit trail not written: access refused", "err", err, "action", action)
		http.Error(w, "the access cannot be recorded, so it is refused", http.StatusServiceUnavailable)
		return false
	}
	return true
}

// requirePurpose refuses a request without a stated purpose.
func requirePurpose(w http.ResponseWriter, r *http.Request) bool {
	if len([]rune(purpose(r))) < minPurposeLength {
		auth.Deny(w, http.StatusBadRequest, "state the purpose of this access (purpose=..., at least 10 characters): it is recorded in the audit trail")
		return false
	}
	return true
}
