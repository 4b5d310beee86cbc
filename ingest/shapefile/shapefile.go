// Package shapefile reads ESRI shapefiles as ISTAT publishes them — a .zip
// holding X.shp, X.shx, X.dbf, X.prj and optionally X.cpg, possibly in a
// folder of the archive — or a path to the .shp with its siblings beside it,
// as one stream of features with their geometry (github.com/twpayne/go-geom)
// and their attributes as text. OpenIn picks one layer of an archive that
// holds several, as ISTAT's Limiti01012024_g.zip does (comuni, provinces,
// regions).
//
// The reader is our own: the Go module proxy this project builds with does
// not serve github.com/twpayne/go-shapefile, jonas-p/go-shp or
// everystreet/go-shapefile, and the format (the ESRI white paper of 1998 and
// dBASE III) is small enough to read in full, with errors that say where.
//
// Memory stays bounded whatever the file size: the .shp and the .dbf are
// read side by side, one record at a time. The .dbf is read once before, to
// settle its encoding when no .cpg declares it. The .shx is not needed: when
// present, its record count is checked against the .dbf's.
//
// Geometries:
//
//   - Polygon, PolygonZ, PolygonM (5, 15, 25) give a *geom.MultiPolygon. Rings
//     are grouped into polygons as the format says: outer rings run
//     clockwise, holes counter-clockwise, and each hole goes to the smallest
//     outer ring that contains it (a hole that no outer ring contains becomes
//     a polygon of its own, as GDAL does). A ring that is not closed is
//     closed; a ring with fewer than 4 points is an error.
//   - Point (1, 11, 21) gives a *geom.Point, MultiPoint (8, 18, 28) a
//     *geom.MultiPoint, PolyLine (3, 13, 23) a *geom.MultiLineString.
//   - The Null shape gives a nil Geometry. MultiPatch (31) is an error.
//
// Z types give the XYZ layout (XYZM when the record carries measures), M
// types the XYM layout. Every geometry carries the SRID read from the .prj.
//
// Attributes are the .dbf fields by name, trimmed of their padding; numbers
// (N, F) are their trimmed text, dates (D) YYYYMMDD, logicals (L) one letter;
// a blank value is "". Deleted records are skipped, with their shape. Text
// is decoded from the encoding named in the .cpg (UTF-8, ISO-8859-1,
// Windows-1252, ISO-8859-15 under their usual spellings: "UTF8", "88591",
// "1252", "LATIN1"...); an encoding the reader does not know is an error.
// Without a .cpg, the .dbf is UTF-8 when every value in it is valid UTF-8,
// and ISO-8859-1 otherwise.
//
// The CRS comes from the .prj: its top-level AUTHORITY["EPSG","n"] (or WKT 2
// ID) when it has one, else the name of its PROJCS or GEOGCS, recognised for
// the systems Italian data come in (WGS 84 and ETRS89 / UTM 32N and 33N,
// RDN2008 / UTM 32N, Monte Mario / Italy 1 and 2, WGS 84, ETRS89, RDN2008,
// in their EPSG and ESRI spellings). A .prj naming anything else is an error
// that quotes the name.
//
// Every error is a *Error that names the file, and the record and field
// when there is one:
//
//	Com01012024_g.zip/Com01012024_g_WGS84.shp: record 17: ring 2 has 3 points, a ring needs at least 4
//	R08_11_WGS84.dbf: record 3 field PRO_COM: "36O23" is not a number
//
// A typical loop:
//
//	r, err := shapefile.Open(path)
//	if err != nil { return err }
//	defer r.Close()
//	srid := r.SRID()
//	for {
//		f, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { return err }
//		use(f.Record, f.Geometry, f.Attributes["PRO_COM"])
//	}
//
// WriteZip and WriteDir write shapefiles (UTF-8, or Latin-1 on request) that
// this reader and GDAL both read, for tests and demo generators.
package shapefile

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/twpayne/go-geom"
)

