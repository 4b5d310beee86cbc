package gpkg

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	pub "github.com/abitare/abitare/publish/gpkg"
	"github.com/twpayne/go-geom"
)

// wkt32632 is GDAL's WKT 1 of WGS 84 / UTM zone 32N, as ogr2ogr writes it in gpkg_spatial_ref_sys.
const wkt32632 = `PROJCS["WGS 84 / UTM zone 32N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",9],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32632"]]`

var utm32 = pub.SRS{Name: "WGS 84 / UTM zone 32N", ID: 32632, Organization: "EPSG", OrgCoordSysID: 32632, Definition: wkt32632}

func square(x, y, d float64) *geom.MultiPolygon {
	return geom.NewMultiPolygon(geom.XY).MustSetCoords([][][]geom.Coord{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}})
}

type row struct {
	g    geom.T
	vals []any
}

// write makes a GeoPackage with publish/gpkg's writer: srs (if any) and one MULTIPOLYGON layer
// per name, with the columns codice TEXT, residenti INTEGER, quota REAL, each holding rows.
func write(t *testing.T, srs *pub.SRS, srsID int32, layers []string, rows []row) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.gpkg")
	w, err := pub.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if srs != nil {
		if err := w.AddSRS(*srs); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range layers {
		if err := w.AddLayer(pub.Layer{Name: l, GeometryType: "MULTIPOLYGON", SRSID: srsID,
			Columns: []pub.Column{{Name: "codice", Type: "TEXT"}, {Name: "residenti", Type: "INTEGER"}, {Name: "quota", Type: "REAL"}}}); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Insert(l, r.g, r.vals...); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// exec changes a written file with SQL, to make bad ones.
func exec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The R-tree triggers need GDAL's ST_ functions, which this SQLite lacks.
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	var triggers []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, n)
	}
	rows.Close()
	for _, n := range triggers {
		stmts = append([]string{`DROP TRIGGER "` + n + `"`}, stmts...)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

var sampleRows = []row{
	{square(650000, 4940000, 10000), []any{"036023", 184000, 0.25}},
	{nil, []any{nil, nil, nil}},
	{square(645000, 4955000, 6000), []any{"036005", int64(71000), 1}},
}

func readAll(t *testing.T, r *Reader) []Feature {
	t.Helper()
	var out []Feature
	for {
		f, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
}

func TestReadsWhatPublishWrites(t *testing.T) {
	path := write(t, &utm32, 32632, []string{"comuni"}, sampleRows)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Layer() != "comuni" || r.SRID() != 32632 || r.GeometryType() != "MULTIPOLYGON" {
		t.Fatalf("layer %q, EPSG:%d, %s", r.Layer(), r.SRID(), r.GeometryType())
	}
	if s := r.SRS(); s.ID != 32632 || s.Organization != "EPSG" || s.Definition != wkt32632 {
		t.Fatalf("SRS %+v", s)
	}
	want := []Field{{"codice", "TEXT"}, {"residenti", "INTEGER"}, {"quota", "REAL"}}
	if !slices.Equal(r.Fields(), want) {
		t.Fatalf("fields %v", r.Fields())
	}
	fs := readAll(t, r)
	if len(fs) != 3 {
		t.Fatalf("%d features", len(fs))
	}
	for i, f := range fs {
		if f.Row != i+1 || f.FID != int64(i+1) {
			t.Errorf("feature %d: row %d fid %d", i, f.Row, f.FID)
		}
	}
	a := fs[0].Attributes
	if a["codice"] != "036023" || a["residenti"] != int64(184000) || a["quota"] != 0.25 {
		t.Fatalf("attributes %#v", a)
	}
	if b := fs[1].Attributes; fs[1].Geometry != nil || b["codice"] != nil || b["residenti"] != nil || b["quota"] != nil {
		t.Fatalf("a row of NULLs: %#v %v", b, fs[1].Geometry)
	}
	if fs[2].Attributes["quota"] != 1.0 {
		t.Fatalf("an integer in a REAL column: %#v", fs[2].Attributes["quota"])
	}
	for i, f := range []int{0, 2} {
		g, ok := fs[f].Geometry.(*geom.MultiPolygon)
		if !ok {
			t.Fatalf("feature %d: %T", f, fs[f].Geometry)
		}
		src := sampleRows[f].g.(*geom.MultiPolygon)
		if !slices.Equal(g.FlatCoords(), src.FlatCoords()) || !slices.Equal(g.Endss()[0], src.Endss()[0]) || g.SRID() != 32632 {
			t.Errorf("geometry %d: %v (EPSG:%d), want %v", i, g.FlatCoords(), g.SRID(), src.FlatCoords())
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the end: %v", err)
	}
}

func TestLayers(t *testing.T) {
	path := write(t, &utm32, 32632, []string{"comuni", "province"}, sampleRows[:1])
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "2 feature layers (comuni, province)") {
		t.Fatalf("two layers: %v", err)
	}
	r, err := OpenLayer(path, "PROVINCE")
	if err != nil {
		t.Fatal(err)
	}
	if r.Layer() != "province" || len(readAll(t, r)) != 1 {
		t.Fatalf("layer %q", r.Layer())
	}
	r.Close()
	if _, err := OpenLayer(path, "regioni"); err == nil || !strings.Contains(err.Error(), `no feature layer "regioni" (it holds comuni, province)`) {
		t.Fatalf("a missing layer: %v", err)
	}
}

func TestNotAGeoPackage(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "comuni.gpkg")
	os.WriteFile(text, []byte("PRO_COM_T;COMUNE\n036023;Modena\n"), 0o600)
	empty := filepath.Join(dir, "empty.gpkg")
	os.WriteFile(empty, nil, 0o600)
	plain := filepath.Join(dir, "plain.gpkg")
	exec(t, plain, `CREATE TABLE comuni (code TEXT)`)
	for path, want := range map[string]string{
		text:                            "comuni.gpkg: not a GeoPackage: not an SQLite database",
		empty:                           "empty.gpkg: not a GeoPackage: not an SQLite database",
		plain:                           "plain.gpkg: not a GeoPackage: the SQLite database has no gpkg_contents",
		filepath.Join(dir, "none.gpkg"): "none.gpkg: cannot open: no such file",
	} {
		_, err := Open(path)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", filepath.Base(path), err, want)
		}
	}
	// Reading changed nothing: the plain database has no GeoPackage tables after all.
	if _, err := os.Stat(filepath.Join(dir, "none.gpkg")); !os.IsNotExist(err) {
		t.Fatal("opening a missing file created it")
	}
}

