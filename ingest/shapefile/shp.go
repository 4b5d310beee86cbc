package shapefile

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/twpayne/go-geom"
)

// Shape types of the ESRI white paper.
const (
	shapeNull        = 0
	shapePoint       = 1
	shapePolyLine    = 3
	shapePolygon     = 5
	shapeMultiPoint  = 8
	shapePointZ      = 11
	shapePolyLineZ   = 13
	shapePolygonZ    = 15
	shapeMultiPointZ = 18
	shapePointM      = 21
	shapePolyLineM   = 23
	shapePolygonM    = 25
	shapeMultiPointM = 28
	shapeMultiPatch  = 31
)

const (
	fileCode   = 9994
	headerSize = 100
	// smallRecord is the record size read with one allocation; larger
	// records grow their buffer as bytes actually arrive, so that a lying
	// content length cannot allocate gigabytes.
	smallRecord = 1 << 20
)

func shapeName(t int) string {
	switch t {
	case shapeNull:
		return "Null"
	case shapePoint:
		return "Point"
	case shapePolyLine:
		return "PolyLine"
	case shapePolygon:
		return "Polygon"
	case shapeMultiPoint:
		return "MultiPoint"
	case shapePointZ:
		return "PointZ"
	case shapePolyLineZ:
		return "PolyLineZ"
	case shapePolygonZ:
		return "PolygonZ"
	case shapeMultiPointZ:
		return "MultiPointZ"
	case shapePointM:
		return "PointM"
	case shapePolyLineM:
		return "PolyLineM"
	case shapePolygonM:
		return "PolygonM"
	case shapeMultiPointM:
		return "MultiPointM"
	case shapeMultiPatch:
		return "MultiPatch"
	}
	return fmt.Sprintf("unknown shape type %d", t)
}

// shpReader streams the records of a .shp.
type shpReader struct {
	r         io.Reader
	name      string
	srid      int
	shapeType int
	fileLen   int64 // from the header, in bytes
	pos       int64 // bytes consumed
	record    int
	buf       []byte
}

func newSHPReader(r io.Reader, name string, srid int) (*shpReader, error) {
	s := &shpReader{r: r, name: name, srid: srid}
	var h [headerSize]byte
	n, err := io.ReadFull(r, h[:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		if n >= 4 && binary.BigEndian.Uint32(h[:4]) != fileCode {
			return nil, s.fail(0, fmt.Sprintf("not a shapefile: file code %d, expected %d", int32(binary.BigEndian.Uint32(h[:4])), fileCode))
		}
		return nil, s.fail(0, fmt.Sprintf("truncated: %d bytes, the header alone is %d", n, headerSize))
	}
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot read: " + causeText(err), Err: err}
	}
	s.pos = headerSize
	if code := int32(binary.BigEndian.Uint32(h[0:])); code != fileCode {
		return nil, s.fail(0, fmt.Sprintf("not a shapefile: file code %d, expected %d", code, fileCode))
	}
	s.fileLen = 2 * int64(binary.BigEndian.Uint32(h[24:]))
	s.shapeType = int(int32(binary.LittleEndian.Uint32(h[32:])))
	switch s.shapeType {
	case shapeNull, shapePoint, shapePolyLine, shapePolygon, shapeMultiPoint,
		shapePointZ, shapePolyLineZ, shapePolygonZ, shapeMultiPointZ,
		shapePointM, shapePolyLineM, shapePolygonM, shapeMultiPointM:
	case shapeMultiPatch:
		return nil, s.fail(0, "MultiPatch shapes are not supported")
	default:
		return nil, s.fail(0, shapeName(s.shapeType))
	}
	return s, nil
}

func (s *shpReader) fail(record int, reason string) *Error {
	return &Error{File: s.name, Record: record, Reason: reason}
}

// next returns the geometry of the next record (nil for a Null shape), or
// io.EOF at the end of the file.
func (s *shpReader) next() (geom.T, error) {
	if s.pos >= s.fileLen {
		return nil, io.EOF
	}
	rec := s.record + 1
	var h [8]byte
	n, err := io.ReadFull(s.r, h[:])
	if n == 0 && err == io.EOF {
		return nil, s.fail(0, fmt.Sprintf("truncated: ends at byte %d after %d records, the header says %d bytes", s.pos, s.record, s.fileLen))
	}
	if err == io.ErrUnexpectedEOF {
		return nil, s.fail(rec, "truncated in the record header")
	}
	if err != nil {
		return nil, &Error{File: s.name, Record: rec, Reason: "cannot read: " + causeText(err), Err: err}
	}
	s.pos += 8
	s.record = rec
	size := 2 * int64(int32(binary.BigEndian.Uint32(h[4:])))
	if size < 4 {
		return nil, s.fail(rec, fmt.Sprintf("content length %d bytes, at least 4 expected", size))
	}
	content, err := s.read(size)
	if err != nil {
		return nil, err
	}
	s.pos += size
	return s.parse(rec, content)
}

