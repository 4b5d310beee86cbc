package pmtiles

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// Options describe an archive to build. They go into the header, except
// Metadata, which is stored gzip-compressed after the root directory.
type Options struct {
	TileType        TileType    // e.g. MVT
	TileCompression Compression // how the tile bytes given to Add are compressed, e.g. Gzip
	// MinZoom and MaxZoom bound the zooms of the tiles; Add refuses others
	// (readers skip zooms outside them without looking).
	MinZoom, MaxZoom uint8
	Bounds           [4]float64 // min lon, min lat, max lon, max lat, degrees
	Center           [3]float64 // lon, lat (degrees), zoom
	Metadata         []byte     // a JSON object; nil stores {}
}

// Builder collects tiles and writes them as one archive. Equal tile
// contents are kept once, whatever the number of tiles that share them.
// Its methods are safe for concurrent use.
type Builder struct {
	o Options

	mu       sync.Mutex
	tiles    []tileRef
	seen     map[uint64]struct{}
	contents []string          // distinct tile contents, in order of first Add
	index    map[string]uint32 // content → its position in contents
}

type tileRef struct {
	id      uint64
	content uint32
}

// NewBuilder returns an empty Builder. The options are checked by WriteTo.
func NewBuilder(o Options) *Builder {
	return &Builder{o: o, seen: make(map[uint64]struct{}), index: make(map[string]uint32)}
}

// Add adds tile z/x/y with the given bytes, stored as they are (already
// compressed as Options.TileCompression says). Tiles may come in any order;
// empty data adds nothing. Adding a tile twice is an error.
func (b *Builder) Add(z uint8, x, y uint32, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if !ValidTile(z, x, y) {
		return fmt.Errorf("pmtiles: add tile %d/%d/%d: not a tile (x and y must be below 2^z, z at most %d)", z, x, y, MaxTileZoom)
	}
	if z < b.o.MinZoom || z > b.o.MaxZoom {
		return fmt.Errorf("pmtiles: add tile %d/%d/%d: zoom outside %d..%d of the options", z, x, y, b.o.MinZoom, b.o.MaxZoom)
	}
	if len(data) > math.MaxUint32 {
		return fmt.Errorf("pmtiles: add tile %d/%d/%d: %d bytes, at most %d", z, x, y, len(data), uint32(math.MaxUint32))
	}
	id := ZxyToID(z, x, y)

	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.seen[id]; dup {
		return fmt.Errorf("pmtiles: add tile %d/%d/%d: added twice", z, x, y)
	}
	c, ok := b.index[string(data)]
	if !ok {
		s := string(data)
		c = uint32(len(b.contents))
		b.contents = append(b.contents, s)
		b.index[s] = c
	}
	b.seen[id] = struct{}{}
	b.tiles = append(b.tiles, tileRef{id: id, content: c})
	return nil
}

// Len returns the number of tiles added.
func (b *Builder) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.tiles)
}

// WriteTo writes the archive to w and returns the number of bytes written.
func (b *Builder) WriteTo(w io.Writer) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	l, err := b.layout()
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	if err := b.write(bw, l); err != nil {
		return cw.n, err
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("pmtiles: write archive: %w", err)
	}
	return cw.n, nil
}

// Bytes returns the archive in memory.
func (b *Builder) Bytes() ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	l, err := b.layout()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(int(l.header.TileDataOffset + l.header.TileDataLength))
	if err := b.write(&buf, l); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// layout is an archive ready to write: everything but the tile data, and
// the order in which the distinct contents go into the tile data section.
type layout struct {
	header               Header
	root, meta, leafDirs []byte
	order                []uint32
}

func (b *Builder) write(w io.Writer, l *layout) error {
	for _, part := range [][]byte{l.header.Bytes(), l.root, l.meta, l.leafDirs} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("pmtiles: write archive: %w", err)
		}
	}
	for _, c := range l.order {
		if _, err := io.WriteString(w, b.contents[c]); err != nil {
			return fmt.Errorf("pmtiles: write tile data: %w", err)
		}
	}
	return nil
}

func (b *Builder) layout() (*layout, error) {
	h, err := b.o.header()
	if err != nil {
		return nil, err
	}
	if len(b.tiles) == 0 {
		return nil, errors.New("pmtiles: no tiles added (an archive needs at least one)")
	}
	meta, err := b.o.metadata()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(b.tiles, func(p, q tileRef) int { return cmp.Compare(p.id, q.id) })
	entries, order, dataLen := b.entries()
	root, leafDirs, err := buildDirectories(entries)
	if err != nil {
		return nil, err
	}

	h.RootOffset = HeaderLen
	h.RootLength = uint64(len(root))
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirsOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirsLength = uint64(len(leafDirs))
	h.TileDataOffset = h.LeafDirsOffset + h.LeafDirsLength
	h.TileDataLength = dataLen
	h.AddressedTiles = uint64(len(b.tiles))
	h.TileEntries = uint64(len(entries))
	h.TileContents = uint64(len(order))
	return &layout{header: h, root: root, meta: meta, leafDirs: leafDirs, order: order}, nil
}

