package zones

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest/census"
	"github.com/abitare/abitare/ingest/shapefile"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/twpayne/go-geom"
)

// rect is a rectangle in UTM 32N metres.
func rect(x0, y0, x1, y1 float64) *geom.Polygon {
	return geom.NewPolygonFlat(geom.XY, []float64{x0, y0, x1, y0, x1, y1, x0, y1, x0, y0}, []int{10})
}

type testSection struct {
	id, proCom string
	shape      *geom.Polygon
}

// writeSections writes ISTAT's 2021 layout of sections (R08_21_WGS84.zip, EPSG:32632).
func writeSections(t *testing.T, secs []testSection) string {
	t.Helper()
	fields := []shapefile.Field{{Name: "SEZ21_ID", Type: 'C', Length: 16}, {Name: "PRO_COM", Type: 'N', Length: 6}}
	var feats []shapefile.Feature
	for i, s := range secs {
		feats = append(feats, shapefile.Feature{Record: i + 1, Geometry: s.shape,
			Attributes: map[string]string{"SEZ21_ID": s.id, "PRO_COM": s.proCom}})
	}
	path := filepath.Join(t.TempDir(), "R08_21_WGS84.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := shapefile.WriteZip(f, "R08_21_WGS84", 32632, fields, feats); err != nil {
		t.Fatal(err)
	}
	return path
}

// latin1Census writes ISTAT's table of census variables in Latin-1 with ';'.
func latin1Census(t *testing.T, rows string) map[string]census.Section {
	t.Helper()
	path := filepath.Join(t.TempDir(), "R08_indicatori_2021_sezioni.csv")
	text := "COMUNE;SEZ21_ID;P1;PF1\n" + rows
	b := []byte(strings.ReplaceAll(text, "à", "\xe0"))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	vars, err := census.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return vars
}

// twoComuni stores two 2 km × 2 km comuni side by side in UTM 32N.
func twoComuni(t *testing.T) *testdb.DB {
	db := testdb.New(t)
	_, err := db.Pool.Exec(context.Background(), `INSERT INTO municipalities (code, name, province_code, geom) VALUES
		('036023', 'Modena', '036', ST_Multi(ST_Transform(ST_MakeEnvelope(650000, 4940000, 652000, 4942000, 32632), 4326))),
		('036005', 'Carpi', '036', ST_Multi(ST_Transform(ST_MakeEnvelope(652000, 4940000, 654000, 4942000, 32632), 4326)))`)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestISTATSectionsLoadWithTheirCensusTable(t *testing.T) {
	db := twoComuni(t)
	ctx := context.Background()
	path := writeSections(t, []testSection{
		{"360230000001", "36023", rect(650000, 4940000, 651000, 4942000)},
		{"360230000002", "36023", rect(651000, 4940000, 652000, 4942000)},
		{"360050000001", "36005", rect(652000, 4940000, 654000, 4942000)},
		{"370060000001", "37006", rect(660000, 4940000, 661000, 4941000)}, // Bologna: not in the territory
	})
	vars := latin1Census(t, "Modena;360230000001;210;95\nModena;360230000002;340;150\nCittà;360050000001;500;220\nBologna;370060000001;90;40\n")
	secs, srid, err := ReadISTATSections(path, vars)
	if err != nil {
		t.Fatal(err)
	}
	res, err := StoreSections(ctx, db.Pool, secs, StoreOptions{SRID: srid})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 3 || res.Residents != 1050 || res.Skipped["037006"] != 1 || len(res.Tiling) != 2 {
		t.Fatalf("stored %+v", res)
	}
	for _, r := range res.Tiling {
		if r.OverlapKm2 > 1e-6 || r.GapKm2 > 1e-6 || r.OutsideKm2 > 1e-6 || len(r.Overlaps) > 0 {
			t.Errorf("%s: a tiling reported as %+v", r.Municipality, r)
		}
	}
	var households int
	db.Pool.QueryRow(ctx, `SELECT households FROM census_sections WHERE id = '360050000001'`).Scan(&households)
	if households != 220 {
		t.Fatalf("households %d, want 220 from PF1", households)
	}
}

func TestSectionsThatDoNotTileAreRefused(t *testing.T) {
	db := twoComuni(t)
	ctx := context.Background()
	vars := latin1Census(t, "Modena;360230000001;210;95\nModena;360230000002;340;150\n")
	// The second section overlaps the first by 1 km × 0.5 km: 12.5% of Modena's 4 km².
	path := writeSections(t, []testSection{
		{"360230000001", "36023", rect(650000, 4940000, 651500, 4942000)},
		{"360230000002", "36023", rect(651000, 4940000, 652000, 4942000)},
	})
	secs, srid, err := ReadISTATSections(path, vars)
	if err != nil {
		t.Fatal(err)
	}
	_, err = StoreSections(ctx, db.Pool, secs, StoreOptions{SRID: srid})
	if err == nil || !strings.Contains(err.Error(), "036023 do not tile it") || !strings.Contains(err.Error(), "360230000001/360230000002") {
		t.Fatalf("overlapping sections: %v", err)
	}
	var n int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM census_sections`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d sections stored by a refused load", n)
	}
	// A gap of 1 km² (25%) is refused too; under a wider tolerance it is stored and reported.
	path = writeSections(t, []testSection{{"360230000001", "36023", rect(650000, 4940000, 651500, 4942000)}})
	secs, _, err = ReadISTATSections(path, vars)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := StoreSections(ctx, db.Pool, secs, StoreOptions{SRID: 32632}); err == nil || !strings.Contains(err.Error(), "lie in no section") {
		t.Fatalf("a gap: %v", err)
	}
	res, err := StoreSections(ctx, db.Pool, secs, StoreOptions{SRID: 32632, Tiling: Tiling{RefusePercent: 30}})
	if err != nil || len(res.Tiling) != 1 || res.Tiling[0].GapKm2 < 0.99 || res.Tiling[0].GapKm2 > 1.01 {
		t.Fatalf("a gap under a wide tolerance: %+v, %v", res, err)
	}
}

func TestISTATSectionMissingFromTheCensusIsRefused(t *testing.T) {
	path := writeSections(t, []testSection{
		{"360230000001", "36023", rect(650000, 4940000, 651000, 4942000)},
		{"360230000009", "36023", rect(651000, 4940000, 652000, 4942000)},
	})
	vars := latin1Census(t, "Modena;360230000001;210;95\n")
	_, _, err := ReadISTATSections(path, vars)
	if err == nil || !strings.Contains(err.Error(), "R08_21_WGS84.zip:record 2:SEZ21_ID:section 360230000009 is not in the census table") {
		t.Fatalf("a section the census lacks: %v", err)
	}
}
