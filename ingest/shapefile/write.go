package shapefile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/twpayne/go-geom"
	"golang.org/x/text/encoding/charmap"
)

// WriteOptions tune WriteZipWith and WriteDirWith.
type WriteOptions struct {
	// Encoding of the .dbf text, named in the .cpg: "" or "UTF-8", or
	// "ISO-8859-1" (as ISTAT's older files are), or "Windows-1252".
	Encoding string
	// Dir is a folder inside the archive for the files ("" is the root).
	Dir string
}

// WriteZip writes a zipped shapefile name.shp, .shx, .dbf, .prj and .cpg
// (UTF-8) to w. See WriteZipWith.
func WriteZip(w io.Writer, name string, srid int, fields []Field, features []Feature) error {
	return WriteZipWith(w, name, srid, fields, features, WriteOptions{})
}

// WriteZipWith writes a zipped shapefile. All geometries must make one shape
// type: *geom.Point; *geom.MultiPoint; *geom.LineString or
// *geom.MultiLineString; *geom.Polygon or *geom.MultiPolygon (rings are
// written clockwise for outer rings, counter-clockwise for holes, whatever
// their orientation); nil is a Null shape. XYZ and XYZM layouts write Z
// shapes, XYM M shapes. The .prj is GDAL's WKT 1 for srid, which must be one
// of the codes the reader recognises by name (4326, 4258, 6706, 32632,
// 32633, 25832, 25833, 7791, 7792, 6707, 3003, 3004, 3857). Attributes are
// written for each field by name ("" when absent); a value longer than its
// field, or not a number in an N or F field, is an error.
func WriteZipWith(w io.Writer, name string, srid int, fields []Field, features []Feature, opt WriteOptions) error {
	files, err := encode(name, srid, fields, features, opt)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.Create(path.Join(opt.Dir, f.name))
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteDir writes name.shp, .shx, .dbf, .prj and .cpg (UTF-8) into dir.
// See WriteZipWith.
func WriteDir(dir, name string, srid int, fields []Field, features []Feature) error {
	return WriteDirWith(dir, name, srid, fields, features, WriteOptions{})
}

// WriteDirWith writes the files of a shapefile into dir (opt.Dir is
// ignored). See WriteZipWith.
func WriteDirWith(dir, name string, srid int, fields []Field, features []Feature, opt WriteOptions) error {
	files, err := encode(name, srid, fields, features, opt)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

type namedFile struct {
	name string
	data []byte
}

func encode(name string, srid int, fields []Field, features []Feature, opt WriteOptions) ([]namedFile, error) {
	prj, ok := wkt1[srid]
	if !ok {
		return nil, fmt.Errorf("shapefile: no .prj definition for EPSG:%d", srid)
	}
	var cm *charmap.Charmap
	cpg := "UTF-8"
	switch strings.ToUpper(opt.Encoding) {
	case "", "UTF-8", "UTF8":
	case "ISO-8859-1", "LATIN1", "88591":
		cm, cpg = charmap.ISO8859_1, "ISO-8859-1"
	case "WINDOWS-1252", "CP1252", "1252":
		cm, cpg = charmap.Windows1252, "1252"
	default:
		return nil, fmt.Errorf("shapefile: cannot write encoding %q (UTF-8, ISO-8859-1 or Windows-1252)", opt.Encoding)
	}
	shp, shx, err := encodeSHP(features)
	if err != nil {
		return nil, err
	}
	dbf, err := encodeDBF(fields, features, cm)
	if err != nil {
		return nil, err
	}
	return []namedFile{
		{name + ".shp", shp},
		{name + ".shx", shx},
		{name + ".dbf", dbf},
		{name + ".prj", []byte(prj)},
		{name + ".cpg", []byte(cpg)},
	}, nil
}

// shapeOf gives the shape type of a geometry, 0 for nil.
func shapeOf(g geom.T) (int, error) {
	if g == nil {
		return shapeNull, nil
	}
	var base int
	switch g.(type) {
	case *geom.Point:
		base = shapePoint
	case *geom.MultiPoint:
		base = shapeMultiPoint
	case *geom.LineString, *geom.MultiLineString:
		base = shapePolyLine
	case *geom.Polygon, *geom.MultiPolygon:
		base = shapePolygon
	default:
		return 0, fmt.Errorf("cannot write a %T", g)
	}
	switch g.Layout() {
	case geom.XYZ, geom.XYZM:
		return base + 10, nil
	case geom.XYM:
		return base + 20, nil
	}
	return base, nil
}

// box accumulates ranges.
type box struct{ minX, minY, maxX, maxY, minZ, maxZ, minM, maxM float64 }

func newBox() box {
	inf := math.Inf(1)
	return box{inf, inf, -inf, -inf, inf, -inf, inf, -inf}
}

func (b *box) add(layout geom.Layout, flat []float64) {
	s := layout.Stride()
	for i := 0; i+s <= len(flat); i += s {
		b.minX, b.maxX = min(b.minX, flat[i]), max(b.maxX, flat[i])
		b.minY, b.maxY = min(b.minY, flat[i+1]), max(b.maxY, flat[i+1])
		if zi := layout.ZIndex(); zi >= 0 {
			b.minZ, b.maxZ = min(b.minZ, flat[i+zi]), max(b.maxZ, flat[i+zi])
		}
		if mi := layout.MIndex(); mi >= 0 {
			b.minM, b.maxM = min(b.minM, flat[i+mi]), max(b.maxM, flat[i+mi])
		}
	}
}

func (b *box) fix() {
	for _, p := range []*[2]*float64{{&b.minX, &b.maxX}, {&b.minY, &b.maxY}, {&b.minZ, &b.maxZ}, {&b.minM, &b.maxM}} {
		if math.IsInf(*p[0], 0) {
			*p[0], *p[1] = 0, 0
		}
	}
}

func (b *box) union(o box) {
	b.minX, b.maxX = min(b.minX, o.minX), max(b.maxX, o.maxX)
	b.minY, b.maxY = min(b.minY, o.minY), max(b.maxY, o.maxY)
	b.minZ, b.maxZ = min(b.minZ, o.minZ), max(b.maxZ, o.maxZ)
	b.minM, b.maxM = min(b.minM, o.minM), max(b.maxM, o.maxM)
}

type le struct{ bytes.Buffer }

func (w *le) i32(v int)     { _ = binary.Write(&w.Buffer, binary.LittleEndian, int32(v)) }
func (w *le) f64(v float64) { _ = binary.Write(&w.Buffer, binary.LittleEndian, v) }

func encodeSHP(features []Feature) (shp, shx []byte, err error) {
	shapeType := shapeNull
	for i, f := range features {
		t, err := shapeOf(f.Geometry)
		if err != nil {
			return nil, nil, fmt.Errorf("shapefile: feature %d: %w", i+1, err)
		}
		if t == shapeNull {
			continue
		}
		if shapeType == shapeNull {
			shapeType = t
		} else if t != shapeType {
			return nil, nil, fmt.Errorf("shapefile: feature %d: %s shape in a file of %s shapes", i+1, shapeName(t), shapeName(shapeType))
		}
	}
	var body, index bytes.Buffer
	total := newBox()
	for i, f := range features {
		var c le
		b := newBox()
		if f.Geometry == nil {
			c.i32(shapeNull)
		} else {
			c.i32(shapeType)
			if err := writeShape(&c, &b, f.Geometry); err != nil {
				return nil, nil, fmt.Errorf("shapefile: feature %d: %w", i+1, err)
			}
			total.union(b)
		}
		offset := (headerSize + body.Len()) / 2
		_ = binary.Write(&body, binary.BigEndian, int32(i+1))
		_ = binary.Write(&body, binary.BigEndian, int32(c.Len()/2))
		body.Write(c.Bytes())
		_ = binary.Write(&index, binary.BigEndian, int32(offset))
		_ = binary.Write(&index, binary.BigEndian, int32(c.Len()/2))
	}
	total.fix()
	header := func(length int) []byte {
		var h le
		_ = binary.Write(&h.Buffer, binary.BigEndian, int32(fileCode))
		h.Write(make([]byte, 20))
		_ = binary.Write(&h.Buffer, binary.BigEndian, int32(length/2))
		h.i32(1000)
		h.i32(shapeType)
		for _, v := range []float64{total.minX, total.minY, total.maxX, total.maxY, total.minZ, total.maxZ, total.minM, total.maxM} {
			h.f64(v)
		}
		return h.Bytes()
	}
	shp = append(header(headerSize+body.Len()), body.Bytes()...)
	shx = append(header(headerSize+index.Len()), index.Bytes()...)
	return shp, shx, nil
}

// writeShape writes the content of one record after its shape type.
func writeShape(c *le, b *box, g geom.T) error {
	layout := g.Layout()
	flat := g.FlatCoords()
	stride := layout.Stride()
	for i := 0; i+1 < len(flat); i += stride {
		if math.IsNaN(flat[i]) || math.IsInf(flat[i], 0) || math.IsNaN(flat[i+1]) || math.IsInf(flat[i+1], 0) {
			return fmt.Errorf("coordinate (%v, %v) is not a finite number", flat[i], flat[i+1])
		}
	}
	zi, mi := layout.ZIndex(), layout.MIndex()
	if p, ok := g.(*geom.Point); ok {
		if p.Empty() {
			return fmt.Errorf("empty point")
		}
		b.add(layout, flat)
		c.f64(flat[0])
		c.f64(flat[1])
		if zi >= 0 {
			c.f64(flat[zi])
		}
		if mi >= 0 {
			c.f64(flat[mi])
		}
		return nil
	}
	// Parts as flat slices.
	var parts [][]float64
	switch g := g.(type) {
	case *geom.MultiPoint:
		parts = [][]float64{flat}
	case *geom.LineString:
		parts = [][]float64{flat}
	case *geom.MultiLineString:
		start := 0
		for _, end := range g.Ends() {
			parts = append(parts, flat[start:end])
			start = end
		}
	case *geom.Polygon:
		parts = orientRings(flat, g.Ends(), stride)
	case *geom.MultiPolygon:
		start := 0
		for _, ends := range g.Endss() {
			rel := make([]int, len(ends))
			for k, e := range ends {
				rel[k] = e - start
			}
			end := start
			if len(ends) > 0 {
				end = ends[len(ends)-1]
			}
			parts = append(parts, orientRings(flat[start:end], rel, stride)...)
			start = end
		}
	}
	var all []float64
	for _, p := range parts {
		all = append(all, p...)
	}
	n := len(all) / stride
	if n == 0 {
		return fmt.Errorf("empty %T: write nil for a Null shape", g)
	}
	b.add(layout, all)
	c.f64(b.minX)
	c.f64(b.minY)
	c.f64(b.maxX)
	c.f64(b.maxY)
	if _, multi := g.(*geom.MultiPoint); multi {
		c.i32(n)
	} else {
		c.i32(len(parts))
		c.i32(n)
		start := 0
		for _, p := range parts {
			c.i32(start)
			start += len(p) / stride
		}
	}
	for i := 0; i < len(all); i += stride {
		c.f64(all[i])
		c.f64(all[i+1])
	}
	for _, idx := range []int{zi, mi} {
		if idx < 0 {
			continue
		}
		lo, hi := b.minZ, b.maxZ
		if idx == mi {
			lo, hi = b.minM, b.maxM
		}
		c.f64(lo)
		c.f64(hi)
		for i := 0; i < len(all); i += stride {
			c.f64(all[i+idx])
		}
	}
	return nil
}

// orientRings returns the rings of one polygon, the first clockwise and
// the others counter-clockwise, as new slices.
func orientRings(flat []float64, ends []int, stride int) [][]float64 {
	var rings [][]float64
	start := 0
	for k, end := range ends {
		r := append([]float64(nil), flat[start:end]...)
		cw := newRing(r, stride).area < 0
		if cw != (k == 0) {
			n := len(r) / stride
			for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
				for d := range stride {
					r[i*stride+d], r[j*stride+d] = r[j*stride+d], r[i*stride+d]
				}
			}
		}
		rings = append(rings, r)
		start = end
	}
	return rings
}

func encodeDBF(fields []Field, features []Feature, cm *charmap.Charmap) ([]byte, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("shapefile: a .dbf needs at least one field")
	}
	recLen := 1
	for _, f := range fields {
		if f.Name == "" || len(f.Name) > 10 || !isASCII(f.Name) {
			return nil, fmt.Errorf("shapefile: field name %q: 1 to 10 ASCII characters", f.Name)
		}
		if f.Length < 1 || f.Length > 254 {
			return nil, fmt.Errorf("shapefile: field %s: length %d, 1 to 254", f.Name, f.Length)
		}
		switch f.Type {
		case 'C', 'N', 'F', 'D', 'L':
		default:
			return nil, fmt.Errorf("shapefile: field %s: type %q (C, N, F, D or L)", f.Name, f.Type)
		}
		recLen += f.Length
	}
	if recLen > 65535 {
		return nil, fmt.Errorf("shapefile: records of %d bytes, at most 65535", recLen)
	}
	var w bytes.Buffer
	headerLen := 32 + 32*len(fields) + 1
	h := make([]byte, 32)
	h[0] = 0x03
	h[1], h[2], h[3] = 124, 1, 1 // 2024-01-01: a fixed date keeps the output reproducible
	binary.LittleEndian.PutUint32(h[4:], uint32(len(features)))
	binary.LittleEndian.PutUint16(h[8:], uint16(headerLen))
	binary.LittleEndian.PutUint16(h[10:], uint16(recLen))
	if cm == charmap.Windows1252 {
		h[29] = 0x57
	}
	w.Write(h)
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.Name)
		d[11] = f.Type
		d[16] = byte(f.Length)
		d[17] = byte(f.Decimals)
		w.Write(d)
	}
	w.WriteByte(0x0D)
	for i, feat := range features {
		w.WriteByte(' ')
		for _, f := range fields {
			v := feat.Attributes[f.Name]
			if err := checkValue(f.Type, v); err != nil {
				return nil, fmt.Errorf("shapefile: feature %d field %s: %w", i+1, f.Name, err)
			}
			b := []byte(v)
			if cm != nil {
				b = b[:0:0]
				for _, r := range v {
					c, ok := cm.EncodeRune(r)
					if !ok {
						return nil, fmt.Errorf("shapefile: feature %d field %s: %q cannot be written in %s", i+1, f.Name, r, cm)
					}
					b = append(b, c)
				}
			}
			if len(b) > f.Length {
				return nil, fmt.Errorf("shapefile: feature %d field %s: %q is %d bytes, the field %d", i+1, f.Name, v, len(b), f.Length)
			}
			pad := bytes.Repeat([]byte{' '}, f.Length-len(b))
			if f.Type == 'N' || f.Type == 'F' {
				w.Write(pad)
				w.Write(b)
			} else {
				w.Write(b)
				w.Write(pad)
			}
		}
	}
	w.WriteByte(0x1A)
	return w.Bytes(), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] == 0 {
			return false
		}
	}
	return true
}
