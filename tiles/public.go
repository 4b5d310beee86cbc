package tiles

import (
	"fmt"
	"strings"

	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/modena"
)

// The public catalog: the same layer names as the restricted one, so that the map works for
// every role, but every figure comes from public_indicators, the protected table of the latest
// release (package disclosure). A vector tile ships all its attributes to the browser, so
// these layers never touch a true count.

const latestPublished = `(SELECT max(period) FROM public_indicators WHERE period NOT LIKE '%-Q%')`

// publicFields: for each indicator the protected count, the rate computed from it and the
// protection status (protected, suppressed); plus the overlap class.
func publicFields() map[string]string {
	f := map[string]string{"id": "String", "residents": "Number", "period": "String", "release": "Number", "overlap": "Number"}
	for _, ind := range aggregate.Indicators {
		f[ind], f[ind+"_rate"], f[ind+"_status"] = "Number", "Number", "String"
	}
	return f
}

// publicPivot is one row per area of the geographies matched by geographyCond, with a column
// per published figure and the overlap class: the number of the map's three domains whose
// published rate is above the study area's published rate.
func publicPivot(geographyCond string) string {
	cols := []string{"f.geography", "f.area_id", "max(f.residents) AS residents", "max(f.period) AS period", "max(f.release_id) AS release"}
	for _, ind := range aggregate.Indicators {
		is := fmt.Sprintf("f.indicator = '%s'", ind)
		cols = append(cols,
			fmt.Sprintf("max(f.people) FILTER (WHERE %s) AS %s", is, ind),
			fmt.Sprintf("max(f.rate) FILTER (WHERE %s) AS %s_rate", is, ind),
			fmt.Sprintf("max(f.status) FILTER (WHERE %s) AS %s_status", is, ind))
	}
	var above []string
	for _, d := range []string{"poverty", "housing", "health"} {
		above = append(above, fmt.Sprintf("coalesce((p.%[1]s_rate > city.%[1]s_rate)::int, 0)", d))
	}
	return fmt.Sprintf(`(SELECT p.*, (%s)::int AS overlap FROM (
		SELECT %s
		FROM public_indicators f WHERE %s AND f.period = %s GROUP BY f.geography, f.area_id) p
	CROSS JOIN (SELECT max(rate) FILTER (WHERE indicator = 'poverty') AS poverty_rate,
	                   max(rate) FILTER (WHERE indicator = 'housing') AS housing_rate,
	                   max(rate) FILTER (WHERE indicator = 'health') AS health_rate
	            FROM public_indicators WHERE geography = 'municipality' AND period = %s) city)`,
		strings.Join(above, " + "), strings.Join(cols, ",\n\t\t\t"), geographyCond, latestPublished, latestPublished)
}

func publicHexQuery(layer string) func(z, _ int) (string, []any) {
	return func(z, _ int) (string, []any) {
		return hexPivotQuery(layer, publicPivot("f.geography = 'h3_' || $4"), "$4"), []any{hexgrid.ResolutionForZoom(z)}
	}
}

func publicSectionQuery(layer string) func(z, _ int) (string, []any) {
	return func(_, _ int) (string, []any) {
		return sectionPivotQuery(layer, publicPivot("f.geography = 'section'")), nil
	}
}

func publicAdaptiveQuery(_, _ int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'adaptive', 4096, 'geom', 'fid' ORDER BY t.fid) FROM (
	SELECT a.cell AS fid, ST_AsMVTGeom(ST_Transform(c.geom, 3857), b.env, 4096, 64, true) AS geom,
		a.h3_index AS id, a.resolution::int AS resolution, a.floor, f.*
	FROM bounds b
	JOIN h3_cells c ON c.geom && b.env4326
	JOIN adaptive_hexagons a ON a.cell = c.cell
	JOIN ` + publicPivot("f.geography LIKE 'h3\\_%'") + ` f ON f.geography = 'h3_' || a.resolution AND f.area_id = a.h3_index
) t WHERE t.geom IS NOT NULL`, nil
}

func publicDistrictQuery(_, _ int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'indicators_districts', 4096, 'geom' ORDER BY t.id) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(z.geom, 3857), b.env, 4096, 64, true) AS geom, z.code AS id, z.description AS name, f.*
	FROM bounds b
	JOIN omi_zones z ON z.geom && b.env4326
	JOIN ` + publicPivot("f.geography = 'omi'") + ` f ON f.area_id = z.code
) t WHERE t.geom IS NOT NULL`, nil
}

const publicNote = " Published figures: counts perturbed by the cell-key method (never 1 to threshold-1), rates from the protected counts, health only by district; see /api/releases."

// districtLayer is public in both catalogs: health figures appear only at this level.
func districtLayer() Layer {
	return Layer{
		ID:          "indicators_districts",
		Title:       map[string]string{"it": "Indicatori per zona (OMI)", "en": "Indicators per district (OMI zone)"},
		Description: "Published figures per OMI zone, the finest level with health figures." + publicNote,
		MinZoom:     8, MaxZoom: 16,
		Fields:      withField(publicFields(), "name", "String"),
		Attribution: attrOMI + " · " + attrDemo,
		query:       publicDistrictQuery,
		Public:      true,
	}
}

// PublicLayers is the catalog of anonymous users, and of the roles that see no analysis.
func PublicLayers() []Layer {
	layers := []Layer{
		publicLayer("hexagons", "Esagoni H3: classi di sovrapposizione dei bisogni", "H3 hexagons: overlap classes of needs",
			"Published figures per H3 cell; the zoom picks the resolution (7-10).", withResolution(publicFields()), publicHexQuery("hexagons")),
		publicLayer("sections", "Sezioni di censimento: sovrapposizione dei bisogni", "Census sections: overlap of needs",
			"Published figures per census section.", withSynthetic(publicFields()), publicSectionQuery("sections")),
		publicLayer("adaptive", "Esagoni adattivi (almeno 250 residenti)", "Population-adaptive hexagons (at least 250 residents)",
			"Published figures of the finest H3 cell whose residents reach the floor.", withField(withResolution(publicFields()), "floor", "Number"), publicAdaptiveQuery),
		publicLayer("indicators", "Indicatori per esagono H3", "Indicators per H3 hexagon",
			"Published figures per H3 cell; the zoom picks the resolution (7-10).", withResolution(publicFields()), publicHexQuery("indicators")),
		publicLayer("indicators_sections", "Indicatori per sezione di censimento", "Indicators per census section",
			"Published figures per census section.", withSynthetic(publicFields()), publicSectionQuery("indicators_sections")),
		districtLayer(),
	}
	return append(layers, baseLayers()...)
}

func publicLayer(id, it, en, description string, fields map[string]string, query func(int, int) (string, []any)) Layer {
	return Layer{
		ID: id, Title: map[string]string{"it": it, "en": en}, Description: description + publicNote,
		MinZoom: 8, MaxZoom: 16, Fields: fields, Attribution: modena.Attribution + " · " + attrDemo,
		SyntheticData: true, query: query, Public: true,
	}
}
