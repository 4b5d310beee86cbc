package shapefile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/twpayne/go-geom"
)

// memFiles makes the components of a shapefile from bytes; nil is absent.
func memFiles(shp, shx, dbf, prj, cpg []byte) *files {
	op := func(b []byte) opener {
		if b == nil {
			return nil
		}
		return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return &files{
		shp: op(shp), shx: op(shx), dbf: op(dbf), prj: op(prj), cpg: op(cpg),
		shpName: "f.shp", shxName: "f.shx", dbfName: "f.dbf", prjName: "f.prj", cpgName: "f.cpg",
	}
}

// FuzzReader feeds arbitrary .shp and .dbf bytes to the reader: it must
// never panic, end, return only *Error or io.EOF, and give geometries with
// the file's SRID and rings of at least 4 points.
func FuzzReader(f *testing.F) {
	dir := f.TempDir()
	seed := func(name string, fields []Field, fs []Feature) {
		if err := WriteDir(dir, name, 32632, fields, fs); err != nil {
			f.Fatal(err)
		}
		shp, _ := os.ReadFile(filepath.Join(dir, name+".shp"))
		dbf, _ := os.ReadFile(filepath.Join(dir, name+".dbf"))
		f.Add(shp, dbf, false)
		f.Add(shp, dbf, true)
	}
	seed("poly", sampleFields, sampleFeatures())
	seed("pt", []Field{{Name: "N", Type: 'N', Length: 4}}, []Feature{{Geometry: geom.NewPointFlat(geom.XYZ, []float64{1, 2, 3}), Attributes: map[string]string{"N": "12"}}})
	seed("line", []Field{{Name: "D", Type: 'D', Length: 8}}, []Feature{{Geometry: geom.NewMultiLineStringFlat(geom.XYM, []float64{1, 2, 3, 4, 5, 6}, []int{6})}})
	seed("mp", []Field{{Name: "L", Type: 'L', Length: 1}}, []Feature{{Geometry: geom.NewMultiPointFlat(geom.XY, []float64{1, 2, 3, 4})}})
	f.Add([]byte{}, []byte{}, false)
	f.Fuzz(func(t *testing.T, shp, dbf []byte, utf8CPG bool) {
		var cpg []byte
		if utf8CPG {
			cpg = []byte("UTF-8")
		}
		r, err := open(memFiles(shp, nil, dbf, []byte(wkt1[32632]), cpg))
		if err != nil {
			checkError(t, err)
			return
		}
		defer r.Close()
		for i := 0; i <= len(shp)+len(dbf); i++ {
			feat, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkError(t, err)
				if _, err2 := r.Next(); err2 != err {
					t.Fatalf("error not sticky: %v then %v", err, err2)
				}
				return
			}
			if feat.Attributes == nil || feat.Record < 1 {
				t.Fatalf("feature %+v", feat)
			}
			switch g := feat.Geometry.(type) {
			case nil:
			case *geom.MultiPolygon:
				for k := range g.NumPolygons() {
					p := g.Polygon(k)
					for j := range p.NumLinearRings() {
						if p.LinearRing(j).NumCoords() < 4 {
							t.Fatalf("ring of %d points", p.LinearRing(j).NumCoords())
						}
					}
				}
			}
			if feat.Geometry != nil && feat.Geometry.SRID() != 32632 {
				t.Fatalf("SRID %d", feat.Geometry.SRID())
			}
		}
		t.Fatal("reader does not end")
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not *Error", err, err)
	}
	if e.File == "" || e.Reason == "" || e.Record < 0 {
		t.Fatalf("badly located error %+v", e)
	}
}

// FuzzPRJ: parsePRJ never panics and returns a positive code or an error.
func FuzzPRJ(f *testing.F) {
	for _, s := range wkt1 {
		f.Add(s)
	}
	f.Add(`PROJCS["WGS_1984_UTM_Zone_32N",GEOGCS["GCS_WGS_1984"]]`)
	f.Add(`GEOGCS["x",ID["EPSG",4326]]`)
	f.Fuzz(func(t *testing.T, s string) {
		code, err := parsePRJ(s)
		if (err == nil) != (code > 0) {
			t.Fatalf("%d, %v", code, err)
		}
	})
}
