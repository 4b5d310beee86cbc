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

	"github.com/abitare/abitare/ingest/shapefile"
	"github.com/twpayne/go-geom/encoding/geojson"
)

// ReadFile reads a boundary file: a zipped shapefile (or the .shp beside its .dbf and .prj) or
// GeoJSON. Errors name the file and the record.
func ReadFile(path string) (File, error) {
	var (
		f   File
		err error
	)
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".zip", ".shp":
		f, err = readShapefile(path)
	case ".geojson", ".json":
		f, err = readGeoJSON(path)
	default:
		return File{}, fmt.Errorf("%s: unknown format %q: want a zipped shapefile (.zip), a .shp or GeoJSON", path, ext)
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

func readShapefile(path string) (File, error) {
	r, err := shapefile.Open(path)
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

// propertyText writes a GeoJSON property as the text a shapefile would hold: numbers without
// exponent (36023, not 3.6023e+04).
func propertyText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return fmt.Sprint(v)
	}
}