// read reads the content of record s.record.
func (s *shpReader) read(size int64) ([]byte, error) {
	var n int
	var err error
	if size <= smallRecord {
		if int64(cap(s.buf)) < size {
			s.buf = make([]byte, size)
		}
		s.buf = s.buf[:size]
		n, err = io.ReadFull(s.r, s.buf)
	} else {
		s.buf = s.buf[:0]
		var b []byte
		b, err = io.ReadAll(io.LimitReader(s.r, size))
		s.buf, n = b, len(b)
		if err == nil && int64(n) < size {
			err = io.ErrUnexpectedEOF
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, s.fail(s.record, fmt.Sprintf("truncated: the record is %d bytes, the file ends after %d", size, n))
	}
	if err != nil {
		return nil, &Error{File: s.name, Record: s.record, Reason: "cannot read: " + causeText(err), Err: err}
	}
	return s.buf, nil
}

// parse decodes one record's content.
func (s *shpReader) parse(rec int, b []byte) (geom.T, error) {
	t := int(int32(binary.LittleEndian.Uint32(b)))
	if t == shapeNull {
		return nil, nil
	}
	if t != s.shapeType {
		return nil, s.fail(rec, fmt.Sprintf("%s shape in a file of %s shapes", shapeName(t), shapeName(s.shapeType)))
	}
	p := parser{b: b, rec: rec, s: s}
	var g geom.T
	switch t {
	case shapePoint, shapePointZ, shapePointM:
		g = p.point(t)
	case shapeMultiPoint, shapeMultiPointZ, shapeMultiPointM:
		g = p.multiPoint(t)
	case shapePolyLine, shapePolyLineZ, shapePolyLineM:
		g = p.polyLine(t)
	case shapePolygon, shapePolygonZ, shapePolygonM:
		g = p.polygon(t)
	}
	if p.err != nil {
		return nil, p.err
	}
	return g, nil
}

// parser decodes one record; the first problem stops it and sits in err.
type parser struct {
	b   []byte
	rec int
	s   *shpReader
	err error
}

func (p *parser) failf(format string, args ...any) {
	if p.err == nil {
		p.err = p.s.fail(p.rec, fmt.Sprintf(format, args...))
	}
}

func (p *parser) f64(off int) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(p.b[off:]))
}

func (p *parser) i32(off int) int {
	return int(int32(binary.LittleEndian.Uint32(p.b[off:])))
}

// need checks that the record holds at least n bytes.
func (p *parser) need(n int64, what string) bool {
	if int64(len(p.b)) < n {
		p.failf("%d bytes, %s needs %d", len(p.b), what, n)
		return false
	}
	return true
}

func isZ(t int) bool {
	return t == shapePointZ || t == shapePolyLineZ || t == shapePolygonZ || t == shapeMultiPointZ
}
func isM(t int) bool {
	return t == shapePointM || t == shapePolyLineM || t == shapePolygonM || t == shapeMultiPointM
}

// layout gives the layout of n points whose XY end at xyEnd: Z types have a
// Z block, and Z and M types may have an M block after it.
func (p *parser) layout(t int, xyEnd int64, n int64) (geom.Layout, int64, int64) {
	zOff, mOff := int64(-1), int64(-1)
	end := xyEnd
	if isZ(t) {
		if !p.need(end+16+8*n, shapeName(t)+" with its Z values") {
			return geom.XY, -1, -1
		}
		zOff = end + 16
		end = zOff + 8*n
	}
	if (isZ(t) || isM(t)) && int64(len(p.b)) >= end+16+8*n {
		mOff = end + 16
	}
	switch {
	case zOff >= 0 && mOff >= 0:
		return geom.XYZM, zOff, mOff
	case zOff >= 0:
		return geom.XYZ, zOff, -1
	case mOff >= 0:
		return geom.XYM, -1, mOff
	}
	return geom.XY, -1, -1
}

// coords reads n points starting at xyOff into flat coordinates.
func (p *parser) coords(layout geom.Layout, xyOff, zOff, mOff int64, n int) []float64 {
	stride := layout.Stride()
	flat := make([]float64, 0, n*stride)
	for i := range n {
		o := int(xyOff) + 16*i
		x, y := p.f64(o), p.f64(o+8)
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			p.failf("point %d: coordinate (%v, %v) is not a finite number", i+1, x, y)
			return nil
		}
		flat = append(flat, x, y)
		if zOff >= 0 {
			flat = append(flat, p.f64(int(zOff)+8*i))
		}
		if mOff >= 0 {
			flat = append(flat, p.f64(int(mOff)+8*i))
		}
	}
	return flat
}

