package records_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/records"
)

// The area of the fixtures: one resolution-10 cell and its ancestors, and a cell elsewhere.
const (
	cell10, cell9, cell8, cell7 = int64(0x8a1f80000000fff), int64(0x891f8000000ffff), int64(0x881f800000fffff), int64(0x871f80000ffffff)
	elsewhere10, elsewhere7     = int64(0x8a1f90000000fff), int64(0x871f90000ffffff)
)

func person(name string) []byte { p := sha256.Sum256([]byte(name)); return p[:] }

func hexOf(name string) string { return hex.EncodeToString(person(name)) }

func load(t *testing.T) *records.Reader {
	t.Helper()
	db := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO h3_lineage VALUES ($1, $2, $3, $4), ($5, $5, $5, $6)`, cell10, cell9, cell8, cell7, elsewhere10, elsewhere7)
	exec(`INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		VALUES ('housing_office', 'a.csv', '\x01', 0, 0, 0, 0, 'test'), ('health', 'b.csv', '\x02', 0, 0, 0, 0, 'test'),
		       ('social_services', 'c.csv', '\x03', 0, 0, 0, 0, 'test')`)
	for _, p := range []string{"anna", "bruno", "carla", "dario"} {
		exec(`INSERT INTO people (pseudonym, id_kind) VALUES ($1, 'cf')`, person(p))
	}
	event := func(batch int, p, source, domain, kind, date string, cell *int64, section *string) {
		t.Helper()
		exec(`INSERT INTO events (batch_id, person, source, domain, kind, event_date, h3_cell, section_id, location_quality, amount, stage)
			VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, CASE WHEN $7::bigint IS NULL THEN 'none' ELSE 'coordinates' END,
			        CASE WHEN $4 = 'poverty' THEN 250.5 END, CASE WHEN $5 = 'eviction' THEN 'notice' END)`,
			batch, person(p), source, domain, kind, date, cell, section)
	}
	here, there := cell10, elsewhere10
	s1, s2 := "S1", "S2"
	// Anna: evicted, with mental health care and social-services help, one record unplaced.
	event(1, "anna", "housing_office", "housing", "eviction", "2025-03-01", &here, &s1)
	event(2, "anna", "health", "health", "mental_health", "2025-01-15", &here, &s1)
	event(3, "anna", "social_services", "poverty", "intervention", "2025-02-01", &here, &s1)
	event(2, "anna", "health", "health", "disability", "2024-12-01", nil, nil)
	// Bruno: evicted in the same cell, without help, later than Anna.
	event(1, "bruno", "housing_office", "housing", "eviction", "2025-05-01", &here, &s1)
	// Carla: evicted elsewhere.
	event(1, "carla", "housing_office", "housing", "eviction", "2025-04-01", &there, &s2)
	// Dario: in the cell, but no eviction.
	event(3, "dario", "social_services", "poverty", "intervention", "2025-06-01", &here, &s1)
	// The register knows Anna's and Bruno's households, not Carla's or Dario's.
	for p, household := range map[string]string{"anna": "MONOGENITORE", "bruno": "UNIPERSONALE"} {
		exec(`INSERT INTO residents (pseudonym, household, birth_year, sex, citizenship, household_type, batch_id)
			VALUES ($1, $1, 1980, 'F', 'italian', $2, 1)`, person(p), household)
	}
	return &records.Reader{DB: db.Pool}
}

func TestTimelineAcrossSourcesInDateOrder(t *testing.T) {
	r := load(t)
	ctx := context.Background()
	events, err := r.Timeline(ctx, person("anna"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Date.Format("2006-01-02")+" "+e.Source+" "+e.Kind)
	}
	want := []string{"2024-12-01 health disability", "2025-01-15 health mental_health",
		"2025-02-01 social_services intervention", "2025-03-01 housing_office eviction"}
	if !slices.Equal(got, want) {
		t.Fatalf("timeline %q, want %q", got, want)
	}
	if e := events[0]; e.H3Cell != nil || e.Section != nil || e.Placement != "none" || e.Batch != 2 {
		t.Errorf("unplaced event read as %+v", e)
	}
	if e := events[3]; e.H3Cell == nil || *e.H3Cell != "8a1f80000000fff" || *e.Section != "S1" || e.Stage == nil || *e.Stage != "notice" {
		t.Errorf("eviction read as %+v", e)
	}
	if e := events[2]; e.Amount == nil || *e.Amount != 250.5 || e.Domain != "poverty" {
		t.Errorf("intervention read as %+v", e)
	}

	if _, err := r.Timeline(ctx, person("nobody")); !errors.Is(err, abitare.NotFound) {
		t.Errorf("unknown person: %v, want NotFound", err)
	}
	if _, err := r.Timeline(ctx, []byte("short")); !errors.Is(err, abitare.Invalid) {
		t.Errorf("short pseudonym: %v, want Invalid", err)
	}
}

func TestTargetingFiltersByNeedAreaAndPeriod(t *testing.T) {
	r := load(t)
	ctx := context.Background()
	year := func(y int) (time.Time, time.Time) {
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	s25, e25 := year(2025)
	list := func(geography, id, need string, start, end time.Time) []string {
		t.Helper()
		got, err := r.Targeting(ctx, records.TargetingQuery{Geography: geography, ID: id, Need: need, Start: start, End: end})
		if err != nil {
			t.Fatalf("%s %s %s: %v", geography, id, need, err)
		}
		if got == nil {
			t.Fatalf("%s %s %s: nil list, want an empty one", geography, id, need)
		}
		var out []string
		for _, p := range got {
			out = append(out, p.Person)
		}
		return out
	}
	evicted := []string{hexOf("bruno"), hexOf("anna")} // without help first
	for _, c := range []struct{ geography, id string }{
		{"h3_10", "8a1f80000000fff"}, {"h3_9", "891f8000000ffff"}, {"h3_8", "881f800000fffff"}, {"h3_7", "871f80000ffffff"}, {"section", "S1"},
	} {
		if got := list(c.geography, c.id, "eviction", s25, e25); !slices.Equal(got, evicted) {
			t.Errorf("evictions in %s %s: %q, want %q", c.geography, c.id, got, evicted)
		}
	}
	if got := list("h3_7", "871f90000ffffff", "eviction", s25, e25); !slices.Equal(got, []string{hexOf("carla")}) {
		t.Errorf("evictions elsewhere: %q, want carla", got)
	}
	if got := list("section", "S1", "mental_health", s25, e25); !slices.Equal(got, []string{hexOf("anna")}) {
		t.Errorf("mental health: %q, want anna", got)
	}
	if got := list("section", "S1", "poverty", s25, e25); !slices.Equal(got, []string{hexOf("dario"), hexOf("anna")}) {
		t.Errorf("poverty domain: %q, want dario then anna", got)
	}
	s24, e24 := year(2024)
	if got := list("section", "S1", "eviction", s24, e24); len(got) != 0 {
		t.Errorf("evictions in 2024: %q, want none", got)
	}

	full, err := r.Targeting(ctx, records.TargetingQuery{Geography: "section", ID: "S1", Need: "eviction", Start: s25, End: e25})
	if err != nil {
		t.Fatal(err)
	}
	if b, a := full[0], full[1]; b.Helped || !a.Helped || b.LastEvent != "2025-05-01" ||
		!slices.Equal(a.Domains, []string{"health", "housing", "poverty"}) || a.LastEvent != "2025-03-01" {
		t.Errorf("list %+v", full)
	}

	for _, q := range []records.TargetingQuery{
		{Geography: "municipality", ID: "036023", Need: "eviction", Start: s25, End: e25},
		{Geography: "section", ID: "", Need: "eviction", Start: s25, End: e25},
		{Geography: "section", ID: "S1", Need: "'; DROP TABLE events; --", Start: s25, End: e25},
		{Geography: "section", ID: "S1", Need: "eviction", Start: e25, End: s25},
	} {
		if _, err := r.Targeting(ctx, q); !errors.Is(err, abitare.Invalid) {
			t.Errorf("%+v: %v, want Invalid", q, err)
		}
	}
}

func TestTargetingNarrowsToWithoutHelpAndHouseholdType(t *testing.T) {
	r := load(t)
	ctx := context.Background()
	base := records.TargetingQuery{Geography: "h3_10", ID: fmt.Sprintf("%x", cell10), Need: "eviction",
		Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	people := func(q records.TargetingQuery) string {
		t.Helper()
		list, err := r.Targeting(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range list {
			h := "-"
			if p.HouseholdType != nil {
				h = *p.HouseholdType
			}
			out = append(out, p.Person[:8]+"/"+h)
		}
		return strings.Join(out, ",")
	}
	anna, bruno := fmt.Sprintf("%x", person("anna"))[:8], fmt.Sprintf("%x", person("bruno"))[:8]
	if got, want := people(base), bruno+"/UNIPERSONALE,"+anna+"/MONOGENITORE"; got != want {
		t.Fatalf("everyone evicted here: %s, want %s", got, want)
	}
	q := base
	q.WithoutHelp = true
	if got, want := people(q), bruno+"/UNIPERSONALE"; got != want {
		t.Fatalf("without help: %s, want %s (Anna had social-services help)", got, want)
	}
	q = base
	q.HouseholdType = "MONOGENITORE"
	if got, want := people(q), anna+"/MONOGENITORE"; got != want {
		t.Fatalf("single parents: %s, want %s", got, want)
	}
	q.HouseholdType = "FAMIGLIA"
	if _, err := r.Targeting(ctx, q); abitare.KindOf(err) != abitare.Invalid {
		t.Fatalf("unknown household type: %v, want invalid", err)
	}
}
