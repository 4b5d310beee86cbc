package territory

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest/shapefile"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/twpayne/go-geom"
)

// istatFields is the layout of ISTAT's ComDDMMYYYY_g_WGS84.shp.
var istatFields = []shapefile.Field{
	{Name: "COD_RIP", Type: 'N', Length: 2}, {Name: "COD_REG", Type: 'N', Length: 2},
	{Name: "COD_PROV", Type: 'N', Length: 3}, {Name: "COD_CM", Type: 'N', Length: 3},
	{Name: "COD_UTS", Type: 'N', Length: 3}, {Name: "PRO_COM", Type: 'N', Length: 6},
	{Name: "PRO_COM_T", Type: 'C', Length: 6}, {Name: "COMUNE", Type: 'C', Length: 100},
	{Name: "COMUNE_A", Type: 'C', Length: 100}, {Name: "CC_UTS", Type: 'N', Length: 1},
}

// writeISTATZip writes comuni as ISTAT's zipped boundary shapefile (EPSG:32632, Latin-1 .dbf).
func writeISTATZip(t *testing.T, comuni []testComune) string {
	t.Helper()
	var feats []shapefile.Feature
	for i, c := range comuni {
		sq := utmSquare(c.x, c.y, c.km)[0]
		flat := make([]float64, 0, 2*len(sq))
		for _, p := range sq {
			flat = append(flat, p[0], p[1])
		}
		poly := geom.NewPolygonFlat(geom.XY, flat, []int{len(flat)})
		feats = append(feats, shapefile.Feature{Record: i + 1, Geometry: poly, Attributes: map[string]string{
			"COD_RIP": "2", "COD_REG": c.reg, "COD_PROV": c.prov, "COD_CM": "0", "COD_UTS": c.prov,
			"PRO_COM": strings.TrimLeft(c.code, "0"), "PRO_COM_T": c.code, "COMUNE": c.name, "CC_UTS": "0",
		}})
	}
	path := filepath.Join(t.TempDir(), "Com01012024_g_WGS84.zip")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	opt := shapefile.WriteOptions{Encoding: "ISO-8859-1", Dir: "Com01012024_g"}
	if err := shapefile.WriteZipWith(out, "Com01012024_g_WGS84", 32632, istatFields, feats, opt); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadISTATShapefile(t *testing.T) {
	comuni := append([]testComune{{"036040", "Città di prova", "36", "8", 660000, 4950000, 4}}, threeComuni...)
	f, err := ReadFile(writeISTATZip(t, comuni))
	if err != nil {
		t.Fatal(err)
	}
	if f.SRID != 32632 || len(f.Municipalities) != 4 {
		t.Fatalf("read EPSG:%d, %d municipalities", f.SRID, len(f.Municipalities))
	}
	if f.Municipalities[0].Name != "Città di prova" {
		t.Fatalf("the Latin-1 name came out as %q", f.Municipalities[0].Name)
	}
	if f, err = (Selection{Province: "036"}).Select(f); err != nil || len(f.Municipalities) != 3 {
		t.Fatalf("province 036: %d, %v", len(f.Municipalities), err)
	}
	db := testdb.New(t)
	ctx := context.Background()
	if _, err := Store(ctx, db.Pool, f, nil); err != nil {
		t.Fatal(err)
	}
	var known, inside int
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM known_comuni), (SELECT count(*) FROM municipalities)`).Scan(&known, &inside)
	if known != 4 || inside != 3 {
		t.Fatalf("%d comuni known and %d in the territory, want the file's 4 and the province's 3", known, inside)
	}
	for _, c := range comuni[:3] {
		var km2 float64
		if err := db.Pool.QueryRow(ctx, `SELECT ST_Area(geom::geography) / 1e6 FROM municipalities WHERE code = $1`, c.code).Scan(&km2); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := c.km * c.km; math.Abs(km2-want)/want > 0.005 {
			t.Errorf("%s: %.3f km², want %.0f ± 0.5%%", c.name, km2, want)
		}
	}
}

func TestShapefileWithoutPRJIsRefused(t *testing.T) {
	dir := t.TempDir()
	sq := utmSquare(650000, 4940000, 1)[0]
	var flat []float64
	for _, p := range sq {
		flat = append(flat, p[0], p[1])
	}
	feats := []shapefile.Feature{{Record: 1, Geometry: geom.NewPolygonFlat(geom.XY, flat, []int{len(flat)}),
		Attributes: map[string]string{"PRO_COM_T": "036023", "COMUNE": "Modena", "COD_PROV": "36", "COD_REG": "8"}}}
	if err := shapefile.WriteDir(dir, "Com", 32632, istatFields, feats); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "Com.prj"))
	_, err := ReadFile(filepath.Join(dir, "Com.shp"))
	if err == nil || !strings.Contains(err.Error(), ".prj") {
		t.Fatalf("a shapefile without .prj: %v", err)
	}
}
