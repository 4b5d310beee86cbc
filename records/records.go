// Package records is the read layer of the person-level views of the housing office: the
// timeline of one pseudonymised person across sources and the targeting list of an area. It
// only reads; the caller (package web) checks the permission, the stated purpose and writes the
// audit entry before calling it.
package records

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
)

// Reader reads person-level records through a role's connections.
type Reader struct {
	DB postgres.Querier
}

// PersonLength is the length of a pseudonym (the keyed hash of an identifier), in bytes.
const PersonLength = 32

// Event is one event of a person's timeline.
type Event struct {
	Date      time.Time  `json:"date"`
	EndDate   *time.Time `json:"end_date"`
	Source    string     `json:"source"`
	Domain    string     `json:"domain"`
	Kind      string     `json:"kind"`
	Stage     *string    `json:"stage"`
	Amount    *float64   `json:"amount"`
	Section   *string    `json:"section"`
	H3Cell    *string    `json:"h3_cell"` // hex; null when the record could not be placed
	Placement string     `json:"location_quality"`
	Batch     int64      `json:"batch"`
}

// Timeline is every event of one pseudonymised person across sources, in date order (then
// load order). A person without events is abitare.NotFound.
func (r *Reader) Timeline(ctx context.Context, person []byte) ([]Event, error) {
	if len(person) != PersonLength {
		return nil, abitare.Errorf(abitare.Invalid, "a pseudonym is %d bytes, not %d", PersonLength, len(person))
	}
	rows, err := r.DB.Query(ctx, `
		SELECT event_date, end_date, source, domain, kind, stage, amount::float8, section_id, to_hex(h3_cell), location_quality, batch_id
		FROM events WHERE person = $1 ORDER BY event_date, id`, person)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Event, error) {
		var e Event
		return e, row.Scan(&e.Date, &e.EndDate, &e.Source, &e.Domain, &e.Kind, &e.Stage, &e.Amount, &e.Section, &e.H3Cell, &e.Placement, &e.Batch)
	})
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	if len(events) == 0 {
		return nil, abitare.Errorf(abitare.NotFound, "no events for this person")
	}
	return events, nil
}

// Geographies are the areas a targeting list can be drawn for, with the SQL expression of an
// event's area (events e, h3_lineage g).
var geographies = map[string]string{
	"section": "e.section_id",
	"h3_10":   "to_hex(e.h3_cell)",
	"h3_9":    "to_hex(g.cell9)",
	"h3_8":    "to_hex(g.cell8)",
	"h3_7":    "to_hex(g.cell7)",
}

// TargetingQuery asks for the people of one area with a need in a period.
type TargetingQuery struct {
	Geography string    // section or h3_7 .. h3_10
	ID        string    // the area: section id or H3 index (hex)
	Need      string    // a domain (abitare.Domains) or a need signal (aggregate.Needs)
	Start     time.Time // the period, [Start, End)
	End       time.Time
	// Narrowing the list: only people without social-services help in the period, only people
	// whose register household is of this type (abitare.HouseholdTypes; "" for any).
	WithoutHelp   bool
	HouseholdType string
}

// CheckTarget says what is wrong with the area and need of a targeting list, as an
// abitare.Invalid error, without reading.
func CheckTarget(geography, id, need string) error {
	if _, ok := geographies[geography]; !ok || id == "" {
		return abitare.Errorf(abitare.Invalid, "geography must be section or h3_7..h3_10, with id")
	}
	if _, ok := needSignal(need); !ok {
		return abitare.Errorf(abitare.Invalid, "need %q: want a domain (%v) or a need signal (%v)", need, abitare.Domains, abitare.Needs)
	}
	return nil
}

// Validate says what is wrong with a query, as an abitare.Invalid error, without reading.
func (q TargetingQuery) Validate() error {
	if err := CheckTarget(q.Geography, q.ID, q.Need); err != nil {
		return err
	}
	if !q.Start.Before(q.End) {
		return abitare.Errorf(abitare.Invalid, "the period must end after it starts")
	}
	if q.HouseholdType != "" && !slices.Contains(abitare.HouseholdTypes, q.HouseholdType) {
		return abitare.Errorf(abitare.Invalid, "household_type %q: want one of %v", q.HouseholdType, abitare.HouseholdTypes)
	}
	return nil
}

// Targeted is a person on a targeting list.
type Targeted struct {
	Person    string   `json:"person"` // pseudonym, hex
	Domains   []string `json:"domains"`
	Helped    bool     `json:"helped"` // had a social-services intervention in the period
	LastEvent string   `json:"last_event"`
	// HouseholdType is the person's household in the population register; nil when the
	// person is not in it.
	HouseholdType *string `json:"household_type"`
}

// TargetingOrder describes the order of a targeting list.
const TargetingOrder = "without social-services help first, then latest event"

// Targeting lists the people of an area with a need signal (or an event in a domain) in the
// period, those without social-services help first, then by latest event: the housing
// office's outreach list. An empty list is not an error.
func (r *Reader) Targeting(ctx context.Context, q TargetingQuery) ([]Targeted, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	signal, _ := needSignal(q.Need)
	rows, err := r.DB.Query(ctx, `
		SELECT encode(e.person, 'hex'), array_agg(DISTINCT e.domain ORDER BY e.domain), bool_or(e.source = 'social_services'),
		       max(e.event_date)::text, max(r.household_type)
		FROM events e LEFT JOIN h3_lineage g ON g.cell10 = e.h3_cell LEFT JOIN residents r ON r.pseudonym = e.person
		WHERE `+geographies[q.Geography]+` = $1 AND e.event_date >= $2 AND e.event_date < $3
		GROUP BY e.person
		HAVING bool_or(`+signal+`) AND NOT ($4 AND bool_or(e.source = 'social_services'))
		   AND ($5 = '' OR max(r.household_type) = $5)
		ORDER BY 3, 4 DESC, 1`, q.ID, q.Start, q.End, q.WithoutHelp, q.HouseholdType)
	if err != nil {
		return nil, fmt.Errorf("read targeting list: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Targeted, error) {
		var t Targeted
		return t, row.Scan(&t.Person, &t.Domains, &t.Helped, &t.LastEvent, &t.HouseholdType)
	})
	if err != nil {
		return nil, fmt.Errorf("read targeting list: %w", err)
	}
	if list == nil {
		list = []Targeted{}
	}
	return list, nil
}

// needSignal is the SQL condition on events e for a domain or a need signal of the
// aggregation (aggregate.Needs is the one source of the signals).
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
