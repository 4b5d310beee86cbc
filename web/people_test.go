package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/linkage"
	"github.com/abitare/abitare/records"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/xuri/excelize/v2"
)

// calls is the order in which a handler wrote the audit trail and read: "audit <action>
// <target>" and "read <what>".
type calls struct {
	mu  sync.Mutex
	log []string
}

func (c *calls) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, s)
}

func (c *calls) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.log)
}

// read notes a read, failing the test when no audit entry was written before it.
func (c *calls) read(t *testing.T, what string) {
	t.Helper()
	if !slices.ContainsFunc(c.list(), func(s string) bool { return strings.HasPrefix(s, "audit ") }) {
		t.Errorf("read %s before the audit entry was written", what)
	}
	c.add("read " + what)
}

// trail stands in for the database's audit_append (Backend.Trail).
type trail struct {
	calls *calls
	fail  bool
}

func (f *trail) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errors.New("not used")
}

func (f *trail) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errors.New("not used")
}

func (f *trail) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	if f.fail {
		return fakeRow{err: errors.New("database down")}
	}
	if !strings.Contains(sql, "audit_append") {
		return fakeRow{err: errors.New("unexpected query " + sql)}
	}
	f.calls.add("audit " + args[2].(string) + " " + args[3].(string))
	return fakeRow{seq: 1}
}

// fakeReaders fake the read layers, answering err when set.
type fakeReaders struct {
	t     *testing.T
	calls *calls
	err   error
	// asked is the last targeting query.
	asked records.TargetingQuery
}

func (f *fakeReaders) Timeline(_ context.Context, person []byte) ([]records.Event, error) {
	f.calls.read(f.t, "timeline")
	if f.err != nil {
		return nil, f.err
	}
	cell, stage := "8a1f80000000fff", "notice"
	return []records.Event{
		{Date: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), Source: "health", Domain: "health", Kind: "mental_health", Placement: "none", Batch: 2},
		{Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Source: "housing_office", Domain: "housing", Kind: "eviction", Stage: &stage, H3Cell: &cell, Placement: "coordinates", Batch: 1},
	}, nil
}

func (f *fakeReaders) Targeting(_ context.Context, q records.TargetingQuery) ([]records.Targeted, error) {
	f.calls.read(f.t, "targeting")
	f.asked = q
	if f.err != nil {
		return nil, f.err
	}
	return []records.Targeted{{Person: strings.Repeat("ab", 32), Domains: []string{"housing"}, Helped: false, LastEvent: "2025-05-01"}}, nil
}

func (f *fakeReaders) Users(context.Context) ([]auth.User, error) {
	f.calls.read(f.t, "users")
	return []auth.User{{ID: 1, Username: "ada", Role: auth.Administrator}}, f.err
}

func (f *fakeReaders) Tokens(context.Context) ([]auth.Token, error) {
	f.calls.read(f.t, "tokens")
	return []auth.Token{{ID: 1, Username: "ada", Name: "export"}}, f.err
}

func (f *fakeReaders) Audit(context.Context, audit.Filter) ([]audit.Entry, error) {
	f.calls.read(f.t, "audit")
	return []audit.Entry{{Seq: 1, Event: audit.Event{Actor: "ada", Action: "list users"}}}, f.err
}

func (f *fakeReaders) CustomAreaAudit(_ context.Context, actor string, since time.Time) (audit.CustomAreaReport, error) {
	f.calls.read(f.t, "custom areas")
	rep, _ := audit.ReportCustomAreas(actor, nil, nil)
	rep.Since = since
	return rep, f.err
}

func (f *fakeReaders) VerifyAudit(context.Context) (audit.Report, error) {
	f.calls.read(f.t, "verify")
	return audit.Report{}, f.err
}

func (f *fakeReaders) Releases(context.Context) ([]profile.Release, error) {
	f.calls.read(f.t, "releases")
	return []profile.Release{}, f.err
}

func (f *fakeReaders) Report(context.Context) (linkage.Report, error) {
	f.calls.read(f.t, "linkage")
	return linkage.Report{}, f.err
}

