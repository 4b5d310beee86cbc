package pmtiles

import (
	"encoding/json"
	"fmt"
	"slices"
)

// maxLeafDepth is how deep leaf directories may nest below the root, as in
// the reference reader (which gives up after the root and three levels).
const maxLeafDepth = 3

// Archive is an archive held in memory, read for serving. It is immutable
// and safe for concurrent use.
type Archive struct {
	data   []byte
	header Header
	meta   []byte

	// All tile entries of all directories, flattened in tile ID order: ids
	// alone for a cache-friendly binary search, spans beside them.
	ids   []uint64
	spans []span
}

// span is where the tiles of one entry are: data[off:off+length] for the
// run tiles from the entry's ID on.
type span struct {
	off    uint64 // from the start of the archive
	length uint32
	run    uint32
}

// Open checks data as a whole archive (header, section bounds, metadata,
// and every directory entry down the leaves) and indexes its tiles. data is
// kept, not copied: the caller must not change it afterwards.
func Open(data []byte) (*Archive, error) {
	h, err := ParseHeader(data)
	if err != nil {
		return nil, err
	}
	a := &Archive{data: data, header: h}
	if err := a.checkSections(); err != nil {
		return nil, err
	}
	if err := a.readMetadata(); err != nil {
		return nil, err
	}
	root, err := a.readDirectory("root directory", h.RootOffset, h.RootLength)
	if err != nil {
		return nil, err
	}
	if err := a.walk("root directory", root, 0, idLimit, 0); err != nil {
		return nil, err
	}
	if err := a.checkTiles(); err != nil {
		return nil, err
	}
	return a, nil
}

// Header returns the archive's header.
func (a *Archive) Header() Header { return a.header }

// Metadata returns the JSON metadata, decompressed ({} when the archive has
// none). The slice is the caller's.
func (a *Archive) Metadata() ([]byte, error) {
	return slices.Clone(a.meta), nil
}

// Tile returns the stored bytes of tile z/x/y (compressed as
// Header().TileCompression says) as a sub-slice of the archive's data, and
// whether the archive has the tile. It does not allocate.
func (a *Archive) Tile(z uint8, x, y uint32) ([]byte, bool) {
	if !ValidTile(z, x, y) {
		return nil, false
	}
	id := zoomBase(z) + hilbertIndex(z, x, y)
	// The entry at or before id, if its run reaches id.
	i, found := slices.BinarySearch(a.ids, id)
	if !found {
		i--
	}
	if i < 0 || id-a.ids[i] >= uint64(a.spans[i].run) {
		return nil, false
	}
	s := a.spans[i]
	end := s.off + uint64(s.length)
	return a.data[s.off:end:end], true
}

// section checks that the named section lies within the archive.
func (a *Archive) section(name string, off, length uint64) error {
	if off > uint64(len(a.data)) || length > uint64(len(a.data))-off {
		return fmt.Errorf("pmtiles: %s at %d, %d bytes, beyond the archive's %d bytes", name, off, length, len(a.data))
	}
	return nil
}

func (a *Archive) checkSections() error {
	h := a.header
	if h.InternalCompression != NoCompression && h.InternalCompression != Gzip {
		return fmt.Errorf("pmtiles: internal compression %v not supported (only none and gzip)", h.InternalCompression)
	}
	if h.RootLength == 0 {
		return fmt.Errorf("pmtiles: root directory has length 0")
	}
	if h.RootOffset < HeaderLen || h.RootOffset > RootLimit || h.RootLength > RootLimit-h.RootOffset {
		return fmt.Errorf("pmtiles: root directory at %d, %d bytes, not within bytes %d..%d as the spec requires", h.RootOffset, h.RootLength, HeaderLen, RootLimit)
	}
	if h.MinZoom > h.MaxZoom || h.MaxZoom > MaxTileZoom {
		return fmt.Errorf("pmtiles: zooms %d..%d, want min <= max <= %d", h.MinZoom, h.MaxZoom, MaxTileZoom)
	}
	for _, s := range []struct {
		name        string
		off, length uint64
	}{
		{"root directory", h.RootOffset, h.RootLength},
		{"metadata", h.MetadataOffset, h.MetadataLength},
		{"leaf directories", h.LeafDirsOffset, h.LeafDirsLength},
		{"tile data", h.TileDataOffset, h.TileDataLength},
	} {
		if err := a.section(s.name, s.off, s.length); err != nil {
			return err
		}
	}
	return nil
}

func (a *Archive) readMetadata() error {
	h := a.header
	if h.MetadataLength == 0 {
		a.meta = []byte("{}")
		return nil
	}
	m, err := decompress(a.data[h.MetadataOffset:h.MetadataOffset+h.MetadataLength], h.InternalCompression, maxDirectoryBytes)
	if err != nil {
		return fmt.Errorf("pmtiles: read metadata at %d: %w", h.MetadataOffset, err)
	}
	if !json.Valid(m) {
		return fmt.Errorf("pmtiles: read metadata at %d: not valid JSON", h.MetadataOffset)
	}
	a.meta = m
	return nil
}