func (p *parser) point(t int) geom.T {
	if !p.need(20, shapeName(t)) {
		return nil
	}
	x, y := p.f64(4), p.f64(12)
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		p.failf("coordinate (%v, %v) is not a finite number", x, y)
		return nil
	}
	layout, flat := geom.XY, []float64{x, y}
	switch {
	case t == shapePointZ:
		if !p.need(28, shapeName(t)) {
			return nil
		}
		layout, flat = geom.XYZ, append(flat, p.f64(20))
		if len(p.b) >= 36 {
			layout, flat = geom.XYZM, append(flat, p.f64(28))
		}
	case t == shapePointM && len(p.b) >= 28:
		layout, flat = geom.XYM, append(flat, p.f64(20))
	}
	return geom.NewPointFlat(layout, flat).SetSRID(p.s.srid)
}

func (p *parser) multiPoint(t int) geom.T {
	if !p.need(40, shapeName(t)) {
		return nil
	}
	n := int64(p.i32(36))
	if n < 0 {
		p.failf("%d points", n)
		return nil
	}
	xyEnd := 40 + 16*n
	if !p.need(xyEnd, fmt.Sprintf("%s of %d points", shapeName(t), n)) {
		return nil
	}
	layout, zOff, mOff := p.layout(t, xyEnd, n)
	if p.err != nil {
		return nil
	}
	flat := p.coords(layout, 40, zOff, mOff, int(n))
	if p.err != nil {
		return nil
	}
	return geom.NewMultiPointFlat(layout, flat).SetSRID(p.s.srid)
}

// parts reads the parts of a PolyLine or Polygon: the layout and, for each
// part, its flat coordinates.
func (p *parser) parts(t int) (geom.Layout, [][]float64) {
	if !p.need(44, shapeName(t)) {
		return geom.XY, nil
	}
	nParts, nPoints := int64(p.i32(36)), int64(p.i32(40))
	if nParts < 0 || nPoints < 0 {
		p.failf("%d parts, %d points", nParts, nPoints)
		return geom.XY, nil
	}
	if nParts == 0 || nPoints == 0 {
		p.failf("%d parts, %d points: an empty shape should be a Null shape", nParts, nPoints)
		return geom.XY, nil
	}
	xyOff := 44 + 4*nParts
	xyEnd := xyOff + 16*nPoints
	if !p.need(xyEnd, fmt.Sprintf("%s of %d parts and %d points", shapeName(t), nParts, nPoints)) {
		return geom.XY, nil
	}
	layout, zOff, mOff := p.layout(t, xyEnd, nPoints)
	if p.err != nil {
		return geom.XY, nil
	}
	flat := p.coords(layout, xyOff, zOff, mOff, int(nPoints))
	if p.err != nil {
		return geom.XY, nil
	}
	stride := layout.Stride()
	parts := make([][]float64, nParts)
	for i := range int(nParts) {
		start := p.i32(44 + 4*i)
		end := int(nPoints)
		if i+1 < int(nParts) {
			end = p.i32(44 + 4*(i+1))
		}
		if i == 0 && start != 0 {
			p.failf("part 1 starts at point %d, expected 0", start)
			return geom.XY, nil
		}
		if start < 0 || end > int(nPoints) || end <= start {
			p.failf("part %d runs from point %d to %d of %d", i+1, start, end, nPoints)
			return geom.XY, nil
		}
		parts[i] = flat[start*stride : end*stride : end*stride]
	}
	return layout, parts
}

func (p *parser) polyLine(t int) geom.T {
	layout, parts := p.parts(t)
	if p.err != nil {
		return nil
	}
	stride := layout.Stride()
	var flat []float64
	ends := make([]int, 0, len(parts))
	for i, part := range parts {
		if len(part)/stride < 2 {
			p.failf("part %d has %d point, a line needs at least 2", i+1, len(part)/stride)
			return nil
		}
		flat = append(flat, part...)
		ends = append(ends, len(flat))
	}
	return geom.NewMultiLineStringFlat(layout, flat, ends).SetSRID(p.s.srid)
}

func (p *parser) polygon(t int) geom.T {
	layout, parts := p.parts(t)
	if p.err != nil {
		return nil
	}
	stride := layout.Stride()
	rings := make([]ring, len(parts))
	for i, part := range parts {
		n := len(part) / stride
		if n >= 3 && !samePoint(part, 0, (n-1)*stride) {
			// Close an open ring, as GDAL does.
			part = append(part[:len(part):len(part)], part[:stride]...)
			n++
		}
		if n < 4 {
			p.failf("ring %d has %d points, a ring needs at least 4", i+1, n)
			return nil
		}
		rings[i] = newRing(part, stride)
	}
	return assemble(layout, rings).SetSRID(p.s.srid)
}

