package addresses_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/addresses"
	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
)

const header = "CODICE_ISTAT_COMUNE;PROGRESSIVO_STRADA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;CAP;LONGITUDINE;LATITUDINE\n"

// area is a rectangle around Modena: lon 10.85-11.00, lat 44.60-44.70.
var area = ingest.NewStudyArea("test area", orb.MultiPolygon{{{
	{10.85, 44.60}, {11.00, 44.60}, {11.00, 44.70}, {10.85, 44.70}, {10.85, 44.60},
}}})

// point is one civic number of the fixture register, as the file writes it.
type point struct {
	municipality, streetCode, dug, name, number, suffix, cap string
	lon, lat                                                 float64
}

func (p point) line() string {
	return strings.Join([]string{p.municipality, p.streetCode, p.dug, p.name, p.number, p.suffix, p.cap,
		ftoa(p.lon), ftoa(p.lat)}, ";") + "\n"
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// register is the fixture: two municipalities, both with a VIA GIOSUÈ CARDUCCI (different
// streets), a number with and without its esponente, a street without postcode.
var register = []point{
	{"036023", "648", "VIA", "GIOSUÈ CARDUCCI", "1", "", "41121", 10.9228480, 44.6439900},
	{"036023", "648", "VIA", "GIOSUÈ CARDUCCI", "2", "", "41121", 10.9232390, 44.6439690},
	{"036023", "648", "VIA", "GIOSUÈ CARDUCCI", "2", "A", "41121", 10.9232500, 44.6439800},
	{"036023", "2", "VIALE", "ALCIDE DE GASPERI", "30", "BIS", "41125", 10.9534180, 44.6413580},
	{"036023", "3", "piazza", "Sant'Agostino", "5", "", "", 10.9200000, 44.6470000},
	{"036022", "1", "VIA", "GIOSUÈ CARDUCCI", "1", "", "41100", 10.8900000, 44.6300000},
}

func file(points []point) string {
	var b strings.Builder
	b.WriteString(header)
	for _, p := range points {
		b.WriteString(p.line())
	}
	return b.String()
}

func write(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stradario_anncsu.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// state fingerprints both tables a load writes.
func state(t *testing.T, db *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := db.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM address_points) || '/' || (SELECT count(*) FROM streets) || '/' ||
		       coalesce((SELECT md5(string_agg(a::text, ',' ORDER BY municipality_code, street_key, house_number, suffix)) FROM address_points a), '-') || '/' ||
		       coalesce((SELECT md5(string_agg(s::text, ',' ORDER BY municipality_code, street_key)) FROM streets s), '-')`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadStoresPointsAndStreets(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	sum, err := addresses.Load(ctx, db.Pool, write(t, file(register)), area, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 036023 has three streets, 036022 one: the same name in two municipalities is two streets.
	if sum.Points != 6 || sum.Streets != 4 || strings.Join(sum.Municipalities, ",") != "036022,036023" {
		t.Fatalf("summary %+v, want 6 points, 4 streets, municipalities 036022 and 036023 in order", sum)
	}
	var streets int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM streets`).Scan(&streets); err != nil || streets != sum.Streets {
		t.Fatalf("streets table holds %d rows, summary says %d (%v)", streets, sum.Streets, err)
	}

	// Every civic number is stored under the normalised street key, with its point.
	for _, c := range []struct {
		municipality, key string
		number            int
		suffix            string
		postcode          *string
		p                 point
	}{
		{"036023", "VIA GIOSUE CARDUCCI", 1, "", ptr("41121"), register[0]},
		{"036023", "VIA GIOSUE CARDUCCI", 2, "", ptr("41121"), register[1]},
		{"036023", "VIA GIOSUE CARDUCCI", 2, "A", ptr("41121"), register[2]},
		{"036023", "VIALE ALCIDE DE GASPERI", 30, "BIS", ptr("41125"), register[3]},
		{"036023", "PIAZZA SANT AGOSTINO", 5, "", nil, register[4]},
		{"036022", "VIA GIOSUE CARDUCCI", 1, "", ptr("41100"), register[5]},
	} {
		var code string
		var postcode *string
		var lon, lat float64
		var srid int
		err := db.Pool.QueryRow(ctx, `SELECT street_code, postcode, ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM address_points
			WHERE municipality_code = $1 AND street_key = $2 AND house_number = $3 AND suffix = $4`,
			c.municipality, c.key, c.number, c.suffix).Scan(&code, &postcode, &lon, &lat, &srid)
		if err != nil {
			t.Fatalf("%s %s %d%s: %v", c.municipality, c.key, c.number, c.suffix, err)
		}
		if code != c.p.streetCode || !samePtr(postcode, c.postcode) || !near(lon, c.p.lon) || !near(lat, c.p.lat) || srid != 4326 {
			t.Errorf("%s %s %d%s stored as code %s, postcode %v, (%v %v) srid %d; want %s, %v, (%v %v) 4326",
				c.municipality, c.key, c.number, c.suffix, code, deref(postcode), lon, lat, srid, c.p.streetCode, deref(c.postcode), c.p.lon, c.p.lat)
		}
	}

	// A street keeps its published type and name (upper case) and the mean of its numbers' points.
	var typ, name string
	var lon, lat float64
	err = db.Pool.QueryRow(ctx, `SELECT street_type, name, ST_X(centroid), ST_Y(centroid) FROM streets
		WHERE municipality_code = '036023' AND street_key = 'VIA GIOSUE CARDUCCI'`).Scan(&typ, &name, &lon, &lat)
	if err != nil {
		t.Fatal(err)
	}
	wantLon := (register[0].lon + register[1].lon + register[2].lon) / 3
	wantLat := (register[0].lat + register[1].lat + register[2].lat) / 3
	if typ != "VIA" || name != "GIOSUÈ CARDUCCI" || !near(lon, wantLon) || !near(lat, wantLat) {
		t.Fatalf("street %s %s at (%v %v), want VIA GIOSUÈ CARDUCCI at (%v %v)", typ, name, lon, lat, wantLon, wantLat)
	}
	err = db.Pool.QueryRow(ctx, `SELECT street_type, name FROM streets WHERE street_key = 'PIAZZA SANT AGOSTINO'`).Scan(&typ, &name)
	if err != nil || typ != "PIAZZA" || name != "SANT'AGOSTINO" {
		t.Fatalf("lower-case street stored as %q %q (%v), want PIAZZA SANT'AGOSTINO", typ, name, err)
	}
}

