package districts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5"
)

// Two comuni of the test territory, squares 0.04° wide side by side.
const (
	modena, carpi = "036023", "036005"
)

func square(x0, y0, d float64) string {
	return fmt.Sprintf("%g,%g %g,%g %g,%g %g,%g %g,%g", x0, y0, x0+d, y0, x0+d, y0+d, x0, y0+d, x0, y0)
}

// geoPOI writes a KML shaped like the Agenzia delle Entrate's GeoPOI export.
func geoPOI(t *testing.T, name string, placemarks ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Zone OMI</name><Folder>` + strings.Join(placemarks, "\n") + `</Folder></Document></kml>`
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func placemark(code, desc, coords string) string {
	g := ""
	if coords != "" {
		g = `<Polygon><outerBoundaryIs><LinearRing><coordinates>` + coords + `</coordinates></LinearRing></outerBoundaryIs></Polygon>`
	}
	return `<Placemark><name>` + code + `</name><description><![CDATA[<table><tr><td>Zona</td><td>` + code +
		`</td></tr><tr><td>Descrizione</td><td>` + desc + `</td></tr></table>]]></description>` + g + `</Placemark>`
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// territory stores the two comuni, a section in each half of each, and completes the districts
// as a territory load does.
func territory(t *testing.T, db *testdb.DB) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		for i, c := range []struct{ code, name string }{{modena, "Modena"}, {carpi, "Carpi"}} {
			x := 10.90 + 0.1*float64(i)
			if _, err := tx.Exec(ctx, `INSERT INTO municipalities (code, name, geom, province_code)
				VALUES ($1, $2, ST_Multi(ST_MakeEnvelope($3::float8, 44.60, $3::float8 + 0.04, 44.64, 4326)), '036')`, c.code, c.name, x); err != nil {
				return err
			}
			for j, half := range []float64{0, 0.02} {
				if _, err := tx.Exec(ctx, `INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom)
					VALUES ($1, $2, 10, true, ST_Multi(ST_MakeEnvelope($3::float8, 44.60, $3::float8 + 0.02, 44.64, 4326)))`,
					fmt.Sprintf("%s%d", c.code, j+1), c.code, x+half); err != nil {
					return err
				}
			}
		}
		_, err := zones.CompleteDistricts(ctx, tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

type row struct{ code, zone, kind, band, description, municipality string }

func districtsOf(t *testing.T, db *testdb.DB) map[string]row {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT code, zone, kind, coalesce(band, ''), description, municipality_code FROM omi_zones`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]row{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.code, &r.zone, &r.kind, &r.band, &r.description, &r.municipality); err != nil {
			t.Fatal(err)
		}
		out[r.code] = r
	}
	return out
}

