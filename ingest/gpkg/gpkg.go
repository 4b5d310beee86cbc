// Package gpkg reads the features of an OGC GeoPackage (.gpkg), as ogr2ogr -f GPKG or QGIS
// write it, one feature at a time: its geometry (github.com/twpayne/go-geom) and its
// attributes as SQLite gives them.
//
// The file is opened read-only with modernc.org/sqlite, the pure-Go SQLite the project
// already writes GeoPackages with (publish/gpkg): no cgo, no GDAL.
//
// Layers. A feature layer is a row of gpkg_contents with data_type 'features' and its row of
// gpkg_geometry_columns (the geometry column and the layer's srs_id). Open takes the file's
// one feature layer and fails, naming them, when there are several; OpenLayer names the one to
// read (without regard to case). Attribute and tile tables are not layers, but a file holding
// only those says so.
//
// CRS. The layer's srs_id is looked up in gpkg_spatial_ref_sys. SRID gives its EPSG code:
// organization_coordsys_id when the organization is EPSG (as GDAL writes for any CRS it
// identifies); otherwise the WKT definition (or the WKT 2 definition_12_063 of the crs_wkt
// extension) is read as a shapefile's .prj is (ingest/shapefile.EPSGOfWKT: its EPSG authority,
// else the name of the systems Italian data come in). The undefined systems 0 and -1, and a
// system neither way identifies, are errors that quote its name, organization and id: a
// reader that cannot say which CRS the coordinates are in gives none rather than a wrong one.
//
// Geometries. Each blob is a GeoPackage binary geometry: magic "GP", version 0, flags (byte
// order of the header, envelope type 0-4, empty bit), srs_id, the envelope, then standard
// (ISO) WKB, decoded with go-geom's encoding/wkb. The WKB is walked once first, checking every
// count against the bytes left, so that a corrupt count fails instead of allocating
// gigabytes. The extended type (flag X, the GeoPackage extension mechanism for geometry types
// outside the Simple Features) is refused, as are curves and a blob whose srs_id is not the
// layer's. A NULL geometry gives a nil Geometry; an empty one an empty geometry (an empty
// point has NaN coordinates, as the specification encodes it). Every geometry carries SRID().
//
// Attributes. Every column but the primary key and the geometry, by name, as SQLite's storage
// classes: int64, float64, string, []byte or nil. Dates and timestamps (DATE, DATETIME
// columns, which the driver parses) are given back as text in the GeoPackage's formats
// (2024-01-01, 2024-01-01T12:00:00.000Z).
//
// Every error is an *Error that names the file, and the layer, the feature (its fid) and the
// field when there is one:
//
//	Com01012024.gpkg: not a GeoPackage: not an SQLite database
//	Com01012024.gpkg: layer comuni: fid 17: geometry: extended GeoPackage geometry (flag X) is not supported
//
// A typical loop:
//
//	r, err := gpkg.OpenLayer(path, layer) // layer "": the file's only feature layer
//	if err != nil { return err }
//	defer r.Close()
//	srid := r.SRID()
//	for {
//		f, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { return err }
//		use(f.FID, f.Geometry, f.Attributes["PRO_COM_T"])
//	}
package gpkg

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/twpayne/go-geom"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Feature is one row of a feature layer.
type Feature struct {
	// FID is the row's primary key (the rowid when the table has none).
	FID int64
	// Row is the 1-based position of the row in the layer, in fid order.
	Row int
	// Geometry is nil for a NULL geometry.
	Geometry geom.T
	// Attributes maps every column but the primary key and the geometry to its value: int64,
	// float64, string, []byte or nil.
	Attributes map[string]any
}

// Field is an attribute column of a layer.
type Field struct {
	Name string
	Type string // as declared: TEXT, INTEGER, MEDIUMINT, REAL, DATE...
}

// SRS is the layer's row of gpkg_spatial_ref_sys.
type SRS struct {
	ID             int32
	Name           string
	Organization   string
	OrgCoordSysID  int32
	Definition     string // WKT (1), or "undefined"
	DefinitionWKT2 string // definition_12_063 of the crs_wkt extension, when the file has it
}