func (f *fakeReaders) Key(context.Context) (linkage.Key, error) {
	f.calls.read(f.t, "key")
	if f.err != nil {
		return linkage.Key{}, f.err
	}
	return linkage.Key{Fingerprint: "c0ffee", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, nil
}

// fixture is a Server whose every role reads from the fakes and audits to a fake trail.
type fixture struct {
	s      *Server
	calls  *calls
	trail  *trail
	reader *fakeReaders
}

func newFixture(t *testing.T) *fixture {
	c := &calls{}
	f := &fixture{calls: c, trail: &trail{calls: c}, reader: &fakeReaders{t: t, calls: c}}
	backends := Backends{}
	for _, role := range auth.Roles {
		backends[role] = &Backend{Trail: f.trail, Records: f.reader, Admin: f.reader, Linkage: f.reader}
	}
	f.s = &Server{backends: backends, logger: slog.New(slog.NewTextHandler(io.Discard, nil)), metrics: newMetrics(backends, nil)}
	return f
}

// get serves one request as a role through the route's handler.
func (f *fixture) get(role auth.Role, url string) *httptest.ResponseRecorder {
	router := chi.NewRouter()
	for _, route := range f.s.Routes() {
		router.Method(route.Method, route.Pattern, route.handler)
	}
	req := httptest.NewRequest("GET", url, nil)
	req = req.WithContext(auth.WithPrincipal(req.Context(), auth.Principal{User: "hugo", Role: role, Via: "session"}))
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	return rec
}

// decode reads a JSON object answer.
func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v: %s", rec.Code, err, rec.Body)
	}
	return out
}

// wantError checks the status and the one error shape, {"error": ..., "code": ...}.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code abitare.Kind) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	body := decode(t, rec)
	if len(body) != 2 || body["code"] != string(code) || body["error"] == "" || body["error"] == nil {
		t.Errorf("error answer %v, want {error, code: %s}", body, code)
	}
	return body
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

const purposeQuery = "purpose=eviction+prevention+case+review"

func TestTimelineAuditsThenReads(t *testing.T) {
	f := newFixture(t)
	person := strings.Repeat("AB", 32) // any spelling: audited under the canonical lower case
	rec := f.get(auth.HousingOffice, "/api/people/"+person+"/timeline?"+purposeQuery)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got, want := f.calls.list(), []string{"audit timeline person/" + strings.ToLower(person), "read timeline"}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	body := decode(t, rec)
	if got := keys(body); !slices.Equal(got, []string{"events", "person"}) || body["person"] != strings.ToLower(person) {
		t.Errorf("answer %v", body)
	}
	events := body["events"].([]any)
	want := []string{"amount", "batch", "date", "domain", "end_date", "h3_cell", "kind", "location_quality", "section", "source", "stage"}
	if len(events) != 2 || !slices.Equal(keys(events[0].(map[string]any)), want) {
		t.Errorf("events %v, want keys %v", events, want)
	}
	if e := events[1].(map[string]any); e["h3_cell"] != "8a1f80000000fff" || e["date"] != "2025-03-01T00:00:00Z" || e["stage"] != "notice" {
		t.Errorf("event %v", e)
	}
}

