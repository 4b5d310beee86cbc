// Package figures builds the compact figures files: every published figure of one geography
// and one period, with the city's, in one small JSON document that the map reads whole. The
// server answers them at GET /api/figures/{geography} and the open-data bundle holds one per
// geography and period of each release (releases/r<N>/figures/<geography>/<period>.json).
//
// They hold the public's figures only: the protected counts of a release (package disclosure),
// read as the public role from public_indicators (the latest release) or released_indicators.
//
//	f, err := figures.Reader{DB: publicPool}.Read(ctx, "h3_9", "2025-Q1")
package figures

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Columns are the columns of a figure, in order.
var Columns = []string{"people", "rate", "status"}

// CityGeography is the geography of the city's figures.
const CityGeography = "municipality"

// File is the figures of one geography and period.
type File struct {
	Geography  string          `json:"geography"`
	Period     string          `json:"period"`
	Release    int64           `json:"release"`
	Indicators []string        `json:"indicators"`
	Columns    []string        `json:"columns"`
	City       Area            `json:"city"`
	Areas      map[string]Area `json:"areas"`
}

// Area is an area's figures, one per indicator in the order of File.Indicators.
type Area struct {
	Name string `json:"name,omitempty"`
	// Residents is the census denominator; nil when every figure of the area is suppressed,
	// as for an area too small to publish.
	Residents *int     `json:"residents"`
	Figures   []Figure `json:"figures"`
}

// Figure is one published figure, written as [people, rate, status]: people and rate are
// null when suppressed; the rate is per 1,000 residents, rounded to 2 decimals.
type Figure struct {
	People *int
	Rate   *float64
	Status string
}

// MarshalJSON writes the figure as an array in the order of Columns.
func (f Figure) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{f.People, f.Rate, f.Status})
}

// UnmarshalJSON reads the array MarshalJSON writes.
func (f *Figure) UnmarshalJSON(b []byte) error {
	var cols []json.RawMessage
	if err := json.Unmarshal(b, &cols); err != nil {
		return err
	}
	if len(cols) != len(Columns) {
		return fmt.Errorf("figure %s: want %d columns", b, len(Columns))
	}
	*f = Figure{}
	if err := json.Unmarshal(cols[0], &f.People); err != nil {
		return err
	}
	if err := json.Unmarshal(cols[1], &f.Rate); err != nil {
		return err
	}
	return json.Unmarshal(cols[2], &f.Status)
}

// Reader reads figures files from the database, as the public role.
type Reader struct {
	DB *pgxpool.Pool
	// Release is the release to read; 0 reads the latest (public_indicators).
	Release int64
}

// Read builds the figures file of a geography and period. An unknown geography, or a period
// without published figures, is an abitare.Invalid or abitare.NotFound error naming it.
func (r Reader) Read(ctx context.Context, geography, period string) (File, error) {
	if _, err := abitare.ParseGeography(geography); err != nil {
		return File{}, err
	}
	if _, err := abitare.ParsePeriod(period); err != nil {
		return File{}, err
	}
	figs, err := r.indicators(ctx, geography, period)
	if err != nil {
		return File{}, err
	}
	if len(figs) == 0 {
		return File{}, abitare.Errorf(abitare.NotFound, "period %q: nothing published for geography %s", period, geography)
	}
	city, err := r.territory(ctx, period)
	if err != nil {
		return File{}, err
	}
	names, err := Names(ctx, r.DB, geography)
	if err != nil {
		return File{}, err
	}
	return Build(geography, period, figs, city, names)
}

// territory reads the published figures of the whole territory: its one region's or its one
// province's, published as such, when the territory spans several comuni; else its comuni's,
// which Build sums.
func (r Reader) territory(ctx context.Context, period string) ([]profile.PublishedIndicator, error) {
	for _, level := range []string{"region", "province"} {
		figs, err := r.indicators(ctx, level, period)
		if err != nil {
			return nil, err
		}
		if len(byArea(figs)) == 1 {
			return figs, nil
		}
	}
	return r.indicators(ctx, CityGeography, period)
}

// indicators reads the published figures, sorted by area and indicator.
func (r Reader) indicators(ctx context.Context, geography, period string) ([]profile.PublishedIndicator, error) {
	if r.Release == 0 {
		return (&profile.Reader{DB: r.DB}).PublishedIndicators(ctx, geography, period)
	}
	rows, err := r.DB.Query(ctx, `SELECT area_id, indicator, people, residents, rate, status, release_id FROM released_indicators
		WHERE release_id = $1 AND geography = $2 AND period = $3 ORDER BY area_id, indicator`, r.Release, geography, period)
	if err != nil {
		return nil, fmt.Errorf("read %s %s figures of release %d: %w", geography, period, r.Release, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (profile.PublishedIndicator, error) {
		p := profile.PublishedIndicator{Geography: geography, Period: period, ResidentsStatus: abitare.NotApplicable}
		return p, row.Scan(&p.ID, &p.Indicator, &p.People, &p.Residents, &p.Rate, &p.Status, &p.Release)
	})
}

// nameSQL gives the names of the areas of the geographies that have them: public reference
// data, no figure.
var nameSQL = map[string]string{
	"omi":          `SELECT code, description FROM omi_zones`,
	"municipality": `SELECT code, name FROM municipalities`,
	"province":     `SELECT code, name FROM territory_areas WHERE geography = 'province'`,
	"region":       `SELECT code, name FROM territory_areas WHERE geography = 'region'`,
}

// Names are the names of a geography's areas by id; none for hexagons and census sections.
func Names(ctx context.Context, db *pgxpool.Pool, geography string) (map[string]string, error) {
	q, ok := nameSQL[geography]
	if !ok {
		return nil, nil
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read %s names: %w", geography, err)
	}
	out := map[string]string{}
	var id, name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { out[id] = name; return nil }); err != nil {
		return nil, fmt.Errorf("read %s names: %w", geography, err)
	}
	return out, nil
}