func TestLoadRejectsBadRowsWithLineAndField(t *testing.T) {
	db := loaded(t)
	good := register[0]
	with := func(f func(p *point)) string {
		p := good
		f(&p)
		return p.line()
	}
	for _, c := range []struct {
		name  string
		body  string // after the header; the first record is line 2
		line  int
		field string
		why   string
	}{
		{"five-digit ISTAT code", with(func(p *point) { p.municipality = "36023" }), 2, "CODICE_ISTAT_COMUNE", "six-digit ISTAT code"},
		{"letters in ISTAT code", with(func(p *point) { p.municipality = "0360A3" }), 2, "CODICE_ISTAT_COMUNE", "six-digit ISTAT code"},
		{"no street code", with(func(p *point) { p.streetCode = "" }), 2, "PROGRESSIVO_STRADA", "missing street code"},
		{"no street name", with(func(p *point) { p.name = " " }), 2, "DENOMINAZIONE", "missing street name"},
		{"house number zero", with(func(p *point) { p.number = "0" }), 2, "CIVICO", "not a house number"},
		{"house number not a number", with(func(p *point) { p.number = "SNC" }), 2, "CIVICO", "not a house number"},
		{"house number missing", with(func(p *point) { p.number = "" }), 2, "CIVICO", "not a house number"},
		{"bad esponente", with(func(p *point) { p.suffix = "QUINQUIES" }), 2, "CIVICO", "not a house number"},
		{"four-digit postcode", with(func(p *point) { p.cap = "4112" }), 2, "CAP", "not a postcode"},
		{"longitude with two separators", strings.Replace(good.line(), "10.922848", "10.922.848", 1), 2, "LONGITUDINE", "not a coordinate"},
		{"latitude not a number", strings.Replace(good.line(), "44.64399", "nord", 1), 2, "LATITUDINE", "not a coordinate"},
		{"latitude and longitude swapped", with(func(p *point) { p.lon, p.lat = p.lat, p.lon }), 2, "LATITUDINE", "outside the study area"},
		{"point in Bologna", with(func(p *point) { p.lon, p.lat = 11.3426, 44.4949 }), 2, "LATITUDINE", "outside the study area"},
		{"same number twice", register[0].line() + register[1].line() + register[0].line(), 4, "CIVICO", "repeats the address of line 2"},
		{"same number after normalisation", register[0].line() + with(func(p *point) { p.dug, p.name, p.number = "via", "Giosue' Carducci", "1" }),
			3, "CIVICO", "repeats the address of line 2"},
		{"same esponente in lower case", register[2].line() + with(func(p *point) { p.number, p.suffix = "2", "a" }),
			3, "CIVICO", "repeats the address of line 2"},
		{"record with an extra field", register[0].line() + strings.TrimSuffix(register[1].line(), "\n") + ";surplus\n", 3, "", "fields, header has"},
		{"record with a missing field", register[0].line() + "036023;648;VIA;GIOSUÈ CARDUCCI;3\n", 3, "", "fields, header has"},
	} {
		t.Run(c.name, func(t *testing.T) {
			problems := rejected(t, db, header+c.body)
			for _, p := range problems {
				if p.File == "stradario_anncsu.csv" && p.Line == c.line && p.Field == c.field && strings.Contains(p.Reason, c.why) {
					return
				}
			}
			t.Fatalf("problems %v, want one at line %d, field %q, saying %q", problems, c.line, c.field, c.why)
		})
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	db := loaded(t)
	for _, c := range []struct {
		name, content, field, why string
		line                      int
	}{
		{"header only", header, "", "no records after the header", 0},
		{"no coordinates column", strings.Replace(header, ";LATITUDINE", "", 1) + "036023;1;VIA;ROMA;1;;41121;10.92\n", "LATITUDINE", "missing column", 1},
		{"no house number column", strings.Replace(header, "CIVICO;", "", 1) + "036023;1;VIA;ROMA;;41121;10.92;44.64\n", "CIVICO", "missing column", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			problems := rejected(t, db, c.content)
			for _, p := range problems {
				if p.Line == c.line && p.Field == c.field && strings.Contains(p.Reason, c.why) {
					return
				}
			}
			t.Fatalf("problems %v, want one at line %d, field %q, saying %q", problems, c.line, c.field, c.why)
		})
	}
	if _, err := addresses.Load(context.Background(), nil, filepath.Join(t.TempDir(), "missing.csv"), area, tabular.Options{}); err == nil {
		t.Fatal("a missing file loaded")
	}
}

