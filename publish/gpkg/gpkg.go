// Package gpkg writes OGC GeoPackage 1.3 files of vector features, in pure Go.
//
// SQLite comes from modernc.org/sqlite, a translation of SQLite's C source to Go: no cgo, so
// the binaries that use this package stay static. Geometries are github.com/twpayne/go-geom
// values, read as WKB from PostGIS and written as standard WKB by go-geom's encoder behind the
// GeoPackage binary header (magic "GP", version 0, little-endian, srs_id and an xy envelope).
//
// A file holds one or more feature layers. Each layer is a table with an
// "fid INTEGER PRIMARY KEY AUTOINCREMENT" column, a "geom" column and the attribute columns
// given, registered in gpkg_contents (with the extent of its features), gpkg_geometry_columns
// and, for its spatial index, gpkg_extensions (an R-tree, "rtree_<layer>_geom"). The
// mandatory gpkg_spatial_ref_sys rows are always written: EPSG:4326 (WGS 84), -1 (undefined
// cartesian) and 0 (undefined geographic); other systems can be added with AddSRS.
//
// Everything is written in one transaction into a temporary file beside the target, which
// Close renames into place: a write that fails, or that is abandoned with Abort, leaves no
// file behind, and an existing file at the path is replaced only by a complete one.
//
// Usage:
//
//	w, err := gpkg.Create("sezioni.gpkg")
//	if err != nil {
//		return err
//	}
//	defer w.Abort() // no-op after a successful Close
//	err = w.AddLayer(gpkg.Layer{
//		Name:         "sezioni",
//		Description:  "Sezioni di censimento",
//		GeometryType: "MULTIPOLYGON",
//		SRSID:        4326,
//		Columns: []gpkg.Column{
//			{Name: "codice", Type: "TEXT"},
//			{Name: "residenti", Type: "INTEGER"},
//			{Name: "quota", Type: "REAL"},
//		},
//	})
//	if err != nil {
//		return err
//	}
//	for _, s := range sections {
//		// values in column order; nil writes NULL
//		if err := w.Insert("sezioni", s.Outline, s.Code, s.Residents, s.Share); err != nil {
//			return err
//		}
//	}
//	return w.Close()
package gpkg

import (
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// ApplicationID is the SQLite application_id of a GeoPackage: "GPKG" in ASCII.
const ApplicationID = 0x47504B47

// UserVersion is the SQLite user_version of a GeoPackage 1.3.0 file.
const UserVersion = 10300

// Column types accepted in Column.Type.
const (
	TypeText    = "TEXT"
	TypeInteger = "INTEGER"
	TypeReal    = "REAL"
)

// Column is an attribute column of a layer.
type Column struct {
	Name string // an identifier: letters, digits and '_', not starting with a digit
	Type string // TEXT, INTEGER or REAL
}

// Layer describes a feature table.
type Layer struct {
	Name         string // table name and gpkg_contents identifier; an identifier as for Column.Name
	Description  string
	GeometryType string // POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON or GEOMETRY
	SRSID        int32  // 4326, 0, -1 or one added with AddSRS
	Columns      []Column
}

// SRS is a spatial reference system row of gpkg_spatial_ref_sys.
type SRS struct {
	Name          string // srs_name, e.g. "WGS 84 / UTM zone 32N"
	ID            int32  // srs_id, e.g. 32632
	Organization  string // e.g. "EPSG"
	OrgCoordSysID int32  // e.g. 32632
	Definition    string // WKT
	Description   string
}

// WKT of EPSG:4326, as the GeoPackage specification gives it.
const wkt4326 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`

var mandatorySRS = []SRS{
	{Name: "WGS 84 geodetic", ID: 4326, Organization: "EPSG", OrgCoordSysID: 4326, Definition: wkt4326,
		Description: "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"},
	{Name: "Undefined cartesian SRS", ID: -1, Organization: "NONE", OrgCoordSysID: -1, Definition: "undefined",
		Description: "undefined cartesian coordinate reference system"},
	{Name: "Undefined geographic SRS", ID: 0, Organization: "NONE", OrgCoordSysID: 0, Definition: "undefined",
		Description: "undefined geographic coordinate reference system"},
}

var geometryTypes = map[string]bool{
	"GEOMETRY": true, "POINT": true, "LINESTRING": true, "POLYGON": true,
	"MULTIPOINT": true, "MULTILINESTRING": true, "MULTIPOLYGON": true,
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// maxIdent bounds identifiers; the R-tree table name adds 11 characters to a layer's name.
const maxIdent = 63

// Writer writes one GeoPackage file. It is not safe for concurrent use.
type Writer struct {
	path, tmp string
	db        *sql.DB
	tx        *sql.Tx
	srs       map[int32]bool
	layers    map[string]*layer // by lower-case name
	order     []*layer
	done      bool
}

type layer struct {
	Layer
	insert, rtree *sql.Stmt
	n             int64
	bound         *geom.Bounds
	hasBound      bool
}

// Create starts a GeoPackage to be written at path. Nothing appears at path until Close
// succeeds; the directory must exist.
func Create(path string) (*Writer, error) {
	if path == "" {
		return nil, errors.New("gpkg: create: empty path")
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("gpkg: create %s: %w", path, err)
	}
	tmp := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("gpkg: create %s: %w", path, err)
	}
	w := &Writer{path: path, tmp: tmp, srs: map[int32]bool{}, layers: map[string]*layer{}}
	if err := w.init(); err != nil {
		w.discard()
		return nil, fmt.Errorf("gpkg: create %s: %w", path, err)
	}
	return w, nil
}

func (w *Writer) init() error {
	db, err := sql.Open("sqlite", w.tmp)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	w.db = db
	for _, p := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", ApplicationID),
		fmt.Sprintf("PRAGMA user_version = %d", UserVersion),
		"PRAGMA journal_mode = MEMORY",
		"PRAGMA foreign_keys = ON",
	} {
		if _, err := db.Exec(p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	w.tx = tx
	for _, s := range []string{
		`CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT)`,
		`CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
		`CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
		`CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
	} {
		if _, err := tx.Exec(s); err != nil {
			return fmt.Errorf("create metadata tables: %w", err)
		}
	}
	for _, s := range mandatorySRS {
		if err := w.addSRS(s); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) usable(op string) error {
	if w.done {
		return fmt.Errorf("gpkg: %s: writer already closed", op)
	}
	return nil
}

