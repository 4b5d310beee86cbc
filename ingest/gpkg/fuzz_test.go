package gpkg

import (
	"errors"
	"testing"

	pub "github.com/abitare/abitare/publish/gpkg"
	"github.com/twpayne/go-geom"
)

// FuzzDecode feeds arbitrary blobs to the geometry decoder: it must never panic nor allocate
// what a corrupt count claims, and return a geometry or an error, never both.
func FuzzDecode(f *testing.F) {
	for _, g := range []geom.T{
		square(650000, 4940000, 10000),
		geom.NewPointFlat(geom.XYZ, []float64{1, 2, 3}),
		geom.NewLineStringFlat(geom.XYM, []float64{1, 2, 3, 4, 5, 6}),
		geom.NewMultiPointFlat(geom.XY, []float64{1, 2, 3, 4}),
		geom.NewMultiLineStringFlat(geom.XYZM, []float64{1, 2, 3, 4, 5, 6, 7, 8}, []int{8}),
		geom.NewPolygonFlat(geom.XY, []float64{0, 0, 1, 0, 1, 1, 0, 0}, []int{8}),
		geom.NewGeometryCollection().MustPush(geom.NewPointFlat(geom.XY, []float64{1, 2}), square(0, 0, 1)),
	} {
		b, _, _, err := pub.Encode(g, 32632)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(emptyPoint)
	f.Add([]byte("GP\x00\x00\x00\x00\x7f\x78\x00\x00\x00\x06\xff\xff\xff\xff"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, blob []byte) {
		g, _, err := Decode(blob)
		if (g == nil) == (err == nil) {
			t.Fatalf("geometry %v and error %v", g, err)
		}
		if err != nil && errors.Unwrap(err) == nil && err.Error() == "" {
			t.Fatal("an empty error")
		}
	})
}
