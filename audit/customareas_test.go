package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/geo/customarea"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/uber/h3-go/v4"
)

func sectionQuery(period string, ids ...string) customarea.Query {
	return customarea.Query{Period: period, Areas: &customarea.Areas{Geography: "section", IDs: ids}}
}

func target(t testing.TB, q customarea.Query) string {
	t.Helper()
	s, err := q.AuditTarget()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCustomAreaAuditTargetIsTheWholeSelection(t *testing.T) {
	ids := []string{"S9", "S1", "S5", "S1", "S3", "S7"}
	got := target(t, sectionQuery("2025", ids...))
	want := `{"geography":"section","period":"2025","digest":"sha256:`
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, `"ids":["S1","S3","S5","S7","S9"]}`) {
		t.Fatalf("target %s: want every id, sorted and once, after the digest", got)
	}
	// The digest is of the selection, whatever the order or the period.
	again := target(t, sectionQuery("2025-Q2", "S7", "S5", "S3", "S9", "S1"))
	if digestOf(t, again) != digestOf(t, got) || strings.Contains(again, `"2025"`) {
		t.Errorf("the same selection in another order and period: %s vs %s", again, got)
	}
	if digestOf(t, target(t, sectionQuery("2025", "S1", "S3", "S5", "S7"))) == digestOf(t, got) {
		t.Error("selections one unit apart have the same digest")
	}
	// H3 ids in canonical form (as the aggregates store them).
	h3 := target(t, customarea.Query{Period: "2025", Areas: &customarea.Areas{Geography: "h3_10", IDs: []string{"08A1F80000000FFF"}}})
	if !strings.Contains(h3, `"ids":["8a1f80000000fff"]`) {
		t.Errorf("H3 target %s", h3)
	}
	// A polygon: its GeoJSON, as a MultiPolygon without altitude.
	poly := customarea.Query{Period: "2025", Polygon: json.RawMessage(`{"type": "Polygon", "coordinates": [[[10.9, 44.6, 30], [10.95, 44.6], [10.95, 44.65], [10.9, 44.6]]]}`)}
	p := target(t, poly)
	if !strings.Contains(p, `"polygon":{"type":"MultiPolygon","coordinates":[[[[10.9,44.6],[10.95,44.6],[10.95,44.65],[10.9,44.6]]]]}`) {
		t.Errorf("polygon target %s", p)
	}
	for _, tgt := range []string{got, h3, p} {
		s, err := customarea.ParseAuditTarget(tgt)
		if err != nil || s.Target() != tgt {
			t.Errorf("ParseAuditTarget(%s) = %+v, %v: want it back", tgt, s, err)
		}
	}
	// Refused: no period, a bad selection; not a selection: the old short label, a changed id.
	if _, err := sectionQuery("", "S1").AuditTarget(); err == nil {
		t.Error("no period accepted")
	}
	if _, err := sectionQuery("2025").AuditTarget(); err == nil {
		t.Error("no ids accepted")
	}
	for _, bad := range []string{"section S1,S3,S5 +2/2025", strings.Replace(got, `"S9"`, `"S8"`, 1), `{"geography":"section"}`} {
		if _, err := customarea.ParseAuditTarget(bad); !errors.Is(err, customarea.ErrNotAuditTarget) {
			t.Errorf("ParseAuditTarget(%s): %v, want ErrNotAuditTarget", bad, err)
		}
	}
}

func digestOf(t *testing.T, target string) string {
	t.Helper()
	var s customarea.AuditSelection
	if err := json.Unmarshal([]byte(target), &s); err != nil || !strings.HasPrefix(s.Digest, "sha256:") || len(s.Digest) != 7+64 {
		t.Fatalf("target %s: digest %q, %v", target, s.Digest, err)
	}
	return s.Digest
}