// Build makes the file from the published figures of the geography and of the city
// (CityGeography, same period): the one municipality's, or, for a territory of several, their
// sum (territoryFigures).
func Build(geography, period string, figs, city []profile.PublishedIndicator, names map[string]string) (File, error) {
	f := File{Geography: geography, Period: period, Columns: Columns, Areas: map[string]Area{}, Indicators: indicatorsOf(figs)}
	for _, x := range figs {
		f.Release = max(f.Release, x.Release)
	}
	areas := byArea(figs)
	cities := byArea(city)
	if len(cities) == 0 {
		return File{}, fmt.Errorf("figures of %s %s: no published figures of the municipality", geography, period)
	}
	f.City = f.area(territoryFigures(cities), "")
	for id, list := range areas {
		f.Areas[id] = f.area(list, names[id])
	}
	return f, nil
}

// indicatorsOf lists the indicators present, in the order of abitare.Indicators, then any
// other in alphabetical order.
func indicatorsOf(figs []profile.PublishedIndicator) []string {
	seen := map[string]bool{}
	for _, x := range figs {
		seen[x.Indicator] = true
	}
	var out, other []string
	for _, ind := range abitare.Indicators {
		if seen[ind] {
			out = append(out, ind)
			delete(seen, ind)
		}
	}
	for ind := range seen {
		other = append(other, ind)
	}
	slices.Sort(other)
	return append(out, other...)
}

// territoryFigures are the study area's figures from its comuni's published ones: the comune's
// own when there is one; for several, the sum of their protected counts and residents, the rate
// from them, status protected. An indicator suppressed in any comune is suppressed for the
// territory too, rather than summed over the others: no undercount passes for the total. The
// sum of published counts discloses nothing the comuni's figures do not.
func territoryFigures(cities map[string]map[string]profile.PublishedIndicator) map[string]profile.PublishedIndicator {
	if len(cities) == 1 {
		for _, c := range cities {
			return c
		}
	}
	out := map[string]profile.PublishedIndicator{}
	suppressed := map[string]bool{}
	for _, c := range cities {
		for ind, x := range c {
			t, seen := out[ind]
			if !seen {
				t = profile.PublishedIndicator{Geography: x.Geography, Period: x.Period, Indicator: ind, People: new(int),
					Status: abitare.Protected, ResidentsStatus: x.ResidentsStatus}
			}
			t.Residents += x.Residents
			t.Release = max(t.Release, x.Release)
			if x.People == nil || x.Status == abitare.Suppressed {
				suppressed[ind] = true
			} else {
				*t.People += *x.People
			}
			out[ind] = t
		}
	}
	for ind, t := range out {
		if suppressed[ind] {
			t.People, t.Status = nil, abitare.Suppressed
		} else if t.Residents > 0 {
			rate := 1000 * float64(*t.People) / float64(t.Residents)
			t.Rate = &rate
		}
		out[ind] = t
	}
	return out
}

func byArea(figs []profile.PublishedIndicator) map[string]map[string]profile.PublishedIndicator {
	out := map[string]map[string]profile.PublishedIndicator{}
	for _, x := range figs {
		if out[x.ID] == nil {
			out[x.ID] = map[string]profile.PublishedIndicator{}
		}
		out[x.ID][x.Indicator] = x
	}
	return out
}

// area lays out an area's figures in the file's indicator order; an indicator the area lacks
// is [null, null, "not_applicable"].
func (f File) area(list map[string]profile.PublishedIndicator, name string) Area {
	a := Area{Name: name, Figures: make([]Figure, len(f.Indicators))}
	withheld := true
	for i, ind := range f.Indicators {
		x, ok := list[ind]
		if !ok {
			a.Figures[i] = Figure{Status: abitare.NotApplicable}
			continue
		}
		a.Figures[i] = Figure{People: x.People, Rate: round2(x.Rate), Status: x.Status}
		if x.Status != abitare.Suppressed {
			withheld = false
		}
		if a.Residents == nil {
			residents := x.Residents
			a.Residents = &residents
		}
	}
	if withheld {
		a.Residents = nil
	}
	return a
}

func round2(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := math.Round(*v*100) / 100
	return &r
}