func sectionDistricts(t *testing.T, db *testdb.DB) map[string]string {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT id, coalesce(omi_zone, '') FROM census_sections`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for rows.Next() {
		var id, z string
		if err := rows.Scan(&id, &z); err != nil {
			t.Fatal(err)
		}
		out[id] = z
	}
	return out
}

func load(t *testing.T, db *testdb.DB, path, municipality string, opt Options) (Summary, error) {
	t.Helper()
	f, err := Read(path, opt)
	if err != nil {
		return Summary{}, err
	}
	return Store(context.Background(), db.Pool, municipality, f)
}

func TestComuneWithoutDistrictsIsItself(t *testing.T) {
	db := testdb.New(t)
	territory(t, db)
	got := districtsOf(t, db)
	if len(got) != 2 || got[carpi] != (row{carpi, carpi, "municipality", "", "Carpi", carpi}) || got[modena].kind != "municipality" {
		t.Fatalf("districts %+v", got)
	}
	if s := sectionDistricts(t, db); s[carpi+"1"] != carpi || s[modena+"2"] != modena {
		t.Errorf("sections %v", s)
	}
}

func TestLoadKMLAndGeoJSON(t *testing.T) {
	db := testdb.New(t)
	territory(t, db)
	// Modena: B3 the west half, D2 the east half reaching 0.01° beyond the comune (clipped).
	kmlModena := geoPOI(t, "modena.kml",
		placemark("B3", "CENTRO STORICO: Via Emilia &amp; Piazza Grande", square(10.90, 44.60, 0.02)),
		placemark("D2", "PERIFERIA NORD", "10.92,44.60 10.95,44.60 10.95,44.64 10.92,44.64 10.92,44.60"))
	sum, err := load(t, db, kmlModena, modena, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 2 || sum.Sections != 2 || sum.Unplaced != 0 || sum.OwnDistrict != 1 || sum.ClippedKm2 < 1 {
		t.Errorf("summary %+v", sum)
	}
	got := districtsOf(t, db)
	if b3 := got[modena+"/B3"]; b3 != (row{modena + "/B3", "B3", "omi", "B", "CENTRO STORICO: Via Emilia & Piazza Grande", modena}) {
		t.Errorf("B3: %+v", b3)
	}
	if _, ok := got[modena]; ok || got[carpi].kind != "municipality" {
		t.Errorf("Modena has districts now, Carpi is its own: %+v", got)
	}
	var maxX float64
	if err := db.Pool.QueryRow(context.Background(), `SELECT ST_XMax(geom) FROM omi_zones WHERE code = $1`, modena+"/D2").Scan(&maxX); err != nil || maxX > 10.9400001 {
		t.Errorf("D2 not clipped to the comune: xmax %v, %v", maxX, err)
	}
	if s := sectionDistricts(t, db); s[modena+"1"] != modena+"/B3" || s[modena+"2"] != modena+"/D2" || s[carpi+"1"] != carpi {
		t.Errorf("sections %v", s)
	}

	// Carpi's own B3: stored beside Modena's.
	kmlCarpi := geoPOI(t, "carpi.kml", placemark("b3", "CENTRO", square(11.00, 44.60, 0.04)))
	if _, err := load(t, db, kmlCarpi, carpi, Options{}); err != nil {
		t.Fatal(err)
	}
	got = districtsOf(t, db)
	if got[modena+"/B3"].zone != "B3" || got[carpi+"/B3"].zone != "B3" || got[carpi+"/B3"].municipality != carpi {
		t.Errorf("two B3 side by side: %+v", got)
	}
	if _, ok := got[carpi]; ok {
		t.Errorf("Carpi has districts and is still its own: %+v", got)
	}
	if s := sectionDistricts(t, db); s[carpi+"1"] != carpi+"/B3" || s[carpi+"2"] != carpi+"/B3" || s[modena+"1"] != modena+"/B3" {
		t.Errorf("sections %v", s)
	}

	// Carpi's quartieri from GeoJSON replace its OMI zones: no band.
	gj := writeFile(t, "quartieri.geojson", `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"COD_Q":1,"NOME_Q":"Centro storico"},"geometry":{"type":"Polygon","coordinates":[[[11.00,44.60],[11.02,44.60],[11.02,44.64],[11.00,44.64],[11.00,44.60]]]}},
		{"type":"Feature","properties":{"COD_Q":2,"NOME_Q":"Cibeno"},"geometry":{"type":"MultiPolygon","coordinates":[[[[11.02,44.60],[11.04,44.60],[11.04,44.64],[11.02,44.64],[11.02,44.60]]]]}}]}`)
	if _, err := load(t, db, gj, carpi, Options{Kind: KindQuartieri, CodeField: "COD_Q", NameField: "NOME_Q"}); err != nil {
		t.Fatal(err)
	}
	got = districtsOf(t, db)
	if q := got[carpi+"/2"]; q != (row{carpi + "/2", "2", "quartieri", "", "Cibeno", carpi}) {
		t.Errorf("quartiere 2: %+v", q)
	}
	if _, ok := got[carpi+"/B3"]; ok || len(got) != 4 {
		t.Errorf("districts %+v", got)
	}
	if s := sectionDistricts(t, db); s[carpi+"1"] != carpi+"/1" || s[carpi+"2"] != carpi+"/2" {
		t.Errorf("sections %v", s)
	}
}

func TestBadFilesRefused(t *testing.T) {
	db := testdb.New(t)
	territory(t, db)
	before := districtsOf(t, db)
	cases := []struct {
		name, path, municipality string
		opt                      Options
		want                     []string
	}{
		{"bad placemarks", geoPOI(t, "bad.kml",
			placemark("B3", "CENTRO", square(10.90, 44.60, 0.02)),
			placemark("X1", "BOH", square(10.92, 44.60, 0.02)),
			placemark("B3", "ANCORA", square(10.92, 44.60, 0.01)),
			placemark("C1", "VUOTA", "")),
			modena, Options{}, []string{
				`bad.kml: placemark 2 "X1": name: OMI zone code "X1": its first letter is the band`,
				`bad.kml: placemark 3 "B3": name: district B3 repeats placemark 1 "B3"`,
				`bad.kml: placemark 4 "C1": geometry: no polygon`}},
		{"bad coordinate", geoPOI(t, "coord.kml", placemark("B1", "X", "10.9,44.6 10.9,144.6 11,44.6 10.9,44.6")),
			modena, Options{}, []string{`coord.kml: placemark 1 "B1"`, "latitude"}},
		{"outside the comune", geoPOI(t, "fuori.kml",
			placemark("B1", "DENTRO", square(10.90, 44.60, 0.02)),
			placemark("R1", "FUORI", square(10.50, 44.60, 0.02))),
			modena, Options{}, []string{`fuori.kml: placemark 2 "R1": geometry: lies outside the comune 036023 Modena`}},
		{"geojson fields", writeFile(t, "q.geojson", `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"COD_Q":"A"},"geometry":{"type":"Polygon","coordinates":[[[11.00,44.60],[11.02,44.60],[11.02,44.64],[11.00,44.60]]]}},
			{"type":"Feature","properties":{"NOME_Q":"Senza codice"},"geometry":{"type":"Polygon","coordinates":[[[11.00,44.60],[11.02,44.60],[11.02,44.64],[11.00,44.60]]]}},
			{"type":"Feature","properties":{"COD_Q":"C"},"geometry":{"type":"Point","coordinates":[11.01,44.61]}}]}`),
			carpi, Options{Kind: KindQuartieri, CodeField: "COD_Q"}, []string{
				`q.geojson: feature 2: COD_Q: missing`,
				`q.geojson: feature 3 "C": geometry: a Point, want a Polygon or MultiPolygon`}},
		{"not in the territory", geoPOI(t, "altrove.kml", placemark("B1", "X", square(10.90, 44.60, 0.02))),
			"037006", Options{}, []string{"municipality 037006 is not in the territory"}},
		{"municipality code", geoPOI(t, "codice.kml", placemark("B1", "X", square(10.90, 44.60, 0.02))),
			"36023", Options{}, []string{`municipality "36023": want its six-digit ISTAT code`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(t, db, c.path, c.municipality, c.opt)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant %q", err, w)
				}
			}
			var invalid *InvalidError
			if strings.Contains(c.want[0], "geometry") || strings.Contains(c.want[0], ": name:") || strings.Contains(c.want[0], "COD_Q") {
				if !errors.As(err, &invalid) {
					t.Errorf("%T, want *InvalidError", err)
				}
			}
			if got := districtsOf(t, db); len(got) != len(before) || got[modena] != before[modena] || got[carpi] != before[carpi] {
				t.Errorf("stored after an error: %+v", got)
			}
		})
	}
}