// attack is the entries of a differencing attack on unit tgt: a pool of shown units, and for
// each of k shown units S_i, the pool with S_i, and the pool with tgt and S_i.
func attack(t testing.TB, period, tgt string, pool []string, k int) []string {
	var out []string
	for i := range k {
		s := fmt.Sprintf("SHOWN%02d", i)
		out = append(out, target(t, sectionQuery(period, append(slices.Clone(pool), s)...)),
			target(t, sectionQuery(period, append(slices.Clone(pool), tgt, s)...)))
	}
	return out
}

func TestCustomAreaReportNamesTheIsolatedUnit(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	// Two H3 10 cells, for a polygon drawn around one of them.
	c, d := hexgrid.Cell(orb.Point{10.92, 44.64}, 10), hexgrid.Cell(orb.Point{10.93, 44.645}, 10)
	for _, cell := range []int64{int64(c), int64(d)} {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO h3_cells (cell, resolution, geom) VALUES ($1, 10, ST_GeomFromText($2, 4326))`,
			cell, wkt.MarshalString(hexgrid.Polygon(h3.Cell(cell)))); err != nil {
			t.Fatal(err)
		}
	}
	centre := h3.Cell(int64(c)).LatLng()
	around := fmt.Sprintf(`{"type": "Polygon", "coordinates": [[[%[1]f, %[2]f], [%[3]f, %[2]f], [%[3]f, %[4]f], [%[1]f, %[4]f], [%[1]f, %[2]f]]]}`,
		centre.Lng-0.0005, centre.Lat-0.0005, centre.Lng+0.0005, centre.Lat+0.0005)

	pool := []string{"P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10"}
	write := func(actor, action, tgt string) {
		t.Helper()
		if _, err := audit.Append(ctx, db.Pool, audit.Event{Actor: actor, Role: "planner", Action: action, Target: tgt}); err != nil {
			t.Fatal(err)
		}
	}
	innocent := []string{
		target(t, sectionQuery("2025", "A1", "A2", "A3")),
		target(t, sectionQuery("2025", "A1", "A2", "A3")), // asked again
		target(t, sectionQuery("2025-Q1", "A1", "A2")),    // one fewer, but in another period
		target(t, sectionQuery("2025", "B1", "B2", "B3", "B4")),
		target(t, sectionQuery("2025", "B1", "B2", "B3", "B4", "B5", "B6")), // two more
		target(t, sectionQuery("2025", "C1", "C2", "C3")),
		target(t, sectionQuery("2025", "C1", "C2", "C4")), // one swapped
		target(t, sectionQuery("2025", "D1", "D2")),
		target(t, sectionQuery("2025", "D1", "D2", "D3")), // a selection grown by one click: isolates D3 once
		target(t, customarea.Query{Period: "2025", Areas: &customarea.Areas{Geography: "h3_10", IDs: []string{c.String(), d.String()}}}),
		target(t, customarea.Query{Period: "2025", Polygon: json.RawMessage(around)}), // its cell c: isolates d once
		"section A1,A2,A3/2025", // an entry written before whole selections were recorded
	}
	for i, tgt := range attack(t, "2025", "TARGET", pool, 12) {
		write("mallory", []string{"custom area", "custom area report"}[i%2], tgt)
		if i%5 == 0 {
			write("pia", "custom area", innocent[i%len(innocent)])
		}
	}
	for _, tgt := range innocent {
		write("pia", "custom area", tgt)
	}
	write("pia", "area profile", "section/P01/2025")

	rep, err := audit.CustomAreas(ctx, db.Pool, "mallory", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Queries != 24 || rep.Selections != 24 || rep.OneUnitPairs != 12 || !rep.Differencing {
		t.Fatalf("attacker's report: %d queries, %d selections, %d one-unit pairs, differencing %v; want 24, 24, 12, true: %s",
			rep.Queries, rep.Selections, rep.OneUnitPairs, rep.Differencing, rep.Summary)
	}
	if len(rep.Isolated) != 1 || rep.Isolated[0].Unit != "TARGET" || rep.Isolated[0].Pairs != 12 {
		t.Errorf("isolated %+v, want TARGET in 12 pairs", rep.Isolated)
	}
	// P + S_i and P + S_j differ by two (as do P + T + S_i and P + T + S_j): 2 * (12 choose 2).
	if rep.TwoUnitPairs != 2*66 {
		t.Errorf("%d pairs differ by two units, want %d", rep.TwoUnitPairs, 2*66)
	}
	want := "DIFFERENCING PATTERN: mallory: 24 custom-area queries, 24 different selections: 12 pairs of selections differ by one unit: section TARGET was isolated 12 times"
	if !strings.HasPrefix(rep.Summary, want) {
		t.Errorf("summary %q\nwant it to start %q", rep.Summary, want)
	}
	p := rep.OneUnit[0]
	if p.Geography != "section" || p.Period != "2025" || len(p.OnlyInA)+len(p.OnlyInB) != 1 || p.A.Units+p.B.Units != 23 {
		t.Errorf("first pair %+v", p)
	}

	rep, err = audit.CustomAreas(ctx, db.Pool, "pia", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Differencing || rep.Unreadable != 1 || rep.Unresolved != 0 || strings.Contains(rep.Summary, "TARGET") || strings.Contains(rep.Summary, "DIFFERENCING") {
		t.Fatalf("innocent report: %+v", rep)
	}
	var isolated []string
	for _, u := range rep.Isolated {
		isolated = append(isolated, u.Geography+" "+u.Unit)
		if u.Pairs != 1 {
			t.Errorf("innocent unit %s isolated %d times", u.Unit, u.Pairs)
		}
	}
	slices.Sort(isolated)
	if !slices.Equal(isolated, []string{"h3_10 " + d.String(), "section D3"}) {
		t.Errorf("innocent isolated units %v, want D3 (a click) and the polygon's neighbour", isolated)
	}
	if rep.TwoUnitPairs != 2 { // B4 -> B6, and C3 swapped for C4
		t.Errorf("innocent two-unit pairs %d: %+v", rep.TwoUnitPairs, rep.TwoUnit)
	}
	for _, a := range []string{"A1", "A2", "A3", "P01"} {
		if strings.Contains(rep.Summary, a) {
			t.Errorf("summary names %s: %s", a, rep.Summary)
		}
	}

	// Since: nothing after now.
	if rep, err := audit.CustomAreas(ctx, db.Pool, "mallory", time.Now().Add(time.Minute)); err != nil || rep.Queries != 0 ||
		!strings.Contains(rep.Summary, "no two selections differ by one unit") {
		t.Errorf("report of the future: %+v, %v", rep, err)
	}
}

// Thousands of queries, some of them large, are reported on quickly.
func TestCustomAreaReportScales(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var entries []audit.Entry
	add := func(tgt string) {
		entries = append(entries, audit.Entry{Seq: int64(len(entries) + 1), Event: audit.Event{Action: "custom area", Target: tgt}})
	}
	for range 3000 {
		n := 1 + rng.IntN(60)
		if rng.IntN(20) == 0 {
			n = 300 + rng.IntN(200)
		}
		ids := make([]string, n)
		for k := range ids {
			ids[k] = fmt.Sprintf("U%05d", rng.IntN(20000))
		}
		add(target(t, sectionQuery("2025", ids...)))
	}
	pool := make([]string, 400)
	for i := range pool {
		pool[i] = fmt.Sprintf("P%03d", i)
	}
	for _, tgt := range attack(t, "2025", "TARGET", pool, 40) {
		add(tgt)
	}
	start := time.Now()
	rep, err := audit.ReportCustomAreas("mallory", entries, nil)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if rep.Queries != 3080 || !rep.Differencing || rep.Isolated[0].Unit != "TARGET" || rep.Isolated[0].Pairs != 40 {
		t.Fatalf("report: %s", rep.Summary)
	}
	if elapsed > 10*time.Second {
		t.Errorf("3,080 queries took %v", elapsed)
	}
	t.Logf("3,080 queries in %v: %s", elapsed, rep.Summary)
}
