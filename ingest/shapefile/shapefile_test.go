package shapefile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twpayne/go-geom"
)

// square returns a closed ring of side d at (x, y), clockwise or not.
func square(x, y, d float64, clockwise bool) []float64 {
	if clockwise {
		return []float64{x, y, x, y + d, x + d, y + d, x + d, y, x, y}
	}
	return []float64{x, y, x + d, y, x + d, y + d, x, y + d, x, y}
}

// multiPolygon builds a MultiPolygon from polygons given as rings.
func multiPolygon(polys ...[][]float64) *geom.MultiPolygon {
	var flat []float64
	var endss [][]int
	for _, rings := range polys {
		var ends []int
		for _, r := range rings {
			flat = append(flat, r...)
			ends = append(ends, len(flat))
		}
		endss = append(endss, ends)
	}
	return geom.NewMultiPolygonFlat(geom.XY, flat, endss)
}

var sampleFields = []Field{
	{Name: "PRO_COM", Type: 'N', Length: 6},
	{Name: "PRO_COM_T", Type: 'C', Length: 6},
	{Name: "COMUNE", Type: 'C', Length: 40},
	{Name: "SHAPE_AREA", Type: 'F', Length: 19, Decimals: 6},
}

const x0, y0 = 650000.0, 4940000.0

func sampleFeatures() []Feature {
	return []Feature{
		{Geometry: multiPolygon([][]float64{square(x0, y0, 1000, true), square(x0+400, y0+400, 200, false)}),
			Attributes: map[string]string{"PRO_COM": "36023", "PRO_COM_T": "036023", "COMUNE": "Città", "SHAPE_AREA": "960000.000000"}},
		{Geometry: multiPolygon([][]float64{square(x0+2000, y0, 500, true)}, [][]float64{square(x0+3000, y0, 500, true)}),
			Attributes: map[string]string{"PRO_COM": "36005", "PRO_COM_T": "036005", "COMUNE": "Castelnuovo Rangone", "SHAPE_AREA": "500000.000000"}},
		{Geometry: nil, Attributes: map[string]string{"PRO_COM": "36001", "PRO_COM_T": "036001", "COMUNE": "Forlì senza forma"}},
	}
}

func writeZip(t *testing.T, name string, opt WriteOptions, features []Feature) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteZipWith(&buf, name, 32632, sampleFields, features, opt); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name+".zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
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

