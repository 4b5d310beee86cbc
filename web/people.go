package web

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/records"
	"github.com/abitare/abitare/report"
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
	tq := records.TargetingQuery{Geography: q.Get("geography"), ID: q.Get("id"), Need: q.Get("need"),
		HouseholdType: q.Get("household_type")}
	switch v := q.Get("without_help"); v {
	case "", "0", "false":
	case "1", "true":
		tq.WithoutHelp = true
	default:
		s.fail(w, r, invalid("without_help %q: want true or false", v))
		return
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "xlsx" {
		s.fail(w, r, invalid("format %q: want json or xlsx", format))
		return
	}
	lang, err := report.ParseLang(q.Get("lang"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
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
	action := "targeting list"
	if format == "xlsx" {
		action = "targeting list export"
	}
	if !requirePurpose(w, r) || !s.record(w, r, action, targetingTarget(tq, period)) {
		return
	}
	list, err := s.backend(r).Records.Targeting(r.Context(), tq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if format == "xlsx" {
		s.writeTargetingXLSX(w, r, tq, period, lang, list)
		return
	}
	writeJSON(w, map[string]any{"geography": tq.Geography, "id": tq.ID, "need": tq.Need, "period": period,
		"without_help": tq.WithoutHelp, "household_type": tq.HouseholdType, "order": records.TargetingOrder, "people": list})
}

// targetingTarget names a targeting list in the audit trail, with its filters.
func targetingTarget(tq records.TargetingQuery, period string) string {
	t := tq.Geography + "/" + tq.ID + "/" + tq.Need + "/" + period
	if tq.WithoutHelp {
		t += "/without_help"
	}
	if tq.HouseholdType != "" {
		t += "/" + tq.HouseholdType
	}
	return t
}

// writeTargetingXLSX sends the list as a workbook that carries its request: who, why, when.
func (s *Server) writeTargetingXLSX(w http.ResponseWriter, r *http.Request, tq records.TargetingQuery, period, lang string, list []records.Targeted) {
	var buf bytes.Buffer
	err := report.WriteTargetingXLSX(&buf, report.TargetingList{Geography: tq.Geography, ID: tq.ID, Need: tq.Need, Period: period,
		WithoutHelp: tq.WithoutHelp, HouseholdType: tq.HouseholdType, Order: records.TargetingOrder, Purpose: purpose(r),
		Actor: auth.FromContext(r.Context()).Actor(), Generated: time.Now().UTC(), People: list}, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="abitare-targeting-%s-%s-%s.xlsx"`, tq.Geography, fileNamePart(tq.ID), period))
	_, _ = w.Write(buf.Bytes())
}
