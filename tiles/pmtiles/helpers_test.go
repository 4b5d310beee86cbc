package pmtiles

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"slices"
	"testing"
)

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tileSet is what a test added, by tile ID.
type tileSet map[uint64][]byte

func (s tileSet) add(t testing.TB, b *Builder, id uint64, data []byte) {
	t.Helper()
	z, x, y := IDToZxy(id)
	if err := b.Add(z, x, y, data); err != nil {
		t.Fatal(err)
	}
	s[id] = data
}

// counts returns what the header should say: addressed tiles, entries
// (consecutive IDs with equal bytes fold into one) and distinct contents.
func (s tileSet) counts() (addressed, entries, contents uint64) {
	ids := make([]uint64, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	distinct := map[string]bool{}
	for i, id := range ids {
		distinct[string(s[id])] = true
		if i == 0 || ids[i-1]+1 != id || !bytes.Equal(s[ids[i-1]], s[id]) {
			entries++
		}
	}
	return uint64(len(ids)), entries, uint64(len(distinct))
}

// randomTiles fills b with n tiles of zooms minZ..maxZ: a third unique, a
// third drawn from a small pool (duplicates far apart), a third in runs of
// consecutive tile IDs with equal bytes.
func randomTiles(t testing.TB, r *rand.Rand, b *Builder, n int, minZ, maxZ uint8, compress bool) tileSet {
	s := tileSet{}
	content := func(i int) []byte {
		c := make([]byte, 20+r.IntN(300))
		for j := range c {
			c[j] = byte(r.IntN(8)) // compressible, like real tiles
		}
		c[0], c[1], c[2] = byte(i), byte(i>>8), byte(i>>16)
		if compress {
			return gzipBytes(t, c)
		}
		return c
	}
	pool := make([][]byte, 16)
	for i := range pool {
		pool[i] = content(i)
	}
	randomID := func() uint64 {
		z := minZ + uint8(r.IntN(int(maxZ-minZ)+1))
		n := uint64(1) << z
		return ZxyToID(z, uint32(r.Uint64N(n)), uint32(r.Uint64N(n)))
	}
	for len(s) < n {
		id := randomID()
		if _, dup := s[id]; dup {
			continue
		}
		switch r.IntN(3) {
		case 0:
			s.add(t, b, id, content(len(s)+len(pool)))
		case 1:
			s.add(t, b, id, pool[r.IntN(len(pool))])
		default:
			run := content(len(s) + len(pool))
			for k := range uint64(1 + r.IntN(40)) {
				if _, dup := s[id+k]; dup || id+k >= zoomBase(maxZ+1) {
					break
				}
				s.add(t, b, id+k, run)
			}
		}
	}
	return s
}

// checkArchive opens data and checks it serves exactly the tiles of s.
func checkArchive(t testing.TB, data []byte, s tileSet, r *rand.Rand, maxZ uint8) *Archive {
	t.Helper()
	a, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range s {
		z, x, y := IDToZxy(id)
		got, ok := a.Tile(z, x, y)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("tile %d/%d/%d (ID %d): ok=%v, %d bytes, want %d bytes", z, x, y, id, ok, len(got), len(want))
		}
	}
	absent := 0
	check := func(id uint64) {
		if _, in := s[id]; in || id >= zoomBase(maxZ+1) {
			return
		}
		z, x, y := IDToZxy(id)
		if got, ok := a.Tile(z, x, y); ok {
			t.Fatalf("absent tile %d/%d/%d (ID %d) returned %d bytes", z, x, y, id, len(got))
		}
		absent++
	}
	for id := range s {
		check(id + 1) // just past a run or a tile
		if id > 0 {
			check(id - 1)
		}
	}
	for range 10000 {
		check(r.Uint64N(zoomBase(maxZ + 1)))
	}
	if absent == 0 {
		t.Fatal("no absent tile checked")
	}
	addressed, entries, contents := s.counts()
	h := a.Header()
	if h.AddressedTiles != addressed || h.TileEntries != entries || h.TileContents != contents {
		t.Fatalf("header counts %d addressed, %d entries, %d contents; want %d, %d, %d",
			h.AddressedTiles, h.TileEntries, h.TileContents, addressed, entries, contents)
	}
	return a
}

// mustBytes writes the builder's archive, failing the test on an error.
func mustBytes(t testing.TB, b *Builder) []byte {
	t.Helper()
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// assemble lays out an archive by hand from already-encoded sections,
// filling in the offsets and lengths of h.
func assemble(h Header, root, meta, leafDirs, tileData []byte) []byte {
	h.RootOffset = HeaderLen
	h.RootLength = uint64(len(root))
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirsOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirsLength = uint64(len(leafDirs))
	h.TileDataOffset = h.LeafDirsOffset + h.LeafDirsLength
	h.TileDataLength = uint64(len(tileData))
	return slices.Concat(h.Bytes(), root, meta, leafDirs, tileData)
}
