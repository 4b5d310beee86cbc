package pmtiles

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// hand is an archive made by hand, to test the reader on layouts our
// Builder does not write: tile entries beside leaf pointers in the root,
// nested leaves, no internal compression, no clustering.
type hand struct {
	h      Header
	root   []Entry
	leaves [][]Entry // a pointer (RunLength 0) with Length 0 means leaves[Offset]
	meta   []byte
	data   []byte
}

func newHand() *hand {
	return &hand{
		h: Header{InternalCompression: NoCompression, TileCompression: NoCompression, TileType: MVT, MinZoom: 0, MaxZoom: 14},
		root: []Entry{
			{TileID: 0, Offset: 0, Length: 3, RunLength: 1},
			{TileID: 5, Offset: 0}, // leaf 0
			{TileID: 100, Offset: 5, Length: 4, RunLength: 2},
			{TileID: 200, Offset: 1}, // leaf 1
		},
		leaves: [][]Entry{
			{{TileID: 5, Offset: 3, Length: 2, RunLength: 1}, {TileID: 7, Offset: 0, Length: 3, RunLength: 3}},
			{{TileID: 200, Offset: 9, Length: 1, RunLength: 1}, {TileID: 250, Offset: 2}}, // leaf 2
			{{TileID: 250, Offset: 10, Length: 5, RunLength: 1}, {TileID: 1000, Offset: 5, Length: 4, RunLength: 1}},
		},
		meta: []byte(`{"name":"hand"}`),
		data: []byte("aaabbccccdeeeee"),
	}
}