func TestNoFeatureLayer(t *testing.T) {
	path := write(t, nil, 0, nil, nil)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "f.gpkg: holds no feature layer (gpkg_contents") {
		t.Fatalf("an empty GeoPackage: %v", err)
	}
	exec(t, path, `CREATE TABLE popolazione (codice TEXT, residenti INTEGER)`,
		`INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('popolazione', 'attributes', 'popolazione')`)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "holds no feature layer, only popolazione (attributes)") {
		t.Fatalf("a GeoPackage of attributes: %v", err)
	}
}

func TestSRS(t *testing.T) {
	// GDAL writes a CRS it cannot identify under its own srs_id and organization NONE: the WKT
	// decides, by its authority or its name.
	esri := pub.SRS{Name: "WGS_1984_UTM_Zone_32N", ID: 100000, Organization: "NONE", OrgCoordSysID: 100000,
		Definition: `PROJCS["WGS_1984_UTM_Zone_32N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`}
	r, err := Open(write(t, &esri, 100000, []string{"comuni"}, sampleRows[:1]))
	if err != nil {
		t.Fatal(err)
	}
	if r.SRID() != 32632 {
		t.Fatalf("an ESRI WKT of UTM 32N: EPSG:%d", r.SRID())
	}
	if f := readAll(t, r); f[0].Geometry.SRID() != 32632 {
		t.Fatalf("geometry SRID %d", f[0].Geometry.SRID())
	}
	r.Close()

	lambert := pub.SRS{Name: "Lambert locale", ID: 100001, Organization: "NONE", OrgCoordSysID: 100001,
		Definition: `PROJCS["Lambert locale",GEOGCS["GCS_WGS_1984"],PROJECTION["Lambert_Conformal_Conic"]]`}
	_, err = Open(write(t, &lambert, 100001, []string{"comuni"}, sampleRows[:1]))
	if err == nil || !strings.Contains(err.Error(), `f.gpkg: layer comuni: unknown CRS: srs_id 100001 "Lambert locale" (NONE:100001)`) {
		t.Fatalf("an unknown CRS: %v", err)
	}
	_, err = Open(write(t, nil, -1, []string{"comuni"}, sampleRows[:1]))
	if err == nil || !strings.Contains(err.Error(), "layer comuni: undefined CRS (srs_id -1") {
		t.Fatalf("the undefined cartesian CRS: %v", err)
	}
	// organization is matched without regard to case; a WKT 2 definition is read too.
	for _, s := range []SRS{
		{ID: 7, Organization: "epsg", OrgCoordSysID: 25832, Definition: "undefined"},
		{ID: 8, Organization: "NONE", Definition: "undefined", DefinitionWKT2: `PROJCRS["ETRS89 / UTM zone 32N",BASEGEOGCRS["ETRS89"],ID["EPSG",25832]]`},
	} {
		if code, err := s.EPSG(); code != 25832 || err != nil {
			t.Errorf("%+v: %d %v", s, code, err)
		}
	}
}

