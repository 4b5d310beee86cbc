package ingest

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/paulmach/orb"
)

// record is a validated event, ready to stage: it no longer holds the raw identifier.
type record struct {
	line        int
	person      [pseudonym.Size]byte
	idKind      pseudonym.Kind
	birthYear   int16
	sex         string
	foreignBorn bool
	kind        source.Kind
	date        time.Time
	end         *time.Time
	amount      *float64
	score       *float64
	stage       *string
	point       orb.Point
	cell        int64
}

// validator turns rows of one source into records, or into problems.
type validator struct {
	file   string
	src    source.Source
	pseudo *pseudonym.Keyed
	area   *StudyArea
	today  time.Time
}

// validate checks every field of the row and returns the record, or every problem found in it.
func (v *validator) validate(r row) (record, []Problem) {
	rec := record{line: r.line}
	var problems []Problem
	fail := func(col, reason string) { problems = append(problems, Problem{v.file, r.line, col, reason}) }

	v.dates(r, &rec, fail)
	v.identify(r, &rec, fail)
	v.classify(r, &rec, fail)
	v.numbers(r, &rec, fail)
	v.place(r, &rec, fail)
	return rec, problems
}

func (v *validator) identify(r row, rec *record, fail func(string, string)) {
	code := strings.ToUpper(strings.ReplaceAll(r.get(source.FiscalCodeColumn), " ", ""))
	if code == "" {
		fail(source.FiscalCodeColumn, "missing fiscal code")
		return
	}
	if err := codicefiscale.Validate(code); err != nil {
		fail(source.FiscalCodeColumn, "invalid fiscal code: "+err.Error())
		return
	}
	// The code holds a two-digit year: its century is guessed against the event's date.
	ref := rec.date
	if ref.IsZero() {
		ref = v.today
	}
	info, err := codicefiscale.DecodeAt(code, ref)
	if err != nil {
		fail(source.FiscalCodeColumn, "invalid fiscal code: "+err.Error())
		return
	}
	rec.person = v.pseudo.Pseudonym(pseudonym.FiscalCode, code)
	rec.idKind = pseudonym.FiscalCode
	rec.birthYear = int16(info.BirthDate.Year())
	rec.sex = "M"
	if info.Female {
		rec.sex = "F"
	}
	rec.foreignBorn = info.ForeignBorn
}

func (v *validator) classify(r row, rec *record, fail func(string, string)) {
	code := strings.ToUpper(r.get(v.src.KindColumn))
	kind, ok := v.src.Kinds[code]
	if !ok {
		fail(v.src.KindColumn, fmt.Sprintf("unknown code %q, want one of %s", code, strings.Join(v.src.KindCodes(), ", ")))
		return
	}
	rec.kind = kind
	if v.src.StageColumn == "" {
		return
	}
	stage := strings.ToUpper(r.get(v.src.StageColumn))
	if stage == "" {
		return
	}
	for _, s := range v.src.Stages {
		if s == stage {
			rec.stage = &stage
			return
		}
	}
	fail(v.src.StageColumn, fmt.Sprintf("unknown stage %q, want one of %s", stage, strings.Join(v.src.Stages, ", ")))
}

func (v *validator) dates(r row, rec *record, fail func(string, string)) {
	d, err := v.date(r.get(v.src.DateColumn))
	if err != nil {
		fail(v.src.DateColumn, err.Error())
	}
	rec.date = d
	if v.src.EndDateColumn == "" || r.get(v.src.EndDateColumn) == "" {
		return
	}
	end, err := field.Date(r.get(v.src.EndDateColumn))
	switch {
	case err != nil:
		fail(v.src.EndDateColumn, err.Error())
	case err == nil && !d.IsZero() && end.Before(d):
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

func (v *validator) numbers(r row, rec *record, fail func(string, string)) {
	parse := func(col string, dst **float64, min, max float64) {
		s := r.get(col)
		if col == "" || s == "" {
			return
		}
		x, err := field.Decimal(s)
		if err != nil {
			fail(col, err.Error())
			return
		}
		if x < min || x > max {
			fail(col, fmt.Sprintf("%s outside %g..%g", s, min, max))
			return
		}
		*dst = &x
	}
	parse(v.src.AmountColumn, &rec.amount, 0, 1e7)
	parse(v.src.ScoreColumn, &rec.score, 0, 1000)
}

func (v *validator) place(r row, rec *record, fail func(string, string)) {
	lat, latErr := field.Decimal(r.get(source.LatitudeColumn))
	lon, lonErr := field.Decimal(r.get(source.LongitudeColumn))
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
		rec.point = orb.Point{lon, lat}
		rec.cell = int64(hexgrid.Cell(rec.point, hexgrid.FinestResolution))
	}
}
