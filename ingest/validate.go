package ingest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/paulmach/orb"
)

// record is a validated event, ready to stage: it no longer holds the raw identifier.
type record struct {
	line          int
	person        [pseudonym.Size]byte
	idKind        pseudonym.Kind
	birthYear     *int16
	sex           *string
	foreignBorn   *bool
	kind          source.Kind
	date          time.Time
	end           *time.Time
	amount        *float64
	score         *float64
	income        *float64
	householdSize *int16
	daysLost      *int16
	stage         *string
	status        *string
	severity      *string
	point         orb.Point
	located       bool
	quality       geocode.Quality
	cell          int64
	section       *string
}

// validator turns rows of one source into records, or into problems.
type validator struct {
	file     string
	src      source.Source
	pseudo   *pseudonym.Keyed
	area     *StudyArea
	register *geocode.Register // nil when no address register is loaded
	today    time.Time
}

type failFunc func(column, reason string)

// validate checks every field of the row and returns the record, or every problem found in it.
func (v *validator) validate(r Row) (record, []Problem) {
	rec := record{line: r.Line()}
	var problems []Problem
	fail := func(col, reason string) { problems = append(problems, Problem{v.file, r.Line(), col, reason}) }

	v.dates(r, &rec, fail)
	v.identify(r, &rec, fail)
	v.classify(r, &rec, fail)
	v.numbers(r, &rec, fail)
	v.place(r, &rec, fail)
	return rec, problems
}

// temporaryCode matches the STP and ENI codes of people outside the national health service:
// the prefix, the region and health-authority codes, and a progressive number.
var temporaryCode = regexp.MustCompile(`^(STP|ENI)[0-9]{13}$`)

func (v *validator) identify(r Row, rec *record, fail failFunc) {
	code := strings.ToUpper(strings.Join(strings.Fields(r.Get(source.IDColumn)), ""))
	if code == "" {
		fail(source.IDColumn, "missing fiscal code")
		return
	}
	if m := temporaryCode.FindStringSubmatch(code); m != nil {
		if !v.src.TemporaryCodes {
			fail(source.IDColumn, m[1]+" code: this source must identify people by fiscal code")
			return
		}
		rec.idKind = pseudonym.Kind(strings.ToLower(m[1]))
		rec.person = v.pseudo.Pseudonym(rec.idKind, code)
		return
	}
	if err := codicefiscale.Validate(code); err != nil {
		fail(source.IDColumn, "invalid fiscal code: "+err.Error())
		return
	}
	// The code holds a two-digit year: its century is guessed against the event's date.
	ref := rec.date
	if ref.IsZero() {
		ref = v.today
	}
	info, err := codicefiscale.DecodeAt(code, ref)
	if err != nil {
		fail(source.IDColumn, "invalid fiscal code: "+err.Error())
		return
	}
	rec.idKind = pseudonym.FiscalCode
	rec.person = v.pseudo.Pseudonym(pseudonym.FiscalCode, code)
	year, sex, foreign := int16(info.BirthDate.Year()), "M", info.ForeignBorn
	if info.Female {
		sex = "F"
	}
	rec.birthYear, rec.sex, rec.foreignBorn = &year, &sex, &foreign
}

func (v *validator) classify(r Row, rec *record, fail failFunc) {
	code := strings.ToUpper(r.Get(v.src.KindColumn))
	kind, ok := v.src.Kinds[code]
	if !ok {
		fail(v.src.KindColumn, fmt.Sprintf("unknown code %q, want one of %s", code, strings.Join(v.src.KindCodes(), ", ")))
		return
	}
	rec.kind = kind
	rec.stage = v.coded(r, v.src.Stage, fail)
	rec.status = v.coded(r, v.src.Status, fail)
	rec.severity = v.coded(r, v.src.Severity, fail)
}

func (v *validator) coded(r Row, c source.Coded, fail failFunc) *string {
	if c.Column == "" {
		return nil
	}
	value := strings.ToUpper(r.Get(c.Column))
	if value == "" {
		return nil
	}
	for _, allowed := range c.Values {
		if value == allowed {
			return &value
		}
	}
	fail(c.Column, fmt.Sprintf("unknown code %q, want one of %s", value, strings.Join(c.Values, ", ")))
	return nil
}

func (v *validator) dates(r Row, rec *record, fail failFunc) {
	d, err := v.date(r.Get(v.src.DateColumn))
	if err != nil {
		fail(v.src.DateColumn, err.Error())
	}
	rec.date = d
	if v.src.EndDateColumn == "" || r.Get(v.src.EndDateColumn) == "" {
		return
	}
	end, err := field.Date(r.Get(v.src.EndDateColumn))
	switch {
	case err != nil:
		fail(v.src.EndDateColumn, err.Error())
	case !d.IsZero() && end.Before(d):
		fail(v.src.EndDateColumn, "ends before it starts")
	default:
		rec.end = &end
	}
}

