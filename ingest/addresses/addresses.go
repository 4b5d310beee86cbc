// Package addresses loads the address register, in the layout of Italy's national register of
// street numbers (ANNCSU), and reads it back as a geocode.Register.
package addresses

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
)

// Columns of the register file.
const (
	colMunicipality = "CODICE_ISTAT_COMUNE"
	colStreetCode   = "PROGRESSIVO_STRADA"
	colStreetType   = "DUG"
	colStreetName   = "DENOMINAZIONE"
	colNumber       = "CIVICO"
	colSuffix       = "ESPONENTE"
	colPostcode     = "CAP"
	colLongitude    = "LONGITUDINE"
	colLatitude     = "LATITUDINE"
)

var required = []string{colMunicipality, colStreetCode, colStreetType, colStreetName, colNumber, colLongitude, colLatitude}

// entry is one validated civic number.
type entry struct {
	municipality, streetCode, streetType, streetName, streetKey string
	number                                                      geocode.HouseNumber
	postcode                                                    string
	point                                                       orb.Point
	outside                                                     bool // of a comune outside the territory: skipped
}

// Summary says what Load stored.
type Summary struct {
	Points, Streets int
	Municipalities  []string // sorted
	// Skipped counts the civic numbers of comuni outside the territory (a national or regional
	// register loaded for a smaller territory), by comune.
	Skipped map[string]int
}

var istatCode = regexp.MustCompile(`^[0-9]{6}$`)
var postcode = regexp.MustCompile(`^[0-9]{5}$`)

// Load reads a register file and replaces, in one transaction, the address points of the
// municipalities it covers. Any bad row rejects the whole file with every problem located.
func Load(ctx context.Context, db *pgxpool.Pool, path string, area *ingest.StudyArea, opt tabular.Options) (Summary, error) {
	entries, err := read(path, area, opt)
	if err != nil {
		return Summary{}, err
	}
	skipped := map[string]int{}
	kept := entries[:0]
	for _, e := range entries {
		if e.outside {
			skipped[e.municipality]++
			continue
		}
		kept = append(kept, e)
	}
	if len(kept) == 0 {
		return Summary{}, fmt.Errorf("%s: no civic number of the territory's comuni (%d of other comuni)", filepath.Base(path), len(entries))
	}
	var sum Summary
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		sum, err = store(ctx, tx, kept)
		return err
	})
	sum.Skipped = skipped
	if err != nil {
		return Summary{}, fmt.Errorf("store address register: %w", err)
	}
	return sum, nil
}

func read(path string, area *ingest.StudyArea, opt tabular.Options) ([]entry, error) {
	name := filepath.Base(path)
	seen := map[string]int{}
	return ingest.ReadAll(path, name, opt, required, func(r ingest.Row) (entry, []ingest.Problem) {
		e, errs := parse(r, name, area)
		if e.outside {
			return e, nil
		}
		key := e.municipality + "|" + e.streetKey + "|" + strconv.Itoa(e.number.Number) + "|" + e.number.Suffix
		if first, dup := seen[key]; dup && len(errs) == 0 {
			errs = append(errs, ingest.Problem{File: name, Line: r.Line(), Field: colNumber, Reason: fmt.Sprintf("repeats the address of line %d", first)})
		}
		seen[key] = r.Line()
		return e, errs
	})
}

