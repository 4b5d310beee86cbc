package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
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
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&c); err != nil || c.Username == "" || !isText(c.Username) {
		writeError(w, http.StatusBadRequest, `send {"username": ..., "password": ...} as JSON`)
		return
	}
	name, client := strings.ToLower(c.Username), clientOf(r)
	if !s.logins.allow(client) {
		s.logger.Warn("login rate limited", "username", name, "client", client)
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusTooManyRequests, "too many logins: try again in a moment")
		return
	}
	// A failure is counted before the password is checked, so that simultaneous tries cannot
	// all slip under the limit; a success gives it back.
	reservation, ok := s.throttle.Reserve(name, client, time.Now())
	if !ok {
		s.logger.Warn("login locked", "username", name, "client", client)
		w.Header().Set("Retry-After", strconv.Itoa(int(s.throttle.Window.Seconds())))
		writeError(w, http.StatusTooManyRequests, "too many wrong passwords: try again later")
		return
	}
	release, ok := s.logins.acquire(r.Context())
	if !ok {
		reservation.Succeeded() // not a failure: the password was never checked
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "the server is busy checking passwords: try again in a moment")
		return
	}
	u, secret, err := s.users.Login(r.Context(), c.Username, c.Password)
	release()
	if errors.Is(err, auth.ErrBadCredentials) {
		reservation.Failed()
		s.logger.Warn("login refused", "username", name, "client", client)
		writeError(w, http.StatusUnauthorized, "wrong user name or password")
		return
	} else if err != nil {
		reservation.Succeeded()
		s.fail(w, r, err)
		return
	}
	reservation.Succeeded()
	if _, err := audit.Append(r.Context(), s.users.DB, audit.Event{Actor: u.Username, Role: string(u.Role), Action: "login", Target: "session",
		Client: client}); err != nil {
		s.fail(w, r, err)
		return
	}
	// A new session each login; one the browser brought along ends (no session fixation).
	if old, ok := sessionSecret(r); ok {
		if err := s.users.Logout(r.Context(), old); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: secret, Path: "/", HttpOnly: true,
		Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: int(auth.SessionLifetime.Seconds())})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"user": u.Username, "role": u.Role})
}

// logout ends the session, or with ?everywhere=true every session of its user (a lost laptop).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if secret, ok := sessionSecret(r); ok {
		end := s.users.Logout
		if r.URL.Query().Get("everywhere") == "true" {
			end = s.users.LogoutEverywhere
		}
		if err := end(r.Context(), secret); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// cookieName is the session cookie's name: with the __Host- prefix unless cookies are not Secure.
func (s *Server) cookieName() string {
	if s.cfg.InsecureCookies {
		return auth.InsecureSessionCookie
	}
	return auth.SessionCookie
}

// purpose is the purpose a user states for a restricted request (?purpose= or the
// X-Abitare-Purpose header), with surrounding space trimmed.
func purpose(r *http.Request) string {
	p := r.URL.Query().Get("purpose")
	if p == "" {
		p = r.Header.Get("X-Abitare-Purpose")
	}
	return strings.TrimSpace(p)
}

// Limits of what reaches the audit trail: a purpose says something (letters in words, not
// twelve spaces, punctuation or one key held down) in a paragraph at most; targets are short;
// neither may hold control characters, which would reach the terminals of abitare audit list.
const (
	minPurposeLetters = 10
	minPurposeWords   = 2 // different words of minWordLetters letters or more
	minWordLetters    = 3
	maxPurposeLength  = 500
	maxTargetLength   = 200
)

// purposeRule is what a stated purpose must be, in Italian and English.
var purposeRule = fmt.Sprintf("indicare la finalità dell'accesso (purpose=...): almeno %d lettere, in almeno %d parole diverse "+
	"di %d o più lettere, non una sola lettera ripetuta; viene registrata nel registro degli accessi / "+
	"state the purpose of this access (purpose=...): at least %d letters, in at least %d different words of %d or more letters, "+
	"not one letter repeated; it is recorded in the audit trail",
	minPurposeLetters, minPurposeWords, minWordLetters, minPurposeLetters, minPurposeWords, minWordLetters)

// checkPurpose says what is wrong with a stated purpose, or "" when nothing is.
func checkPurpose(p string) string {
	if !utf8.ValidString(p) {
		return "la finalità non è testo UTF-8 / the purpose is not UTF-8 text"
	}
	letters := 0
	for _, c := range p {
		if unicode.IsControl(c) {
			return "la finalità non può contenere caratteri di controllo / the purpose may not hold control characters"
		}
		if unicode.IsLetter(c) {
			letters++
		}
	}
	switch {
	case letters < minPurposeLetters || purposeWords(p) < minPurposeWords:
		return purposeRule
	case utf8.RuneCountInString(p) > maxPurposeLength:
		return fmt.Sprintf("la finalità può avere al massimo %d caratteri / the purpose may be at most %d characters", maxPurposeLength, maxPurposeLength)
	}
	return ""
}

// purposeWords counts the different words of a purpose that have minWordLetters letters or
// more and are not one letter repeated ("aaaa").
func purposeWords(p string) int {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(p), func(c rune) bool { return !unicode.IsLetter(c) }) {
		if utf8.RuneCountInString(w) < minWordLetters {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if strings.Trim(w, string(first)) == "" {
			continue
		}
		words[w] = true
	}
	return len(words)
}

// checkTarget says what is wrong with an audit target, or "" when nothing is.
func checkTarget(target string, maxLength int) string {
	if len(target) > maxLength {
		return fmt.Sprintf("request names an object longer than %d bytes", maxLength)
	}
	if !utf8.ValidString(target) {
		return "request names an object that is not UTF-8 text"
	}
	if strings.ContainsFunc(target, unicode.IsControl) {
		return "request names an object with control characters"
	}
	return ""
}

// record writes an access to restricted data to the audit trail, through the role's own
// connection, before the data is sent. When the trail cannot be written nothing is sent.
func (s *Server) record(w http.ResponseWriter, r *http.Request, action, target string) bool {
	return s.recordWithin(w, r, action, target, maxTargetLength)
}

// recordWithin is record for a target of up to maxLength bytes (a custom area's whole selection).
func (s *Server) recordWithin(w http.ResponseWriter, r *http.Request, action, target string, maxLength int) bool {
	if problem := checkTarget(target, maxLength); problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return false
	}
	stated := purpose(r)
	if problem := checkPurpose(stated); stated != "" && problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return false
	}
	p := auth.FromContext(r.Context())
	_, err := audit.Append(r.Context(), s.backend(r).trail(), audit.Event{Actor: p.Actor(), Role: string(p.Role),
		Action: action, Target: target, Purpose: stated, Client: clientOf(r), TokenID: p.TokenID})
	s.metrics.audited("api", err)
	if err != nil {
		s.logger.Error("audit trail not written: access refused", "err", err, "action", action)
		writeError(w, http.StatusServiceUnavailable, "the access cannot be recorded, so it is refused")
		return false
	}
	return true
}

// requirePurpose refuses a request without a valid stated purpose.
func requirePurpose(w http.ResponseWriter, r *http.Request) bool {
	if problem := checkPurpose(purpose(r)); problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return false
	}
	return true
}
