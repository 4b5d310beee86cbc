package pmtiles

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FuzzOpen: Open never panics, and what it accepts serves every tile it
// indexed, from within the archive.
func FuzzOpen(f *testing.F) {
	ha := newHand()
	f.Add(ha.bytes(f))
	ha.h.InternalCompression = Gzip
	f.Add(ha.bytes(f))
	b := NewBuilder(testOptions(0, 6))
	randomTiles(f, rand.New(rand.NewPCG(15, 16)), b, 60, 0, 6, false)
	data, err := b.Bytes()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:HeaderLen])
	f.Add([]byte("PMTiles\x03"))

	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Open(data)
		if err != nil {
			return
		}
		for i, id := range a.ids {
			z, x, y := IDToZxy(id + uint64(a.spans[i].run) - 1)
			tile, ok := a.Tile(z, x, y)
			if !ok || len(tile) != int(a.spans[i].length) {
				t.Fatalf("indexed tile ID %d not served", id)
			}
		}
		a.Tile(0, 0, 0)
		a.Tile(31, 1<<31-1, 1<<31-1)
		if _, err := a.Metadata(); err != nil {
			t.Fatal(err)
		}
		if h, err := ParseHeader(a.Header().Bytes()); err != nil || h != a.Header() {
			t.Fatalf("header does not round-trip: %v", err)
		}
		if !bytes.Equal(data[:HeaderLen], a.Header().Bytes()) {
			t.Fatal("header bytes differ from the archive's")
		}
	})
}