// Feature is one record of a shapefile.
type Feature struct {
	// Record is the 1-based number of the record in the .shp and the .dbf
	// (deleted records are skipped but counted).
	Record int
	// Geometry is nil for a Null shape.
	Geometry geom.T
	// Attributes maps every .dbf field name to its trimmed text value.
	Attributes map[string]string
}

// Field describes a .dbf field.
type Field struct {
	Name string
	// Type is 'C' (text), 'N' (number), 'F' (float), 'D' (date YYYYMMDD) or
	// 'L' (logical); the reader passes other types through as text.
	Type     byte
	Length   int
	Decimals int
}

// Error is a located problem in one of the files of a shapefile.
type Error struct {
	// File names the component file, as "X.shp", or "A.zip/dir/X.shp"
	// inside an archive.
	File string
	// Record is the 1-based record, 0 for the file as a whole.
	Record int
	// Field names the .dbf field, if any.
	Field  string
	Reason string
	// Err is the underlying cause, if any, for errors.Is and errors.As.
	Err error
}

// Error formats the error as "file: record n field F: reason".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Record > 0 {
		fmt.Fprintf(&b, "record %d", e.Record)
		if e.Field != "" {
			b.WriteString(" field " + e.Field)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// opener opens a component file again from its start.
type opener func() (io.ReadCloser, error)

// files are the component files of one shapefile; nil openers are absent.
type files struct {
	shp, shx, dbf, prj, cpg                     opener
	shpName, shxName, dbfName, prjName, cpgName string
	closer                                      io.Closer // the archive
}

// Reader streams the features of a shapefile.
type Reader struct {
	name    string // the .shp, as in errors
	srid    int
	shp     *shpReader
	dbf     *dbfReader
	closers []io.Closer
	record  int
	err     error // sticky
}

// Open opens a shapefile: a .zip holding exactly one .shp (at any depth)
// with its siblings (OpenIn picks one of several), or a .shp with its siblings in the same directory. The
// .dbf and the .prj are required. Open reads the headers, the .prj and the
// .cpg, and checks the record counts of .shx and .dbf against each other.
func Open(name string) (*Reader, error) {
	var fs *files
	var err error
	if strings.EqualFold(filepath.Ext(name), ".zip") {
		fs, err = zipFiles(name, "")
	} else {
		fs, err = dirFiles(name)
	}
	if err != nil {
		return nil, err
	}
	return openFiles(fs)
}

// OpenIn opens one shapefile of an archive that holds several, as ISTAT's
// Limiti01012024_g.zip holds the comuni, provinces, regions and
// macro-regions: layer is the .shp's base name, with or without ".shp"
// ("Com01012024_g_WGS84"), or its path inside the archive.
func OpenIn(zipPath, layer string) (*Reader, error) {
	fs, err := zipFiles(zipPath, layer)
	if err != nil {
		return nil, err
	}
	return openFiles(fs)
}

func openFiles(fs *files) (*Reader, error) {
	r, err := open(fs)
	if err != nil {
		if fs.closer != nil {
			_ = fs.closer.Close()
		}
		return nil, err
	}
	if fs.closer != nil {
		r.closers = append(r.closers, fs.closer)
	}
	return r, nil
}

// zipFiles finds the components of the one shapefile in an archive, or of
// the one named layer.
func zipFiles(name, layer string) (*files, error) {
	zname := filepath.Base(name)
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, &Error{File: zname, Reason: "cannot open: " + causeText(err), Err: err}
	}
	fail := func(reason string) (*files, error) {
		_ = zr.Close()
		return nil, &Error{File: zname, Reason: reason}
	}
	byName := map[string]*zip.File{}
	var shps []string
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(path.Base(f.Name), "._") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		byName[strings.ToLower(f.Name)] = f
		if strings.EqualFold(path.Ext(f.Name), ".shp") {
			shps = append(shps, f.Name)
		}
	}
	all := shps
	if layer != "" {
		want := strings.TrimSuffix(strings.ToLower(filepath.ToSlash(layer)), ".shp")
		shps = nil
		for _, s := range all {
			full := strings.ToLower(strings.TrimSuffix(s, path.Ext(s)))
			if full == want || path.Base(full) == want {
				shps = append(shps, s)
			}
		}
	}
	switch {
	case len(all) == 0:
		return fail("the archive holds no .shp file")
	case len(shps) == 1:
	case len(shps) == 0:
		return fail(fmt.Sprintf("the archive holds no shapefile %s (it holds %s)", layer, strings.Join(all, ", ")))
	default:
		return fail(fmt.Sprintf("the archive holds %d shapefiles (%s): name the one to read", len(shps), strings.Join(shps, ", ")))
	}
	base := strings.TrimSuffix(shps[0], path.Ext(shps[0]))
	fs := &files{closer: zr}
	find := func(ext string) (opener, string) {
		f := byName[strings.ToLower(base+ext)]
		if f == nil {
			return nil, zname + "/" + base + ext
		}
		return f.Open, zname + "/" + f.Name
	}
	fs.shp, fs.shpName = find(".shp")
	fs.shx, fs.shxName = find(".shx")
	fs.dbf, fs.dbfName = find(".dbf")
	fs.prj, fs.prjName = find(".prj")
	fs.cpg, fs.cpgName = find(".cpg")
	return fs, nil
}