// bytes lays the leaves out last first, so that a leaf's pointers (to leaves
// after it in the list) are known when it is encoded.
func (a *hand) bytes(t testing.TB) []byte {
	t.Helper()
	c := a.h.InternalCompression
	enc := func(entries []Entry) []byte {
		b, err := EncodeDirectory(entries, c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	offs := make([]uint64, len(a.leaves))
	lens := make([]uint32, len(a.leaves))
	resolve := func(entries []Entry) []Entry {
		out := append([]Entry(nil), entries...)
		for i, e := range out {
			if e.RunLength == 0 && e.Length == 0 {
				out[i].Offset, out[i].Length = offs[e.Offset], lens[e.Offset]
			}
		}
		return out
	}
	var leafDirs []byte
	for i := len(a.leaves) - 1; i >= 0; i-- {
		b := enc(resolve(a.leaves[i]))
		offs[i], lens[i] = uint64(len(leafDirs)), uint32(len(b))
		leafDirs = append(leafDirs, b...)
	}
	meta := a.meta
	if c == Gzip {
		meta = gzipBytes(t, meta)
	}
	return assemble(a.h, enc(resolve(a.root)), meta, leafDirs, a.data)
}

func TestOpenHandArchive(t *testing.T) {
	for _, c := range []Compression{NoCompression, Gzip} {
		ha := newHand()
		ha.h.InternalCompression = c
		a, err := Open(ha.bytes(t))
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		want := map[uint64]string{0: "aaa", 5: "bb", 7: "aaa", 8: "aaa", 9: "aaa", 100: "cccc", 101: "cccc", 200: "d", 250: "eeeee", 1000: "cccc"}
		for id := range uint64(1500) {
			z, x, y := IDToZxy(id)
			got, ok := a.Tile(z, x, y)
			if w, in := want[id]; ok != in || string(got) != w {
				t.Fatalf("%v: tile ID %d: %q %v, want %q", c, id, got, ok, w)
			}
		}
		if m, _ := a.Metadata(); string(m) != `{"name":"hand"}` {
			t.Fatalf("metadata %q", m)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	setU64 := func(off int, v uint64) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint64(b[off:], v); return b }
	}
	for _, c := range []struct {
		name string
		mod  func(*hand)
		raw  func([]byte) []byte
		want string
	}{
		{name: "truncated", raw: func(b []byte) []byte { return b[:len(b)-1] }, want: "tile data at"},
		{name: "header only", raw: func(b []byte) []byte { return b[:HeaderLen] }, want: "beyond the archive's 127 bytes"},
		{name: "root far", raw: setU64(8, 20000), want: "root directory at 20000"},
		{name: "root empty", raw: setU64(16, 0), want: "root directory has length 0"},
		{name: "brotli", raw: func(b []byte) []byte { b[97] = byte(Brotli); return b }, want: "internal compression brotli"},
		{name: "zooms", mod: func(a *hand) { a.h.MinZoom = 3; a.h.MaxZoom = 2 }, want: "zooms 3..2"},
		{name: "tiles above max zoom", mod: func(a *hand) { a.h.MaxZoom = 3 }, want: "outside zooms 0..3"},
		{name: "tiles below min zoom", mod: func(a *hand) { a.h.MinZoom = 1 }, want: "outside zooms 1..14"},
		{name: "metadata", mod: func(a *hand) { a.meta = []byte(`{"name":`) }, want: "metadata at"},
		{name: "leaf beyond", mod: func(a *hand) { a.root[3] = Entry{TileID: 200, Offset: 1 << 20, Length: 10} }, want: "beyond the leaf directories section"},
		{name: "tile beyond", mod: func(a *hand) { a.leaves[2][1].Length = 100 }, want: "beyond the tile data section"},
		{name: "leaf outside parent", mod: func(a *hand) { a.leaves[0][1].TileID = 150 }, want: "outside tile IDs 5..99"},
		{name: "leaf before parent", mod: func(a *hand) { a.leaves[1][0].TileID = 150 }, want: "outside tile IDs 200.."},
		{name: "bad leaf", mod: func(a *hand) { a.root[3] = Entry{TileID: 200, Offset: 0, Length: 1} }, want: "read leaf directory at"},
		{name: "too deep", mod: func(a *hand) {
			a.leaves[2][1] = Entry{TileID: 1000, Offset: 3}
			a.leaves = append(a.leaves, []Entry{{TileID: 1000, Offset: 4}}, []Entry{{TileID: 1000, Offset: 0, Length: 1, RunLength: 1}})
		}, want: "nested deeper than 3"},
		{name: "addressed", mod: func(a *hand) { a.h.AddressedTiles = 9 }, want: "9 addressed tiles, directories 10"},
		{name: "entries", mod: func(a *hand) { a.h.TileEntries = 9 }, want: "9 tile entries, directories 7"},
		{name: "clustered", mod: func(a *hand) { a.h.Clustered = true }}, // it is, by luck
		{name: "not clustered", mod: func(a *hand) { a.h.Clustered = true; a.leaves[0][0].Offset = 9; a.leaves[0][0].Length = 1 }, want: "flagged clustered, but tile ID 5 is at"},
	} {
		ha := newHand()
		if c.mod != nil {
			c.mod(ha)
		}
		b := ha.bytes(t)
		if c.raw != nil {
			b = c.raw(b)
		}
		_, err := Open(b)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
}

// Clustered with deduplication: a later tile may point back to earlier bytes,
// and the contents count is the number of distinct blobs.
func TestOpenClusteredContents(t *testing.T) {
	ha := newHand()
	ha.root = []Entry{{TileID: 0, Offset: 0, Length: 3, RunLength: 1}, {TileID: 1, Offset: 3, Length: 2, RunLength: 2}, {TileID: 4, Offset: 0, Length: 3, RunLength: 1}, {TileID: 5, Offset: 5, Length: 10, RunLength: 1}}
	ha.leaves = nil
	ha.h.Clustered, ha.h.TileContents, ha.h.TileEntries, ha.h.AddressedTiles = true, 3, 4, 5
	if _, err := Open(ha.bytes(t)); err != nil {
		t.Fatal(err)
	}
	ha.h.TileContents = 4
	if _, err := Open(ha.bytes(t)); err == nil || !strings.Contains(err.Error(), "4 tile contents, directories 3") {
		t.Fatalf("error %v", err)
	}
}

func TestTileNoAllocAndCapped(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	b := NewBuilder(testOptions(0, 14))
	s := randomTiles(t, r, b, 1000, 0, 14, true)
	data := mustBytes(t, b)
	a, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	var z uint8
	var x, y uint32
	for id := range s {
		z, x, y = IDToZxy(id)
		break
	}
	tile, _ := a.Tile(z, x, y)
	if cap(tile) != len(tile) {
		t.Fatalf("tile has room to grow into the archive: len %d cap %d", len(tile), cap(tile))
	}
	allocs := testing.AllocsPerRun(1000, func() {
		a.Tile(z, x, y)
		a.Tile(14, 1, 2)
		a.Tile(200, 1, 2)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per lookup", allocs)
	}
	// Concurrent readers (run with -race).
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for id, want := range s {
				z, x, y := IDToZxy(id)
				if got, ok := a.Tile(z, x, y); !ok || !bytes.Equal(got, want) {
					t.Error("concurrent read differs")
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkTile(b *testing.B) {
	r := rand.New(rand.NewPCG(13, 14))
	bl := NewBuilder(testOptions(0, 14))
	s := randomTiles(b, r, bl, 200000, 0, 14, false)
	data, err := bl.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	a, err := Open(data)
	if err != nil {
		b.Fatal(err)
	}
	type zxy struct {
		z    uint8
		x, y uint32
	}
	// Mostly tiles that exist, one in eight that does not.
	var reqs []zxy
	for id := range s {
		z, x, y := IDToZxy(id)
		reqs = append(reqs, zxy{z, x, y})
		if len(reqs)%8 == 0 {
			reqs = append(reqs, zxy{14, uint32(r.IntN(1 << 14)), uint32(r.IntN(1 << 14))})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; b.Loop(); i++ {
		q := reqs[i%len(reqs)]
		t, _ := a.Tile(q.z, q.x, q.y)
		n += len(t)
	}
	if n == 0 {
		b.Fatal("no bytes")
	}
}
