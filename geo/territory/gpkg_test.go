package territory

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/postgres/testdb"
	pub "github.com/abitare/abitare/publish/gpkg"
	"github.com/twpayne/go-geom"
)

// wkt32632 is GDAL's WKT 1 of WGS 84 / UTM zone 32N, as ogr2ogr writes it in gpkg_spatial_ref_sys.
const wkt32632 = `PROJCS["WGS 84 / UTM zone 32N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",9],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32632"]]`

var utm32SRS = pub.SRS{Name: "WGS 84 / UTM zone 32N", ID: 32632, Organization: "EPSG", OrgCoordSysID: 32632, Definition: wkt32632}

// istatColumns are ISTAT's fields as ogr2ogr -f GPKG writes the shapefile's: codes as integers,
// PRO_COM_T and the names as text.
var istatColumns = []pub.Column{
	{Name: "COD_RIP", Type: "INTEGER"}, {Name: "COD_REG", Type: "INTEGER"}, {Name: "COD_PROV", Type: "INTEGER"},
	{Name: "COD_CM", Type: "INTEGER"}, {Name: "COD_UTS", Type: "INTEGER"}, {Name: "PRO_COM", Type: "INTEGER"},
	{Name: "PRO_COM_T", Type: "TEXT"}, {Name: "COMUNE", Type: "TEXT"}, {Name: "COMUNE_A", Type: "TEXT"},
	{Name: "CC_UTS", Type: "INTEGER"}, {Name: "Shape_Area", Type: "REAL"},
}

func utmMultiPolygon(c testComune) *geom.MultiPolygon {
	sq := utmSquare(c.x, c.y, c.km)[0]
	ring := make([]geom.Coord, len(sq))
	for i, p := range sq {
		ring[i] = geom.Coord{p[0], p[1]}
	}
	return geom.NewMultiPolygon(geom.XY).MustSetCoords([][][]geom.Coord{{ring}})
}