func TestRoundTripZipLatin1(t *testing.T) {
	p := writeZip(t, "Com01012024_g_WGS84", WriteOptions{Encoding: "ISO-8859-1", Dir: "Limiti01012024_g/Com01012024_g"}, sampleFeatures())
	// The .dbf really is Latin-1.
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".dbf") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Contains(b, []byte("Citt\xe0")) {
				t.Error(".dbf does not hold Città in ISO-8859-1")
			}
		}
		if strings.HasSuffix(f.Name, ".cpg") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != "ISO-8859-1" {
				t.Errorf(".cpg = %q", b)
			}
		}
	}
	zr.Close()

	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.SRID() != 32632 {
		t.Errorf("SRID %d", r.SRID())
	}
	if r.Encoding() != "ISO-8859-1" {
		t.Errorf("encoding %s", r.Encoding())
	}
	if !slices.Equal(r.Fields(), sampleFields) {
		t.Errorf("fields %+v", r.Fields())
	}
	got := readAll(t, r)
	want := sampleFeatures()
	if len(got) != len(want) {
		t.Fatalf("%d features, want %d", len(got), len(want))
	}
	for i, f := range got {
		if f.Record != i+1 {
			t.Errorf("feature %d: record %d", i, f.Record)
		}
		for k, v := range want[i].Attributes {
			if f.Attributes[k] != v {
				t.Errorf("feature %d: %s = %q, want %q", i, k, f.Attributes[k], v)
			}
		}
		if want[i].Geometry == nil {
			if f.Geometry != nil {
				t.Errorf("feature %d: geometry %v, want nil", i, f.Geometry)
			}
			continue
		}
		mp, ok := f.Geometry.(*geom.MultiPolygon)
		if !ok {
			t.Fatalf("feature %d: %T", i, f.Geometry)
		}
		w := want[i].Geometry.(*geom.MultiPolygon)
		if mp.SRID() != 32632 || !slices.Equal(mp.FlatCoords(), w.FlatCoords()) || !slices.EqualFunc(mp.Endss(), w.Endss(), slices.Equal) {
			t.Errorf("feature %d: got %v %v srid %d, want %v %v", i, mp.FlatCoords(), mp.Endss(), mp.SRID(), w.FlatCoords(), w.Endss())
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
}

// TestRingGrouping: holes go to the outer ring containing them, whatever
// the order of the rings in the record, and rings written the wrong way
// round are oriented by the writer.
func TestRingGrouping(t *testing.T) {
	// Written as one polygon record of four rings: outer A, outer B, hole of
	// B, hole of A; the writer is given them as two polygons with holes in
	// counter-clockwise order and outer rings anticlockwise.
	a := square(0, 0, 10, false)
	ha := square(1, 1, 2, true)
	b := square(20, 0, 10, false)
	hb := square(21, 1, 2, true)
	g := multiPolygon([][]float64{a, ha}, [][]float64{b, hb})
	dir := t.TempDir()
	if err := WriteDir(dir, "rings", 25832, []Field{{Name: "ID", Type: 'N', Length: 3}}, []Feature{{Geometry: g, Attributes: map[string]string{"ID": "1"}}}); err != nil {
		t.Fatal(err)
	}
	// Reorder the rings in the .shp: A, B, hole of B, hole of A.
	shpPath := filepath.Join(dir, "rings.shp")
	data, _ := os.ReadFile(shpPath)
	content := data[headerSize+8:]
	pts := content[44+16:]
	ring := func(k int) []byte { return slices.Clone(pts[k*5*16 : (k+1)*5*16]) }
	rA, rHA, rB, rHB := ring(0), ring(1), ring(2), ring(3)
	copy(pts, slices.Concat(rA, rB, rHB, rHA))
	if err := os.WriteFile(shpPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(shpPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.SRID() != 25832 {
		t.Errorf("SRID %d", r.SRID())
	}
	f, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	mp := f.Geometry.(*geom.MultiPolygon)
	if mp.NumPolygons() != 2 {
		t.Fatalf("%d polygons", mp.NumPolygons())
	}
	for i, wantHoleX := range []float64{1, 21} {
		p := mp.Polygon(i)
		if p.NumLinearRings() != 2 {
			t.Fatalf("polygon %d: %d rings", i, p.NumLinearRings())
		}
		if x := p.LinearRing(1).Coord(0).X(); x != wantHoleX {
			t.Errorf("polygon %d: hole at x=%v, want %v", i, x, wantHoleX)
		}
		if p.LinearRing(0).Coord(0).X() != wantHoleX-1 {
			t.Errorf("polygon %d: outer ring at x=%v", i, p.LinearRing(0).Coord(0).X())
		}
	}
}

func TestPointsLinesAndDetection(t *testing.T) {
	dir := t.TempDir()
	fields := []Field{{Name: "NOME", Type: 'C', Length: 20}, {Name: "DATA", Type: 'D', Length: 8}, {Name: "OK", Type: 'L', Length: 1}}
	pts := []Feature{
		{Geometry: geom.NewPointFlat(geom.XY, []float64{10.9, 44.6}), Attributes: map[string]string{"NOME": "Modena", "DATA": "20240101", "OK": "T"}},
		{Geometry: geom.NewPointFlat(geom.XY, []float64{10.8, 44.5}), Attributes: map[string]string{"NOME": "Città"}},
	}
	// Latin-1 without .cpg: detected.
	if err := WriteDirWith(dir, "punti", 4326, fields, pts, WriteOptions{Encoding: "ISO-8859-1"}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "punti.cpg"))
	os.Remove(filepath.Join(dir, "punti.shx"))
	r, err := Open(filepath.Join(dir, "punti.shp"))
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	r.Close()
	if r.Encoding() != "ISO-8859-1" || got[1].Attributes["NOME"] != "Città" || got[0].Attributes["DATA"] != "20240101" {
		t.Errorf("encoding %s, %v", r.Encoding(), got)
	}
	if p := got[0].Geometry.(*geom.Point); p.X() != 10.9 || p.Y() != 44.6 || p.SRID() != 4326 {
		t.Errorf("point %v", p.FlatCoords())
	}
	// UTF-8 without .cpg: detected.
	if err := WriteDir(dir, "punti8", 4326, fields, pts); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "punti8.cpg"))
	r, err = Open(filepath.Join(dir, "punti8.shp"))
	if err != nil {
		t.Fatal(err)
	}
	got = readAll(t, r)
	r.Close()
	if r.Encoding() != "UTF-8" || got[1].Attributes["NOME"] != "Città" {
		t.Errorf("encoding %s, %v", r.Encoding(), got)
	}

	// Lines and Z.
	lines := []Feature{{Geometry: geom.NewMultiLineStringFlat(geom.XYZ, []float64{0, 0, 1, 1, 1, 2, 5, 5, 3, 6, 6, 4, 7, 7, 5}, []int{6, 15}), Attributes: map[string]string{"NOME": "via"}}}
	if err := WriteDir(dir, "linee", 7791, fields, lines); err != nil {
		t.Fatal(err)
	}
	r, err = Open(filepath.Join(dir, "linee.shp"))
	if err != nil {
		t.Fatal(err)
	}
	got = readAll(t, r)
	r.Close()
	ml := got[0].Geometry.(*geom.MultiLineString)
	if ml.Layout() != geom.XYZ || !slices.Equal(ml.FlatCoords(), lines[0].Geometry.FlatCoords()) || !slices.Equal(ml.Ends(), []int{6, 15}) || r.SRID() != 7791 {
		t.Errorf("lines %v %v %v srid %d", ml.Layout(), ml.FlatCoords(), ml.Ends(), r.SRID())
	}
	// Multipoints.
	mps := []Feature{{Geometry: geom.NewMultiPointFlat(geom.XY, []float64{1, 2, 3, 4}), Attributes: map[string]string{}}}
	if err := WriteDir(dir, "mp", 3003, fields, mps); err != nil {
		t.Fatal(err)
	}
	r, err = Open(filepath.Join(dir, "mp.shp"))
	if err != nil {
		t.Fatal(err)
	}
	got = readAll(t, r)
	r.Close()
	if m := got[0].Geometry.(*geom.MultiPoint); !slices.Equal(m.FlatCoords(), []float64{1, 2, 3, 4}) || r.SRID() != 3003 {
		t.Errorf("multipoint %v", m.FlatCoords())
	}
}

