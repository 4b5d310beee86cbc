package pmtiles

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var testMetadata = []byte(`{"name":"abitare test","attribution":"© abitare","vector_layers":[{"id":"cells","fields":{"need":"Number"},"minzoom":0,"maxzoom":14}]}`)

func testOptions(minZ, maxZ uint8) Options {
	return Options{
		TileType:        MVT,
		TileCompression: Gzip,
		MinZoom:         minZ,
		MaxZoom:         maxZ,
		Bounds:          [4]float64{6.6272658, 35.2889616, 18.7844746, 47.0921462},
		Center:          [3]float64{12.4963655, 41.9027835, 6},
		Metadata:        testMetadata,
	}
}

func TestBuilderRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	b := NewBuilder(testOptions(0, 14))
	s := randomTiles(t, r, b, 5000, 0, 14, true)
	data := mustBytes(t, b)
	a := checkArchive(t, data, s, r, 14)
	h := a.Header()

	want := Header{
		SpecVersion: 3, Clustered: true, InternalCompression: Gzip, TileCompression: Gzip, TileType: MVT,
		MinZoom: 0, MaxZoom: 14,
		MinLonE7: 66272658, MinLatE7: 352889616, MaxLonE7: 187844746, MaxLatE7: 470921462,
		CenterZoom: 6, CenterLonE7: 124963655, CenterLatE7: 419027835,
	}
	got := h
	got.RootOffset, got.RootLength, got.MetadataOffset, got.MetadataLength = 0, 0, 0, 0
	got.LeafDirsOffset, got.LeafDirsLength, got.TileDataOffset, got.TileDataLength = 0, 0, 0, 0
	got.AddressedTiles, got.TileEntries, got.TileContents = 0, 0, 0
	if got != want {
		t.Fatalf("header fields from the options:\n got %+v\nwant %+v", got, want)
	}
	// Sections in the order the spec recommends, with nothing between them.
	if h.RootOffset != HeaderLen || h.MetadataOffset != h.RootOffset+h.RootLength ||
		h.LeafDirsOffset != h.MetadataOffset+h.MetadataLength || h.TileDataOffset != h.LeafDirsOffset+h.LeafDirsLength ||
		h.TileDataOffset+h.TileDataLength != uint64(len(data)) {
		t.Fatalf("sections out of order or with gaps: %+v, %d bytes", h, len(data))
	}
	if h.LeafDirsLength != 0 {
		t.Fatalf("%d entries went to leaves, the root should hold them", h.TileEntries)
	}
	m, err := a.Metadata()
	if err != nil || !bytes.Equal(m, testMetadata) {
		t.Fatalf("metadata %s, %v", m, err)
	}
	// Every distinct content once: the tile data is exactly their sum.
	distinct := map[string]bool{}
	var sum uint64
	for _, c := range s {
		if !distinct[string(c)] {
			distinct[string(c)] = true
			sum += uint64(len(c))
		}
	}
	if h.TileDataLength != sum {
		t.Fatalf("tile data %d bytes, distinct contents %d", h.TileDataLength, sum)
	}
}

