package customarea

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/stats"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/uber/h3-go/v4"
)

// The fixture: a municipality of two sections side by side, S1 (400 residents) and S2 (300);
// point a in S1 and b in S2, each in a resolution-10 cell (150 and 120 residents). The
// aggregates of 2025 (area_indicators) are written directly: poverty 9 in S1 (a: 9) and 6 in
// S2 (b: 6), housing 3 in S2 and in b, withheld there and published as 5 (S2) or not at all
// (b: under the public minimum of residents); education 2 in S1 and a, withheld, published as 0
// (S1) or not at all (a).
var (
	pointA, pointB = orb.Point{10.915, 44.64}, orb.Point{10.945, 44.64}
	cellA, cellB   = hexgrid.Cell(pointA, 10), hexgrid.Cell(pointB, 10)
)

type fixture struct {
	pool *pgxpool.Pool
}

// figures of the fixture: geography, area, indicator -> true count, cell key, withheld.
type fixtureFigure struct {
	geography, area, indicator string
	people                     int
	withheld                   bool
	published                  int // in the public release; -1: not published
}

func fixtureFigures() []fixtureFigure {
	a, b := cellA.String(), cellB.String()
	return []fixtureFigure{
		{"section", "S1", "poverty", 9, false, 11},
		{"section", "S2", "poverty", 6, false, 5},
		{"section", "S2", "housing", 3, true, 5},
		{"section", "S1", "education", 2, true, 0},
		{"h3_10", a, "poverty", 9, false, 8},
		{"h3_10", b, "poverty", 6, false, 6},
		{"h3_10", b, "housing", 3, true, -1},
		{"h3_10", a, "education", 2, true, -1},
		{"h3_7", cellA.Parent(7).String(), "poverty", 9, false, 9},
		{"h3_7", cellB.Parent(7).String(), "poverty", 6, false, 7},
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	f := &fixture{pool: db.Pool}
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
	for _, fig := range fixtureFigures() {
		f.exec(t, `INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, unstable)
			VALUES ($1, $2, '2025', $3, $4, 100, false)`, fig.geography, fig.area, fig.indicator, fig.people)
		if fig.withheld {
			f.exec(t, `INSERT INTO withheld_figures (geography, area_id, period, figure, secondary) VALUES ($1, $2, '2025', $3, false)`,
				fig.geography, fig.area, fig.indicator)
		}
	}
	return f
}

func (f *fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (f *fixture) release(t *testing.T) {
	t.Helper()
	f.exec(t, `INSERT INTO releases (created_by, method, threshold, parameters, key_id, budget, periods, health_geographies, summary, utility)
		VALUES ('test', 'cell-key', 5, '{"max_deviation": 5, "variance": 3, "zero_probability": 0.1, "min_residents": 100}', 'k', 'n/a',
		        '{2025}', '{omi}', '{}', '{}')`)
	for _, fig := range fixtureFigures() {
		if fig.published >= 0 {
			f.exec(t, `INSERT INTO released_indicators (release_id, geography, area_id, period, indicator, residents, people, status)
				VALUES ((SELECT max(id) FROM releases), $1, $2, '2025', $3, 100, $4, 'protected')`, fig.geography, fig.area, fig.indicator, fig.published)
		}
	}
}

// compute runs Compute as the planner's database role: its grants suffice.
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

func sections(ids ...string) Query {
	return Query{Period: "2025", Areas: &Areas{Geography: "section", IDs: ids}}
}

func truthOf(res Result, indicator string) int {
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

func defaultTable(t *testing.T) *cellkey.Table {
	t.Helper()
	table, err := cellkey.New(cellkey.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// TestSumOfShownUnitsIsTrue: a selection of shown units answers their true sum, as published
// (a planner could add it up), with its rate and interval.
func TestSumOfShownUnitsIsTrue(t *testing.T) {
	f := newFixture(t)
	if _, err := f.compute(t, sections("S1")); abitare.KindOf(err) != abitare.Conflict {
		t.Fatalf("before any release: %v, want a conflict", err)
	}
	f.release(t)
	both := f.mustCompute(t, sections("S2", "S1", "S2"))
	if both.Residents != 700 || strings.Join(both.IDs, ",") != "S1,S2" || both.Release < 1 {
		t.Fatalf("residents %v, ids %v, release %d", both.Residents, both.IDs, both.Release)
	}
	poverty := figureOf(both, "poverty")
	if poverty.Status != abitare.Shown || poverty.People == nil || *poverty.People != 15 || poverty.PerturbedUnits != 0 {
		t.Fatalf("poverty: %+v, want the published true sum 15", poverty)
	}
	lo, hi := stats.PoissonExactCI(15, 700, 0.95)
	if *poverty.Rate != 1000*15.0/700 || *poverty.CILow != lo || *poverty.CIHigh != hi {
		t.Errorf("poverty rate %v [%v, %v], want %v [%v, %v]", *poverty.Rate, *poverty.CILow, *poverty.CIHigh, 1000*15.0/700, lo, hi)
	}
	if h := figureOf(both, "health"); h.Status != abitare.Shown || h.People == nil || *h.People != 0 {
		t.Errorf("health (nobody): %+v, want a published 0", h)
	}
	if got := *figureOf(f.mustCompute(t, cells("h3_7", cellA.Parent(7), cellB.Parent(7))), "poverty").People; got != 15 {
		t.Errorf("poverty in the resolution-7 cells: %d, want 15", got)
	}
	var outline struct{ Type string }
	if err := json.Unmarshal(both.Outline, &outline); err != nil || !strings.HasSuffix(outline.Type, "Polygon") {
		t.Errorf("outline %s: %v", both.Outline, err)
	}
}

// TestWithheldUnitsEnterWithTheirPublicFigure: a withheld unit adds its figure in the public
// release, the same in every selection, so the difference of two answers is never more than a
// figure the planner reads there; a withheld unit the release does not publish withholds the
// figure.
func TestWithheldUnitsEnterWithTheirPublicFigure(t *testing.T) {
	f := newFixture(t)
	f.release(t)
	alone := figureOf(f.mustCompute(t, sections("S2")), "housing")
	both := figureOf(f.mustCompute(t, sections("S1", "S2")), "housing")
	for name, got := range map[string]Figure{"S2": alone, "S1+S2": both} {
		if got.Status != abitare.Protected || got.People == nil || *got.People != 5 || got.PerturbedUnits != 1 {
			t.Errorf("housing of %s: %+v, want protected 5 (S2's public figure) from one withheld unit", name, got)
		}
	}
	if got := figureOf(f.mustCompute(t, sections("S1", "S2")), "education"); got.People == nil || *got.People != 0 {
		t.Errorf("education of S1+S2: %+v, want S1's public 0", got)
	}
	cellsBoth := f.mustCompute(t, cells("h3_10", cellA, cellB))
	for _, ind := range []string{"housing", "education"} {
		if got := figureOf(cellsBoth, ind); got.Status != abitare.Withheld || got.People != nil || got.UnpublishedUnits != 1 {
			t.Errorf("%s of a+b: %+v, want withheld: a withheld cell has no public figure", ind, got)
		}
	}
	if got := figureOf(cellsBoth, "poverty"); got.Status != abitare.Shown || *got.People != 15 {
		t.Errorf("poverty of a+b: %+v, want the published true 15", got)
	}
	if truthOf(cellsBoth, "education") != 2 || truthOf(cellsBoth, "housing") != 3 {
		t.Errorf("truth: %v", cellsBoth.truth)
	}
}

// TestPolygonIsItsCells: a drawn polygon is answered as the H3 10 cells whose centres lie in it.
func TestPolygonIsItsCells(t *testing.T) {
	f := newFixture(t)
	f.release(t)
	lat, lng := cellA.LatLng().Lat, cellA.LatLng().Lng
	around := f.mustCompute(t, polygon(lng-0.004, lat-0.004, lng+0.004, lat+0.004))
	asCells := f.mustCompute(t, cells("h3_10", cellA))
	if around.Geography != "polygon" || strings.Join(around.IDs, ",") != cellA.String() || around.Residents != 150 {
		t.Fatalf("polygon around a: geography %s, ids %v, residents %v; want a's cell and its 150 residents", around.Geography, around.IDs, around.Residents)
	}
	for i := range around.Figures {
		a, b := around.Figures[i], asCells.Figures[i]
		if a.Status != b.Status || (a.People == nil) != (b.People == nil) || (a.People != nil && *a.People != *b.People) {
			t.Errorf("%s: polygon %+v, cells %+v: want the same", a.Indicator, a, b)
		}
	}
	if _, err := f.compute(t, polygon(10.901, 44.621, 10.902, 44.622)); !errors.Is(err, abitare.Invalid) ||
		!strings.Contains(err.Error(), "no H3 resolution-10 cell") {
		t.Errorf("a polygon holding no cell centre: %v", err)
	}
}

// TestFewResidentsWithholdEverything: a selection under the release's minimum of residents.
func TestFewResidentsWithholdEverything(t *testing.T) {
	p := protection{table: defaultTable(t), minResidents: 100}
	for _, fig := range []Figure{
		p.figure("poverty", []disclosure.SelectionUnit{{People: 9}}, 99),
		p.figure("poverty", nil, 40),
	} {
		if fig.Status != abitare.Withheld || fig.People != nil || fig.Rate != nil {
			t.Errorf("%+v: want withheld", fig)
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