func TestDeletedRecord(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, "x", 32632, sampleFields, sampleFeatures()); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "x.dbf")
	data, _ := os.ReadFile(p)
	headerLen := int(binary.LittleEndian.Uint16(data[8:]))
	recLen := int(binary.LittleEndian.Uint16(data[10:]))
	data[headerLen+recLen] = '*' // record 2
	os.WriteFile(p, data, 0o644)
	r, err := Open(filepath.Join(dir, "x.shp"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := readAll(t, r)
	if len(got) != 2 || got[0].Record != 1 || got[1].Record != 3 || got[1].Attributes["PRO_COM"] != "36001" {
		t.Errorf("%+v", got)
	}
}

// errorCase makes a shapefile in dir, breaks it, and expects Open or Next
// to fail with an error containing want.
func TestErrors(t *testing.T) {
	patch := func(name string, f func([]byte) []byte) func(dir string) {
		return func(dir string) {
			p := filepath.Join(dir, name)
			data, err := os.ReadFile(p)
			if err != nil {
				panic(err)
			}
			os.WriteFile(p, f(data), 0o644)
		}
	}
	write := func(dir, name string, fs []Feature) {
		if err := WriteDir(dir, name, 32632, sampleFields, fs); err != nil {
			panic(err)
		}
	}
	for _, c := range []struct {
		name  string
		setup func(dir string)
		want  string
	}{
		{"missing dbf", func(dir string) { os.Remove(filepath.Join(dir, "x.dbf")) }, "x.dbf: missing"},
		{"missing prj", func(dir string) { os.Remove(filepath.Join(dir, "x.prj")) }, "x.prj: missing"},
		{"unknown crs", patch("x.prj", func([]byte) []byte {
			return []byte(`PROJCS["Lambert_Conformal_Conic_Emilia",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],UNIT["Meter",1.0]]`)
		}), `x.prj: unrecognised CRS PROJCS["Lambert_Conformal_Conic_Emilia"]`},
		{"not wkt", patch("x.prj", func([]byte) []byte { return []byte("EPSG:32632") }), "x.prj: not a WKT"},
		{"unknown encoding", patch("x.cpg", func([]byte) []byte { return []byte("KOI8-R\r\n") }), `x.cpg: unknown encoding "KOI8-R"`},
		{"bad magic", patch("x.shp", func(b []byte) []byte { b[3] = 0; return b }), "x.shp: not a shapefile: file code 9984, expected 9994"},
		{"truncated header", patch("x.shp", func(b []byte) []byte { return b[:60] }), "x.shp: truncated: 60 bytes"},
		{"truncated record", patch("x.shp", func(b []byte) []byte { return b[:len(b)-150] }), "x.shp: record 2: truncated"},
		{"truncated between records", func(dir string) {
			// Cut after record 2: the null record 3 (12 bytes) is missing.
			patch("x.shp", func(b []byte) []byte { return b[:len(b)-12] })(dir)
		}, "x.shp: truncated: ends at byte"},
		{"dbf truncated", patch("x.dbf", func(b []byte) []byte { return b[:len(b)-40] }), "x.dbf: truncated: ends after 2 records, the header says 3"},
		{"count mismatch with shx", func(dir string) {
			write(dir, "y", sampleFeatures()[:2])
			os.Rename(filepath.Join(dir, "y.dbf"), filepath.Join(dir, "x.dbf"))
		}, "x.shp: x.shx counts 3 records, x.dbf 2"},
		{"more shp records", func(dir string) {
			write(dir, "y", sampleFeatures()[:2])
			os.Rename(filepath.Join(dir, "y.dbf"), filepath.Join(dir, "x.dbf"))
			os.Remove(filepath.Join(dir, "x.shx"))
		}, "x.shp: has more records than the 2 of x.dbf"},
		{"fewer shp records", func(dir string) {
			write(dir, "y", sampleFeatures()[:2])
			os.Rename(filepath.Join(dir, "y.shp"), filepath.Join(dir, "x.shp"))
			os.Remove(filepath.Join(dir, "x.shx"))
		}, "x.shp: ends after 2 records, x.dbf has 3"},
		{"short ring", func(dir string) {
			g := geom.NewMultiPolygonFlat(geom.XY, []float64{0, 0, 0, 1, 0, 0}, [][]int{{6}})
			write(dir, "x", []Feature{sampleFeatures()[0], {Geometry: g}})
		}, "x.shp: record 2: ring 1 has 3 points, a ring needs at least 4"},
		{"bad number", patch("x.dbf", func(b []byte) []byte {
			headerLen := int(binary.LittleEndian.Uint16(b[8:]))
			recLen := int(binary.LittleEndian.Uint16(b[10:]))
			copy(b[headerLen+2*recLen+1:], " 36O01")
			return b
		}), `x.dbf: record 3 field PRO_COM: "36O01" is not a number`},
		{"shape type mismatch", patch("x.shp", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[headerSize+8:], shapePolyLine)
			return b
		}), "x.shp: record 1: PolyLine shape in a file of Polygon shapes"},
		{"part out of range", patch("x.shp", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[headerSize+8+44+4:], 99)
			return b
		}), "x.shp: record 1: part 1 runs from point 0 to 99 of 10"},
		{"parts beyond record", patch("x.shp", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[headerSize+8+40:], 1000)
			return b
		}), "x.shp: record 1: 212 bytes, Polygon of 2 parts and 1000 points needs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write(dir, "x", sampleFeatures())
			c.setup(dir)
			r, err := Open(filepath.Join(dir, "x.shp"))
			if err == nil {
				for err == nil {
					_, err = r.Next()
				}
				r.Close()
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want %q", err, c.want)
			}
		})
	}
}

