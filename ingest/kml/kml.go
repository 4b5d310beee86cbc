// Package kml reads the polygons of a KML or KMZ file — the Agenzia delle
// Entrate's GeoPOI export of a comune's OMI zones, or any KML of polygons —
// as one stream of placemarks.
//
// Each Placemark, at any depth of Documents and Folders, gives its name (an
// OMI zone code such as "B3"), its description as plain text (HTML tags,
// CDATA and entities removed, runs of spaces collapsed, line breaks kept),
// its ExtendedData values (Data/value and SchemaData/SimpleData by name),
// and its Polygon or MultiGeometry of Polygons as a *geom.MultiPolygon with
// SRID 4326 (KML coordinates are WGS 84 longitude,latitude[,altitude]; the
// altitude is dropped). A ring that is not closed is closed; a ring with
// fewer than 4 points, a coordinate that is not a number or whose longitude
// or latitude is out of range is an error. Points and lines beside polygons
// in a MultiGeometry (label points) are ignored; a placemark whose only
// geometry is a point or a line is an error; a placemark without any
// geometry has a nil Geometry.
//
// The file is read with encoding/xml as a stream, one placemark at a time;
// the encoding of the XML declaration is honoured (UTF-8 when there is
// none). A .kmz is a zip holding doc.kml (or else one .kml file).
//
// Every error is a *Error located at the file, placemark and coordinate:
//
//	zone.kml: placemark 4 "B3": coordinate 12: latitude 144.61 out of range
//	zone.kml:57: XML syntax error: unexpected EOF
//
// A typical loop:
//
//	r, err := kml.Open(path)
//	if err != nil { return err }
//	defer r.Close()
//	for {
//		p, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { return err }
//		use(p.Name, p.Description, p.Data, p.Geometry)
//	}
package kml

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/twpayne/go-geom"
	"golang.org/x/text/encoding/htmlindex"
)

// Placemark is one placemark of the file.
type Placemark struct {
	// Index is the 1-based number of the placemark in the file.
	Index int
	// Line is the line where the placemark starts.
	Line        int
	Name        string
	Description string
	// Data maps ExtendedData names to their values; nil when there are none.
	Data map[string]string
	// Geometry is nil when the placemark has no geometry.
	Geometry *geom.MultiPolygon
}

// Error is a located problem in a KML file.
type Error struct {
	File string
	// Line is the line of the placemark, or of the syntax error.
	Line int
	// Placemark is the 1-based placemark, 0 for the file as a whole.
	Placemark int
	Name      string
	Reason    string
	Err       error
}

// Error formats the error as `file: placemark n "name": reason`, or
// "file:line: reason" outside placemarks.
func (e *Error) Error() string {
	if e.Placemark > 0 {
		return fmt.Sprintf("%s: placemark %d %q: %s", e.File, e.Placemark, e.Name, e.Reason)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Reader streams the placemarks of a KML document.
type Reader struct {
	name   string
	d      *xml.Decoder
	closer io.Closer
	index  int
	err    error // sticky
}

// Open opens a .kml file, or a .kmz (a zip holding doc.kml or one .kml).
// Errors name the file by its base name (and the .kml inside a .kmz).
func Open(name string) (*Reader, error) {
	base := filepath.Base(name)
	f, err := os.Open(name)
	if err != nil {
		return nil, &Error{File: base, Reason: "cannot open: " + causeText(err), Err: err}
	}
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	if n == 4 && string(head[:]) == "PK\x03\x04" || strings.EqualFold(filepath.Ext(name), ".kmz") {
		_ = f.Close()
		return openKMZ(name)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, &Error{File: base, Reason: "cannot read: " + causeText(err), Err: err}
	}
	r := NewReader(f, base)
	r.closer = f
	return r, nil
}

func openKMZ(name string) (*Reader, error) {
	base := filepath.Base(name)
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, &Error{File: base, Reason: "cannot open as a KMZ (zip) archive: " + causeText(err), Err: err}
	}
	var doc *zip.File
	var kmls []string
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, "doc.kml") {
			doc = f
		}
		if strings.EqualFold(path.Ext(f.Name), ".kml") && !f.FileInfo().IsDir() {
			kmls = append(kmls, f.Name)
		}
	}
	if doc == nil && len(kmls) == 1 {
		for _, f := range zr.File {
			if f.Name == kmls[0] {
				doc = f
			}
		}
	}
	if doc == nil {
		_ = zr.Close()
		if len(kmls) == 0 {
			return nil, &Error{File: base, Reason: "the archive holds no .kml file"}
		}
		return nil, &Error{File: base, Reason: fmt.Sprintf("the archive holds %d .kml files (%s) and no doc.kml", len(kmls), strings.Join(kmls, ", "))}
	}
	rc, err := doc.Open()
	if err != nil {
		_ = zr.Close()
		return nil, &Error{File: base + "/" + doc.Name, Reason: "cannot read: " + err.Error(), Err: err}
	}
	r := NewReader(rc, base+"/"+doc.Name)
	r.closer = closers{rc, zr}
	return r, nil
}

