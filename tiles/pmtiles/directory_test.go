package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The spec's encoding, spelled out for three entries: count, ID deltas, run
// lengths, lengths, then offsets where 0 means "right after the previous
// entry" and anything else is offset+1.
func TestEncodeDirectoryLayout(t *testing.T) {
	entries := []Entry{
		{TileID: 5, Offset: 0, Length: 10, RunLength: 1},
		{TileID: 7, Offset: 10, Length: 300, RunLength: 2}, // contiguous
		{TileID: 200, Offset: 0, Length: 10, RunLength: 0}, // back to 0: offset+1
	}
	raw, err := EncodeDirectory(entries, NoCompression)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{3, 5, 2, 193, 1, 1, 2, 0, 10, 172, 2, 10, 1, 0, 1}
	if !bytes.Equal(raw, want) {
		t.Fatalf("encoded % x\n   want % x", raw, want)
	}
	gz, err := EncodeDirectory(entries, Gzip)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if inflated, _ := io.ReadAll(zr); !bytes.Equal(inflated, want) {
		t.Fatalf("gzip directory inflates to % x", inflated)
	}
}

func randomEntries(r *rand.Rand, n int) []Entry {
	entries := make([]Entry, n)
	var id, off uint64
	for i := range entries {
		id += 1 + r.Uint64N(1000)
		e := Entry{TileID: id, Length: 1 + r.Uint32N(5000), RunLength: r.Uint32N(4)}
		switch r.IntN(3) {
		case 0:
			e.Offset = off // contiguous
		case 1:
			e.Offset = r.Uint64N(1 << 40)
		default:
			e.Offset = r.Uint64N(off + 1)
		}
		off = e.Offset + uint64(e.Length)
		id += uint64(e.RunLength)
		entries[i] = e
	}
	entries[n-1].TileID = idLimit - 1 - uint64(entries[n-1].RunLength)
	entries[n-1].Length = math.MaxUint32
	return entries
}

func TestDirectoryRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 10, 1000, 50000} {
		entries := randomEntries(r, n)
		for _, c := range []Compression{NoCompression, Gzip} {
			b, err := EncodeDirectory(entries, c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeDirectory(b, c)
			if err != nil {
				t.Fatalf("%d entries, %v: %v", n, c, err)
			}
			if !slices.Equal(got, entries) {
				t.Fatalf("%d entries, %v: round trip differs", n, c)
			}
		}
	}
}

func TestDirectoryErrors(t *testing.T) {
	if _, err := EncodeDirectory(nil, Gzip); err == nil {
		t.Error("empty directory encoded")
	}
	if _, err := EncodeDirectory([]Entry{{TileID: 1, Length: 1, RunLength: 1}}, Brotli); err == nil || !strings.Contains(err.Error(), "brotli") {
		t.Errorf("brotli: %v", err)
	}
	raw := func(vs ...uint64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.AppendUvarint(b, v)
		}
		return b
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty input", nil, "truncated"},
		{"no entries", raw(0), "no entries"},
		{"count too big", raw(1000, 1, 1, 1, 1), "1000 entries claimed"},
		{"truncated", raw(2, 1, 300, 1, 1, 1, 1, 1), "offset of entry 1: truncated"},
		{"zero length", raw(1, 1, 1, 0, 1), "length of entry 0 is 0"},
		{"repeated id", raw(2, 1, 0, 1, 1, 1, 1, 1, 1), "repeats 1"},
		{"first offset zero", raw(1, 1, 1, 1, 0), "entry 0"},
		{"trailing", raw(1, 1, 1, 1, 1, 9), "1 trailing bytes"},
		{"run overlaps", raw(2, 1, 2, 3, 1, 1, 1, 1, 0), "overlaps entry 1"},
		{"run length 33 bits", raw(1, 1, 1<<32, 1, 1), "exceeds 32 bits"},
		{"id beyond z31", raw(1, idLimit, 1, 1, 1), "beyond zoom 31"},
		{"run beyond z31", raw(1, idLimit-1, 2, 1, 1), "beyond zoom 31"},
		{"varint overflow", append(raw(1), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 1, 1), "overflows 64 bits"},
	} {
		_, err := DecodeDirectory(c.b, NoCompression)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
	if _, err := DecodeDirectory([]byte("not gzip"), Gzip); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("bad gzip: %v", err)
	}
}

// A small gzip stream that inflates past the cap is refused, not read whole.
func TestDecompressLimit(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	if _, err := decompress(buf.Bytes(), Gzip, 1<<19); err == nil || !strings.Contains(err.Error(), "beyond") {
		t.Fatalf("error %v", err)
	}
	if out, err := decompress(buf.Bytes(), Gzip, 1<<20); err != nil || len(out) != 1<<20 {
		t.Fatalf("at the limit: %d bytes, %v", len(out), err)
	}
}