func parse(r ingest.Row, name string, area *ingest.StudyArea) (entry, []ingest.Problem) {
	var problems []ingest.Problem
	fail := func(col, reason string) {
		problems = append(problems, ingest.Problem{File: name, Line: r.Line(), Field: col, Reason: reason})
	}
	e := entry{
		municipality: r.Get(colMunicipality), streetCode: r.Get(colStreetCode),
		streetType: strings.ToUpper(r.Get(colStreetType)), streetName: strings.ToUpper(r.Get(colStreetName)),
		postcode: r.Get(colPostcode),
	}
	if !istatCode.MatchString(e.municipality) {
		fail(colMunicipality, fmt.Sprintf("%q is not a six-digit ISTAT code", e.municipality))
	} else if _, in := area.Comune(e.municipality); area.Comuni() > 0 && in == ingest.ComuneOutside {
		e.outside = true
		return e, nil
	}
	if e.streetCode == "" {
		fail(colStreetCode, "missing street code")
	}
	if e.streetName == "" {
		fail(colStreetName, "missing street name")
	}
	e.streetKey = geocode.StreetKey(e.streetType + " " + e.streetName)
	n, ok := geocode.ParseHouseNumber(r.Get(colNumber) + " " + r.Get(colSuffix))
	if !ok {
		fail(colNumber, fmt.Sprintf("%q %q is not a house number with suffix", r.Get(colNumber), r.Get(colSuffix)))
	}
	e.number = n
	if e.postcode != "" && !postcode.MatchString(e.postcode) {
		fail(colPostcode, fmt.Sprintf("%q is not a postcode", e.postcode))
	}
	lon, lonErr := field.Coordinate(r.Get(colLongitude))
	lat, latErr := field.Coordinate(r.Get(colLatitude))
	switch {
	case lonErr != nil:
		fail(colLongitude, lonErr.Error())
	case latErr != nil:
		fail(colLatitude, latErr.Error())
	case !area.Contains(orb.Point{lon, lat}):
		fail(colLatitude, "point outside the study area ("+area.Name+")")
	default:
		e.point = orb.Point{lon, lat}
	}
	return e, problems
}

func store(ctx context.Context, tx pgx.Tx, entries []entry) (Summary, error) {
	municipalities := map[string]bool{}
	rows := make([][]any, len(entries))
	for i, e := range entries {
		municipalities[e.municipality] = true
		rows[i] = []any{e.municipality, e.streetCode, e.streetKey, e.streetType, e.streetName, e.number.Number,
			e.number.Suffix, nullIfEmpty(e.postcode), e.point.Lon(), e.point.Lat()}
	}
	var sum Summary
	for m := range municipalities {
		sum.Municipalities = append(sum.Municipalities, m)
	}
	sort.Strings(sum.Municipalities)
	steps := []string{
		`CREATE TEMP TABLE address_in (municipality_code text, street_code text, street_key text, street_type text,
			street_name text, house_number int, suffix text, postcode text, lon float8, lat float8) ON COMMIT DROP`,
	}
	for _, s := range steps {
		if _, err := tx.Exec(ctx, s); err != nil {
			return sum, err
		}
	}
	cols := []string{"municipality_code", "street_code", "street_key", "street_type", "street_name", "house_number", "suffix", "postcode", "lon", "lat"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"address_in"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return sum, fmt.Errorf("copy addresses: %w", err)
	}
	for _, s := range []string{
		`DELETE FROM address_points WHERE municipality_code IN (SELECT DISTINCT municipality_code FROM address_in)`,
		`DELETE FROM streets WHERE municipality_code IN (SELECT DISTINCT municipality_code FROM address_in)`,
		`INSERT INTO address_points (municipality_code, street_code, street_key, house_number, suffix, postcode, geom)
		 SELECT municipality_code, street_code, street_key, house_number, suffix, postcode, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
		 FROM address_in`,
		`INSERT INTO streets (municipality_code, street_key, street_type, name, centroid)
		 SELECT municipality_code, street_key, min(street_type), min(street_name), ST_SetSRID(ST_MakePoint(avg(lon), avg(lat)), 4326)
		 FROM address_in GROUP BY municipality_code, street_key`,
	} {
		if _, err := tx.Exec(ctx, s); err != nil {
			return sum, err
		}
	}
	sum.Points = len(entries)
	// A street is a key within its municipality: VIA ROMA of two municipalities is two streets.
	err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT DISTINCT municipality_code, street_key FROM address_in) s`).Scan(&sum.Streets)
	return sum, err
}

// Register reads the stored address points as a geocoder's register (nil when none are stored).
func Register(ctx context.Context, db *pgxpool.Pool) (*geocode.Register, error) {
	rows, err := db.Query(ctx, `SELECT municipality_code, street_key, house_number, suffix, coalesce(postcode, ''), ST_X(geom), ST_Y(geom) FROM address_points`)
	if err != nil {
		return nil, fmt.Errorf("read address register: %w", err)
	}
	points, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geocode.Point, error) {
		var p geocode.Point
		var lon, lat float64
		err := r.Scan(&p.Municipality, &p.StreetKey, &p.Number.Number, &p.Number.Suffix, &p.Postcode, &lon, &lat)
		p.Location = orb.Point{lon, lat}
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("read address register: %w", err)
	}
	if len(points) == 0 {
		return nil, nil
	}
	return geocode.NewRegister(points), nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
