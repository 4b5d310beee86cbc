package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/audit"
)

// The administrator's views (users, tokens, the audit trail, full release manifests) and the
// linkage officer's (linkage report, key fingerprint). Each is recorded in the audit trail
// before it is read, through Backend.Admin and Backend.Linkage.

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	if !s.record(w, r, "list users", "users") {
		return
	}
	users, err := s.backend(r).Admin.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"users": users})
}

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) {
	if !s.record(w, r, "list tokens", "api_tokens") {
		return
	}
	tokens, err := s.backend(r).Admin.Tokens(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"tokens": tokens})
}

// adminAudit lists the trail, newest first: ?actor=, ?target=, ?since= (RFC 3339), ?limit=.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Target: q.Get("target")}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			s.fail(w, r, invalid("since must be an RFC 3339 time, e.g. 2026-01-31T00:00:00Z"))
			return
		}
		f.Since = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := parseLimit(v)
		if err != nil {
			s.fail(w, r, invalid("%s", err.Error()))
			return
		}
		f.Limit = n
	}
	if !s.record(w, r, "read audit trail", "audit_log") {
		return
	}
	list, err := s.backend(r).Admin.Audit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"retention": audit.Retention, "entries": list})
}

// adminAuditCustomAreas reports one user's custom-area queries by overlap: ?actor= (needed)
// and ?since= (a duration back from now such as 24h or 7d, an RFC 3339 time or a date).
func (s *Server) adminAuditCustomAreas(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	actor := q.Get("actor")
	if actor == "" {
		s.fail(w, r, invalid("actor: name the user whose custom areas to report on (?actor=...)"))
		return
	}
	since, err := audit.ParseSince(q.Get("since"), time.Now())
	if err != nil {
		s.fail(w, r, invalid("%s", err.Error()))
		return
	}
	if !s.record(w, r, "read audit trail", "custom-areas/"+actor) {
		return
	}
	rep, err := s.backend(r).Admin.CustomAreaAudit(r.Context(), actor, since)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, rep)
}

func (s *Server) adminAuditVerify(w http.ResponseWriter, r *http.Request) {
	if !s.record(w, r, "verify audit trail", "audit_log") {
		return
	}
	rep, err := s.backend(r).Admin.VerifyAudit(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"ok": rep.OK(), "report": rep})
}

func (s *Server) adminReleases(w http.ResponseWriter, r *http.Request) {
	if !s.record(w, r, "read release manifests", "releases") {
		return
	}
	list, err := s.backend(r).Admin.Releases(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"releases": list})
}

func (s *Server) linkage(w http.ResponseWriter, r *http.Request) {
	if !s.record(w, r, "linkage report", "linkage") {
		return
	}
	rep, err := s.backend(r).Linkage.Report(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, rep)
}

// linkageKey shows the fingerprint of the pseudonymisation key the database was loaded with;
// the key itself never reaches the server.
func (s *Server) linkageKey(w http.ResponseWriter, r *http.Request) {
	if !s.record(w, r, "linkage key fingerprint", "link_key") {
		return
	}
	key, err := s.backend(r).Linkage.Key(r.Context())
	if errors.Is(err, abitare.NotFound) {
		writeJSON(w, map[string]any{"key": nil, "note": "no data loaded yet: the first ingest records the key's fingerprint"})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"fingerprint": key.Fingerprint, "created_at": key.CreatedAt,
		"note": "a load under another key is refused; set ABITARE_LINK_KEY only where ingest runs"})
}
