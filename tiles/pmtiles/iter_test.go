package pmtiles

import (
	"bytes"
	"fmt"
	"testing"
)

// Tiles yields every tile added, runs of equal tiles expanded, each once, in tile ID order.
func TestTilesYieldsEveryTile(t *testing.T) {
	b := NewBuilder(Options{TileType: MVT, TileCompression: Gzip, MinZoom: 0, MaxZoom: 6, Bounds: [4]float64{-180, -85, 180, 85}})
	want := map[[3]uint32][]byte{}
	for z := uint8(0); z <= 6; z++ {
		n := uint32(1) << z
		for x := uint32(0); x < n; x += 2 {
			for y := uint32(0); y < n; y++ {
				data := []byte(fmt.Sprintf("tile %d", (x+y)%3)) // many repeats: runs and shared contents
				if err := b.Add(z, x, y, data); err != nil {
					t.Fatal(err)
				}
				want[[3]uint32{uint32(z), x, y}] = data
			}
		}
	}
	data := mustBytes(t, b)
	a, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), data) {
		t.Error("Bytes is not the archive")
	}
	var last uint64
	seen := 0
	for tile := range a.Tiles() {
		key := [3]uint32{uint32(tile.Z), tile.X, tile.Y}
		w, ok := want[key]
		if !ok || !bytes.Equal(w, tile.Data) {
			t.Fatalf("tile %v: %q, want %q (added %v)", key, tile.Data, w, ok)
		}
		id := ZxyToID(tile.Z, tile.X, tile.Y)
		if seen > 0 && id <= last {
			t.Fatalf("tile %v out of order", key)
		}
		last = id
		delete(want, key)
		seen++
	}
	if len(want) != 0 {
		t.Errorf("%d tiles not yielded", len(want))
	}
	for range a.Tiles() {
		break // stopping early must not panic
	}
}
