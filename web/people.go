package web

import (
	"encoding/hex"
	"net/http"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/records"
	"github.com/go-chi/chi/v5"
)

// The housing office's person-level views. Each needs a stated purpose and is written to the
// audit trail, with the person or area, before anything is read (Backend.Records reads).

// timeline is every event of one pseudonymised person across sources, in date order.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	raw := chi.URLParam(r, "pseudonym")
	person, err := hex.DecodeString(raw)
	if err != nil || len(person) != records.PersonLength {
		s.fail(w, r, invalid("pseudonym must be 64 hexadecimal characters (the keyed hash, never a fiscal code)"))
		return
	}
	// However the pseudonym was spelt, the access is recorded under its one canonical form, so
	// that the data-protection officer's search by person finds every access.
	raw = hex.EncodeToString(person)
	if !requirePurpose(w, r) || !s.record(w, r, "timeline", "person/"+raw) {
		return
	}
	events, err := s.backend(r).Records.Timeline(r.Context(), person)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"person": raw, "events": events})
}

// targeting lists the people of an area with a need signal (or in a domain) in a period,
// those without social-services help first: the housing office's outreach list.
func (s *Server) targeting(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tq := records.TargetingQuery{Geography: q.Get("geography"), ID: q.Get("id"), Need: q.Get("need")}
	if err := records.CheckTarget(tq.Geography, tq.ID, tq.Need); err != nil {
		s.fail(w, r, err)
		return
	}
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := abitare.ParsePeriod(period)
	if err != nil {
		s.fail(w, r, invalid("%s", err.Error()))
		return
	}
	tq.Start, tq.End = ps[0].Start, ps[0].End
	if err := tq.Validate(); err != nil {
		s.fail(w, r, err)
		return
	}
	if !requirePurpose(w, r) || !s.record(w, r, "targeting list", tq.Geography+"/"+tq.ID+"/"+tq.Need+"/"+period) {
		return
	}
	list, err := s.backend(r).Records.Targeting(r.Context(), tq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"geography": tq.Geography, "id": tq.ID, "need": tq.Need, "period": period,
		"order": records.TargetingOrder, "people": list})
}