// readDirectory decodes the directory at off; off and length are within the
// archive.
func (a *Archive) readDirectory(where string, off, length uint64) ([]Entry, error) {
	entries, err := decodeDirectory(a.data[off:off+length], a.header.InternalCompression)
	if err != nil {
		return nil, fmt.Errorf("pmtiles: read %s: %w", where, err)
	}
	return entries, nil
}

// walk appends the tile entries of a directory, and of its leaves in turn,
// to the index. All its tiles must lie in [lo, hi): a reader looks a tile up
// in the last entry at or before it, so a tile outside the range its parent
// gave would never be found.
func (a *Archive) walk(where string, entries []Entry, lo, hi uint64, depth int) error {
	for i, e := range entries {
		bound := hi
		if i+1 < len(entries) {
			bound = entries[i+1].TileID
		}
		if e.TileID < lo || e.TileID+uint64(e.RunLength) > hi {
			return fmt.Errorf("pmtiles: %s: entry %d (tile ID %d, run %d) outside tile IDs %d..%d that its parent gives it", where, i, e.TileID, e.RunLength, lo, hi-1)
		}
		if e.RunLength == 0 {
			if err := a.walkLeaf(where, i, e, bound, depth); err != nil {
				return err
			}
			continue
		}
		if e.Offset > a.header.TileDataLength || uint64(e.Length) > a.header.TileDataLength-e.Offset {
			return fmt.Errorf("pmtiles: %s: entry %d (tile ID %d): tile at %d, %d bytes, beyond the tile data section of %d bytes", where, i, e.TileID, e.Offset, e.Length, a.header.TileDataLength)
		}
		a.ids = append(a.ids, e.TileID)
		a.spans = append(a.spans, span{off: a.header.TileDataOffset + e.Offset, length: e.Length, run: e.RunLength})
	}
	return nil
}

func (a *Archive) walkLeaf(parent string, i int, e Entry, hi uint64, depth int) error {
	h := a.header
	if depth == maxLeafDepth {
		return fmt.Errorf("pmtiles: %s: entry %d: leaf directories nested deeper than %d", parent, i, maxLeafDepth)
	}
	if e.Offset > h.LeafDirsLength || uint64(e.Length) > h.LeafDirsLength-e.Offset {
		return fmt.Errorf("pmtiles: %s: entry %d: leaf directory at %d, %d bytes, beyond the leaf directories section of %d bytes", parent, i, e.Offset, e.Length, h.LeafDirsLength)
	}
	off := h.LeafDirsOffset + e.Offset
	where := fmt.Sprintf("leaf directory at %d", off)
	entries, err := a.readDirectory(where, off, uint64(e.Length))
	if err != nil {
		return err
	}
	return a.walk(where, entries, e.TileID, hi, depth+1)
}

// checkTiles compares the index with what the header says about it: the
// zoom range, the counts, and the clustered layout.
func (a *Archive) checkTiles() error {
	h := a.header
	if len(a.ids) == 0 {
		return fmt.Errorf("pmtiles: no tiles")
	}
	last := len(a.ids) - 1
	if a.ids[0] < zoomBase(h.MinZoom) || a.ids[last]+uint64(a.spans[last].run) > zoomBase(h.MaxZoom+1) {
		return fmt.Errorf("pmtiles: tiles outside zooms %d..%d of the header", h.MinZoom, h.MaxZoom)
	}
	var addressed uint64
	for _, s := range a.spans {
		addressed += uint64(s.run)
	}
	if h.AddressedTiles != 0 && h.AddressedTiles != addressed {
		return fmt.Errorf("pmtiles: header counts %d addressed tiles, directories %d", h.AddressedTiles, addressed)
	}
	if h.TileEntries != 0 && h.TileEntries != uint64(len(a.spans)) {
		return fmt.Errorf("pmtiles: header counts %d tile entries, directories %d", h.TileEntries, len(a.spans))
	}
	if !h.Clustered {
		return nil
	}
	contents, err := a.clusteredContents()
	if err != nil {
		return err
	}
	if h.TileContents != 0 && h.TileContents != contents {
		return fmt.Errorf("pmtiles: header counts %d tile contents, directories %d", h.TileContents, contents)
	}
	return nil
}

// clusteredContents checks that the tile data is in tile ID order, as the
// clustered flag says: each entry's bytes either follow those of the last
// new content, or lie before them (a repeated content). It returns the
// number of distinct contents.
func (a *Archive) clusteredContents() (uint64, error) {
	next := a.header.TileDataOffset
	var n uint64
	for i, s := range a.spans {
		switch end := s.off + uint64(s.length); {
		case s.off == next:
			next = end
			n++
		case end > next:
			return 0, fmt.Errorf("pmtiles: archive flagged clustered, but tile ID %d is at %d, past the next content at %d", a.ids[i], s.off, next)
		}
	}
	return n, nil
}
