package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Entry is one directory entry. A tile entry (RunLength > 0) says that the
// tiles TileID .. TileID+RunLength-1 all have the Length bytes at Offset in
// the tile data section. A leaf entry (RunLength == 0) points to a leaf
// directory at Offset in the leaf directories section whose first tile is
// TileID.
type Entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// maxDirectoryBytes caps a decompressed directory or metadata block, so that
// a corrupt or hostile archive cannot make Open inflate without limit. A leaf
// of the reference writers' largest size is far below it.
const maxDirectoryBytes = 256 << 20

// EncodeDirectory serializes entries as the spec lays them out (entry count,
// then the columns of tile ID deltas, run lengths, lengths and offsets, all
// as varints) and compresses the result with c (NoCompression or Gzip).
func EncodeDirectory(entries []Entry, c Compression) ([]byte, error) {
	if len(entries) == 0 {
		return nil, errors.New("pmtiles: directory: no entries (a directory must have at least one)")
	}
	b, err := compress(appendEntries(nil, entries), c)
	if err != nil {
		return nil, fmt.Errorf("pmtiles: directory: %w", err)
	}
	return b, nil
}

// DecodeDirectory is the inverse of EncodeDirectory. It checks what a reader
// relies on: at least one entry, tile IDs strictly increasing, runs that do
// not overlap the next entry, lengths above zero and no trailing bytes.
func DecodeDirectory(data []byte, c Compression) ([]Entry, error) {
	entries, err := decodeDirectory(data, c)
	if err != nil {
		return nil, fmt.Errorf("pmtiles: directory: %w", err)
	}
	return entries, nil
}

func decodeDirectory(data []byte, c Compression) ([]Entry, error) {
	raw, err := decompress(data, c, maxDirectoryBytes)
	if err != nil {
		return nil, err
	}
	return parseEntries(raw)
}

func appendEntries(b []byte, entries []Entry) []byte {
	b = binary.AppendUvarint(b, uint64(len(entries)))
	var last uint64
	for _, e := range entries {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range entries {
		if i > 0 && e.Offset == entries[i-1].Offset+uint64(entries[i-1].Length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			// +1 so that 0 stays free for "right after the previous entry".
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return b
}

// varints reads consecutive unsigned varints.
type varints struct {
	b   []byte
	pos int
}

func (r *varints) next(what string, i int) (uint64, error) {
	v, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 {
		if n == 0 {
			return 0, fmt.Errorf("%s of entry %d: truncated at byte %d", what, i, r.pos)
		}
		return 0, fmt.Errorf("%s of entry %d: varint overflows 64 bits at byte %d", what, i, r.pos)
	}
	r.pos += n
	return v, nil
}

func (r *varints) next32(what string, i int) (uint32, error) {
	v, err := r.next(what, i)
	if err == nil && v > math.MaxUint32 {
		err = fmt.Errorf("%s of entry %d: %d exceeds 32 bits", what, i, v)
	}
	return uint32(v), err
}

func parseEntries(raw []byte) ([]Entry, error) {
	r := &varints{b: raw}
	n, err := r.next("count", 0)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("no entries (a directory must have at least one)")
	}
	// Each entry takes at least one byte in each of the four columns.
	if n > uint64(len(raw)-r.pos)/4 {
		return nil, fmt.Errorf("%d entries claimed in %d bytes", n, len(raw))
	}
	entries := make([]Entry, n)
	if err := readIDs(r, entries); err != nil {
		return nil, err
	}
	for i := range entries {
		if entries[i].RunLength, err = r.next32("run length", i); err != nil {
			return nil, err
		}
	}
	for i := range entries {
		if entries[i].Length, err = r.next32("length", i); err != nil {
			return nil, err
		}
		if entries[i].Length == 0 {
			return nil, fmt.Errorf("length of entry %d is 0", i)
		}
	}
	if err := readOffsets(r, entries); err != nil {
		return nil, err
	}
	if r.pos != len(raw) {
		return nil, fmt.Errorf("%d trailing bytes after %d entries", len(raw)-r.pos, n)
	}
	return entries, checkRuns(entries)
}

func readIDs(r *varints, entries []Entry) error {
	var last uint64
	for i := range entries {
		d, err := r.next("tile ID", i)
		if err != nil {
			return err
		}
		if i > 0 && d == 0 {
			return fmt.Errorf("tile ID of entry %d repeats %d", i, last)
		}
		id := last + d
		if id < last || id >= idLimit {
			return fmt.Errorf("tile ID of entry %d beyond zoom %d", i, MaxTileZoom)
		}
		entries[i].TileID, last = id, id
	}
	return nil
}

func readOffsets(r *varints, entries []Entry) error {
	for i := range entries {
		v, err := r.next("offset", i)
		if err != nil {
			return err
		}
		switch {
		case v > 0:
			entries[i].Offset = v - 1
		case i == 0:
			return errors.New("offset of entry 0 is coded as 'after the previous entry'")
		default:
			prev := entries[i-1]
			entries[i].Offset = prev.Offset + uint64(prev.Length)
			if entries[i].Offset < prev.Offset {
				return fmt.Errorf("offset of entry %d overflows", i)
			}
		}
	}
	return nil
}

// checkRuns rejects tile runs that reach into the next entry's tile ID or
// past the last addressable tile.
func checkRuns(entries []Entry) error {
	for i, e := range entries {
		end := e.TileID + uint64(e.RunLength)
		if end > idLimit {
			return fmt.Errorf("run of entry %d (tile ID %d, %d tiles) beyond zoom %d", i, e.TileID, e.RunLength, MaxTileZoom)
		}
		if i+1 < len(entries) && end > entries[i+1].TileID {
			return fmt.Errorf("run of entry %d (tile ID %d, %d tiles) overlaps entry %d (tile ID %d)",
				i, e.TileID, e.RunLength, i+1, entries[i+1].TileID)
		}
	}
	return nil
}

func compress(raw []byte, c Compression) ([]byte, error) {
	switch c {
	case NoCompression:
		return raw, nil
	case Gzip:
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(raw); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("compression %v not supported (only none and gzip)", c)
}

// decompress returns data decompressed with c, refusing results above limit
// bytes. With NoCompression it returns data itself.
func decompress(data []byte, c Compression, limit int64) ([]byte, error) {
	switch c {
	case NoCompression:
		return data, nil
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("gzip: inflates beyond %d bytes", limit)
		}
		return out, nil
	}
	return nil, fmt.Errorf("compression %v not supported (only none and gzip)", c)
}