// Error is a located problem in a GeoPackage.
type Error struct {
	File  string // the file's base name
	Layer string // the layer, if known
	// Row is the 1-based row of the feature in the layer, 0 for the file or layer as a whole;
	// FID its primary key.
	Row    int
	FID    int64
	Field  string // the column, if any
	Reason string
	// Err is the underlying cause, if any, for errors.Is and errors.As.
	Err error
}

// Error formats the error as "file: layer L: fid n field F: reason".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Layer != "" {
		b.WriteString("layer " + e.Layer + ": ")
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, "fid %d", e.FID)
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

// Reader streams the features of one layer.
type Reader struct {
	file    string
	layer   string
	geomCol string
	geomTyp string
	srs     SRS
	srid    int
	fields  []Field
	db      *sql.DB
	rows    *sql.Rows
	row     int
	dest    []any
	err     error // sticky
}

// sqliteMagic opens every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens the one feature layer of a GeoPackage; a file with several is an error that
// names them (use OpenLayer).
func Open(path string) (*Reader, error) { return OpenLayer(path, "") }

// OpenLayer opens a feature layer of a GeoPackage by its table name, without regard to case;
// "" takes the file's only feature layer. The file is opened read-only.
func OpenLayer(path, layer string) (*Reader, error) {
	name := filepath.Base(path)
	if err := checkSQLite(path, name); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot open: " + err.Error(), Err: err}
	}
	// A URI filename: mode=ro opens the file read-only (SQLite neither creates nor changes it).
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro"}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot open: " + err.Error(), Err: err}
	}
	db.SetMaxOpenConns(1)
	r := &Reader{file: name, db: db}
	if err := r.open(layer); err != nil {
		_ = db.Close()
		return nil, err
	}
	return r, nil
}

// checkSQLite tells a file that is not an SQLite database from one that is, before SQLite
// says "file is not a database".
func checkSQLite(path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return &Error{File: name, Reason: "cannot open: " + causeText(err), Err: err}
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteMagic) {
		return &Error{File: name, Reason: "not a GeoPackage: not an SQLite database"}
	}
	return nil
}

func (r *Reader) fail(reason string, err error) error {
	return &Error{File: r.file, Layer: r.layer, Reason: reason, Err: err}
}

// layerRow is a feature layer as gpkg_contents and gpkg_geometry_columns list it.
type layerRow struct {
	table, column, geomType string
	srsID                   int32
}

func (r *Reader) open(want string) error {
	if err := r.db.Ping(); err != nil {
		return r.fail("cannot open: "+err.Error(), err)
	}
	tables, err := r.tables()
	if err != nil {
		return err
	}
	if !tables["gpkg_contents"] || !tables["gpkg_spatial_ref_sys"] {
		return r.fail("not a GeoPackage: the SQLite database has no gpkg_contents or gpkg_spatial_ref_sys table", nil)
	}
	layers, others, err := r.layers(tables["gpkg_geometry_columns"])
	if err != nil {
		return err
	}
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.table
	}
	var chosen []layerRow
	if want == "" {
		chosen = layers
	} else {
		for _, l := range layers {
			if strings.EqualFold(l.table, want) {
				chosen = append(chosen, l)
			}
		}
	}
	switch {
	case len(layers) == 0:
		reason := "holds no feature layer (gpkg_contents lists no table of data_type 'features' with a row in gpkg_geometry_columns)"
		if len(others) > 0 {
			reason = fmt.Sprintf("holds no feature layer, only %s", strings.Join(others, ", "))
		}
		return r.fail(reason, nil)
	case len(chosen) == 1:
	case len(chosen) == 0:
		return r.fail(fmt.Sprintf("holds no feature layer %q (it holds %s)", want, strings.Join(names, ", ")), nil)
	default:
		return r.fail(fmt.Sprintf("holds %d feature layers (%s): name the one to read", len(chosen), strings.Join(names, ", ")), nil)
	}
	l := chosen[0]
	r.layer, r.geomCol, r.geomTyp = l.table, l.column, l.geomType
	if r.srs, err = r.readSRS(l.srsID); err != nil {
		return err
	}
	srid, err := r.srs.EPSG()
	if err != nil {
		return r.fail(err.Error(), err)
	}
	r.srid = srid
	return r.query()
}

