// Package modena embeds the real public geography of Modena that the observatory ships with:
// the municipal boundary (ISTAT via openpolis) and the OMI housing-market zones with their
// rents (Agenzia Entrate - OMI). See data/SOURCES.md for provenance and licences.
package modena

import (
	_ "embed"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// MunicipalityCode is the ISTAT code of the comune of Modena.
const MunicipalityCode = "036023"

// Attribution is the credit line every map and publication built on this data must show.
const Attribution = `Confini: ISTAT (CC BY 4.0), via openpolis/geojson-italy (CC BY 4.0) · Quotazioni e zone OMI: "Agenzia Entrate - OMI"`

//go:embed data/istat_comune_modena_2023.geojson
var boundaryGeoJSON []byte

//go:embed data/omi_zone_modena_2018h2.geojson
var omiZonesGeoJSON []byte

// OMIZone is one housing-market zone of the Osservatorio del Mercato Immobiliare.
type OMIZone struct {
	Code        string // e.g. "B3"
	Band        string // B central, C semi-central, D peripheral, E suburban, R rural
	Description string
	// RentMin and RentMax are the monthly rent in €/m² for "abitazioni civili" in normal state.
	RentMin, RentMax float64
	Geometry         orb.MultiPolygon
}

// RentMid is the midpoint of the zone's rent range, in €/m² per month.
func (z OMIZone) RentMid() float64 { return (z.RentMin + z.RentMax) / 2 }

// Boundary returns the municipal boundary of Modena (EPSG:4326).
func Boundary() (orb.MultiPolygon, error) {
	fc, err := geojson.UnmarshalFeatureCollection(boundaryGeoJSON)
	if err != nil {
		return nil, fmt.Errorf("parse embedded boundary: %w", err)
	}
	if len(fc.Features) != 1 {
		return nil, fmt.Errorf("embedded boundary: want 1 feature, got %d", len(fc.Features))
	}
	return asMultiPolygon(fc.Features[0].Geometry)
}

// OMIZones returns the 19 OMI zones of Modena for semester 2018/2, sorted as in the source.
func OMIZones() ([]OMIZone, error) {
	fc, err := geojson.UnmarshalFeatureCollection(omiZonesGeoJSON)
	if err != nil {
		return nil, fmt.Errorf("parse embedded OMI zones: %w", err)
	}
	zones := make([]OMIZone, 0, len(fc.Features))
	for i, f := range fc.Features {
		mp, err := asMultiPolygon(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("OMI zone feature %d: %w", i, err)
		}
		zones = append(zones, OMIZone{
			Code:        f.Properties.MustString("zona_omi", ""),
			Band:        f.Properties.MustString("fascia", ""),
			Description: f.Properties.MustString("zona_descr", ""),
			RentMin:     f.Properties.MustFloat64("civ_loc_min", 0),
			RentMax:     f.Properties.MustFloat64("civ_loc_max", 0),
			Geometry:    mp,
		})
	}
	return zones, nil
}

func asMultiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	case orb.MultiPolygon:
		return g, nil
	default:
		return nil, fmt.Errorf("want a polygon, got %s", g.GeoJSONType())
	}
}
