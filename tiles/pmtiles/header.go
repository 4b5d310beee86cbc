package pmtiles

import (
	"encoding/binary"
	"fmt"
)

// HeaderLen is the size of a v3 header in bytes.
const HeaderLen = 127

// SpecVersion is the only PMTiles version this package reads and writes.
const SpecVersion = 3

// RootLimit bounds the header and the root directory together: a client
// fetches the first RootLimit bytes and must find the whole root there.
const RootLimit = 16384

const magic = "PMTiles"

// Compression is the compression of directories and metadata (internal) or
// of tiles.
type Compression uint8

// Compression values of the spec.
const (
	UnknownCompression Compression = 0
	NoCompression      Compression = 1
	Gzip               Compression = 2
	Brotli             Compression = 3
	Zstd               Compression = 4
)

func (c Compression) String() string {
	switch c {
	case UnknownCompression:
		return "unknown"
	case NoCompression:
		return "none"
	case Gzip:
		return "gzip"
	case Brotli:
		return "brotli"
	case Zstd:
		return "zstd"
	}
	return fmt.Sprintf("Compression(%d)", uint8(c))
}

// TileType tells what the tiles are.
type TileType uint8

// TileType values of the spec.
const (
	UnknownTileType TileType = 0
	MVT             TileType = 1
	PNG             TileType = 2
	JPEG            TileType = 3
	WebP            TileType = 4
	AVIF            TileType = 5
)

func (t TileType) String() string {
	switch t {
	case UnknownTileType:
		return "unknown"
	case MVT:
		return "mvt"
	case PNG:
		return "png"
	case JPEG:
		return "jpeg"
	case WebP:
		return "webp"
	case AVIF:
		return "avif"
	}
	return fmt.Sprintf("TileType(%d)", uint8(t))
}

// Header is the fixed 127-byte head of an archive. Offsets are from the start
// of the archive; coordinates are degrees times 10^7 (E7).
type Header struct {
	SpecVersion         uint8 // 3; Bytes writes 3 whatever it holds
	RootOffset          uint64
	RootLength          uint64
	MetadataOffset      uint64
	MetadataLength      uint64
	LeafDirsOffset      uint64
	LeafDirsLength      uint64
	TileDataOffset      uint64
	TileDataLength      uint64
	AddressedTiles      uint64 // tiles before run-length encoding, 0 if unknown
	TileEntries         uint64 // directory entries with RunLength > 0, 0 if unknown
	TileContents        uint64 // distinct tile blobs, 0 if unknown
	Clustered           bool   // tile data in tile ID order
	InternalCompression Compression
	TileCompression     Compression
	TileType            TileType
	MinZoom             uint8
	MaxZoom             uint8
	MinLonE7            int32
	MinLatE7            int32
	MaxLonE7            int32
	MaxLatE7            int32
	CenterZoom          uint8
	CenterLonE7         int32
	CenterLatE7         int32
}

// Bounds returns min lon, min lat, max lon, max lat in degrees.
func (h Header) Bounds() [4]float64 {
	return [4]float64{fromE7(h.MinLonE7), fromE7(h.MinLatE7), fromE7(h.MaxLonE7), fromE7(h.MaxLatE7)}
}

// Center returns lon and lat in degrees, and the zoom.
func (h Header) Center() [3]float64 {
	return [3]float64{fromE7(h.CenterLonE7), fromE7(h.CenterLatE7), float64(h.CenterZoom)}
}

func fromE7(v int32) float64 { return float64(v) / 1e7 }

// Bytes serializes the header (always as version 3).
func (h Header) Bytes() []byte {
	b := make([]byte, HeaderLen)
	le := binary.LittleEndian
	copy(b, magic)
	b[7] = SpecVersion
	le.PutUint64(b[8:], h.RootOffset)
	le.PutUint64(b[16:], h.RootLength)
	le.PutUint64(b[24:], h.MetadataOffset)
	le.PutUint64(b[32:], h.MetadataLength)
	le.PutUint64(b[40:], h.LeafDirsOffset)
	le.PutUint64(b[48:], h.LeafDirsLength)
	le.PutUint64(b[56:], h.TileDataOffset)
	le.PutUint64(b[64:], h.TileDataLength)
	le.PutUint64(b[72:], h.AddressedTiles)
	le.PutUint64(b[80:], h.TileEntries)
	le.PutUint64(b[88:], h.TileContents)
	if h.Clustered {
		b[96] = 1
	}
	b[97] = byte(h.InternalCompression)
	b[98] = byte(h.TileCompression)
	b[99] = byte(h.TileType)
	b[100] = h.MinZoom
	b[101] = h.MaxZoom
	le.PutUint32(b[102:], uint32(h.MinLonE7))
	le.PutUint32(b[106:], uint32(h.MinLatE7))
	le.PutUint32(b[110:], uint32(h.MaxLonE7))
	le.PutUint32(b[114:], uint32(h.MaxLatE7))
	b[118] = h.CenterZoom
	le.PutUint32(b[119:], uint32(h.CenterLonE7))
	le.PutUint32(b[123:], uint32(h.CenterLatE7))
	return b
}

// ParseHeader reads a header from the first HeaderLen bytes of b. It checks
// the fields that have a fixed form (magic, version, flag); whether the
// offsets fit an archive is for Open to check.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("pmtiles: header: %d bytes, need %d", len(b), HeaderLen)
	}
	if string(b[:7]) != magic {
		return Header{}, fmt.Errorf("pmtiles: header: magic %q, want %q (not a PMTiles archive)", b[:7], magic)
	}
	if b[7] != SpecVersion {
		return Header{}, fmt.Errorf("pmtiles: header: spec version %d, only %d is supported", b[7], SpecVersion)
	}
	if b[96] > 1 {
		return Header{}, fmt.Errorf("pmtiles: header: clustered flag is 0x%02x, want 0 or 1", b[96])
	}
	le := binary.LittleEndian
	return Header{
		SpecVersion:         b[7],
		RootOffset:          le.Uint64(b[8:]),
		RootLength:          le.Uint64(b[16:]),
		MetadataOffset:      le.Uint64(b[24:]),
		MetadataLength:      le.Uint64(b[32:]),
		LeafDirsOffset:      le.Uint64(b[40:]),
		LeafDirsLength:      le.Uint64(b[48:]),
		TileDataOffset:      le.Uint64(b[56:]),
		TileDataLength:      le.Uint64(b[64:]),
		AddressedTiles:      le.Uint64(b[72:]),
		TileEntries:         le.Uint64(b[80:]),
		TileContents:        le.Uint64(b[88:]),
		Clustered:           b[96] == 1,
		InternalCompression: Compression(b[97]),
		TileCompression:     Compression(b[98]),
		TileType:            TileType(b[99]),
		MinZoom:             b[100],
		MaxZoom:             b[101],
		MinLonE7:            int32(le.Uint32(b[102:])),
		MinLatE7:            int32(le.Uint32(b[106:])),
		MaxLonE7:            int32(le.Uint32(b[110:])),
		MaxLatE7:            int32(le.Uint32(b[114:])),
		CenterZoom:          b[118],
		CenterLonE7:         int32(le.Uint32(b[119:])),
		CenterLatE7:         int32(le.Uint32(b[123:])),
	}, nil
}