func TestZipErrors(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, entries map[string]string) string {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for n, v := range entries {
			w, _ := zw.Create(n)
			w.Write([]byte(v))
		}
		zw.Close()
		p := filepath.Join(dir, name)
		os.WriteFile(p, buf.Bytes(), 0o644)
		return p
	}
	for _, c := range []struct {
		entries map[string]string
		want    string
	}{
		{map[string]string{"a.txt": ""}, "z.zip: the archive holds no .shp file"},
		{map[string]string{"a.shp": "", "b/b.shp": ""}, "z.zip: the archive holds 2 shapefiles"},
		{map[string]string{"d/a.shp": "", "d/a.prj": wkt1[4326]}, "z.zip/d/a.dbf: missing"},
		{map[string]string{"d/a.shp": "", "d/a.dbf": ""}, "z.zip/d/a.prj: missing"},
	} {
		_, err := Open(mk("z.zip", c.entries))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	// ISTAT's Limiti archive holds several layers: OpenIn picks one.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, layer := range []string{"Com01012024_g", "ProvCM01012024_g", "Reg01012024_g"} {
		var one bytes.Buffer
		fs := sampleFeatures()
		if layer != "Com01012024_g" {
			fs = fs[:1]
		}
		if err := WriteZipWith(&one, layer+"_WGS84", 32632, sampleFields, fs, WriteOptions{Dir: "Limiti01012024_g/" + layer}); err != nil {
			t.Fatal(err)
		}
		zr, _ := zip.NewReader(bytes.NewReader(one.Bytes()), int64(one.Len()))
		for _, f := range zr.File {
			w, _ := zw.Create(f.Name)
			rc, _ := f.Open()
			io.Copy(w, rc)
			rc.Close()
		}
	}
	zw.Close()
	limiti := filepath.Join(dir, "Limiti01012024_g.zip")
	os.WriteFile(limiti, buf.Bytes(), 0o644)
	if _, err := Open(limiti); err == nil || !strings.Contains(err.Error(), "Limiti01012024_g.zip: the archive holds 3 shapefiles") {
		t.Errorf("several layers: %v", err)
	}
	for _, layer := range []string{"Com01012024_g_WGS84", "com01012024_g_wgs84.shp", "Limiti01012024_g/Com01012024_g/Com01012024_g_WGS84"} {
		r, err := OpenIn(limiti, layer)
		if err != nil {
			t.Fatalf("%s: %v", layer, err)
		}
		if n := len(readAll(t, r)); n != 3 {
			t.Errorf("%s: %d features", layer, n)
		}
		r.Close()
	}
	if _, err := OpenIn(limiti, "Com2011"); err == nil || !strings.Contains(err.Error(), "holds no shapefile Com2011 (it holds Limiti01012024_g/Com01012024_g/Com01012024_g_WGS84.shp,") {
		t.Errorf("unknown layer: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "none.zip")); err == nil || !strings.Contains(err.Error(), "none.zip: cannot open") {
		t.Errorf("error %v", err)
	}
}