// loaded is a database holding the fixture register.
func loaded(t *testing.T) *pgxpool.Pool {
	t.Helper()
	db := testdb.New(t)
	if _, err := addresses.Load(context.Background(), db.Pool, write(t, file(register)), area, tabular.Options{}); err != nil {
		t.Fatal(err)
	}
	return db.Pool
}

// rejected loads content, checks that the load was rejected as a whole and that nothing
// changed, and returns the problems.
func rejected(t *testing.T, db *pgxpool.Pool, content string) []ingest.Problem {
	t.Helper()
	before := state(t, db)
	sum, err := addresses.Load(context.Background(), db, write(t, content), area, tabular.Options{})
	var rej *ingest.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("load returned %+v, %v; want a rejection", sum, err)
	}
	if sum.Points != 0 || sum.Streets != 0 || len(sum.Municipalities) != 0 {
		t.Errorf("a rejected load reports %+v", sum)
	}
	if after := state(t, db); after != before {
		t.Errorf("a rejected load changed the register: %s -> %s", before, after)
	}
	if rej.Total != len(rej.Problems) || rej.Total == 0 {
		t.Errorf("rejection counts %d problems and lists %d", rej.Total, len(rej.Problems))
	}
	return rej.Problems
}

func TestLoadReportsEveryProblem(t *testing.T) {
	db := loaded(t)
	bad := register[0]
	bad.municipality, bad.cap = "ABC", "x"
	content := header + bad.line() + register[1].line() + strings.Replace(register[3].line(), "30", "0", 1) +
		register[4].line() + register[4].line()
	problems := rejected(t, db, content)
	var got []string
	for _, p := range problems {
		got = append(got, strconv.Itoa(p.Line)+":"+p.Field)
	}
	sort.Strings(got)
	// Line 2 has two bad fields, line 4 a bad number, line 6 repeats line 5; line 3 is good.
	if want := "2:CAP,2:CODICE_ISTAT_COMUNE,4:CIVICO,6:CIVICO"; strings.Join(got, ",") != want {
		t.Fatalf("problems at %v, want %s: %v", got, want, problems)
	}
}

