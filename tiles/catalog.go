// Package tiles serves the observatory's layers as Mapbox Vector Tiles built in PostGIS
// (ST_AsMVT), and describes them as TileJSON. The catalog is data: each layer says its fields,
// its zoom range, its attribution and the query that fills it.
package tiles

import (
	"fmt"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/modena"
)

// Layer is one vector-tile layer.
type Layer struct {
	ID          string
	Title       map[string]string // by language: it, en
	Description string
	MinZoom     int
	MaxZoom     int
	Fields      map[string]string // name -> TileJSON type: String, Number, Boolean
	Attribution string
	// SyntheticData reports that the layer shows the demo's stand-in data.
	SyntheticData bool
	// Public reports that the layer reads only public geography and the protected tables of
	// the latest release, so that anonymous users may have it.
	Public bool
	// query returns the SQL that builds one tile with ST_AsMVT, and its extra arguments after
	// z, x, y ($1-$3). Counts below minCount are left out of public tiles.
	query func(z int, minCount int) (string, []any)
}

const (
	attrISTAT = "Confini: ISTAT (CC BY 4.0), via openpolis"
	attrOMI   = `Zone e quotazioni: "Agenzia Entrate - OMI"`
	attrDemo  = "Sezioni e dati sociali: dimostrativi sintetici (Abitare) / synthetic demo data"
)

var figureFields = map[string]string{
	"id": "String", "residents": "Number",
	"poverty": "Number", "poverty_rate": "Number", "housing": "Number", "housing_rate": "Number",
	"health": "Number", "health_rate": "Number", "two_plus": "Number", "all_three": "Number",
	"overlap": "Number", "period": "String",
}