func TestPRJ(t *testing.T) {
	for code, text := range wkt1 {
		if got, err := parsePRJ(text); err != nil || got != code {
			t.Errorf("EPSG:%d WKT gives %d, %v", code, got, err)
		}
	}
	for _, c := range []struct {
		text string
		want int
	}{
		// ESRI WKT as ISTAT ships it: no AUTHORITY.
		{`PROJCS["WGS_1984_UTM_Zone_32N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`, 32632},
		{`PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984"]]`, 32633},
		{`PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989"]]`, 25832},
		{`PROJCS["ETRS89 / UTM zone 33N",GEOGCS["ETRS89"]]`, 25833},
		{`PROJCS["RDN2008_UTM_zone_32N",GEOGCS["GCS_RDN2008"]]`, 7791},
		{`PROJCS["RDN2008 / UTM zone 32N (N-E)",GEOGCS["RDN2008"]]`, 6707},
		{`PROJCS["RDN2008_TM32",GEOGCS["GCS_RDN2008"]]`, 6707},
		{`PROJCS["Monte_Mario_Italy_1",GEOGCS["GCS_Monte_Mario"]]`, 3003},
		{`PROJCS["Monte Mario / Italy zone 2",GEOGCS["Monte Mario"]]`, 3004},
		{`GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`, 4326},
		{`GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989"]]`, 4258},
		{"\ufeff  GEOGCS[\"WGS 84\"]\r\n", 4326},
		// The top-level authority wins over the name, nested ones don't count.
		{`PROJCS["some local name",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","32632"]]`, 32632},
		{`PROJCRS["WGS 84 / UTM zone 32N",BASEGEOGCRS["WGS 84",ID["EPSG",4326]],ID["EPSG",32632]]`, 32632},
	} {
		if got, err := parsePRJ(c.text); err != nil || got != c.want {
			t.Errorf("%.40s: %d, %v; want %d", c.text, got, err, c.want)
		}
	}
	for _, text := range []string{
		`PROJCS["Some_Other_Grid",GEOGCS["GCS_WGS_1984",AUTHORITY["EPSG","4326"]]]`,
		`GEOGCS["WGS_1984_UTM_Zone_32N"]`, // a projected name on a geographic CRS
		`PROJCS["WGS 84"`,
		``,
		`VERT_CS["x"]`,
	} {
		if code, err := parsePRJ(text); err == nil {
			t.Errorf("%q accepted as %d", text, code)
		}
	}
}