// Enough scattered tiles that the root cannot hold their entries.
func TestBuilderLeafDirectories(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	b := NewBuilder(testOptions(10, 14))
	s := randomTiles(t, r, b, 150000, 10, 14, false)
	data := mustBytes(t, b)
	a := checkArchive(t, data, s, r, 14)
	h := a.Header()
	if h.LeafDirsLength == 0 {
		t.Fatal("no leaf directories")
	}
	if HeaderLen+h.RootLength > RootLimit {
		t.Fatalf("header and root take %d bytes, limit %d", HeaderLen+h.RootLength, RootLimit)
	}
	root, err := DecodeDirectory(data[h.RootOffset:h.RootOffset+h.RootLength], Gzip)
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for i, e := range root {
		if e.RunLength != 0 {
			t.Fatalf("root entry %d is a tile entry", i)
		}
		off := h.LeafDirsOffset + e.Offset
		leaf, err := DecodeDirectory(data[off:off+uint64(e.Length)], Gzip)
		if err != nil {
			t.Fatal(err)
		}
		if leaf[0].TileID != e.TileID {
			t.Fatalf("leaf %d starts at tile ID %d, its pointer says %d", i, leaf[0].TileID, e.TileID)
		}
		if i < len(root)-1 && len(leaf) != 4096 {
			t.Fatalf("leaf %d has %d entries, want 4096", i, len(leaf))
		}
		total += uint64(len(leaf))
	}
	if total != h.TileEntries {
		t.Fatalf("leaves hold %d entries, header says %d", total, h.TileEntries)
	}
	t.Logf("%d tiles, %d entries, %d leaves, root %d bytes, archive %d bytes", h.AddressedTiles, h.TileEntries, len(root), h.RootLength, len(data))
}

// A run longer than one directory entry can count is split, and a run of
// equal tiles crosses zoom levels without trouble.
func TestBuilderRunsAcrossZooms(t *testing.T) {
	b := NewBuilder(testOptions(0, 3))
	tile := []byte("same")
	for id := range zoomBase(4) {
		z, x, y := IDToZxy(id)
		if err := b.Add(z, x, y, tile); err != nil {
			t.Fatal(err)
		}
	}
	data := mustBytes(t, b)
	a, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	h := a.Header()
	if h.AddressedTiles != 85 || h.TileEntries != 1 || h.TileContents != 1 || h.TileDataLength != 4 {
		t.Fatalf("85 equal tiles: %d addressed, %d entries, %d contents, %d data bytes", h.AddressedTiles, h.TileEntries, h.TileContents, h.TileDataLength)
	}
	if got, ok := a.Tile(3, 7, 7); !ok || string(got) != "same" {
		t.Fatalf("3/7/7: %q %v", got, ok)
	}
}

func TestBuilderAddErrors(t *testing.T) {
	b := NewBuilder(testOptions(2, 10))
	for _, c := range []struct {
		z    uint8
		x, y uint32
		want string
	}{
		{3, 8, 0, "not a tile"},
		{40, 0, 0, "not a tile"},
		{1, 0, 0, "zoom outside 2..10"},
		{11, 0, 0, "zoom outside 2..10"},
	} {
		if err := b.Add(c.z, c.x, c.y, []byte("x")); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%d, %d, %d): error %v, want %q", c.z, c.x, c.y, err, c.want)
		}
	}
	if _, err := b.Bytes(); err == nil || !strings.Contains(err.Error(), "no tiles") {
		t.Errorf("empty builder: %v", err)
	}
	if err := b.Add(5, 1, 2, nil); err != nil || b.Len() != 0 {
		t.Errorf("empty data: %v, Len %d", err, b.Len())
	}
	if err := b.Add(5, 1, 2, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(5, 1, 2, []byte("b")); err == nil || !strings.Contains(err.Error(), "5/1/2: added twice") {
		t.Errorf("second add: %v", err)
	}
	if b.Len() != 1 {
		t.Errorf("Len %d", b.Len())
	}
}

func TestBuilderOptionErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"zooms", func(o *Options) { o.MinZoom, o.MaxZoom = 5, 4 }, "zooms 5..4"},
		{"max zoom", func(o *Options) { o.MaxZoom = 32 }, "zooms 0..32"},
		{"lon", func(o *Options) { o.Bounds[0] = -181 }, "bounds"},
		{"lat", func(o *Options) { o.Bounds[3] = 91 }, "bounds"},
		{"min>max", func(o *Options) { o.Bounds[0], o.Bounds[2] = 10, 5 }, "bounds"},
		{"center", func(o *Options) { o.Center[1] = -100 }, "center"},
		{"center zoom", func(o *Options) { o.Center[2] = 40 }, "center"},
		{"metadata array", func(o *Options) { o.Metadata = []byte(`[1]`) }, "not a JSON object"},
		{"metadata broken", func(o *Options) { o.Metadata = []byte(`{"a":`) }, "not a JSON object"},
	} {
		o := testOptions(0, 10)
		c.mod(&o)
		b := NewBuilder(o)
		b.Add(0, 0, 0, []byte("x"))
		if _, err := b.Bytes(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// No metadata stores an empty object.
	o := testOptions(0, 0)
	o.Metadata = nil
	b := NewBuilder(o)
	b.Add(0, 0, 0, []byte("x"))
	data := mustBytes(t, b)
	a, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := a.Metadata(); string(m) != "{}" {
		t.Fatalf("metadata %q", m)
	}
}

func TestWriteToMatchesBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	b := NewBuilder(testOptions(0, 12))
	randomTiles(t, r, b, 2000, 0, 12, true)
	want, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := b.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WriteTo wrote %d bytes (reported %d), Bytes %d, equal %v", buf.Len(), n, len(want), bytes.Equal(buf.Bytes(), want))
	}
}

func TestBuilderConcurrentAdd(t *testing.T) {
	b := NewBuilder(testOptions(8, 8))
	var wg sync.WaitGroup
	for g := range uint32(8) {
		wg.Go(func() {
			for x := g * 32; x < (g+1)*32; x++ {
				for y := range uint32(256) {
					if err := b.Add(8, x, y, []byte(fmt.Sprint(x%3, y%5))); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	data := mustBytes(t, b)
	a, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	if h := a.Header(); h.AddressedTiles != 65536 || h.TileContents != 15 {
		t.Fatalf("%d tiles, %d contents", h.AddressedTiles, h.TileContents)
	}
	if got, _ := a.Tile(8, 200, 101); string(got) != "2 1" {
		t.Fatalf("8/200/101 = %q", got)
	}
}

// A million tiles (all of zooms 0..9 and most of 10), a few thousand
// distinct contents, in runs and scattered.
func TestBuilderMillionTiles(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const n = 1_000_000
	contents := make([][]byte, 5000)
	for i := range contents {
		contents[i] = []byte(fmt.Sprintf("tile content %d %s", i, strings.Repeat("x", i%200)))
	}
	// Runs of three equal tiles, contents scattered by a multiplicative hash.
	content := func(id uint64) []byte { return contents[(id/3*2654435761>>8)%uint64(len(contents))] }

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	b := NewBuilder(testOptions(0, 10))
	// Backwards, to show that order does not matter.
	for id := uint64(n - 1); ; id-- {
		z, x, y := IDToZxy(id)
		if err := b.Add(z, x, y, content(id)); err != nil {
			t.Fatal(err)
		}
		if id == 0 {
			break
		}
	}
	added := time.Since(start)
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	written := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	a, err := Open(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Since(start)
	for id := range uint64(n) {
		z, x, y := IDToZxy(id)
		if got, ok := a.Tile(z, x, y); !ok || !bytes.Equal(got, content(id)) {
			t.Fatalf("tile ID %d: %q %v", id, got, ok)
		}
	}
	if _, ok := a.Tile(10, 1023, 0); ok { // ID beyond n
		t.Fatal("tile beyond the last one found")
	}
	h := a.Header()
	if h.AddressedTiles != n || h.TileContents != uint64(len(contents)) || h.LeafDirsLength == 0 {
		t.Fatalf("%d tiles, %d contents, %d bytes of leaves", h.AddressedTiles, h.TileContents, h.LeafDirsLength)
	}
	t.Logf("%d tiles, %d entries: add %v, write %v (%d bytes, heap in use +%d MiB, allocated %d MiB), open %v",
		n, h.TileEntries, added.Round(time.Millisecond), (written - added).Round(time.Millisecond), buf.Len(),
		(int64(after.HeapInuse)-int64(before.HeapInuse))>>20, (after.TotalAlloc-before.TotalAlloc)>>20,
		(opened - written).Round(time.Millisecond))
}
