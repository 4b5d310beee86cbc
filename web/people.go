package web

import (
	"encoding/hex"
	"net/http"
	"slices"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/web/auth"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
)

// The housing office's person-level views. Each needs a stated purpose and is written to the
// audit trail, with the person or area, before anything is read.

// TimelineEvent is one event of a person's timeline.
type TimelineEvent struct {
	Date      time.Time  `json:"date"`
	EndDate   *time.Time `json:"end_date"`
	Source    string     `json:"source"`
	Domain    string     `json:"domain"`
	Kind      string     `json:"kind"`
	Stage     *string    `json:"stage"`
	Amount    *float64   `json:"amount"`
	Section   *string    `json:"section"`
	H3Cell    string     `json:"h3_cell"`
	Placement string     `json:"location_quality"`
	Batch     int64      `json:"batch"`
}

// timeline is every event of one pseudonymised person across sources, in date order.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	raw := chi.URLParam(r, "pseudonym")
	person, err := hex.DecodeString(raw)
	if err != nil || len(person) != 32 {
		auth.Deny(w, http.StatusBadRequest, "pseudonym must be 64 hexadecimal characters (the keyed hash, never a fiscal code)")
		return
	}
	// However the pseudonym was spelt, the access is recorded under its one canonical form, so
	// that the data-protection officer's search by person finds every access.
	raw = hex.EncodeToString(person)
	if !requirePurpose(w, r) || !s.record(w, r, "timeline", "person/"+raw) {
		return
	}
	rows, err := s.backend(r).DB.Query(r.Context(), `
		SELECT event_date, end_date, source, domain, kind, stage, amount::float8, section_id, to_hex(h3_cell), location_quality, batch_id
		FROM events WHERE person = $1 ORDER BY event_date, id`, person)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (TimelineEvent, error) {
		var e TimelineEvent
		return e, row.Scan(&e.Date, &e.EndDate, &e.Source, &e.Domain, &e.Kind, &e.Stage, &e.Amount, &e.Section, &e.H3Cell, &e.Placement, &e.Batch)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(events) == 0 {
		s.fail(w, r, abitare.Errorf(abitare.NotFound, "no events for this person"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"person": raw, "events": events})
}

// Targeted is a person on a targeting list.
type Targeted struct {
	Person    string   `json:"person"` // pseudonym, hex
	Domains   []string `json:"domains"`
	Helped    bool     `json:"helped"` // had a social-services intervention in the period
	LastEvent string   `json:"last_event"`
}

// targeting lists the people of an area with a need signal (or in a domain) in a period,
// those without social-services help first: the housing office's outreach list.
func (s *Server) targeting(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	geography, id, need := q.Get("geography"), q.Get("id"), q.Get("need")
	areaColumn, ok := map[string]string{"section": "e.section_id", "h3_10": "to_hex(e.h3_cell)", "h3_9": "to_hex(g.cell9)",
		"h3_8": "to_hex(g.cell8)", "h3_7": "to_hex(g.cell7)"}[geography]
	if !ok || id == "" {
		s.fail(w, r, invalid("geography must be section or h3_7..h3_10, with id"))
		return
	}
	signal, ok := needSignal(need)
	if !ok {
		s.fail(w, r, invalid("need %q: want a domain (%v) or a need signal", need, abitare.Domains))
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
	if !requirePurpose(w, r) || !s.record(w, r, "targeting list", geography+"/"+id+"/"+need+"/"+period) {
		return
	}
	rows, err := s.backend(r).DB.Query(r.Context(), `
		SELECT encode(e.person, 'hex'), array_agg(DISTINCT e.domain ORDER BY e.domain), bool_or(e.source = 'social_services'), max(e.event_date)::text
		FROM events e LEFT JOIN h3_lineage g ON g.cell10 = e.h3_cell
		WHERE `+areaColumn+` = $1 AND e.event_date >= $2 AND e.event_date < $3
		GROUP BY e.person HAVING bool_or(`+signal+`)
		ORDER BY 3, 4 DESC, 1`, id, ps[0].Start, ps[0].End)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Targeted, error) {
		var t Targeted
		return t, row.Scan(&t.Person, &t.Domains, &t.Helped, &t.LastEvent)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{"geography": geography, "id": id, "need": need, "period": period,
		"order": "without social-services help first, then latest event", "people": list})
}

// needSignal is the SQL condition on events e for a domain or a need signal of the aggregation.
func needSignal(need string) (string, bool) {
	if slices.Contains(abitare.Domains, need) {
		return "e.domain = '" + need + "'", true
	}
	for _, n := range aggregate.Needs {
		if n.Name == need {
			return n.Signal, true
		}
	}
	return "", false
}