func samePoint(flat []float64, i, j int) bool {
	return flat[i] == flat[j] && flat[i+1] == flat[j+1]
}

// ring is one ring of a polygon record.
type ring struct {
	flat                   []float64
	stride                 int
	area                   float64 // signed: negative when clockwise
	minX, minY, maxX, maxY float64
}

func newRing(flat []float64, stride int) ring {
	r := ring{flat: flat, stride: stride, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	n := len(flat) / stride
	var a float64
	for i := range n {
		x, y := flat[i*stride], flat[i*stride+1]
		r.minX, r.maxX = min(r.minX, x), max(r.maxX, x)
		r.minY, r.maxY = min(r.minY, y), max(r.maxY, y)
		if i+1 < n {
			x2, y2 := flat[(i+1)*stride], flat[(i+1)*stride+1]
			a += x*y2 - x2*y
		}
	}
	r.area = a / 2
	return r
}

func (r ring) outer() bool { return r.area < 0 }

// contains reports whether the point (x, y) lies inside the ring (even-odd
// rule; points on the boundary may go either way).
func (r ring) contains(x, y float64) bool {
	if x < r.minX || x > r.maxX || y < r.minY || y > r.maxY {
		return false
	}
	in := false
	s := r.stride
	n := len(r.flat) / s
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi := r.flat[i*s], r.flat[i*s+1]
		xj, yj := r.flat[j*s], r.flat[j*s+1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// inside reports whether hole h lies inside outer ring o: its bounding box
// does, and most of its first three vertices (a hole may touch its outer
// ring at a vertex).
func (o ring) inside(h ring) bool {
	if h.minX < o.minX || h.maxX > o.maxX || h.minY < o.minY || h.maxY > o.maxY {
		return false
	}
	in := 0
	for i := range 3 {
		if o.contains(h.flat[i*h.stride], h.flat[i*h.stride+1]) {
			in++
		}
	}
	return in >= 2
}

// assemble groups rings into polygons: each clockwise ring starts a
// polygon, and each counter-clockwise ring joins the smallest polygon whose
// outer ring contains it, or starts its own when none does. Without any
// clockwise ring, every ring is a polygon.
func assemble(layout geom.Layout, rings []ring) *geom.MultiPolygon {
	var outers []int
	for i, r := range rings {
		if r.outer() {
			outers = append(outers, i)
		}
	}
	holes := make(map[int][]int) // outer ring index -> hole ring indexes
	var order []int              // rings that start a polygon, in file order
	for i, r := range rings {
		if r.outer() || len(outers) == 0 {
			order = append(order, i)
			continue
		}
		best := -1
		for _, o := range outers {
			if rings[o].inside(r) && (best < 0 || math.Abs(rings[o].area) < math.Abs(rings[best].area)) {
				best = o
			}
		}
		if best < 0 {
			order = append(order, i)
			continue
		}
		holes[best] = append(holes[best], i)
	}
	// Put each polygon's rings in the order of the file's outer rings.
	slices.Sort(order)
	var flat []float64
	endss := make([][]int, 0, len(order))
	for _, o := range order {
		flat = append(flat, rings[o].flat...)
		ends := []int{len(flat)}
		for _, h := range holes[o] {
			flat = append(flat, rings[h].flat...)
			ends = append(ends, len(flat))
		}
		endss = append(endss, ends)
	}
	return geom.NewMultiPolygonFlat(layout, flat, endss)
}

// shxCount reads the record count of a .shx from its header.
func shxCount(o opener, name string) (int, error) {
	rc, err := o()
	if err != nil {
		return 0, &Error{File: name, Reason: "cannot open: " + causeText(err), Err: err}
	}
	defer rc.Close()
	var h [headerSize]byte
	if n, err := io.ReadFull(rc, h[:]); err != nil {
		return 0, &Error{File: name, Reason: fmt.Sprintf("truncated: %d bytes, the header alone is %d", n, headerSize)}
	}
	if code := int32(binary.BigEndian.Uint32(h[0:])); code != fileCode {
		return 0, &Error{File: name, Reason: fmt.Sprintf("not a shape index: file code %d, expected %d", code, fileCode)}
	}
	size := 2 * int64(binary.BigEndian.Uint32(h[24:]))
	if size < headerSize || (size-headerSize)%8 != 0 {
		return 0, &Error{File: name, Reason: fmt.Sprintf("length %d bytes is not 100 plus 8 per record", size)}
	}
	return int((size - headerSize) / 8), nil
}
