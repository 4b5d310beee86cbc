package customarea

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/stats"
	"github.com/abitare/abitare/migrations/testdb"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/uber/h3-go/v4"
)

// The fixture: a municipality of two sections side by side, S1 (400 residents) and S2 (300);
// point a in S1 and b in S2, each in a resolution-10 cell (150 and 120 residents).
var (
	pointA, pointB = orb.Point{10.915, 44.64}, orb.Point{10.945, 44.64}
	cellA, cellB   = hexgrid.Cell(pointA, 10), hexgrid.Cell(pointB, 10)
)

const keyModulus = 1 << 31

type fixture struct {
	pool *pgxpool.Pool
	keys map[string]int64 // record key by person
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	f := &fixture{pool: db.Pool, keys: map[string]int64{}}
	f.exec(t, `INSERT INTO municipalities VALUES ('M1', 'Testville', ST_GeomFromText('MULTIPOLYGON(((10.9 44.62, 10.96 44.62, 10.96 44.66, 10.9 44.66, 10.9 44.62)))', 4326))`)
	f.exec(t, `INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom) VALUES
		('S1', 'M1', 400, true, ST_GeomFromText('MULTIPOLYGON(((10.9 44.62, 10.93 44.62, 10.93 44.66, 10.9 44.66, 10.9 44.62)))', 4326)),
		('S2', 'M1', 300, true, ST_GeomFromText('MULTIPOLYGON(((10.93 44.62, 10.96 44.62, 10.96 44.66, 10.93 44.66, 10.93 44.62)))', 4326))`)
	stored := map[h3.Cell]bool{}
	for _, c := range []h3.Cell{cellA, cellB} {
		for res := 7; res <= 10; res++ {
			if p := c.Parent(res); !stored[p] {
				stored[p] = true
				f.exec(t, `INSERT INTO h3_cells (cell, resolution, geom) VALUES ($1, $2, ST_GeomFromText($3, 4326))`,
					int64(p), res, wkt.MarshalString(hexgrid.Polygon(p)))
			}
		}
		f.exec(t, `INSERT INTO h3_lineage VALUES ($1, $2, $3, $4)`, int64(c), int64(c.Parent(9)), int64(c.Parent(8)), int64(c.Parent(7)))
	}
	f.exec(t, `INSERT INTO h3_population VALUES ($1, 150), ($2, 120)`, int64(cellA), int64(cellB))
	f.exec(t, `INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		VALUES ('test', 'a.csv', '\x01', 0, 0, 0, 0, 'test')`)
	// Six people with poverty at a, then housing at b: each is placed at b, their latest event
	// in a map domain, and counts once wherever both cells are selected.
	for i := range 6 {
		name := fmt.Sprintf("twice-%d", i)
		f.person(t, name)
		f.event(t, name, "poverty", "2025-02-01", pointA, cellA, "S1")
		f.event(t, name, "housing", "2025-05-01", pointB, cellB, "S2")
	}
	// Three people with poverty at a only, and two with education at a.
	for i := range 3 {
		f.person(t, fmt.Sprintf("a-%d", i))
		f.event(t, fmt.Sprintf("a-%d", i), "poverty", "2025-03-01", pointA, cellA, "S1")
	}
	for i := range 2 {
		f.person(t, fmt.Sprintf("school-%d", i))
		f.event(t, fmt.Sprintf("school-%d", i), "education", "2025-03-01", pointA, cellA, "S1")
	}
	return f
}