func TestCPG(t *testing.T) {
	for text, want := range map[string]string{
		"UTF-8": "UTF-8", "utf8\n": "UTF-8", "ISO-8859-1": "ISO-8859-1", "88591": "ISO-8859-1",
		"LATIN1": "ISO-8859-1", "1252": "Windows-1252", "CP1252": "Windows-1252", "ANSI 1252": "Windows-1252",
		"ISO 8859-15": "ISO-8859-15",
	} {
		d, err := parseCPG(text)
		if err != nil || d.name != want {
			t.Errorf("%q: %v %v", text, d, err)
		}
	}
	if _, err := parseCPG("EBCDIC"); err == nil || !strings.Contains(err.Error(), `"EBCDIC"`) {
		t.Errorf("EBCDIC: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	var buf bytes.Buffer
	fs := sampleFeatures()
	if err := WriteZip(&buf, "x", 2154, sampleFields, fs); err == nil {
		t.Error("unknown SRID accepted")
	}
	fs[0].Attributes["PRO_COM"] = "1234567"
	if err := WriteZip(&buf, "x", 32632, sampleFields, fs); err == nil || !strings.Contains(err.Error(), "feature 1 field PRO_COM") {
		t.Errorf("long value: %v", err)
	}
	fs = sampleFeatures()
	fs[1].Geometry = geom.NewPointFlat(geom.XY, []float64{1, 2})
	if err := WriteZip(&buf, "x", 32632, sampleFields, fs); err == nil || !strings.Contains(err.Error(), "feature 2: Point shape in a file of Polygon shapes") {
		t.Errorf("mixed shapes: %v", err)
	}
	fs = sampleFeatures()
	fs[0].Attributes["COMUNE"] = "日本"
	if err := WriteZipWith(&buf, "x", 32632, sampleFields, fs, WriteOptions{Encoding: "ISO-8859-1"}); err == nil {
		t.Error("unencodable value accepted")
	}
}

// TestGDAL checks that GDAL reads what WriteZip writes. It runs when ogrinfo
// (gdal-bin) is on PATH, and must run when ABITARE_E2E=1.
func TestGDAL(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("ABITARE_E2E") == "1" {
			t.Fatal("ABITARE_E2E=1 but ogrinfo (gdal-bin) is not on PATH")
		}
		t.Skip("ogrinfo (gdal-bin) not on PATH")
	}
	for _, enc := range []string{"", "ISO-8859-1"} {
		p := writeZip(t, "Com01012024_g_WGS84", WriteOptions{Encoding: enc}, sampleFeatures())
		out, err := exec.Command(ogrinfo, "-ro", "-al", "-geom=SUMMARY", "/vsizip/"+p).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		text := string(out)
		if strings.Contains(text, "ERROR") || strings.Contains(text, "Warning") {
			t.Errorf("ogrinfo reports a problem:\n%s", text)
		}
		for _, want := range []string{
			"Geometry: Polygon", "Feature Count: 3",
			`ID["EPSG",32632]`,
			"COMUNE (String) = Città", "COMUNE (String) = Castelnuovo Rangone",
			"PRO_COM_T (String) = 036023", "PRO_COM (Integer) = 36023",
			"MULTIPOLYGON : 2 geometries", "POLYGON : 5 points, 1 inner rings (5 points)",
			"Extent: (650000.000000, 4940000.000000) - (653500.000000, 4941000.000000)",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("encoding %q: ogrinfo output lacks %q\n%s", enc, want, text)
			}
		}
	}
}