// entries lays the distinct contents out in tile ID order of their first
// tile (a clustered archive) and returns the tile entries, consecutive tiles
// with the same content folded into one run; b.tiles must be sorted.
func (b *Builder) entries() (entries []Entry, order []uint32, dataLen uint64) {
	placed := make([]uint64, len(b.contents)) // offset+1, 0 while not placed
	for _, t := range b.tiles {
		off := placed[t.content]
		if off == 0 {
			off = dataLen + 1
			placed[t.content] = off
			dataLen += uint64(len(b.contents[t.content]))
			order = append(order, t.content)
		}
		off--
		if n := len(entries); n > 0 {
			last := &entries[n-1]
			if last.Offset == off && last.TileID+uint64(last.RunLength) == t.id && last.RunLength < math.MaxUint32 {
				last.RunLength++
				continue
			}
		}
		entries = append(entries, Entry{TileID: t.id, Offset: off, Length: uint32(len(b.contents[t.content])), RunLength: 1})
	}
	return entries, order, dataLen
}

// buildDirectories returns the root directory and the leaf directories
// section. All entries go into the root when it fits in RootLimit with the
// header; otherwise, as the reference writers do, the entries are cut into
// leaves of 4096, doubled until the root of leaf pointers fits.
func buildDirectories(entries []Entry) (root, leafDirs []byte, err error) {
	root, err = compress(appendEntries(nil, entries), Gzip)
	if err != nil {
		return nil, nil, fmt.Errorf("pmtiles: root directory: %w", err)
	}
	if HeaderLen+len(root) <= RootLimit {
		return root, nil, nil
	}
	for leafSize := 4096; ; leafSize *= 2 {
		root, leafDirs, err = buildLeaves(entries, leafSize)
		if err != nil || HeaderLen+len(root) <= RootLimit {
			return root, leafDirs, err
		}
	}
}

func buildLeaves(entries []Entry, leafSize int) (root, leafDirs []byte, err error) {
	var pointers []Entry
	for start := 0; start < len(entries); start += leafSize {
		leaf, err := compress(appendEntries(nil, entries[start:min(start+leafSize, len(entries))]), Gzip)
		if err != nil {
			return nil, nil, fmt.Errorf("pmtiles: leaf directory: %w", err)
		}
		if len(leaf) > math.MaxUint32 {
			return nil, nil, fmt.Errorf("pmtiles: leaf directory of %d bytes, at most %d", len(leaf), uint32(math.MaxUint32))
		}
		pointers = append(pointers, Entry{TileID: entries[start].TileID, Offset: uint64(len(leafDirs)), Length: uint32(len(leaf))})
		leafDirs = append(leafDirs, leaf...)
	}
	root, err = compress(appendEntries(nil, pointers), Gzip)
	if err != nil {
		return nil, nil, fmt.Errorf("pmtiles: root directory: %w", err)
	}
	return root, leafDirs, nil
}

// header returns the header fields that come from the options.
func (o Options) header() (Header, error) {
	if o.MinZoom > o.MaxZoom || o.MaxZoom > MaxTileZoom {
		return Header{}, fmt.Errorf("pmtiles: options: zooms %d..%d, want min <= max <= %d", o.MinZoom, o.MaxZoom, MaxTileZoom)
	}
	minLon, minLat, maxLon, maxLat := o.Bounds[0], o.Bounds[1], o.Bounds[2], o.Bounds[3]
	if !validLon(minLon) || !validLon(maxLon) || !validLat(minLat) || !validLat(maxLat) || minLon > maxLon || minLat > maxLat {
		return Header{}, fmt.Errorf("pmtiles: options: bounds %v are not min lon, min lat, max lon, max lat in degrees", o.Bounds)
	}
	lon, lat, zoom := o.Center[0], o.Center[1], o.Center[2]
	if !validLon(lon) || !validLat(lat) || !(zoom >= 0 && zoom <= MaxTileZoom) {
		return Header{}, fmt.Errorf("pmtiles: options: center %v is not lon, lat in degrees and a zoom 0..%d", o.Center, MaxTileZoom)
	}
	return Header{
		SpecVersion:         SpecVersion,
		Clustered:           true,
		InternalCompression: Gzip,
		TileCompression:     o.TileCompression,
		TileType:            o.TileType,
		MinZoom:             o.MinZoom,
		MaxZoom:             o.MaxZoom,
		MinLonE7:            toE7(minLon),
		MinLatE7:            toE7(minLat),
		MaxLonE7:            toE7(maxLon),
		MaxLatE7:            toE7(maxLat),
		CenterZoom:          uint8(math.Round(zoom)),
		CenterLonE7:         toE7(lon),
		CenterLatE7:         toE7(lat),
	}, nil
}

// metadata returns the metadata block, gzip-compressed.
func (o Options) metadata() ([]byte, error) {
	m := o.Metadata
	if len(m) == 0 {
		m = []byte("{}")
	}
	if t := bytes.TrimLeft(m, " \t\r\n"); len(t) == 0 || t[0] != '{' || !json.Valid(m) {
		return nil, errors.New("pmtiles: options: metadata is not a JSON object")
	}
	out, err := compress(m, Gzip)
	if err != nil {
		return nil, fmt.Errorf("pmtiles: metadata: %w", err)
	}
	return out, nil
}

func validLon(v float64) bool { return v >= -180 && v <= 180 }
func validLat(v float64) bool { return v >= -90 && v <= 90 }

func toE7(v float64) int32 { return int32(math.Round(v * 1e7)) }