// writeISTATGeoPackage writes comuni as a GeoPackage of ISTAT's layout with publish/gpkg's
// writer, in the layer "Com01012024_g_WGS84" of srs (EPSG:32632 if nil); code overrides a
// comune's PRO_COM_T by index.
func writeISTATGeoPackage(t *testing.T, comuni []testComune, srs *pub.SRS, layers ...string) string {
	t.Helper()
	if srs == nil {
		srs = &utm32SRS
	}
	if len(layers) == 0 {
		layers = []string{"Com01012024_g_WGS84"}
	}
	path := filepath.Join(t.TempDir(), "Com01012024_g_WGS84.gpkg")
	w, err := pub.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if srs.ID != 4326 {
		if err := w.AddSRS(*srs); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range layers {
		if err := w.AddLayer(pub.Layer{Name: l, GeometryType: "MULTIPOLYGON", SRSID: srs.ID, Columns: istatColumns}); err != nil {
			t.Fatal(err)
		}
		for _, c := range comuni {
			reg, _ := strconv.Atoi(c.reg)
			prov, _ := strconv.Atoi(c.prov)
			num, _ := strconv.Atoi(c.code)
			if err := w.Insert(l, utmMultiPolygon(c), 2, reg, prov, 0, prov, num, c.code, c.name, nil, 0, c.km*c.km*1e6); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadISTATGeoPackage(t *testing.T) {
	comuni := append([]testComune{{"036040", "Città di prova", "36", "8", 660000, 4950000, 4}}, threeComuni...)
	f, err := ReadFile(writeISTATGeoPackage(t, comuni, nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "Com01012024_g_WGS84.gpkg" || f.SRID != 32632 || len(f.Municipalities) != 4 {
		t.Fatalf("read %s EPSG:%d, %d municipalities", f.Name, f.SRID, len(f.Municipalities))
	}
	for i, m := range f.Municipalities {
		c := comuni[i]
		if m.Code != c.code || m.Name != c.name || m.ProvinceCode != "0"+c.prov || m.UTSCode != "0"+c.prov || m.RegionCode != "0"+c.reg {
			t.Errorf("municipality %d: %+v, want %v", i, m, c)
		}
		want := utmMultiPolygon(c)
		if !slices.Equal(m.Geometry.FlatCoords(), want.FlatCoords()) || m.Geometry.SRID() != 32632 {
			t.Errorf("%s: geometry %v (EPSG:%d), want %v", c.name, m.Geometry.FlatCoords(), m.Geometry.SRID(), want.FlatCoords())
		}
	}
	if f, err = (Selection{Province: "036"}).Select(f); err != nil || len(f.Municipalities) != 3 {
		t.Fatalf("province 036: %d, %v", len(f.Municipalities), err)
	}
}

// TestLoadGeoPackageFromOgr2ogr reads what GDAL writes: ISTAT's zipped shapefile and a
// GeoJSON converted with ogr2ogr -f GPKG, as they are and in WGS 84.
func TestLoadGeoPackageFromOgr2ogr(t *testing.T) {
	zip := writeISTATZip(t, threeComuni)
	geojson := writeGeoJSON(t, threeComuni, nil)
	for _, c := range []struct {
		name string
		args []string
		srid int
	}{
		{"shapefile in EPSG:32632", []string{"/vsizip/" + zip + "/Com01012024_g/Com01012024_g_WGS84.shp"}, 32632},
		{"GeoJSON in EPSG:32632", []string{geojson}, 32632},
		{"GeoJSON to EPSG:4326", []string{"-t_srs", "EPSG:4326", "-nln", "comuni", geojson}, 4326},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := exec.LookPath("ogr2ogr"); err != nil {
				t.Skip("ogr2ogr is not installed (Debian: gdal-bin)")
			}
			out := filepath.Join(t.TempDir(), "comuni.gpkg")
			cmd := exec.Command("ogr2ogr", append([]string{"-f", "GPKG", out}, c.args...)...)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("ogr2ogr: %v\n%s", err, b)
			}
			f, err := ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if f.SRID != c.srid || len(f.Municipalities) != 3 {
				t.Fatalf("EPSG:%d, %d municipalities", f.SRID, len(f.Municipalities))
			}
			for i, m := range f.Municipalities {
				want := threeComuni[i]
				if m.Code != want.code || m.Name != want.name || m.ProvinceCode != "0"+want.prov || m.RegionCode != "0"+want.reg {
					t.Errorf("municipality %d: %+v", i, m)
				}
				b := m.Geometry.Bounds()
				switch c.srid {
				case 32632:
					if b.Min(0) != want.x || b.Min(1) != want.y || b.Max(0) != want.x+want.km*1000 {
						t.Errorf("%s: bounds %v", m.Name, b)
					}
				case 4326:
					if b.Min(0) < 10.5 || b.Max(0) > 11.6 || b.Min(1) < 44.4 || b.Max(1) > 44.9 {
						t.Errorf("%s: bounds %v are not Modena's longitude and latitude", m.Name, b)
					}
				}
			}
		})
	}
}

func TestGeoPackageLayers(t *testing.T) {
	path := writeISTATGeoPackage(t, threeComuni, nil, "comuni", "comuni_2011")
	_, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "(comuni, comuni_2011): name the one to read") {
		t.Fatalf("two layers: %v", err)
	}
	f, err := ReadLayer(path, "comuni_2011")
	if err != nil || len(f.Municipalities) != 3 {
		t.Fatalf("layer comuni_2011: %v", err)
	}
	// A zip's shapefile by name, as ISTAT's Limiti01012024_g.zip needs.
	if f, err := ReadLayer(writeISTATZip(t, threeComuni), "Com01012024_g_WGS84"); err != nil || len(f.Municipalities) != 3 {
		t.Fatalf("a zip's layer: %v", err)
	}
	if _, err := ReadLayer(writeGeoJSON(t, threeComuni, nil), "comuni"); err == nil || !strings.Contains(err.Error(), "has none") {
		t.Fatalf("a layer of GeoJSON: %v", err)
	}
}

// badGeoPackages are the files a load must refuse, each with what its error must say.
func badGeoPackages(t *testing.T) map[string][]string {
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "comuni.gpkg")
	if err := os.WriteFile(notSQLite, []byte("PRO_COM_T;COMUNE\n036023;Modena\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noLayer := filepath.Join(t.TempDir(), "vuoto.gpkg")
	w, err := pub.Create(noLayer)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lambert := pub.SRS{Name: "Lambert locale", ID: 100000, Organization: "NONE", OrgCoordSysID: 100000,
		Definition: `PROJCS["Lambert locale",GEOGCS["GCS_WGS_1984"],PROJECTION["Lambert_Conformal_Conic"]]`}
	fiveDigits := []testComune{threeComuni[0], {"36005", "Carpi", "36", "8", 645000, 4955000, 6}}
	return map[string][]string{
		notSQLite: {"comuni.gpkg: not a GeoPackage: not an SQLite database"},
		noLayer:   {"vuoto.gpkg: holds no feature layer"},
		writeISTATGeoPackage(t, threeComuni, &lambert): {"Com01012024_g_WGS84.gpkg: layer Com01012024_g_WGS84: unknown CRS", `"Lambert locale" (NONE:100000)`},
		writeISTATGeoPackage(t, fiveDigits, nil):       {"Com01012024_g_WGS84.gpkg: layer Com01012024_g_WGS84: fid 2: ", `municipality code "36005" (PRO_COM_T) is not six digits`},
	}
}

func TestReadFileRejectsBadGeoPackages(t *testing.T) {
	for path, wants := range badGeoPackages(t) {
		_, err := ReadFile(path)
		for _, want := range wants {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", filepath.Base(path), err, want)
			}
		}
	}
}

// TestStoreGeoPackage loads a GeoPackage through Store, then refuses bad ones and one whose CRS
// PostGIS does not know, changing nothing.
func TestStoreGeoPackage(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	f, err := ReadFile(writeISTATGeoPackage(t, threeComuni, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Store(ctx, db.Pool, f, nil); err != nil {
		t.Fatal(err)
	}
	for path := range badGeoPackages(t) {
		if f, err := ReadFile(path); err == nil {
			Store(ctx, db.Pool, f, nil)
			t.Errorf("%s was read", path)
		}
	}
	unknown := pub.SRS{Name: "Nowhere", ID: 999999, Organization: "EPSG", OrgCoordSysID: 999999, Definition: "undefined"}
	f, err = ReadFile(writeISTATGeoPackage(t, threeComuni[:1], &unknown))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Store(ctx, db.Pool, f, nil); err == nil || !strings.Contains(err.Error(), "EPSG:999999 is unknown to PostGIS") {
		t.Fatalf("a CRS PostGIS lacks: %v", err)
	}
	var n int
	var km2 float64
	db.Pool.QueryRow(ctx, `SELECT count(*), sum(ST_Area(geom::geography)) / 1e6 FROM municipalities`).Scan(&n, &km2)
	if n != 3 || math.Abs(km2-200)/200 > 0.005 {
		t.Fatalf("after the refused loads: %d municipalities, %.1f km², want the first file's 3 and 200 km²", n, km2)
	}
}