type closers []io.Closer

func (cs closers) Close() error {
	var errs []error
	for _, c := range cs {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// NewReader reads KML from r; name is the file name used in errors. Close
// does not close r.
func NewReader(r io.Reader, name string) *Reader {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("unknown encoding %q", label)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	return &Reader{name: name, d: d}
}

// Next returns the next placemark, or io.EOF after the last one. Errors
// are *Error and final: every later call returns the same error.
func (r *Reader) Next() (Placemark, error) {
	if r.err != nil {
		return Placemark{}, r.err
	}
	p, err := r.next()
	if err != nil {
		r.err = err
	}
	return p, err
}

func (r *Reader) next() (Placemark, error) {
	for {
		line, _ := r.d.InputPos()
		tok, err := r.d.Token()
		if err == io.EOF {
			return Placemark{}, io.EOF
		}
		if err != nil {
			return Placemark{}, r.syntaxError(line, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "Placemark" {
			continue
		}
		line, _ = r.d.InputPos()
		r.index++
		var x xPlacemark
		if err := r.d.DecodeElement(&x, &start); err != nil {
			return Placemark{}, r.syntaxError(line, err)
		}
		p := Placemark{Index: r.index, Line: line, Name: strings.TrimSpace(x.Name), Description: plainText(x.Description.Inner)}
		for _, d := range x.Data {
			p.setData(d.Name, d.Value)
		}
		for _, d := range x.SimpleData {
			p.setData(d.Name, d.Value)
		}
		g, err := x.geometry()
		if err != nil {
			return Placemark{}, &Error{File: r.name, Line: line, Placemark: p.Index, Name: p.Name, Reason: err.Error()}
		}
		p.Geometry = g
		return p, nil
	}
}

func (p *Placemark) setData(name, value string) {
	if p.Data == nil {
		p.Data = map[string]string{}
	}
	p.Data[strings.TrimSpace(name)] = strings.TrimSpace(value)
}

func (r *Reader) syntaxError(line int, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		line = se.Line
		return &Error{File: r.name, Line: line, Reason: "XML syntax error: " + se.Msg, Err: err}
	}
	return &Error{File: r.name, Line: line, Reason: "cannot read: " + err.Error(), Err: err}
}

// Close releases the file (for Open). It does not close the io.Reader given
// to NewReader.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = &Error{File: r.name, Reason: "reader closed"}
	}
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	return c.Close()
}

// The parts of a placemark that the reader keeps; tags without a namespace
// match any namespace.
type xPlacemark struct {
	Name        string `xml:"name"`
	Description struct {
		Inner string `xml:",innerxml"`
	} `xml:"description"`
	Data []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value"`
	} `xml:"ExtendedData>Data"`
	SimpleData []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	} `xml:"ExtendedData>SchemaData>SimpleData"`
	xMulti
}

type xMulti struct {
	Polygons []xPolygon `xml:"Polygon"`
	Multi    []xMulti   `xml:"MultiGeometry"`
	Others   []xOther   `xml:",any"`
}

type xOther struct {
	XMLName xml.Name
}

type xPolygon struct {
	Outer []xRing `xml:"outerBoundaryIs>LinearRing"`
	Inner []xRing `xml:"innerBoundaryIs>LinearRing"`
}

type xRing struct {
	Coordinates string `xml:"coordinates"`
}

// collect gathers the polygons of a geometry tree, and the names of the
// other geometries met.
func (m *xMulti) collect(polys *[]xPolygon, others *[]string) {
	*polys = append(*polys, m.Polygons...)
	for _, o := range m.Others {
		switch o.XMLName.Local {
		case "Point", "LineString", "LinearRing", "Model", "Track", "MultiTrack":
			*others = append(*others, o.XMLName.Local)
		}
	}
	for i := range m.Multi {
		m.Multi[i].collect(polys, others)
	}
}

