package territory

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare/postgres/testdb"
)

// utmSquare is a square of side km kilometres in UTM zone 32N (EPSG:32632) with its south-west
// corner at (x, y) metres.
func utmSquare(x, y, km float64) [][][]float64 {
	s := km * 1000
	return [][][]float64{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
}

type testComune struct {
	code, name, prov, reg string
	x, y, km              float64
}

// writeGeoJSON writes comuni as ISTAT's layout in EPSG:32632 (GeoJSON 2008 crs member).
func writeGeoJSON(t *testing.T, comuni []testComune, extra map[string]any) string {
	t.Helper()
	var feats []map[string]any
	for _, c := range comuni {
		props := map[string]any{"PRO_COM_T": c.code, "COMUNE": c.name, "COD_PROV": c.prov, "COD_REG": c.reg, "COD_UTS": c.prov}
		for k, v := range extra {
			props[k] = v
		}
		feats = append(feats, map[string]any{"type": "Feature", "properties": props,
			"geometry": map[string]any{"type": "Polygon", "coordinates": utmSquare(c.x, c.y, c.km)}})
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection",
		"crs":      map[string]any{"type": "name", "properties": map[string]any{"name": "urn:ogc:def:crs:EPSG::32632"}},
		"features": feats})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "Com01012024_g_WGS84.geojson")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Three comuni in two provinces near Modena (UTM 32N, around 650 km E, 4,945 km N).
var threeComuni = []testComune{
	{"036023", "Modena", "36", "8", 650000, 4940000, 10},
	{"036005", "Carpi", "36", "8", 645000, 4955000, 6},
	{"037006", "Bologna", "37", "8", 680000, 4925000, 8},
}

func TestReadFileTakesISTATLayoutAndCRS(t *testing.T) {
	f, err := ReadFile(writeGeoJSON(t, threeComuni, nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.SRID != 32632 || len(f.Municipalities) != 3 {
		t.Fatalf("read SRID %d and %d municipalities", f.SRID, len(f.Municipalities))
	}
	m := f.Municipalities[0]
	if m.Code != "036023" || m.Name != "Modena" || m.ProvinceCode != "036" || m.RegionCode != "08" || m.UTSCode != "036" {
		t.Fatalf("first municipality %+v", m)
	}
	got, err := Selection{Province: "036"}.Apply(f.Municipalities)
	if err != nil || len(got) != 2 || got[0].Code != "036005" || got[1].Code != "036023" {
		t.Fatalf("province 036: %v %v", got, err)
	}
	// A list takes those comuni and no other, whichever order the file has them in.
	if got, err := (Selection{Municipalities: []string{"036023"}}).Apply(f.Municipalities); err != nil || len(got) != 1 || got[0].Code != "036023" {
		t.Fatalf("municipalities 036023: %v %v", got, err)
	}
	if _, err := (Selection{Municipalities: []string{"036023", "099999"}}).Apply(f.Municipalities); err == nil || !strings.Contains(err.Error(), "099999") {
		t.Fatalf("a missing municipality: %v", err)
	}
	if _, err := (Selection{Region: "05"}).Apply(f.Municipalities); err == nil {
		t.Fatal("a region with no municipality in the file was accepted")
	}
	if err := (Selection{Province: "36"}).Validate(); err == nil {
		t.Fatal("a two-digit province was accepted")
	}
}

func TestReadFileRejectsBadFiles(t *testing.T) {
	bad := []testComune{threeComuni[0], {"36005", "Carpi", "36", "8", 645000, 4955000, 6}}
	_, err := ReadFile(writeGeoJSON(t, bad, nil))
	if err == nil || !strings.Contains(err.Error(), "feature 2") || !strings.Contains(err.Error(), `"36005"`) || !strings.Contains(err.Error(), "six digits") {
		t.Fatalf("a five-digit PRO_COM_T: %v", err)
	}
	dup := []testComune{threeComuni[0], threeComuni[0]}
	if _, err := ReadFile(writeGeoJSON(t, dup, nil)); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("a municipality twice: %v", err)
	}
	path := filepath.Join(t.TempDir(), "c.geojson")
	os.WriteFile(path, []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"Monte Mario"}},"features":[]}`), 0o600)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "unknown CRS") {
		t.Fatalf("an unknown CRS: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "c.kml")); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Fatalf("a KML boundary file: %v", err)
	}
}

func TestStoreReprojectsAndReplaces(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	f, err := ReadFile(writeGeoJSON(t, threeComuni, nil))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Store(ctx, db.Pool, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Municipalities != 3 || sum.Provinces != 2 || sum.Regions != 1 || sum.Cells[7] == 0 || sum.Cells[10] == 0 {
		t.Fatalf("summary %+v", sum)
	}
	// The areas survive reprojection within UTM's scale error (under 0.1% here).
	for _, c := range threeComuni {
		var km2 float64
		if err := db.Pool.QueryRow(ctx, `SELECT ST_Area(geom::geography) / 1e6 FROM municipalities WHERE code = $1`, c.code).Scan(&km2); err != nil {
			t.Fatal(err)
		}
		if want := c.km * c.km; math.Abs(km2-want)/want > 0.005 {
			t.Errorf("%s: %.3f km² after reprojection, want %.0f ± 0.5%%", c.name, km2, want)
		}
	}
	// A reload with one comune fewer removes it, with its sections.
	if _, err := db.Pool.Exec(ctx, `INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom)
		SELECT '370060000001', code, 10, true, geom FROM municipalities WHERE code = '037006'`); err != nil {
		t.Fatal(err)
	}
	f.Municipalities, _ = Selection{Province: "036"}.Apply(f.Municipalities)
	sum, err = Store(ctx, db.Pool, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	var left, sections int
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM municipalities), (SELECT count(*) FROM census_sections)`).Scan(&left, &sections)
	if left != 2 || sections != 0 || fmt.Sprint(sum.Removed) != "[037006]" {
		t.Fatalf("after reload: %d municipalities, %d sections, removed %v", left, sections, sum.Removed)
	}
}

func TestStoreOfABadFileKeepsTheTerritory(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	f, err := ReadFile(writeGeoJSON(t, threeComuni, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Store(ctx, db.Pool, f, nil); err != nil {
		t.Fatal(err)
	}
	// The same metres declared as WGS 84: nothing may change.
	f.SRID = 4326
	if _, err := Store(ctx, db.Pool, f, nil); err == nil || !strings.Contains(err.Error(), "outside longitude/latitude") {
		t.Fatalf("metres as degrees: %v", err)
	}
	f.SRID = 999999
	if _, err := Store(ctx, db.Pool, f, nil); err == nil || !strings.Contains(err.Error(), "EPSG:999999") {
		t.Fatalf("an unknown SRID: %v", err)
	}
	var n int
	var km2 float64
	db.Pool.QueryRow(ctx, `SELECT count(*), sum(ST_Area(geom::geography)) / 1e6 FROM municipalities`).Scan(&n, &km2)
	if n != 3 || math.Abs(km2-200)/200 > 0.005 {
		t.Fatalf("after two refused loads: %d municipalities, %.1f km²", n, km2)
	}
}