func (v *validator) date(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("missing date")
	}
	d, err := field.Date(s)
	if err != nil {
		return time.Time{}, err
	}
	if d.After(v.today) {
		return time.Time{}, fmt.Errorf("%s is in the future", s)
	}
	if d.Year() < 1990 {
		return time.Time{}, fmt.Errorf("%s is before 1990", s)
	}
	return d, nil
}

func (v *validator) numbers(r Row, rec *record, fail failFunc) {
	decimal := func(col string, min, max float64) *float64 {
		s := r.Get(col)
		if col == "" || s == "" {
			return nil
		}
		x, err := field.Decimal(s)
		if err != nil {
			fail(col, err.Error())
			return nil
		}
		if x < min || x > max {
			fail(col, fmt.Sprintf("%s outside %g..%g", s, min, max))
			return nil
		}
		return &x
	}
	integer := func(col string, min, max int) *int16 {
		s := r.Get(col)
		if col == "" || s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			fail(col, fmt.Sprintf("%q is not a whole number within %d..%d", s, min, max))
			return nil
		}
		v := int16(n)
		return &v
	}
	rec.amount = decimal(v.src.AmountColumn, 0, 1e7)
	rec.score = decimal(v.src.ScoreColumn, 0, 1000)
	rec.income = decimal(v.src.IncomeColumn, 0, 1e7)
	rec.householdSize = integer(v.src.HouseholdSizeColumn, 1, 30)
	rec.daysLost = integer(v.src.DaysLostColumn, 0, 3660)
}

// place takes the record's coordinates, or geocodes its address when it has none. A record of
// a comune outside the territory is kept, counted and not placed.
func (v *validator) place(r Row, rec *record, fail failFunc) {
	latText, lonText := r.Get(source.LatitudeColumn), r.Get(source.LongitudeColumn)
	comune, inside := v.comune(r, fail)
	switch {
	case !inside:
		rec.quality = geocode.OutOfArea
	case latText != "" || lonText != "":
		v.coordinates(latText, lonText, rec, fail)
	case r.Get(source.AddressColumn) != "":
		v.geocode(r, comune, rec, fail)
	default:
		fail(source.AddressColumn, "no coordinates and no address")
	}
	if rec.located {
		if id, ok := v.area.Section(rec.point); ok {
			rec.section = &id
		}
	}
}

func (v *validator) coordinates(latText, lonText string, rec *record, fail failFunc) {
	if latText == "" || lonText == "" {
		fail(source.LatitudeColumn, "latitude and longitude must come together")
		return
	}
	lat, latErr := field.Coordinate(latText)
	lon, lonErr := field.Coordinate(lonText)
	if latErr != nil {
		fail(source.LatitudeColumn, latErr.Error())
	}
	if lonErr != nil {
		fail(source.LongitudeColumn, lonErr.Error())
	}
	if latErr != nil || lonErr != nil {
		return
	}
	// Coordinates of a home are personal data: reasons say what is wrong, not where.
	switch {
	case math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180:
		fail(source.LatitudeColumn, "not a WGS84 latitude/longitude")
	case !v.area.Contains(orb.Point{lon, lat}) && v.area.Contains(orb.Point{lat, lon}):
		fail(source.LatitudeColumn, "latitude and longitude are swapped")
	case !v.area.Contains(orb.Point{lon, lat}):
		fail(source.LatitudeColumn, "point outside the study area ("+v.area.Name+")")
	default:
		rec.setLocation(orb.Point{lon, lat}, geocode.Coordinates)
	}
}

// comune reads the record's comune of residence: its ISTAT code, "" when the record does not
// say (a territory of one comune needs no column), and whether it lies in the territory.
func (v *validator) comune(r Row, fail failFunc) (string, bool) {
	text := r.Get(source.MunicipalityColumn)
	if text == "" {
		code, _ := v.area.OnlyComune()
		return code, true
	}
	code, match := v.area.Comune(text)
	switch match {
	case ComuneOutside:
		return code, false
	case ComuneUnknown:
		if v.area.Comuni() > 0 {
			fail(source.MunicipalityColumn, fmt.Sprintf("unknown comune %q: not an ISTAT code, a cadastral code or the name of one of the territory's %d comuni", text, v.area.Comuni()))
		}
		return "", true
	}
	return code, true
}

func (v *validator) geocode(r Row, comune string, rec *record, fail failFunc) {
	street, number, _ := geocode.SplitAddress(r.Get(source.AddressColumn))
	if civic := r.Get(source.HouseNoColumn); civic != "" {
		n, ok := geocode.ParseHouseNumber(civic)
		if !ok {
			fail(source.HouseNoColumn, fmt.Sprintf("%q is not a house number", civic))
			return
		}
		number = n
	}
	rec.quality = geocode.None
	if v.register == nil {
		return
	}
	res := v.register.Locate(comune, street, number)
	if res.Quality == geocode.None || !v.area.Contains(res.Location) {
		return
	}
	rec.setLocation(res.Location, res.Quality)
}

func (rec *record) setLocation(p orb.Point, q geocode.Quality) {
	rec.point, rec.located, rec.quality = p, true, q
	rec.cell = int64(hexgrid.Cell(p, hexgrid.FinestResolution))
}