// geometry builds the placemark's MultiPolygon.
func (x *xPlacemark) geometry() (*geom.MultiPolygon, error) {
	var polys []xPolygon
	var others []string
	x.collect(&polys, &others)
	if len(polys) == 0 {
		if len(others) > 0 {
			return nil, fmt.Errorf("geometry %s, expected Polygon or MultiGeometry of polygons", others[0])
		}
		return nil, nil
	}
	var flat []float64
	var endss [][]int
	n := 0 // coordinates so far in the placemark
	for i, p := range polys {
		if len(p.Outer) != 1 {
			return nil, fmt.Errorf("polygon %d has %d outer boundaries, expected 1", i+1, len(p.Outer))
		}
		var ends []int
		for k, ring := range append(p.Outer, p.Inner...) {
			var err error
			start := len(flat)
			flat, n, err = parseRing(flat, ring.Coordinates, n)
			if err != nil {
				return nil, err
			}
			if pts := (len(flat) - start) / 2; pts < 4 {
				what := "outer boundary"
				if k > 0 {
					what = fmt.Sprintf("inner boundary %d", k)
				}
				return nil, fmt.Errorf("polygon %d %s has %d points, a ring needs at least 4", i+1, what, pts)
			}
			ends = append(ends, len(flat))
		}
		endss = append(endss, ends)
	}
	return geom.NewMultiPolygonFlat(geom.XY, flat, endss).SetSRID(4326), nil
}

// parseRing appends the lon,lat of a coordinates text to flat, closing the
// ring if needed; n counts the coordinates of the placemark, for errors.
func parseRing(flat []float64, text string, n int) ([]float64, int, error) {
	start := len(flat)
	for _, tuple := range tuples(text) {
		n++
		parts := strings.Split(tuple, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, n, fmt.Errorf("coordinate %d: %q is not lon,lat[,alt]", n, clip(tuple))
		}
		var v [3]float64
		for i, s := range parts {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, n, fmt.Errorf("coordinate %d: %q is not a number", n, clip(s))
			}
			v[i] = f
		}
		if v[0] < -180 || v[0] > 180 {
			return nil, n, fmt.Errorf("coordinate %d: longitude %v out of range", n, v[0])
		}
		if v[1] < -90 || v[1] > 90 {
			return nil, n, fmt.Errorf("coordinate %d: latitude %v out of range", n, v[1])
		}
		flat = append(flat, v[0], v[1])
	}
	if k := len(flat); k-start >= 6 && (flat[start] != flat[k-2] || flat[start+1] != flat[k-1]) {
		flat = append(flat, flat[start], flat[start+1])
	}
	return flat, n, nil
}

// tuples splits a coordinates text on white space, joining what spaces
// around commas would split ("10.9, 44.6").
func tuples(text string) []string {
	fields := strings.Fields(text)
	var out []string
	for _, f := range fields {
		if len(out) > 0 && (strings.HasSuffix(out[len(out)-1], ",") || strings.HasPrefix(f, ",")) {
			out[len(out)-1] += f
			continue
		}
		out = append(out, f)
	}
	return out
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// plainText turns the inner XML of a description into text: CDATA sections
// are taken as they are, the rest is unescaped, then HTML tags are removed
// (block tags and <br> as line breaks), entities decoded and spaces
// collapsed.
func plainText(inner string) string {
	var h strings.Builder
	for inner != "" {
		i := strings.Index(inner, "<![CDATA[")
		if i < 0 {
			h.WriteString(xmlText(inner))
			break
		}
		h.WriteString(xmlText(inner[:i]))
		rest := inner[i+len("<![CDATA["):]
		j := strings.Index(rest, "]]>")
		if j < 0 {
			h.WriteString(rest)
			break
		}
		h.WriteString(rest[:j])
		inner = rest[j+len("]]>"):]
	}
	return stripHTML(h.String())
}

// xmlText unescapes XML outside CDATA; markup there is HTML written as
// child elements, left for stripHTML.
func xmlText(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// stripHTML removes tags, decodes entities and collapses white space,
// keeping line breaks where <br>, <p>, <div>, <tr> and <li> were.
func stripHTML(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		tag := strings.ToLower(strings.TrimLeft(s[i+1:i+j], "/ "))
		for _, brk := range []string{"br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"} {
			if tag == brk || strings.HasPrefix(tag, brk+" ") || strings.HasPrefix(tag, brk+"/") {
				b.WriteByte('\n')
				break
			}
		}
		if strings.HasPrefix(tag, "td") || strings.HasPrefix(tag, "th") {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
	text := html.UnescapeString(b.String())
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// causeText is the message of err without the path that os errors repeat.
func causeText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