// AddSRS registers a spatial reference system besides the mandatory ones, for layers to use.
func (w *Writer) AddSRS(s SRS) error {
	if err := w.usable("add srs"); err != nil {
		return err
	}
	switch {
	case w.srs[s.ID]:
		return fmt.Errorf("gpkg: add srs %d: already defined", s.ID)
	case s.Name == "" || s.Organization == "" || s.Definition == "":
		return fmt.Errorf("gpkg: add srs %d: name, organization and definition are required", s.ID)
	}
	if err := w.addSRS(s); err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	return nil
}

func (w *Writer) addSRS(s SRS) error {
	_, err := w.tx.Exec(`INSERT INTO gpkg_spatial_ref_sys
  (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Name, s.ID, s.Organization, s.OrgCoordSysID, s.Definition, s.Description)
	if err != nil {
		return fmt.Errorf("add srs %d: %w", s.ID, err)
	}
	w.srs[s.ID] = true
	return nil
}

func checkIdent(what, name string) error {
	switch {
	case !identRE.MatchString(name):
		return fmt.Errorf("%s name %q: want letters, digits and '_', not starting with a digit", what, name)
	case len(name) > maxIdent:
		return fmt.Errorf("%s name %q: longer than %d characters", what, name, maxIdent)
	case strings.HasPrefix(strings.ToLower(name), "gpkg_"), strings.HasPrefix(strings.ToLower(name), "sqlite_"),
		strings.HasPrefix(strings.ToLower(name), "rtree_"):
		return fmt.Errorf("%s name %q: prefix reserved by GeoPackage or SQLite", what, name)
	}
	return nil
}

// quote returns a checked identifier as an SQL quoted identifier.
func quote(name string) string { return `"` + name + `"` }

// AddLayer creates a feature table. Layer and column names are identifiers (letters, digits
// and '_'), unique without regard to case; "fid" and "geom" are taken by the writer.
func (w *Writer) AddLayer(l Layer) error {
	if err := w.usable("add layer " + l.Name); err != nil {
		return err
	}
	if err := w.addLayer(l); err != nil {
		return fmt.Errorf("gpkg: add layer %q: %w", l.Name, err)
	}
	return nil
}

func (w *Writer) addLayer(l Layer) error {
	if err := checkIdent("layer", l.Name); err != nil {
		return err
	}
	if len(l.Name) > maxIdent-len("rtree__geom") {
		return fmt.Errorf("layer name %q: longer than %d characters", l.Name, maxIdent-len("rtree__geom"))
	}
	key := strings.ToLower(l.Name)
	if w.layers[key] != nil {
		return errors.New("a layer of that name already exists")
	}
	l.GeometryType = strings.ToUpper(l.GeometryType)
	if !geometryTypes[l.GeometryType] {
		return fmt.Errorf("geometry type %q: want one of POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRY", l.GeometryType)
	}
	if !w.srs[l.SRSID] {
		return fmt.Errorf("srs_id %d is not defined (4326, 0 and -1 are; add others with AddSRS)", l.SRSID)
	}
	seen := map[string]bool{"fid": true, "geom": true}
	defs := []string{`"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL`, `"geom" ` + l.GeometryType}
	cols := []string{`"geom"`}
	marks := []string{"?"}
	l.Columns = append([]Column(nil), l.Columns...)
	for i, c := range l.Columns {
		if err := checkIdent("column", c.Name); err != nil {
			return err
		}
		ck := strings.ToLower(c.Name)
		if seen[ck] {
			return fmt.Errorf("column %q: name taken (by the writer's fid/geom or an earlier column)", c.Name)
		}
		seen[ck] = true
		c.Type = strings.ToUpper(c.Type)
		switch c.Type {
		case TypeText, TypeInteger, TypeReal:
		default:
			return fmt.Errorf("column %q: type %q: want TEXT, INTEGER or REAL", c.Name, c.Type)
		}
		l.Columns[i] = c
		defs = append(defs, quote(c.Name)+" "+c.Type)
		cols = append(cols, quote(c.Name))
		marks = append(marks, "?")
	}
	tbl := quote(l.Name)
	rt := quote("rtree_" + l.Name + "_geom")
	for _, s := range []string{
		fmt.Sprintf("CREATE TABLE %s (%s)", tbl, strings.Join(defs, ", ")),
		fmt.Sprintf("CREATE VIRTUAL TABLE %s USING rtree(id, minx, maxx, miny, maxy)", rt),
	} {
		if _, err := w.tx.Exec(s); err != nil {
			return err
		}
	}
	if _, err := w.tx.Exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
  VALUES (?, 'features', ?, ?, ?)`, l.Name, l.Name, l.Description, l.SRSID); err != nil {
		return err
	}
	if _, err := w.tx.Exec(`INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
  VALUES (?, 'geom', ?, ?, 0, 0)`, l.Name, l.GeometryType, l.SRSID); err != nil {
		return err
	}
	if _, err := w.tx.Exec(`INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, l.Name); err != nil {
		return err
	}
	ins, err := w.tx.Prepare(fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", tbl, strings.Join(cols, ", "), strings.Join(marks, ", ")))
	if err != nil {
		return err
	}
	rti, err := w.tx.Prepare(fmt.Sprintf("INSERT INTO %s (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)", rt))
	if err != nil {
		ins.Close()
		return err
	}
	ly := &layer{Layer: l, insert: ins, rtree: rti}
	w.layers[key] = ly
	w.order = append(w.order, ly)
	return nil
}

// Insert adds a feature to a layer: its geometry (nil for none) and one value per column, in
// the layer's column order. A nil value writes NULL; TEXT takes strings, INTEGER integers and
// bools, REAL floats and integers; driver.Valuer values (sql.NullString, ...) are resolved first.
func (w *Writer) Insert(layerName string, g geom.T, values ...any) error {
	if err := w.usable("insert into " + layerName); err != nil {
		return err
	}
	l := w.layers[strings.ToLower(layerName)]
	if l == nil {
		return fmt.Errorf("gpkg: insert into %q: no such layer", layerName)
	}
	if err := l.insertFeature(g, values); err != nil {
		return fmt.Errorf("gpkg: insert into %q, feature %d: %w", l.Name, l.n+1, err)
	}
	return nil
}

func (l *layer) insertFeature(g geom.T, values []any) error {
	if len(values) != len(l.Columns) {
		return fmt.Errorf("%d values for %d columns", len(values), len(l.Columns))
	}
	args := make([]any, 0, 1+len(values))
	var blob []byte
	var env *geom.Bounds
	empty := true
	if g != nil {
		if t := typeName(g); l.GeometryType != "GEOMETRY" && t != l.GeometryType {
			return fmt.Errorf("geometry is a %s, the layer holds %s", t, l.GeometryType)
		}
		var err error
		blob, env, empty, err = Encode(g, l.SRSID)
		if err != nil {
			return err
		}
		args = append(args, blob)
	} else {
		args = append(args, nil)
	}
	for i, v := range values {
		c := l.Columns[i]
		nv, err := convert(c.Type, v)
		if err != nil {
			return fmt.Errorf("column %q: %w", c.Name, err)
		}
		args = append(args, nv)
	}
	res, err := l.insert.Exec(args...)
	if err != nil {
		return err
	}
	l.n++
	if !empty {
		fid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := l.rtree.Exec(fid, env.Min(0), env.Max(0), env.Min(1), env.Max(1)); err != nil {
			return fmt.Errorf("spatial index: %w", err)
		}
		if l.hasBound {
			l.bound.Extend(g)
		} else {
			l.bound, l.hasBound = env.Clone(), true
		}
	}
	return nil
}

func convert(typ string, v any) (any, error) {
	if vr, ok := v.(driver.Valuer); ok {
		var err error
		if v, err = vr.Value(); err != nil {
			return nil, err
		}
	}
	if v == nil {
		return nil, nil
	}
	switch typ {
	case TypeText:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	case TypeInteger:
		switch x := v.(type) {
		case int, int8, int16, int32, int64, uint8, uint16, uint32:
			return x, nil
		case uint:
			if uint64(x) <= math.MaxInt64 {
				return int64(x), nil
			}
		case uint64:
			if x <= math.MaxInt64 {
				return int64(x), nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case TypeReal:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			return x, nil
		}
	}
	return nil, fmt.Errorf("value %v (%T) does not fit a %s column", v, v, typ)
}

// Encode returns a geometry as a GeoPackage geometry blob: the binary header (magic "GP",
// version 0, flags for a little-endian blob with an xy envelope, or with the empty bit and no
// envelope for an empty geometry, srs_id, then minx, maxx, miny, maxy) followed by the
// geometry as little-endian standard WKB (go-geom's encoder). It also returns the envelope
// and whether the geometry is empty.
func Encode(g geom.T, srsID int32) (blob []byte, env *geom.Bounds, empty bool, err error) {
	body, err := wkb.Marshal(g, wkb.NDR)
	if err != nil {
		return nil, nil, false, fmt.Errorf("wkb: %w", err)
	}
	empty = g.Empty()
	flags := byte(0x01) // little-endian header values
	if empty {
		flags |= 0x10 // empty geometry, no envelope
	} else {
		flags |= 1 << 1 // envelope: minx, maxx, miny, maxy
		env = g.Bounds()
		for _, f := range []float64{env.Min(0), env.Min(1), env.Max(0), env.Max(1)} {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, nil, false, errors.New("geometry has a non-finite coordinate")
			}
		}
	}
	blob = make([]byte, 0, 8+32+len(body))
	blob = append(blob, 'G', 'P', 0, flags)
	blob = binary.LittleEndian.AppendUint32(blob, uint32(srsID))
	if !empty {
		for _, f := range []float64{env.Min(0), env.Max(0), env.Min(1), env.Max(1)} {
			blob = binary.LittleEndian.AppendUint64(blob, math.Float64bits(f))
		}
	}
	return append(blob, body...), env, empty, nil
}

// typeName is the GeoPackage geometry type name of a geometry.
func typeName(g geom.T) string {
	switch g.(type) {
	case *geom.Point:
		return "POINT"
	case *geom.LineString:
		return "LINESTRING"
	case *geom.Polygon:
		return "POLYGON"
	case *geom.MultiPoint:
		return "MULTIPOINT"
	case *geom.MultiLineString:
		return "MULTILINESTRING"
	case *geom.MultiPolygon:
		return "MULTIPOLYGON"
	}
	return "GEOMETRY"
}

// Close writes each layer's extent into gpkg_contents, adds the spatial index triggers,
// commits, and renames the file into place. On error nothing is left at the path (an
// earlier file there is kept) and the temporary file is removed.
func (w *Writer) Close() error {
	if err := w.usable("close " + w.path); err != nil {
		return err
	}
	if err := w.finish(); err != nil {
		w.discard()
		return fmt.Errorf("gpkg: close %s: %w", w.path, err)
	}
	return nil
}

func (w *Writer) finish() error {
	for _, l := range w.order {
		l.insert.Close()
		l.rtree.Close()
		if l.hasBound {
			if _, err := w.tx.Exec(`UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
				l.bound.Min(0), l.bound.Min(1), l.bound.Max(0), l.bound.Max(1), l.Name); err != nil {
				return fmt.Errorf("layer %q extent: %w", l.Name, err)
			}
		}
		for _, s := range rtreeTriggers(l.Name) {
			if _, err := w.tx.Exec(s); err != nil {
				return fmt.Errorf("layer %q spatial index triggers: %w", l.Name, err)
			}
		}
	}
	err := w.tx.Commit()
	w.tx = nil
	if err != nil {
		return err
	}
	err = w.db.Close()
	w.db = nil
	if err != nil {
		return err
	}
	if err := os.Chmod(w.tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(w.tmp, w.path); err != nil {
		return err
	}
	w.done = true
	return nil
}

// Abort discards the file being written. It does nothing after Close, so it can be deferred.
func (w *Writer) Abort() error {
	if w.done {
		return nil
	}
	return w.discard()
}

func (w *Writer) discard() error {
	w.done = true
	var errs []error
	if w.tx != nil {
		if err := w.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			errs = append(errs, err)
		}
		w.tx = nil
	}
	if w.db != nil {
		if err := w.db.Close(); err != nil {
			errs = append(errs, err)
		}
		w.db = nil
	}
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		if err := os.Remove(w.tmp + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// rtreeTriggers returns the triggers of the GeoPackage R-tree extension (spec 1.3, F.3) that
// keep rtree_<t>_geom in step with table t when the file is edited later, by tools that
// provide the ST_* functions (GDAL, QGIS). The writer fills the index itself.
func rtreeTriggers(t string) []string {
	r := "rtree_" + t + "_geom"
	qt, qr := quote(t), quote(r)
	return []string{
		fmt.Sprintf(`CREATE TRIGGER %[2]s AFTER INSERT ON %[1]s
WHEN (new."geom" NOT NULL AND NOT ST_IsEmpty(NEW."geom"))
BEGIN
  INSERT OR REPLACE INTO %[3]s VALUES (
    NEW."fid",
    ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"),
    ST_MinY(NEW."geom"), ST_MaxY(NEW."geom"));
END`, qt, quote(r+"_insert"), qr),
		fmt.Sprintf(`CREATE TRIGGER %[2]s AFTER UPDATE OF "geom" ON %[1]s
WHEN OLD."fid" = NEW."fid" AND
     (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom"))
BEGIN
  INSERT OR REPLACE INTO %[3]s VALUES (
    NEW."fid",
    ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"),
    ST_MinY(NEW."geom"), ST_MaxY(NEW."geom"));
END`, qt, quote(r+"_update1"), qr),
		fmt.Sprintf(`CREATE TRIGGER %[2]s AFTER UPDATE OF "geom" ON %[1]s
WHEN OLD."fid" = NEW."fid" AND
     (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom"))
BEGIN
  DELETE FROM %[3]s WHERE id = OLD."fid";
END`, qt, quote(r+"_update2"), qr),
		fmt.Sprintf(`CREATE TRIGGER %[2]s AFTER UPDATE ON %[1]s
WHEN OLD."fid" != NEW."fid" AND
     (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom"))
BEGIN
  DELETE FROM %[3]s WHERE id = OLD."fid";
  INSERT OR REPLACE INTO %[3]s VALUES (
    NEW."fid",
    ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"),
    ST_MinY(NEW."geom"), ST_MaxY(NEW."geom"));
END`, qt, quote(r+"_update3"), qr),
		fmt.Sprintf(`CREATE TRIGGER %[2]s AFTER UPDATE ON %[1]s
WHEN OLD."fid" != NEW."fid" AND
     (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom"))
BEGIN
  DELETE FROM %[3]s WHERE id IN (OLD."fid", NEW."fid");
END`, qt, quote(r+"_update4"), qr),
		fmt.Sprintf(`CREATE TRIGGER %[2]s AFTER DELETE ON %[1]s
WHEN old."geom" NOT NULL
BEGIN
  DELETE FROM %[3]s WHERE id = OLD."fid";
END`, qt, quote(r+"_delete"), qr),
	}
}