// dirFiles finds the siblings of a .shp, in any letter case.
func dirFiles(name string) (*files, error) {
	dir := filepath.Dir(name)
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	if !strings.EqualFold(filepath.Ext(name), ".shp") {
		return nil, &Error{File: filepath.Base(name), Reason: "not a shapefile: expected a .shp or a .zip"}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &Error{File: filepath.Base(name), Reason: "cannot open: " + causeText(err), Err: err}
	}
	fs := &files{}
	find := func(ext string) (opener, string) {
		want := base + ext
		for _, e := range entries {
			if strings.EqualFold(e.Name(), want) && !e.IsDir() {
				p := filepath.Join(dir, e.Name())
				return func() (io.ReadCloser, error) { return os.Open(p) }, e.Name()
			}
		}
		return nil, want
	}
	fs.shp, fs.shpName = find(".shp")
	if fs.shp == nil {
		// The exact name given, even if the directory listing missed it.
		p := name
		fs.shp, fs.shpName = func() (io.ReadCloser, error) { return os.Open(p) }, filepath.Base(name)
	}
	fs.shx, fs.shxName = find(".shx")
	fs.dbf, fs.dbfName = find(".dbf")
	fs.prj, fs.prjName = find(".prj")
	fs.cpg, fs.cpgName = find(".cpg")
	return fs, nil
}

// maxSmallFile bounds what is read of a .prj or .cpg.
const maxSmallFile = 1 << 20

func readSmall(o opener, name string) ([]byte, error) {
	rc, err := o()
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot open: " + causeText(err), Err: err}
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSmallFile+1))
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot read: " + causeText(err), Err: err}
	}
	if len(b) > maxSmallFile {
		return nil, &Error{File: name, Reason: "larger than 1 MiB: not a .prj or .cpg"}
	}
	return b, nil
}