func TestTimelineRefusals(t *testing.T) {
	for _, c := range []struct {
		name, url string
		status    int
		code      abitare.Kind
		audited   bool
	}{
		{"short pseudonym", "/api/people/abcd/timeline?" + purposeQuery, 400, abitare.Invalid, false},
		{"not hexadecimal", "/api/people/" + strings.Repeat("zz", 32) + "/timeline?" + purposeQuery, 400, abitare.Invalid, false},
		{"a fiscal code", "/api/people/RSSMRA80A01F257X/timeline?" + purposeQuery, 400, abitare.Invalid, false},
		{"no purpose", "/api/people/" + strings.Repeat("ab", 32) + "/timeline", 400, abitare.Invalid, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			wantError(t, f.get(auth.HousingOffice, c.url), c.status, c.code)
			if got := f.calls.list(); len(got) != 0 {
				t.Errorf("a refused request was audited or read: %q", got)
			}
		})
	}

	t.Run("unknown person", func(t *testing.T) {
		f := newFixture(t)
		f.reader.err = abitare.Errorf(abitare.NotFound, "no events for this person")
		body := wantError(t, f.get(auth.HousingOffice, "/api/people/"+strings.Repeat("ab", 32)+"/timeline?"+purposeQuery), 404, abitare.NotFound)
		if body["error"] != "no events for this person" {
			t.Errorf("error %v", body)
		}
		if got := f.calls.list(); len(got) != 2 {
			t.Errorf("calls %q: the access is audited even when nothing is found", got)
		}
	})

	t.Run("audit trail down", func(t *testing.T) {
		f := newFixture(t)
		f.trail.fail = true
		wantError(t, f.get(auth.HousingOffice, "/api/people/"+strings.Repeat("ab", 32)+"/timeline?"+purposeQuery), 503, abitare.Unavailable)
		if got := f.calls.list(); len(got) != 0 {
			t.Errorf("read without an audit entry: %q", got)
		}
	})

	t.Run("database error", func(t *testing.T) {
		f := newFixture(t)
		f.reader.err = errors.New("read timeline: connection reset by 10.0.0.5")
		body := wantError(t, f.get(auth.HousingOffice, "/api/people/"+strings.Repeat("ab", 32)+"/timeline?"+purposeQuery), 500, abitare.Internal)
		if body["error"] != "internal error" {
			t.Errorf("internal details shown: %v", body)
		}
	})
}

func TestTargetingAuditsThenReads(t *testing.T) {
	f := newFixture(t)
	rec := f.get(auth.HousingOffice, "/api/targeting?geography=h3_8&id=881f800000fffff&need=eviction&period=2025-Q2&"+purposeQuery)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got, want := f.calls.list(), []string{"audit targeting list h3_8/881f800000fffff/eviction/2025-Q2", "read targeting"}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	want := records.TargetingQuery{Geography: "h3_8", ID: "881f800000fffff", Need: "eviction",
		Start: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)}
	if q := f.reader.asked; q.Geography != want.Geography || q.ID != want.ID || q.Need != want.Need || !q.Start.Equal(want.Start) || !q.End.Equal(want.End) {
		t.Errorf("asked %+v, want %+v", q, want)
	}
	body := decode(t, rec)
	if got := keys(body); !slices.Equal(got, []string{"geography", "household_type", "id", "need", "order", "people", "period", "without_help"}) || body["period"] != "2025-Q2" {
		t.Errorf("answer %v", body)
	}
	people := body["people"].([]any)
	if len(people) != 1 || !slices.Equal(keys(people[0].(map[string]any)), []string{"domains", "helped", "household_type", "last_event", "person"}) {
		t.Errorf("people %v", people)
	}
}

func TestTargetingExportIsAnAuditedWorkbookWithItsFilters(t *testing.T) {
	f := newFixture(t)
	rec := f.get(auth.HousingOffice, "/api/targeting?geography=section&id=S1&need=eviction&period=2025&without_help=true&household_type=MONOGENITORE&format=xlsx&lang=en&"+purposeQuery)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("status %d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if got, want := f.calls.list(), []string{"audit targeting list export section/S1/eviction/2025/without_help/MONOGENITORE", "read targeting"}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if q := f.reader.asked; !q.WithoutHelp || q.HouseholdType != "MONOGENITORE" {
		t.Errorf("asked %+v, want the filters passed on", q)
	}
	wb, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer wb.Close()
	if rows, _ := wb.GetRows("List"); len(rows) != 2 {
		t.Errorf("list sheet %q, want a header and the one person", rows)
	}
	for _, bad := range []string{"without_help=perhaps", "format=pdf", "lang=de"} {
		rec := f.get(auth.HousingOffice, "/api/targeting?geography=section&id=S1&need=eviction&period=2025&"+bad+"&"+purposeQuery)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, rec.Code)
		}
	}
}

