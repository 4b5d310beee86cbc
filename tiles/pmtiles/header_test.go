package pmtiles

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func sampleHeader() Header {
	return Header{
		SpecVersion:         3,
		RootOffset:          127,
		RootLength:          1000,
		MetadataOffset:      1127,
		MetadataLength:      200,
		LeafDirsOffset:      1327,
		LeafDirsLength:      1 << 33,
		TileDataOffset:      1<<33 + 1327,
		TileDataLength:      1<<40 + 5,
		AddressedTiles:      123456789,
		TileEntries:         23456789,
		TileContents:        3456789,
		Clustered:           true,
		InternalCompression: Gzip,
		TileCompression:     Brotli,
		TileType:            MVT,
		MinZoom:             2,
		MaxZoom:             14,
		MinLonE7:            -1800000000,
		MinLatE7:            -850511287,
		MaxLonE7:            1800000000,
		MaxLatE7:            850511287,
		CenterZoom:          6,
		CenterLonE7:         124963655,
		CenterLatE7:         -419027835,
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	h := sampleHeader()
	b := h.Bytes()
	if len(b) != HeaderLen {
		t.Fatalf("%d bytes, want %d", len(b), HeaderLen)
	}
	got, err := ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if got != h {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, h)
	}
	h.Clustered = false
	if got, _ := ParseHeader(h.Bytes()); got.Clustered {
		t.Fatal("clustered false came back true")
	}
}

// The byte positions of the spec's table, written independently of Bytes.
func TestHeaderLayout(t *testing.T) {
	h := sampleHeader()
	b := h.Bytes()
	le := binary.LittleEndian
	if string(b[:8]) != "PMTiles\x03" {
		t.Fatalf("magic+version %q", b[:8])
	}
	for off, want := range map[int]uint64{
		8: h.RootOffset, 16: h.RootLength, 24: h.MetadataOffset, 32: h.MetadataLength,
		40: h.LeafDirsOffset, 48: h.LeafDirsLength, 56: h.TileDataOffset, 64: h.TileDataLength,
		72: h.AddressedTiles, 80: h.TileEntries, 88: h.TileContents,
	} {
		if got := le.Uint64(b[off:]); got != want {
			t.Errorf("uint64 at %d = %d, want %d", off, got, want)
		}
	}
	for off, want := range map[int]byte{96: 1, 97: 2, 98: 3, 99: 1, 100: 2, 101: 14, 118: 6} {
		if b[off] != want {
			t.Errorf("byte %d = %d, want %d", off, b[off], want)
		}
	}
	for off, want := range map[int]int32{102: h.MinLonE7, 106: h.MinLatE7, 110: h.MaxLonE7, 114: h.MaxLatE7, 119: h.CenterLonE7, 123: h.CenterLatE7} {
		if got := int32(le.Uint32(b[off:])); got != want {
			t.Errorf("int32 at %d = %d, want %d", off, got, want)
		}
	}
	if bd := h.Bounds(); bd != [4]float64{-180, -85.0511287, 180, 85.0511287} {
		t.Errorf("Bounds() = %v", bd)
	}
	if c := h.Center(); c != [3]float64{12.4963655, -41.9027835, 6} {
		t.Errorf("Center() = %v", c)
	}
}

func TestParseHeaderErrors(t *testing.T) {
	good := sampleHeader().Bytes()
	mod := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"short", good[:126], "126 bytes, need 127"},
		{"empty", nil, "0 bytes"},
		{"magic", mod(func(b []byte) { copy(b, "PMTilez") }), `magic "PMTilez"`},
		{"v2", mod(func(b []byte) { copy(b, "PM\x02") }), "magic"},
		{"version", mod(func(b []byte) { b[7] = 4 }), "spec version 4"},
		{"clustered", mod(func(b []byte) { b[96] = 2 }), "clustered flag is 0x02"},
	} {
		_, err := ParseHeader(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
}