func withFields(extra map[string]string) map[string]string {
	out := make(map[string]string, len(figureFields)+len(extra))
	for k, v := range figureFields {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// withField adds one field to a layer's fields.
func withField(f map[string]string, name, kind string) map[string]string {
	f[name] = kind
	return f
}

func withResolution(f map[string]string) map[string]string {
	return withField(f, "resolution", "Number")
}

func withSynthetic(f map[string]string) map[string]string {
	return withField(f, "synthetic", "Boolean")
}

// RestrictedLayers is the catalog of planners and the housing office: true counts, with those
// from 1 to the threshold withheld, their intervals and the hotspot analyses.
func RestrictedLayers() []Layer {
	layers := []Layer{
		{
			ID:          "hexagons",
			Title:       map[string]string{"it": "Esagoni H3: classi di sovrapposizione dei bisogni", "en": "H3 hexagons: overlap classes of needs"},
			Description: "People with poverty, housing and health needs per H3 cell; the zoom picks the resolution (7-10). Counts below the disclosure threshold are omitted.",
			MinZoom:     8, MaxZoom: 16,
			Fields:      withFields(map[string]string{"resolution": "Number"}),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       hexagonQuery,
		},
		{
			ID:          "sections",
			Title:       map[string]string{"it": "Sezioni di censimento: sovrapposizione dei bisogni", "en": "Census sections: overlap of needs"},
			Description: "People with poverty, housing and health needs per census section. Counts below the disclosure threshold are omitted.",
			MinZoom:     10, MaxZoom: 16,
			Fields:      withFields(map[string]string{"omi_zone": "String", "synthetic": "Boolean"}),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       sectionQuery,
		},
		{
			ID:          "adaptive",
			Title:       map[string]string{"it": "Esagoni adattivi (almeno 250 residenti)", "en": "Population-adaptive hexagons (at least 250 residents)"},
			Description: "The finest H3 cell (resolution 7-10) whose residents reach the floor, with the overlap class and figures; same at every zoom.",
			MinZoom:     8, MaxZoom: 16,
			Fields:      withFields(map[string]string{"resolution": "Number", "floor": "Number"}),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       adaptiveQuery,
		},
		{
			ID:          "indicators",
			Title:       map[string]string{"it": "Indicatori per esagono H3", "en": "Indicators per H3 hexagon"},
			Description: "For each domain and for multi-domain need: people, rate per 1,000 with exact Poisson 95% interval, empirical-Bayes rate, change on the previous year, instability flag. The zoom picks the resolution (7-10).",
			MinZoom:     8, MaxZoom: 16,
			Fields:      withResolution(indicatorFields()),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       indicatorHexQuery,
		},
		{
			ID:          "indicators_sections",
			Title:       map[string]string{"it": "Indicatori per sezione di censimento", "en": "Indicators per census section"},
			Description: "The indicators per census section.",
			MinZoom:     10, MaxZoom: 16,
			Fields:      withSynthetic(indicatorFields()),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       indicatorSectionQuery,
		},
		{
			ID:          "hotspots",
			Title:       map[string]string{"it": "Aree calde e fredde (H3)", "en": "Hot and cold spots (H3)"},
			Description: "Local Moran, Getis-Ord Gi* and bivariate Local Moran on H3 resolution 8 (zoom up to 12), 9 (zoom 13) and 10: GeoDa cluster code where significant after the false-discovery-rate cut-off, else 0. Parameters: /api/runs.",
			MinZoom:     8, MaxZoom: 16,
			Fields:      withResolution(hotspotFields()),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       hotspotHexQuery,
		},
		{
			ID:          "hotspots_sections",
			Title:       map[string]string{"it": "Aree calde e fredde (sezioni)", "en": "Hot and cold spots (census sections)"},
			Description: "The local statistics on census sections (queen contiguity).",
			MinZoom:     10, MaxZoom: 16,
			Fields:      withSynthetic(hotspotFields()),
			Attribution: modena.Attribution + " · " + attrDemo,
			query:       hotspotSectionQuery,
		},
		districtLayer(),
	}
	return append(layers, baseLayers()...)
}

// baseLayers are public geography, in every catalog.
func baseLayers() []Layer {
	return []Layer{
		{
			ID:          "omi_zones",
			Title:       map[string]string{"it": "Zone OMI (mercato immobiliare)", "en": "OMI housing-market zones"},
			Description: "Agenzia Entrate OMI zones, semester 2018/2, with monthly rent in €/m² (abitazioni civili, normal state).",
			MinZoom:     8, MaxZoom: 16,
			Fields:      map[string]string{"code": "String", "band": "String", "description": "String", "rent_min": "Number", "rent_max": "Number"},
			Attribution: attrOMI,
			query:       omiQuery,
			Public:      true,
		},
		{
			ID:          "boundary",
			Title:       map[string]string{"it": "Confine comunale", "en": "Municipal boundary"},
			Description: "Boundary of the municipalities of the study area (ISTAT 2023).",
			MinZoom:     0, MaxZoom: 16,
			Fields:      map[string]string{"code": "String", "name": "String"},
			Attribution: attrISTAT,
			query:       boundaryQuery,
			Public:      true,
		},
	}
}

// tileEnvelope is the common head of every tile query: the tile's bounds in web mercator and,
// for index use, in the stored lon/lat.
const tileEnvelope = `WITH bounds AS (
	SELECT ST_TileEnvelope($1, $2, $3) AS env, ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 0.02), 4326) AS env4326
)`

// protected publishes a count only when it is zero or at least the threshold ($4), and a rate
// only alongside its published count.
func protected(count string) string {
	return fmt.Sprintf("CASE WHEN s.%[1]s = 0 OR s.%[1]s >= $4 THEN s.%[1]s END AS %[1]s", count)
}

func protectedRate(count string) string {
	return fmt.Sprintf("CASE WHEN s.%[1]s = 0 OR s.%[1]s >= $4 THEN round(s.%[1]s_rate::numeric, 2)::float8 END AS %[1]s_rate", count)
}

// protectedOverlap counts the domains whose published rate is above the study area's: a domain
// whose count is withheld never raises the class, so the colour cannot hint at a small count.
const protectedOverlap = `(SELECT count(*) FROM (VALUES
		(s.poverty, s.poverty_rate, city.poverty_rate), (s.housing, s.housing_rate, city.housing_rate),
		(s.health, s.health_rate, city.health_rate)) d(n, rate, city_rate)
	 WHERE d.n >= $4 AND d.rate > d.city_rate)::int AS overlap`

// studyAreaRates are the rates of the whole study area for the period shown.
const studyAreaRates = `(SELECT 1000.0 * sum(poverty) / nullif(sum(residents), 0) AS poverty_rate,
		1000.0 * sum(housing) / nullif(sum(residents), 0) AS housing_rate,
		1000.0 * sum(health) / nullif(sum(residents), 0) AS health_rate
	FROM area_stats WHERE geography = 'municipality' AND period = ` + latestPeriod + `) city`

func figureColumns() string {
	cols := "round(s.residents)::int AS residents, s.period, " + protectedOverlap
	for _, c := range []string{"poverty", "housing", "health"} {
		cols += ",\n\t\t" + protected(c) + ",\n\t\t" + protectedRate(c)
	}
	return cols + ",\n\t\t" + protected("two_plus") + ",\n\t\t" + protected("all_three")
}

// latestPeriod picks the most recent aggregated year (quarters are for trends).
const latestPeriod = `(SELECT max(period) FROM area_stats WHERE period NOT LIKE '%-Q%')`

func hexagonQuery(z, minCount int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'hexagons', 4096, 'geom', 'fid' ORDER BY t.fid) FROM (
	SELECT c.cell AS fid, ST_AsMVTGeom(ST_Transform(c.geom, 3857), b.env, 4096, 64, true) AS geom,
		c.h3_index AS id, c.resolution::int AS resolution, ` + figureColumns() + `
	FROM bounds b CROSS JOIN ` + studyAreaRates + `
	JOIN h3_cells c ON c.geom && b.env4326 AND c.resolution = $5
	JOIN area_stats s ON s.geography = 'h3_' || $5 AND s.area_id = c.h3_index AND s.period = ` + latestPeriod + `
) t WHERE t.geom IS NOT NULL`, []any{minCount, hexgrid.ResolutionForZoom(z)}
}

func sectionQuery(_, minCount int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'sections', 4096, 'geom' ORDER BY t.id) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(z.geom, 3857), b.env, 4096, 64, true) AS geom,
		z.id, z.omi_zone, z.synthetic, ` + figureColumns() + `
	FROM bounds b CROSS JOIN ` + studyAreaRates + `
	JOIN census_sections z ON z.geom && b.env4326
	JOIN area_stats s ON s.geography = 'section' AND s.area_id = z.id AND s.period = ` + latestPeriod + `
) t WHERE t.geom IS NOT NULL`, []any{minCount}
}

func omiQuery(_, _ int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'omi_zones', 4096, 'geom' ORDER BY t.code) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(z.geom, 3857), b.env, 4096, 64, true) AS geom,
		z.code, z.band::text AS band, z.description, z.rent_min::float8 AS rent_min, z.rent_max::float8 AS rent_max
	FROM bounds b JOIN omi_zones z ON z.geom && b.env4326
) t WHERE t.geom IS NOT NULL`, nil
}

func boundaryQuery(_, _ int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'boundary', 4096, 'geom' ORDER BY t.code) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(m.geom, 3857), b.env, 4096, 64, true) AS geom, m.code, m.name
	FROM bounds b JOIN municipalities m ON m.geom && b.env4326
) t WHERE t.geom IS NOT NULL`, nil
}