func TestTargetingRefusals(t *testing.T) {
	for _, c := range []struct{ name, query string }{
		{"unknown geography", "geography=municipality&id=036023&need=eviction&period=2025&" + purposeQuery},
		{"no id", "geography=section&need=eviction&period=2025&" + purposeQuery},
		{"unknown need", "geography=section&id=S1&need=homelessness&period=2025&" + purposeQuery},
		{"need as SQL", "geography=section&id=S1&need=eviction'+OR+true--&period=2025&" + purposeQuery},
		{"bad period", "geography=section&id=S1&need=eviction&period=2025-Q5&" + purposeQuery},
		{"no purpose", "geography=section&id=S1&need=eviction&period=2025"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			wantError(t, f.get(auth.HousingOffice, "/api/targeting?"+c.query), 400, abitare.Invalid)
			if got := f.calls.list(); len(got) != 0 {
				t.Errorf("a refused request was audited or read: %q", got)
			}
		})
	}
	t.Run("invalid from the read layer", func(t *testing.T) {
		f := newFixture(t)
		f.reader.err = abitare.Errorf(abitare.Invalid, "the period must end after it starts")
		wantError(t, f.get(auth.HousingOffice, "/api/targeting?geography=section&id=S1&need=poverty&period=2025&"+purposeQuery), 400, abitare.Invalid)
	})
}

func TestAdminAndLinkageAuditThenRead(t *testing.T) {
	for _, c := range []struct {
		role       auth.Role
		url, read  string
		answerKeys []string
	}{
		{auth.Administrator, "/api/admin/users", "users", []string{"users"}},
		{auth.Administrator, "/api/admin/tokens", "tokens", []string{"tokens"}},
		{auth.Administrator, "/api/admin/audit?actor=ada&limit=10", "audit", []string{"entries", "retention"}},
		{auth.Administrator, "/api/admin/audit/verify", "verify", []string{"ok", "report"}},
		{auth.Administrator, "/api/admin/audit/custom-areas?actor=mallory&since=24h", "custom areas", []string{"actor", "differencing",
			"isolated", "one_unit", "one_unit_pairs", "queries", "selections", "since", "summary", "two_unit", "two_unit_pairs", "unreadable", "unresolved"}},
		{auth.Administrator, "/api/admin/releases", "releases", []string{"releases"}},
		{auth.LinkageOfficer, "/api/linkage", "linkage", []string{"kinds", "people_by_sources", "sources"}},
		{auth.LinkageOfficer, "/api/linkage/key", "key", []string{"created_at", "fingerprint", "note"}},
	} {
		t.Run(c.url, func(t *testing.T) {
			f := newFixture(t)
			rec := f.get(c.role, c.url)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			got := f.calls.list()
			if len(got) != 2 || !strings.HasPrefix(got[0], "audit ") || got[1] != "read "+c.read {
				t.Errorf("calls %q, want the audit entry then the read", got)
			}
			if body := decode(t, rec); !slices.Equal(keys(body), c.answerKeys) {
				t.Errorf("answer %v, want keys %v", body, c.answerKeys)
			}

			f = newFixture(t)
			f.reader.err = errors.New("database down")
			wantError(t, f.get(c.role, c.url), 500, abitare.Internal)
		})
	}

	t.Run("no key yet", func(t *testing.T) {
		f := newFixture(t)
		f.reader.err = abitare.Errorf(abitare.NotFound, "no linkage key yet")
		rec := f.get(auth.LinkageOfficer, "/api/linkage/key")
		if body := decode(t, rec); rec.Code != 200 || !slices.Equal(keys(body), []string{"key", "note"}) || body["key"] != nil {
			t.Errorf("before any load: %d %v", rec.Code, body)
		}
	})
	t.Run("bad since", func(t *testing.T) {
		f := newFixture(t)
		wantError(t, f.get(auth.Administrator, "/api/admin/audit?since=yesterday"), 400, abitare.Invalid)
		wantError(t, f.get(auth.Administrator, "/api/admin/audit/custom-areas?actor=mallory&since=yesterday"), 400, abitare.Invalid)
		body := wantError(t, f.get(auth.Administrator, "/api/admin/audit/custom-areas?since=24h"), 400, abitare.Invalid)
		if !strings.Contains(body["error"].(string), "actor") {
			t.Errorf("no actor: %v", body)
		}
		if got := f.calls.list(); len(got) != 0 {
			t.Errorf("a refused request was audited or read: %q", got)
		}
	})
}
