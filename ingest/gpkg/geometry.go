package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
	"github.com/twpayne/go-geom/encoding/wkbcommon"
)

// Flags of the GeoPackage binary header (specification 1.3, 2.1.3.1.1).
const (
	flagLittleEndian = 0x01 // B: byte order of srs_id and the envelope
	flagEnvelope     = 0x0e // E: envelope contents indicator, bits 1-3
	flagEmpty        = 0x10 // Y: empty geometry
	flagExtended     = 0x20 // X: extended geometry type (GeoPackage extension)
	flagReserved     = 0xc0 // R: reserved, 0
)

// envelopeSizes are the envelope lengths in bytes of the indicators 0-4 (none, xy, xyz, xym,
// xyzm); 5-7 are invalid.
var envelopeSizes = [...]int{0, 32, 48, 48, 64}

// maxDepth bounds the nesting of geometry collections in a blob.
const maxDepth = 32

// Decode reads a GeoPackage geometry blob: it returns the geometry (without SRID) and the
// srs_id of the header. An empty geometry (flag Y) is returned empty, a point as NaN
// coordinates.
func Decode(blob []byte) (geom.T, int32, error) {
	if len(blob) < 8 {
		return nil, 0, fmt.Errorf("geometry of %d bytes: shorter than the 8 bytes of a GeoPackage geometry header", len(blob))
	}
	if blob[0] != 'G' || blob[1] != 'P' {
		return nil, 0, fmt.Errorf("not a GeoPackage geometry: it starts with % x, not the magic \"GP\" (a SpatiaLite or plain WKB blob?)", blob[:2])
	}
	if blob[2] != 0 {
		return nil, 0, fmt.Errorf("GeoPackage geometry version %d: only version 0 (GeoPackage 1.x) is defined", blob[2])
	}
	flags := blob[3]
	if flags&flagExtended != 0 {
		return nil, 0, errors.New("extended GeoPackage geometry (flag X, a geometry type of a GeoPackage extension) is not supported: want standard WKB")
	}
	if flags&flagReserved != 0 {
		return nil, 0, fmt.Errorf("GeoPackage geometry flags 0x%02x set reserved bits", flags)
	}
	env := int(flags&flagEnvelope) >> 1
	if env >= len(envelopeSizes) {
		return nil, 0, fmt.Errorf("GeoPackage geometry envelope indicator %d is invalid (0-4)", env)
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	srsID := int32(order.Uint32(blob[4:8]))
	start := 8 + envelopeSizes[env]
	if len(blob) < start {
		return nil, srsID, fmt.Errorf("geometry of %d bytes: shorter than its header and envelope (%d bytes)", len(blob), start)
	}
	body := blob[start:]
	n, err := scanWKB(body, 0)
	if err != nil {
		return nil, srsID, fmt.Errorf("WKB: %w", err)
	}
	if n != len(body) {
		return nil, srsID, fmt.Errorf("WKB: %d bytes after the geometry", len(body)-n)
	}
	g, err := wkb.Unmarshal(body, wkbcommon.WKBOptionEmptyPointHandling(wkbcommon.EmptyPointHandlingNaN))
	if err != nil {
		return nil, srsID, fmt.Errorf("WKB: %w", err)
	}
	// The specification encodes POINT EMPTY as NaN coordinates, any NaN; go-geom recognises
	// only the one bit pattern it writes.
	if p, ok := g.(*geom.Point); ok && !p.Empty() && allNaN(p.FlatCoords()) {
		g = geom.NewPointEmpty(p.Layout())
	}
	return g, srsID, nil
}

// wkbTypeNames names the Simple Features types of ISO WKB 1-17.
var wkbTypeNames = map[uint32]string{
	1: "Point", 2: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
	6: "MultiPolygon", 7: "GeometryCollection", 8: "CircularString", 9: "CompoundCurve",
	10: "CurvePolygon", 11: "MultiCurve", 12: "MultiSurface", 13: "Curve", 14: "Surface",
	15: "PolyhedralSurface", 16: "TIN", 17: "Triangle",
}

// scanWKB walks one ISO WKB geometry at the start of b without allocating, and returns its
// length: every count is checked against the bytes left, so that go-geom, which allocates
// what a count says, is only given well-formed WKB.
func scanWKB(b []byte, depth int) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("geometry collections nested deeper than %d", maxDepth)
	}
	if len(b) < 5 {
		return 0, errors.New("truncated geometry header")
	}
	var order binary.ByteOrder
	switch b[0] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return 0, fmt.Errorf("byte order %d: want 0 or 1", b[0])
	}
	t := order.Uint32(b[1:5])
	if t&0xe0000000 != 0 {
		return 0, fmt.Errorf("geometry type 0x%08x has EWKB flags: a GeoPackage holds ISO WKB", t)
	}
	var dims uint64
	switch t / 1000 {
	case 0:
		dims = 2
	case 1, 2:
		dims = 3
	case 3:
		dims = 4
	default:
		return 0, fmt.Errorf("unknown geometry type %d", t)
	}
	base := t % 1000
	pos := 5
	count := func() (uint64, error) {
		if len(b)-pos < 4 {
			return 0, fmt.Errorf("%s truncated", wkbTypeNames[base])
		}
		n := uint64(order.Uint32(b[pos:]))
		pos += 4
		return n, nil
	}
	points := func(n uint64) error {
		size := n * dims * 8
		if size > uint64(len(b)-pos) {
			return fmt.Errorf("%s of %d points in %d bytes", wkbTypeNames[base], n, len(b)-pos)
		}
		pos += int(size)
		return nil
	}
	switch base {
	case 1:
		return pos, points(1)
	case 2:
		n, err := count()
		if err != nil {
			return 0, err
		}
		return pos, points(n)
	case 3:
		rings, err := count()
		if err != nil {
			return 0, err
		}
		if rings*4 > uint64(len(b)-pos) {
			return 0, fmt.Errorf("Polygon of %d rings in %d bytes", rings, len(b)-pos)
		}
		for range rings {
			n, err := count()
			if err != nil {
				return 0, err
			}
			if err := points(n); err != nil {
				return 0, err
			}
		}
		return pos, nil
	case 4, 5, 6, 7:
		n, err := count()
		if err != nil {
			return 0, err
		}
		if n*5 > uint64(len(b)-pos) {
			return 0, fmt.Errorf("%s of %d geometries in %d bytes", wkbTypeNames[base], n, len(b)-pos)
		}
		for i := range n {
			if base != 7 {
				if len(b)-pos < 5 {
					return 0, fmt.Errorf("%s truncated", wkbTypeNames[base])
				}
				// The parts of a multi geometry are of its simple type.
				o := binary.ByteOrder(binary.LittleEndian)
				if b[pos] == 0 {
					o = binary.BigEndian
				}
				if pt := o.Uint32(b[pos+1:]) % 1000; b[pos] <= 1 && pt != base-3 {
					return 0, fmt.Errorf("%s part %d is a %s", wkbTypeNames[base], i+1, typeName(pt))
				}
			}
			m, err := scanWKB(b[pos:], depth+1)
			if err != nil {
				return 0, err
			}
			pos += m
		}
		return pos, nil
	}
	return 0, fmt.Errorf("geometry type %d (%s) is not supported: want points, lines, polygons, their multi forms or collections", t, typeName(base))
}

func typeName(t uint32) string {
	if n, ok := wkbTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type %d", t)
}

// withSRID returns g carrying srid.
func withSRID(g geom.T, srid int) geom.T {
	switch g := g.(type) {
	case *geom.Point:
		return g.SetSRID(srid)
	case *geom.LineString:
		return g.SetSRID(srid)
	case *geom.Polygon:
		return g.SetSRID(srid)
	case *geom.MultiPoint:
		return g.SetSRID(srid)
	case *geom.MultiLineString:
		return g.SetSRID(srid)
	case *geom.MultiPolygon:
		return g.SetSRID(srid)
	case *geom.GeometryCollection:
		return g.SetSRID(srid)
	}
	return g
}

func allNaN(fs []float64) bool {
	for _, f := range fs {
		if !math.IsNaN(f) {
			return false
		}
	}
	return true
}