func open(fs *files) (*Reader, error) {
	if fs.dbf == nil {
		return nil, &Error{File: fs.dbfName, Reason: "missing: a shapefile needs its .dbf (the attributes) beside the .shp"}
	}
	if fs.prj == nil {
		return nil, &Error{File: fs.prjName, Reason: "missing: a shapefile needs its .prj (the coordinate reference system) beside the .shp"}
	}
	prj, err := readSmall(fs.prj, fs.prjName)
	if err != nil {
		return nil, err
	}
	srid, err := parsePRJ(string(prj))
	if err != nil {
		return nil, &Error{File: fs.prjName, Reason: err.Error(), Err: err}
	}
	var dec *decoder
	if fs.cpg != nil {
		cpg, err := readSmall(fs.cpg, fs.cpgName)
		if err != nil {
			return nil, err
		}
		if dec, err = parseCPG(string(cpg)); err != nil {
			return nil, &Error{File: fs.cpgName, Reason: err.Error(), Err: err}
		}
	} else {
		if dec, err = detectDBFEncoding(fs.dbf, fs.dbfName); err != nil {
			return nil, err
		}
	}
	r := &Reader{name: fs.shpName, srid: srid}
	fail := func(err error) (*Reader, error) {
		_ = r.closeFiles()
		return nil, err
	}
	dbfFile, err := fs.dbf()
	if err != nil {
		return fail(&Error{File: fs.dbfName, Reason: "cannot open: " + causeText(err), Err: err})
	}
	r.closers = append(r.closers, dbfFile)
	if r.dbf, err = newDBFReader(bufioReader(dbfFile), fs.dbfName, dec); err != nil {
		return fail(err)
	}
	shpFile, err := fs.shp()
	if err != nil {
		return fail(&Error{File: fs.shpName, Reason: "cannot open: " + causeText(err), Err: err})
	}
	r.closers = append(r.closers, shpFile)
	if r.shp, err = newSHPReader(bufioReader(shpFile), fs.shpName, srid); err != nil {
		return fail(err)
	}
	if fs.shx != nil {
		if n, err := shxCount(fs.shx, fs.shxName); err != nil {
			return fail(err)
		} else if n != r.dbf.count {
			return fail(&Error{File: fs.shpName, Reason: fmt.Sprintf("%s counts %d records, %s %d", baseOf(fs.shxName), n, baseOf(fs.dbfName), r.dbf.count)})
		}
	}
	return r, nil
}

func baseOf(name string) string { return path.Base(filepath.ToSlash(name)) }

// SRID returns the EPSG code read from the .prj.
func (r *Reader) SRID() int { return r.srid }

// Fields returns the .dbf fields, in file order. The caller must not modify
// the slice.
func (r *Reader) Fields() []Field { return r.dbf.fields }

// Encoding names the encoding the .dbf is decoded from: the .cpg's, or
// the one detected ("UTF-8" or "ISO-8859-1").
func (r *Reader) Encoding() string { return r.dbf.dec.name }

// Count returns the number of records the .dbf header announces, deleted
// ones included.
func (r *Reader) Count() int { return r.dbf.count }

// Next returns the next feature, or io.EOF after the last one. Errors are
// *Error and final: every later call returns the same error.
func (r *Reader) Next() (Feature, error) {
	if r.err != nil {
		return Feature{}, r.err
	}
	for {
		f, err := r.next()
		if err != nil {
			r.err = err
			return Feature{}, err
		}
		if f.Attributes != nil {
			return f, nil
		}
	}
}

// next reads one record of each file; a deleted record has nil Attributes.
func (r *Reader) next() (Feature, error) {
	g, shpErr := r.shp.next()
	attrs, dbfErr := r.dbf.next()
	switch {
	case shpErr == io.EOF && dbfErr == io.EOF:
		return Feature{}, io.EOF
	case shpErr == io.EOF && dbfErr == nil:
		return Feature{}, &Error{File: r.name, Reason: fmt.Sprintf("ends after %d records, %s has %d", r.record, baseOf(r.dbf.name), r.dbf.count)}
	case shpErr == nil && dbfErr == io.EOF:
		return Feature{}, &Error{File: r.name, Reason: fmt.Sprintf("has more records than the %d of %s", r.dbf.count, baseOf(r.dbf.name))}
	case shpErr != nil && shpErr != io.EOF:
		return Feature{}, shpErr
	case dbfErr != nil && dbfErr != io.EOF:
		return Feature{}, dbfErr
	}
	r.record++
	return Feature{Record: r.record, Geometry: g, Attributes: attrs}, nil
}

// Close releases the files.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = &Error{File: r.name, Reason: "reader closed"}
	}
	return r.closeFiles()
}

func (r *Reader) closeFiles() error {
	var errs []error
	for i := len(r.closers) - 1; i >= 0; i-- {
		errs = append(errs, r.closers[i].Close())
	}
	r.closers = nil
	return errors.Join(errs...)
}

// causeText is the message of err without the path that os errors repeat.
func causeText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
