// Package province bundles the real boundaries and 2011 census populations of the 47 comuni of
// the province of Modena (ISTAT 036) for the province demo (democity with Config.Province, `make
// demo-province`). The files and their provenance and licences are in data/ (SOURCES.md); the
// boundary file is the one `abitare territory load --province 036` stores.
package province

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Code is the ISTAT code of the province of Modena.
const Code = "036"

// BoundaryFile is the path of the comuni's boundary file, from the repository root.
const BoundaryFile = "democity/province/data/istat_comuni_provincia_modena_2023.geojson"

//go:embed data/istat_comuni_provincia_modena_2023.geojson
var boundaries []byte

//go:embed data/comuni_provincia_modena_cap_pop2011.csv
var populations []byte

// Comune is one municipality of the province.
type Comune struct {
	Code       string   // ISTAT, six digits: 036023
	Name       string   // Modena
	Cadastral  string   // F257
	CAPs       []string // postcodes
	Population int      // legal population at the 2011 census
	Geometry   orb.MultiPolygon
}

// Comuni returns the 47 comuni ordered by ISTAT code.
func Comuni() ([]Comune, error) {
	fc, err := geojson.UnmarshalFeatureCollection(boundaries)
	if err != nil {
		return nil, fmt.Errorf("province: parse boundaries: %w", err)
	}
	geoms := map[string]orb.MultiPolygon{}
	for _, f := range fc.Features {
		code, _ := f.Properties["com_istat_code"].(string)
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			geoms[code] = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			geoms[code] = g
		default:
			return nil, fmt.Errorf("province: comune %s: geometry %T", code, f.Geometry)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(populations)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("province: parse populations: %w", err)
	}
	var out []Comune
	for _, r := range rows[1:] {
		pop, err := strconv.Atoi(r[5])
		if err != nil {
			return nil, fmt.Errorf("province: comune %s: population %q", r[0], r[5])
		}
		g, ok := geoms[r[0]]
		if !ok {
			return nil, fmt.Errorf("province: comune %s (%s) has no boundary", r[0], r[1])
		}
		out = append(out, Comune{Code: r[0], Name: r[1], Cadastral: r[2], CAPs: strings.Fields(r[4]), Population: pop, Geometry: g})
	}
	if len(out) != len(geoms) {
		return nil, fmt.Errorf("province: %d populations for %d boundaries", len(out), len(geoms))
	}
	slices.SortFunc(out, func(a, b Comune) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}