func (f *fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (f *fixture) person(t *testing.T, name string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	key := int64(sum[0])<<23 | int64(sum[1])<<15 | int64(sum[2])<<7 | int64(sum[3]>>1) // in [0, 2^31)
	f.keys[name] = key
	f.exec(t, `INSERT INTO people (pseudonym, id_kind, record_key) VALUES ($1, 'cf', $2)`, sum[:], key)
}

func (f *fixture) event(t *testing.T, name, domain, date string, p orb.Point, c h3.Cell, section string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	f.exec(t, `INSERT INTO events (batch_id, person, source, domain, kind, event_date, h3_cell, section_id, geom)
		VALUES (1, $1, 'test', $2, $2, $3::date, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326))`,
		sum[:], domain, date, int64(c), section, p.Lon(), p.Lat())
}

func (f *fixture) release(t *testing.T) {
	t.Helper()
	f.exec(t, `INSERT INTO releases (created_by, method, threshold, parameters, key_id, budget, periods, health_geographies, summary, utility)
		VALUES ('test', 'cell-key', 5, '{"max_deviation": 5, "variance": 3, "zero_probability": 0.1, "min_residents": 100}', 'k', 'n/a',
		        '{2025}', '{omi}', '{}', '{}')`)
}

// asPlanner runs Compute as the planner's database role: the grants of migration 00017 suffice.
func (f *fixture) compute(t *testing.T, q Query) (Result, error) {
	t.Helper()
	ctx := context.Background()
	conn, err := f.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET ROLE abitare_planner`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `RESET ROLE`) //nolint:errcheck // the connection is released either way
	return Compute(ctx, conn, q)
}

func (f *fixture) mustCompute(t *testing.T, q Query) Result {
	t.Helper()
	res, err := f.compute(t, q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	return res
}

func cells(geography string, cs ...h3.Cell) Query {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.String())
	}
	return Query{Period: "2025", Areas: &Areas{Geography: geography, IDs: ids}}
}

func truthOf(res Result, indicator string) count {
	for i, name := range abitare.Indicators {
		if name == indicator {
			return res.truth[i]
		}
	}
	panic(indicator)
}

func figureOf(res Result, indicator string) Figure {
	for _, f := range res.Figures {
		if f.Indicator == indicator {
			return f
		}
	}
	panic(indicator)
}

func TestComputeCountsEachPersonOnce(t *testing.T) {
	f := newFixture(t)
	if _, err := f.compute(t, cells("h3_10", cellA)); abitare.KindOf(err) != abitare.Conflict {
		t.Fatalf("before any release: %v, want a conflict", err)
	}
	f.release(t)

	both := f.mustCompute(t, cells("h3_10", cellA, cellB))
	var twiceKeys, aKeys int64
	for name, k := range f.keys {
		if strings.HasPrefix(name, "twice-") {
			twiceKeys += k
		} else if strings.HasPrefix(name, "a-") {
			aKeys += k
		}
	}
	for _, want := range []struct {
		indicator string
		people    int
		keySum    int64
	}{
		{"poverty", 9, (twiceKeys + aKeys) % keyModulus},
		{"housing", 6, twiceKeys % keyModulus}, // six people with events in both cells, counted once
		{"multi_domain", 6, twiceKeys % keyModulus},
		{"education", 2, (f.keys["school-0"] + f.keys["school-1"]) % keyModulus},
		{"health", 0, 0},
	} {
		if got := truthOf(both, want.indicator); got.people != want.people || got.keySum != want.keySum {
			t.Errorf("both cells, %s: %+v, want %d people with key sum %d", want.indicator, got, want.people, want.keySum)
		}
	}
	// Each person in the cell of their latest event in a map domain: the six are in b only.
	onlyA, onlyB := f.mustCompute(t, cells("h3_10", cellA)), f.mustCompute(t, cells("h3_10", cellB))
	if a, b := truthOf(onlyA, "poverty").people, truthOf(onlyB, "poverty").people; a != 3 || b != 6 {
		t.Errorf("poverty in a alone %d, in b alone %d; want 3 and 6", a, b)
	}
	// A coarser geography and sections give the same people.
	if got := truthOf(f.mustCompute(t, cells("h3_7", cellA.Parent(7), cellB.Parent(7))), "poverty").people; got != 9 {
		t.Errorf("poverty in the resolution-7 cells: %d, want 9", got)
	}
	sections := f.mustCompute(t, Query{Period: "2025", Areas: &Areas{Geography: "section", IDs: []string{"S2", "S1", "S2"}}})
	if got := truthOf(sections, "housing").people; got != 6 || sections.Residents != 700 || strings.Join(sections.IDs, ",") != "S1,S2" {
		t.Errorf("sections: housing %d, residents %v, ids %v; want 6, 700, S1,S2", got, sections.Residents, sections.IDs)
	}
	if q := truthOf(f.mustCompute(t, Query{Period: "2025-Q1", Areas: &Areas{Geography: "section", IDs: []string{"S1"}}}), "housing"); q.people != 0 {
		t.Errorf("housing in the first quarter: %d, want 0 (the evictions are in May)", q.people)
	}
}

func TestComputeRatesAndProtection(t *testing.T) {
	f := newFixture(t)
	f.release(t)
	both := f.mustCompute(t, cells("h3_10", cellA, cellB))
	if both.Residents != 270 || both.Release < 1 || !strings.HasPrefix(both.Protection, "cell-key perturbed") {
		t.Fatalf("residents %v, release %d, protection %q", both.Residents, both.Release, both.Protection)
	}
	var outline struct{ Type string }
	if err := json.Unmarshal(both.Outline, &outline); err != nil || !strings.HasSuffix(outline.Type, "Polygon") {
		t.Errorf("outline %s: %v", both.Outline, err)
	}
	poverty := figureOf(both, "poverty")
	if poverty.Status != abitare.Protected || poverty.People == nil || abs(*poverty.People-9) > 5 {
		t.Fatalf("poverty: %+v, want a protected count within 5 of 9", poverty)
	}
	lo, hi := stats.PoissonExactCI(*poverty.People, 270, 0.95)
	if *poverty.Rate != 1000*float64(*poverty.People)/270 || *poverty.CILow != lo || *poverty.CIHigh != hi {
		t.Errorf("poverty rate %v [%v, %v], want %v [%v, %v]", *poverty.Rate, *poverty.CILow, *poverty.CIHigh,
			1000*float64(*poverty.People)/270, lo, hi)
	}
	if e := figureOf(both, "education"); e.Status != abitare.Withheld || e.People != nil || e.Rate != nil {
		t.Errorf("education (2 people): %+v, want withheld", e)
	}
	if h := figureOf(both, "health"); h.Status != abitare.Protected || h.People == nil || (*h.People != 0 && *h.People != 5) {
		t.Errorf("health (nobody): %+v, want a protected 0 or 5", h)
	}
	// A polygon around a alone holds a handful of residents: every count is withheld.
	small := f.mustCompute(t, polygon(10.914, 44.639, 10.916, 44.641))
	for _, fig := range small.Figures {
		if fig.Status != abitare.Withheld || fig.People != nil {
			t.Errorf("%s in a polygon of %v residents: %+v, want withheld", fig.Indicator, small.Residents, fig)
		}
	}
}

// TestSamePeopleSameNoise: what defeats averaging and differencing. The same query gives the
// same answer, and any selection of the same people (cells, or a polygon around them) too.
func TestSamePeopleSameNoise(t *testing.T) {
	f := newFixture(t)
	f.release(t)
	first := f.mustCompute(t, cells("h3_10", cellA, cellB))
	again := f.mustCompute(t, cells("h3_10", cellB, cellA))
	drawn := f.mustCompute(t, polygon(10.91, 44.635, 10.95, 44.645))
	if math.Round(drawn.Residents) != 117 { // a sixth of S1's 400 and of S2's 300, by area
		t.Errorf("polygon residents %v, want 117", drawn.Residents)
	}
	for _, ind := range []string{"poverty", "housing", "multi_domain"} {
		a, b, c := figureOf(first, ind), figureOf(again, ind), figureOf(drawn, ind)
		if *a.People != *b.People || *a.People != *c.People {
			t.Errorf("%s: %d, again %d, by polygon %d: the same people must give the same count", ind, *a.People, *b.People, *c.People)
		}
	}
}

func polygon(x0, y0, x1, y1 float64) Query {
	return Query{Period: "2025", Polygon: json.RawMessage(fmt.Sprintf(
		`{"type": "Polygon", "coordinates": [[[%g, %g], [%g, %g], [%g, %g], [%g, %g], [%g, %g]]]}`, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0))}
}

func TestBadQueriesSayWhereAndWhy(t *testing.T) {
	f := newFixture(t)
	f.release(t)
	long := `[[`
	for i := range 2001 {
		long += fmt.Sprintf("[%g, 44.64],", 10.91+float64(i)*1e-6)
	}
	long += `[10.91, 44.64]]]`
	many := make([]string, MaxIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("S%d", i)
	}
	for _, tc := range []struct {
		name string
		q    Query
		want []string
	}{
		{"nothing", Query{Period: "2025"}, []string{"areas", "polygon"}},
		{"bad period", Query{Period: "last year", Areas: &Areas{Geography: "section", IDs: []string{"S1"}}}, []string{"period"}},
		{"bad geography", Query{Period: "2025", Areas: &Areas{Geography: "omi", IDs: []string{"S1"}}}, []string{`"omi"`, "section"}},
		{"no ids", Query{Period: "2025", Areas: &Areas{Geography: "section"}}, []string{"0 ids", "1 to 500"}},
		{"too many ids", Query{Period: "2025", Areas: &Areas{Geography: "section", IDs: many}}, []string{"501 ids"}},
		{"unknown section", Query{Period: "2025", Areas: &Areas{Geography: "section", IDs: []string{"S1", "S9"}}}, []string{`"S9"`, "not a census section"}},
		{"not hex", Query{Period: "2025", Areas: &Areas{Geography: "h3_9", IDs: []string{"zz"}}}, []string{"id 1", `"zz"`, "H3"}},
		{"wrong resolution", cells("h3_9", cellA), []string{cellA.String(), "resolution 9"}},
		{"not GeoJSON", Query{Period: "2025", Polygon: json.RawMessage(`{"type": "Point", "coordinates": [10.9, 44.6]}`)}, []string{`"Point"`, "Polygon"}},
		{"open ring", Query{Period: "2025", Polygon: json.RawMessage(
			`{"type": "Polygon", "coordinates": [[[10.91, 44.63], [10.92, 44.63], [10.92, 44.64], [10.91, 44.64]]]}`)},
			[]string{"polygon 1, ring 1", "not closed"}},
		{"bad vertex", Query{Period: "2025", Polygon: json.RawMessage(
			`{"type": "MultiPolygon", "coordinates": [[[[10.91, 44.63], [10.92, 44.63], [10.92, 44.64], [10.91, 44.63]]], [[[10.91, 44.63], [10.92, 44.63], [210, 44.64], [10.91, 44.63]]]]}`)},
			[]string{"polygon 2, ring 1, vertex 3", "not a WGS84"}},
		{"too many vertices", Query{Period: "2025", Polygon: json.RawMessage(`{"type": "Polygon", "coordinates": ` + long + `}`)}, []string{"more than 2000"}},
		{"bow tie", Query{Period: "2025", Polygon: json.RawMessage(
			`{"type": "Polygon", "coordinates": [[[10.91, 44.63], [10.92, 44.64], [10.92, 44.63], [10.91, 44.64], [10.91, 44.63]]]}`)},
			[]string{"not a valid geometry", "Self-intersection", "(10.915, 44.635)"}},
		{"outside", polygon(10.95, 44.63, 10.97, 44.64), []string{"ring 1, vertex 2", "(10.97, 44.63)", "outside the study area"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.compute(t, tc.q)
			if err == nil || !errors.Is(err, abitare.Invalid) {
				t.Fatalf("error %v, want an invalid request", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