func TestBadGeometries(t *testing.T) {
	good, _, _, err := pub.Encode(square(650000, 4940000, 10000), 32632)
	if err != nil {
		t.Fatal(err)
	}
	wkbAt := 8 + 32
	bigEndian := func() []byte {
		// the same geometry with a big-endian header and an xyz envelope indicator rewritten to none
		b := []byte{'G', 'P', 0, 0}
		b = binary.BigEndian.AppendUint32(b, 32632)
		return append(b, good[wkbAt:]...)
	}
	for _, c := range []struct {
		name string
		blob []byte
		want string // "" decodes
	}{
		{"publish/gpkg's", good, ""},
		{"big-endian header without envelope", bigEndian(), ""},
		{"extended", append([]byte{'G', 'P', 0, good[3] | 0x20}, good[4:]...), "extended GeoPackage geometry (flag X"},
		{"bad magic", append([]byte{'S', 'P'}, good[2:]...), `not the magic "GP"`},
		{"version 1", append([]byte{'G', 'P', 1}, good[3:]...), "version 1"},
		{"envelope 5", append([]byte{'G', 'P', 0, 0x0b}, good[4:]...), "envelope indicator 5"},
		{"short", good[:6], "shorter than the 8 bytes"},
		{"truncated WKB", good[:len(good)-8], "Polygon of 5 points in 72 bytes"},
		{"trailing bytes", append(slices.Clone(good), 0), "1 bytes after the geometry"},
		{"huge ring", hugeRing(good[:wkbAt]), "Polygon of 4294967295 points in 64 bytes"},
		{"EWKB", ewkb(good), "EWKB flags"},
		{"curve", append(slices.Clone(good[:wkbAt]), 1, 10, 0, 0, 0, 0, 0, 0, 0), "CurvePolygon"},
	} {
		g, srs, err := Decode(c.blob)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want == "" && (srs != 32632 || g.(*geom.MultiPolygon).Area() != 1e8):
			t.Errorf("%s: srs %d, %v", c.name, srs, g)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// An empty point is NaN coordinates.
	if g, _, err := Decode(emptyPoint); err != nil || !g.Empty() {
		t.Fatalf("an empty point: %v %v", g, err)
	}
}

// emptyPoint is the blob of POINT EMPTY: the empty flag, no envelope, NaN coordinates.
var emptyPoint = func() []byte {
	b := []byte{'G', 'P', 0, 0x11, 0xe6, 0x10, 0, 0, 1, 1, 0, 0, 0}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(math.NaN()))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(math.NaN()))
}()

// hugeRing is a header then a polygon whose one ring claims 2³²-1 points.
func hugeRing(header []byte) []byte {
	b := append(slices.Clone(header), 1)
	b = binary.LittleEndian.AppendUint32(b, 3)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, math.MaxUint32)
	return append(b, make([]byte, 64)...)
}

// ewkb sets the EWKB SRID flag on the blob's WKB type.
func ewkb(good []byte) []byte {
	b := slices.Clone(good)
	t := binary.LittleEndian.Uint32(b[41:])
	binary.LittleEndian.PutUint32(b[41:], t|0x20000000)
	return b
}

func TestLocatedErrors(t *testing.T) {
	path := write(t, &utm32, 32632, []string{"comuni"}, sampleRows)
	// The third feature's blob declares another srs_id (a header without envelope, then its WKB).
	var blob []byte
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT geom FROM comuni WHERE fid = 3`).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	db.Close()
	exec(t, path, fmt.Sprintf(`UPDATE comuni SET geom = X'47500001E6100000%X' WHERE fid = 3`, blob[40:]))
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got error
	for range 4 {
		if _, got = r.Next(); got != nil {
			break
		}
	}
	var e *Error
	if !errors.As(got, &e) || e.Row != 3 || e.FID != 3 || e.Field != "geom" ||
		got.Error() != "f.gpkg: layer comuni: fid 3 field geom: the geometry's srs_id is 4326, the layer's 32632" {
		t.Fatalf("%#v", got)
	}
	if _, again := r.Next(); again != got {
		t.Fatalf("error not sticky: %v", again)
	}
	exec(t, path, `UPDATE comuni SET geom = 'POLYGON((0 0, 1 0, 1 1, 0 0))' WHERE fid = 1`)
	r2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if _, err := r2.Next(); err == nil || err.Error() != "f.gpkg: layer comuni: fid 1 field geom: geometry is a text, not a GeoPackage geometry blob" {
		t.Fatalf("WKT in the geometry column: %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	path := write(t, &utm32, 32632, []string{"comuni"}, sampleRows)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, r)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !slices.Equal(before, after) {
		t.Fatal("reading changed the file")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("reading left files beside it: %v", entries)
	}
}
