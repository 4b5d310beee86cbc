package territory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/abitare/abitare/ingest/gpkg"
	"github.com/abitare/abitare/ingest/shapefile"
	"github.com/twpayne/go-geom/encoding/geojson"
)

// ReadFile reads a boundary file: a zipped shapefile (or the .shp beside its .dbf and .prj),
// a GeoPackage or GeoJSON. Errors name the file and the record.
func ReadFile(path string) (File, error) { return ReadLayer(path, "") }

// ReadLayer reads one layer of a boundary file that holds several: a feature table of a
// GeoPackage, or a shapefile of a zip (as ISTAT's Limiti01012024_g.zip holds comuni, provinces
// and regions), by name; "" takes the file's only one. GeoJSON and a .shp have no layers.
func ReadLayer(path, layer string) (File, error) {
	var (
		f   File
		err error
	)
	ext := strings.ToLower(filepath.Ext(path))
	if layer != "" && ext != ".zip" && ext != ".gpkg" {
		return File{}, fmt.Errorf("%s: a layer (%s) names a table of a GeoPackage or a shapefile of a zip: this %s file has none", path, layer, ext)
	}
	switch ext {
	case ".zip", ".shp":
		f, err = readShapefile(path, layer)
	case ".gpkg":
		f, err = readGeoPackage(path, layer)
	case ".geojson", ".json":
		f, err = readGeoJSON(path)
	default:
		return File{}, fmt.Errorf("%s: unknown format %q: want a zipped shapefile (.zip), a .shp, a GeoPackage (.gpkg) or GeoJSON", path, ext)
	}
	if err != nil {
		return File{}, err
	}
	f.Name = filepath.Base(path)
	if len(f.Municipalities) == 0 {
		return File{}, fmt.Errorf("%s: no municipalities", path)
	}
	return f, checkUnique(f.Municipalities, path)
}

func readShapefile(path, layer string) (File, error) {
	var (
		r   *shapefile.Reader
		err error
	)
	if layer != "" {
		r, err = shapefile.OpenIn(path, layer)
	} else {
		r, err = shapefile.Open(path)
	}
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	f := File{SRID: r.SRID()}
	for {
		feat, err := r.Next()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return File{}, err
		}
		attrs := attributes{}
		for k, v := range feat.Attributes {
			attrs[strings.ToUpper(k)] = v
		}
		m, err := municipalityOf(attrs, feat.Geometry, fmt.Sprintf("%s: record %d", filepath.Base(path), feat.Record))
		if err != nil {
			return File{}, err
		}
		f.Municipalities = append(f.Municipalities, m)
	}
}

// readGeoPackage reads a feature layer of a GeoPackage as ogr2ogr -f GPKG writes ISTAT's
// shapefile: the same fields, as SQLite's types (COD_REG an INTEGER, PRO_COM_T TEXT), in the
// CRS of the layer's gpkg_spatial_ref_sys row.
func readGeoPackage(path, layer string) (File, error) {
	r, err := gpkg.OpenLayer(path, layer)
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	f := File{SRID: r.SRID()}
	for {
		feat, err := r.Next()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return File{}, err
		}
		attrs := attributes{}
		for k, v := range feat.Attributes {
			attrs[strings.ToUpper(k)] = propertyText(v)
		}
		m, err := municipalityOf(attrs, feat.Geometry, fmt.Sprintf("%s: layer %s: fid %d", filepath.Base(path), r.Layer(), feat.FID))
		if err != nil {
			return File{}, err
		}
		f.Municipalities = append(f.Municipalities, m)
	}
}

// epsgOfCRS reads the EPSG code of a GeoJSON "crs" member (GeoJSON 2008; RFC 7946 has none and
// means WGS 84).
var epsgOfCRS = regexp.MustCompile(`(?i)EPSG:{1,2}(\d+)$`)

func readGeoJSON(path string) (File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return File{}, err
	}
	var head struct {
		CRS *struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"crs"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return File{}, fmt.Errorf("%s: not GeoJSON: %w", path, err)
	}
	f := File{SRID: 4326}
	if head.CRS != nil {
		name := head.CRS.Properties.Name
		switch m := epsgOfCRS.FindStringSubmatch(name); {
		case strings.Contains(strings.ToUpper(name), "CRS84"):
		case m != nil:
			f.SRID, _ = strconv.Atoi(m[1])
		default:
			return File{}, fmt.Errorf("%s: unknown CRS %q: want an EPSG code (urn:ogc:def:crs:EPSG::32632) or none for WGS 84", path, name)
		}
	}
	var fc geojson.FeatureCollection
	if err := json.Unmarshal(b, &fc); err != nil {
		return File{}, fmt.Errorf("%s: not a GeoJSON FeatureCollection: %w", path, err)
	}
	for i, feat := range fc.Features {
		attrs := attributes{}
		for k, v := range feat.Properties {
			attrs[strings.ToUpper(k)] = propertyText(v)
		}
		m, err := municipalityOf(attrs, feat.Geometry, fmt.Sprintf("%s: feature %d", filepath.Base(path), i+1))
		if err != nil {
			return File{}, err
		}
		f.Municipalities = append(f.Municipalities, m)
	}
	return f, nil
}

// propertyText writes a GeoJSON property or a GeoPackage value as the text a shapefile would
// hold: numbers without exponent (36023, not 3.6023e+04).
func propertyText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return fmt.Sprint(v)
	}
}