func TestLoadAgainChangesNothingAndReplacesPerMunicipality(t *testing.T) {
	db := loaded(t)
	ctx := context.Background()
	before := state(t, db)
	sum, err := addresses.Load(ctx, db, write(t, file(register)), area, tabular.Options{})
	if err != nil || sum.Points != len(register) || sum.Streets != 4 {
		t.Fatalf("second load of the same register: %+v, %v", sum, err)
	}
	if after := state(t, db); after != before {
		t.Fatalf("loading the same register again changed it: %s -> %s", before, after)
	}

	// A new extract of 036023 alone: VIA GIOSUÈ CARDUCCI 2/A and PIAZZA SANT'AGOSTINO are gone,
	// number 1 moved. 036022, not in the file, keeps its register.
	moved := register[0]
	moved.lon, moved.lat = 10.9229, 44.6441
	sum, err = addresses.Load(ctx, db, write(t, file([]point{moved, register[1], register[3]})), area, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Points != 3 || sum.Streets != 2 || len(sum.Municipalities) != 1 || sum.Municipalities[0] != "036023" {
		t.Fatalf("new extract of 036023: %+v", sum)
	}
	rows, err := db.Query(ctx, `SELECT municipality_code || ' ' || street_key || ' ' || house_number || suffix FROM address_points ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := "036022 VIA GIOSUE CARDUCCI 1,036023 VIA GIOSUE CARDUCCI 1,036023 VIA GIOSUE CARDUCCI 2,036023 VIALE ALCIDE DE GASPERI 30BIS"
	if strings.Join(got, ",") != want {
		t.Fatalf("after the new extract: %v, want %s", got, want)
	}
	var lon, lat float64
	var streets int
	err = db.QueryRow(ctx, `SELECT ST_X(geom), ST_Y(geom), (SELECT count(*) FROM streets) FROM address_points
		WHERE municipality_code = '036023' AND street_key = 'VIA GIOSUE CARDUCCI' AND house_number = 1`).Scan(&lon, &lat, &streets)
	if err != nil || !near(lon, moved.lon) || !near(lat, moved.lat) || streets != 3 {
		t.Fatalf("moved number at (%v %v), %d streets (%v); want (%v %v) and 3 streets", lon, lat, streets, err, moved.lon, moved.lat)
	}
}

// A failure while storing, after the old points were deleted, leaves the old register whole.
func TestLoadIsAllOrNothing(t *testing.T) {
	db := loaded(t)
	ctx := context.Background()
	_, err := db.Exec(ctx, `
		CREATE FUNCTION refuse_street() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.street_key = 'VIA DEL FALLIMENTO' THEN RAISE EXCEPTION 'storage failed'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_street BEFORE INSERT ON streets FOR EACH ROW EXECUTE FUNCTION refuse_street();`)
	if err != nil {
		t.Fatal(err)
	}
	before := state(t, db)
	failing := point{"036023", "9", "VIA", "DEL FALLIMENTO", "1", "", "41121", 10.93, 44.65}
	_, err = addresses.Load(ctx, db, write(t, file([]point{register[1], failing})), area, tabular.Options{})
	if err == nil || !strings.Contains(err.Error(), "storage failed") {
		t.Fatalf("load with a failing store: %v", err)
	}
	if after := state(t, db); after != before {
		t.Fatalf("a failed store changed the register: %s -> %s", before, after)
	}
}

func TestRegisterGeocodesAgainstTheStoredPoints(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	reg, err := addresses.Register(ctx, db.Pool)
	if err != nil || reg != nil {
		t.Fatalf("register of an empty database: %v, %v; want nil", reg, err)
	}
	// One municipality: street keys are not qualified by municipality in the geocoder.
	var modena []point
	for _, p := range register {
		if p.municipality == "036023" {
			modena = append(modena, p)
		}
	}
	if _, err := addresses.Load(ctx, db.Pool, write(t, file(modena)), area, tabular.Options{}); err != nil {
		t.Fatal(err)
	}
	reg, err = addresses.Register(ctx, db.Pool)
	if err != nil || reg == nil {
		t.Fatalf("register: %v, %v", reg, err)
	}
	if reg.Streets() != 3 {
		t.Fatalf("register has %d streets, want 3", reg.Streets())
	}
	at := func(p point) orb.Point { return orb.Point{p.lon, p.lat} }
	carducci := orb.Point{(modena[0].lon + modena[1].lon + modena[2].lon) / 3, (modena[0].lat + modena[1].lat + modena[2].lat) / 3}
	for _, c := range []struct {
		street  string
		number  geocode.HouseNumber
		want    orb.Point
		quality geocode.Quality
	}{
		{"Via Giosuè Carducci", geocode.HouseNumber{Number: 2}, at(modena[1]), geocode.AddressExact},
		{"VIA GIOSUE CARDUCCI", geocode.HouseNumber{Number: 2, Suffix: "A"}, at(modena[2]), geocode.AddressExact},
		{"V. Giosuè Carducci", geocode.HouseNumber{Number: 1, Suffix: "B"}, at(modena[0]), geocode.AddressFuzzy},
		{"VIA GIOSUE CARDUCI", geocode.HouseNumber{Number: 1}, at(modena[0]), geocode.AddressFuzzy},
		{"VIALE ALCIDE DE GASPERI", geocode.HouseNumber{Number: 30, Suffix: "BIS"}, at(modena[3]), geocode.AddressExact},
		{"P.ZZA SANT'AGOSTINO", geocode.HouseNumber{Number: 5}, at(modena[4]), geocode.AddressExact},
		{"VIA GIOSUÈ CARDUCCI", geocode.HouseNumber{Number: 99}, carducci, geocode.Street},
		{"VIA DEI MILLE", geocode.HouseNumber{Number: 1}, orb.Point{}, geocode.None},
	} {
		got := reg.Locate("", c.street, c.number)
		if got.Quality != c.quality || !near(got.Location.Lon(), c.want.Lon()) || !near(got.Location.Lat(), c.want.Lat()) {
			t.Errorf("Locate(%q, %v) = %v at %v, want %v at %v", c.street, c.number, got.Quality, got.Location, c.quality, c.want)
		}
	}
}

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

func samePtr(a, b *string) bool { return deref(a) == deref(b) }

// near compares coordinates to well under a centimetre.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestLoadSkipsComuniOutsideTheTerritory: a register of two comuni loaded for a territory of one
// stores that comune's civic numbers and counts the other's, as sections are skipped.
func TestLoadSkipsComuniOutsideTheTerritory(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	_, err := db.Pool.Exec(ctx, `INSERT INTO municipalities (code, name, province_code, geom)
		VALUES ('036023', 'Modena', '036', ST_Multi(ST_MakeEnvelope(10.85, 44.60, 11.00, 44.70, 4326)))`)
	if err != nil {
		t.Fatal(err)
	}
	territory, err := ingest.LoadStudyArea(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := point{"036022", "9", "VIA", "EMILIA", "3", "", "41100", 10.95, 44.65}
	twice := []point{elsewhere, elsewhere, {"036022", "9", "VIA", "EMILIA", "5", "", "41100", 10.95, 44.65}}
	sum, err := addresses.Load(ctx, db.Pool, write(t, file(append(register, twice...))), territory, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sum.Municipalities, ",") != "036023" || sum.Skipped["036022"] < 3 || len(sum.Skipped) != 1 {
		t.Fatalf("summary %+v: want 036023 stored and 036022 skipped", sum)
	}
	var other int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM address_points WHERE municipality_code <> '036023'`).Scan(&other)
	if other != 0 {
		t.Fatalf("%d civic numbers of another comune stored", other)
	}
}
