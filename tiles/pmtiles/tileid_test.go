package pmtiles

import (
	"math/rand/v2"
	"testing"
)

// Values from the spec's reference implementations (go-pmtiles tile_id_test.go,
// PMTiles js test/index.test.ts).
func TestZxyToIDKnown(t *testing.T) {
	for _, c := range []struct {
		z    uint8
		x, y uint32
		id   uint64
	}{
		{0, 0, 0, 0},
		{1, 0, 0, 1},
		{1, 0, 1, 2},
		{1, 1, 1, 3},
		{1, 1, 0, 4},
		{2, 0, 0, 5},
		{12, 3423, 1763, 19078479},
	} {
		if got := ZxyToID(c.z, c.x, c.y); got != c.id {
			t.Errorf("ZxyToID(%d, %d, %d) = %d, want %d", c.z, c.x, c.y, got, c.id)
		}
		z, x, y := IDToZxy(c.id)
		if z != c.z || x != c.x || y != c.y {
			t.Errorf("IDToZxy(%d) = %d/%d/%d, want %d/%d/%d", c.id, z, x, y, c.z, c.x, c.y)
		}
	}
}

// The first ID of each zoom is the count of all tiles above it, and the
// curve starts at the top-left corner.
func TestZoomBase(t *testing.T) {
	var want uint64
	for z := uint8(0); z <= MaxTileZoom; z++ {
		if got := ZxyToID(z, 0, 0); got != want {
			t.Fatalf("ZxyToID(%d, 0, 0) = %d, want %d", z, got, want)
		}
		want += uint64(1) << (2 * uint(z))
	}
	if want != idLimit {
		t.Fatalf("tiles of zooms 0..%d = %d, idLimit = %d", MaxTileZoom, want, idLimit)
	}
}

// Every tile of zooms 0..8 gets a distinct ID in its zoom's range, and back.
func TestTileIDRoundTripAllToZ8(t *testing.T) {
	for z := uint8(0); z <= 8; z++ {
		n := uint32(1) << z
		seen := make([]bool, uint64(n)*uint64(n))
		for x := range n {
			for y := range n {
				id := ZxyToID(z, x, y)
				if id < zoomBase(z) || id >= zoomBase(z+1) {
					t.Fatalf("%d/%d/%d: ID %d outside zoom range", z, x, y, id)
				}
				if seen[id-zoomBase(z)] {
					t.Fatalf("%d/%d/%d: ID %d given twice", z, x, y, id)
				}
				seen[id-zoomBase(z)] = true
				if rz, rx, ry := IDToZxy(id); rz != z || rx != x || ry != y {
					t.Fatalf("IDToZxy(ZxyToID(%d, %d, %d)) = %d/%d/%d", z, x, y, rz, rx, ry)
				}
			}
		}
	}
}

// Consecutive IDs are neighbouring tiles: the defining property of the
// Hilbert curve, which keeps nearby tiles together in the file.
func TestHilbertAdjacency(t *testing.T) {
	for z := uint8(1); z <= 8; z++ {
		_, px, py := IDToZxy(zoomBase(z))
		for id := zoomBase(z) + 1; id < zoomBase(z+1); id++ {
			_, x, y := IDToZxy(id)
			dx, dy := int(x)-int(px), int(y)-int(py)
			if dx*dx+dy*dy != 1 {
				t.Fatalf("z%d: ID %d at %d/%d, ID %d at %d/%d: not adjacent", z, id-1, px, py, id, x, y)
			}
			px, py = x, y
		}
	}
}

func TestTileIDRoundTripDeep(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		z := uint8(r.IntN(MaxTileZoom + 1))
		n := uint64(1) << z
		x, y := uint32(r.Uint64N(n)), uint32(r.Uint64N(n))
		id := ZxyToID(z, x, y)
		if rz, rx, ry := IDToZxy(id); rz != z || rx != x || ry != y {
			t.Fatalf("IDToZxy(ZxyToID(%d, %d, %d)) = %d/%d/%d", z, x, y, rz, rx, ry)
		}
	}
	for z := uint8(0); z <= MaxTileZoom; z++ {
		m := uint32(uint64(1)<<z - 1)
		for _, c := range [][2]uint32{{0, 0}, {m, 0}, {0, m}, {m, m}} {
			if rz, rx, ry := IDToZxy(ZxyToID(z, c[0], c[1])); rz != z || rx != c[0] || ry != c[1] {
				t.Fatalf("corner %d/%d/%d came back as %d/%d/%d", z, c[0], c[1], rz, rx, ry)
			}
		}
	}
	if z, x, y := IDToZxy(idLimit - 1); z != MaxTileZoom || ZxyToID(z, x, y) != idLimit-1 {
		t.Fatalf("last ID: %d/%d/%d", z, x, y)
	}
}

func TestTileIDRange(t *testing.T) {
	for _, c := range []struct {
		z    uint8
		x, y uint32
		ok   bool
	}{
		{0, 0, 0, true}, {0, 1, 0, false}, {0, 0, 1, false},
		{3, 7, 7, true}, {3, 8, 0, false}, {3, 0, 8, false},
		{31, 1<<31 - 1, 1<<31 - 1, true}, {31, 1 << 31, 0, false},
		{32, 0, 0, false}, {255, 0, 0, false},
	} {
		if got := ValidTile(c.z, c.x, c.y); got != c.ok {
			t.Errorf("ValidTile(%d, %d, %d) = %v", c.z, c.x, c.y, got)
		}
		if !c.ok {
			mustPanic(t, func() { ZxyToID(c.z, c.x, c.y) })
		}
	}
	mustPanic(t, func() { IDToZxy(idLimit) })
	mustPanic(t, func() { IDToZxy(^uint64(0)) })
}

func mustPanic(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	f()
}