// tables lists the database's tables and views, by lower-case name.
func (r *Reader) tables() (map[string]bool, error) {
	rows, err := r.db.Query(`SELECT lower(name) FROM sqlite_master WHERE type IN ('table', 'view')`)
	if err != nil {
		return nil, r.fail("cannot read: "+err.Error(), err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, r.fail("cannot read: "+err.Error(), err)
		}
		out[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, r.fail("cannot read: "+err.Error(), err)
	}
	return out, nil
}

// layers lists the feature layers, by table name, and the other contents ("x (attributes)").
func (r *Reader) layers(haveGeometryColumns bool) ([]layerRow, []string, error) {
	q := `SELECT c.table_name, lower(c.data_type), g.column_name, g.geometry_type_name, g.srs_id
		FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name ORDER BY c.table_name`
	if !haveGeometryColumns {
		q = `SELECT table_name, lower(data_type), NULL, NULL, NULL FROM gpkg_contents ORDER BY table_name`
	}
	rows, err := r.db.Query(q)
	if err != nil {
		return nil, nil, r.fail("cannot read gpkg_contents: "+err.Error(), err)
	}
	defer rows.Close()
	var layers []layerRow
	var others []string
	for rows.Next() {
		var table, typ string
		var col, gt sql.NullString
		var srs sql.NullInt32
		if err := rows.Scan(&table, &typ, &col, &gt, &srs); err != nil {
			return nil, nil, r.fail("cannot read gpkg_contents: "+err.Error(), err)
		}
		switch {
		case typ == "features" && col.Valid && srs.Valid:
			layers = append(layers, layerRow{table: table, column: col.String, geomType: gt.String, srsID: srs.Int32})
		case typ == "features":
			others = append(others, table+" (features without a row in gpkg_geometry_columns)")
		default:
			others = append(others, table+" ("+typ+")")
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, r.fail("cannot read gpkg_contents: "+err.Error(), err)
	}
	return layers, others, nil
}

func (r *Reader) readSRS(id int32) (SRS, error) {
	cols, err := r.columns("gpkg_spatial_ref_sys")
	if err != nil {
		return SRS{}, err
	}
	wkt2 := "NULL"
	for _, c := range cols {
		if strings.EqualFold(c.name, "definition_12_063") {
			wkt2 = "definition_12_063"
		}
	}
	s := SRS{ID: id}
	var def2 sql.NullString
	err = r.db.QueryRow(`SELECT srs_name, organization, organization_coordsys_id, definition, `+wkt2+`
		FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, id).Scan(&s.Name, &s.Organization, &s.OrgCoordSysID, &s.Definition, &def2)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return SRS{}, r.fail(fmt.Sprintf("srs_id %d is not in gpkg_spatial_ref_sys", id), nil)
	case err != nil:
		return SRS{}, r.fail("cannot read gpkg_spatial_ref_sys: "+err.Error(), err)
	}
	s.DefinitionWKT2 = def2.String
	return s, nil
}

type column struct {
	name, typ string
	pk        int
}

// columns lists a table's columns in order.
func (r *Reader) columns(table string) ([]column, error) {
	rows, err := r.db.Query(`SELECT name, type, pk FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, r.fail(fmt.Sprintf("cannot read the columns of %s: %v", table, err), err)
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ, &c.pk); err != nil {
			return nil, r.fail(fmt.Sprintf("cannot read the columns of %s: %v", table, err), err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, r.fail(fmt.Sprintf("cannot read the columns of %s: %v", table, err), err)
	}
	if len(out) == 0 {
		return nil, r.fail(fmt.Sprintf("table %s does not exist", table), nil)
	}
	return out, nil
}

// quote returns an SQL quoted identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// query starts reading the layer's rows in fid order.
func (r *Reader) query() error {
	cols, err := r.columns(r.layer)
	if err != nil {
		return err
	}
	pk, pks, hasGeom := "", 0, false
	for _, c := range cols {
		if c.pk > 0 {
			pks++
			pk = c.name
		}
	}
	if pks != 1 {
		pk = "" // no single primary key: the rowid
	}
	sel := []string{"_rowid_"}
	if pk != "" {
		sel[0] = quote(pk)
	}
	sel = append(sel, quote(r.geomCol))
	for _, c := range cols {
		switch {
		case c.name == pk:
		case strings.EqualFold(c.name, r.geomCol):
			hasGeom = true
		default:
			r.fields = append(r.fields, Field{Name: c.name, Type: strings.ToUpper(c.typ)})
			sel = append(sel, quote(c.name))
		}
	}
	if !hasGeom {
		return r.fail(fmt.Sprintf("the geometry column %s of gpkg_geometry_columns is not a column of the table", r.geomCol), nil)
	}
	r.rows, err = r.db.Query(fmt.Sprintf("SELECT %s FROM %s ORDER BY 1", strings.Join(sel, ", "), quote(r.layer)))
	if err != nil {
		return r.fail("cannot read: "+err.Error(), err)
	}
	r.dest = make([]any, len(sel))
	return nil
}

// Layer returns the layer's table name.
func (r *Reader) Layer() string { return r.layer }

// GeometryType returns the layer's geometry type as gpkg_geometry_columns declares it
// (MULTIPOLYGON, POLYGON, GEOMETRY...).
func (r *Reader) GeometryType() string { return r.geomTyp }

// SRS returns the layer's spatial reference system as the file defines it.
func (r *Reader) SRS() SRS { return r.srs }

// SRID returns the EPSG code of the layer's CRS (see SRS.EPSG).
func (r *Reader) SRID() int { return r.srid }

// Fields returns the attribute columns, in table order. The caller must not modify the slice.
func (r *Reader) Fields() []Field { return r.fields }

// Next returns the next feature, or io.EOF after the last one. Errors are *Error and final:
// every later call returns the same error.
func (r *Reader) Next() (Feature, error) {
	if r.err != nil {
		return Feature{}, r.err
	}
	f, err := r.next()
	if err != nil {
		r.err = err
		_ = r.rows.Close()
	}
	return f, err
}

func (r *Reader) next() (Feature, error) {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return Feature{}, r.fail(fmt.Sprintf("after %d features: cannot read: %v", r.row, err), err)
		}
		return Feature{}, io.EOF
	}
	ptrs := make([]any, len(r.dest))
	for i := range r.dest {
		r.dest[i] = nil
		ptrs[i] = &r.dest[i]
	}
	r.row++
	if err := r.rows.Scan(ptrs...); err != nil {
		return Feature{}, r.fail(fmt.Sprintf("row %d: cannot read: %v", r.row, err), err)
	}
	f := Feature{Row: r.row}
	fid, ok := r.dest[0].(int64)
	if !ok {
		return Feature{}, r.fail(fmt.Sprintf("row %d: primary key %v is not an integer", r.row, r.dest[0]), nil)
	}
	f.FID = fid
	at := func(field, reason string, err error) error {
		return &Error{File: r.file, Layer: r.layer, Row: r.row, FID: fid, Field: field, Reason: reason, Err: err}
	}
	switch g := r.dest[1].(type) {
	case nil:
	case []byte:
		var err error
		var srsID int32
		if f.Geometry, srsID, err = Decode(g); err != nil {
			return Feature{}, at(r.geomCol, err.Error(), err)
		}
		if srsID != r.srs.ID {
			return Feature{}, at(r.geomCol, fmt.Sprintf("the geometry's srs_id is %d, the layer's %d", srsID, r.srs.ID), nil)
		}
		f.Geometry = withSRID(f.Geometry, r.srid)
	default:
		return Feature{}, at(r.geomCol, fmt.Sprintf("geometry is a %s, not a GeoPackage geometry blob", storageClass(g)), nil)
	}
	f.Attributes = make(map[string]any, len(r.fields))
	for i, fd := range r.fields {
		v := r.dest[i+2]
		if t, ok := v.(time.Time); ok {
			// modernc.org/sqlite parses the text of DATE and DATETIME columns; give it back as
			// the GeoPackage stores it.
			if fd.Type == "DATE" {
				v = t.Format("2006-01-02")
			} else {
				v = t.UTC().Format("2006-01-02T15:04:05.000Z")
			}
		}
		f.Attributes[fd.Name] = v
	}
	return f, nil
}

func storageClass(v any) string {
	switch v.(type) {
	case int64:
		return "number (INTEGER)"
	case float64:
		return "number (REAL)"
	case string:
		return "text"
	}
	return fmt.Sprintf("%T", v)
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = r.fail("reader closed", nil)
	}
	var errs []error
	if r.rows != nil {
		errs = append(errs, r.rows.Close())
	}
	errs = append(errs, r.db.Close())
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
