package tiles

import (
	"fmt"
	"strings"

	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/hotspots"
)

// indicatorFields are the properties of the indicator layers: for each indicator, the people
// (withheld from 1 to the threshold), the rate with its interval, the empirical-Bayes rate, the
// change against the previous period and the instability flag.
func indicatorFields() map[string]string {
	f := map[string]string{"id": "String", "residents": "Number", "period": "String"}
	for _, ind := range aggregate.Indicators {
		f[ind] = "Number"
		for _, suffix := range []string{"_rate", "_low", "_high", "_eb", "_change"} {
			f[ind+suffix] = "Number"
		}
		f[ind+"_unstable"] = "Boolean"
	}
	return f
}

// indicatorPivot turns area_indicators' rows into one row per area with a column per figure,
// withholding the figures of counts between 1 and the threshold ($4).
func indicatorPivot(geography string) string {
	var cols []string
	for _, ind := range aggregate.Indicators {
		published := fmt.Sprintf("(c.indicator = '%s' AND (c.people = 0 OR c.people >= $4))", ind)
		cols = append(cols,
			fmt.Sprintf("max(c.people) FILTER (WHERE %s) AS %s", published, ind),
			fmt.Sprintf("round(max(c.rate) FILTER (WHERE %s)::numeric, 2)::float8 AS %s_rate", published, ind),
			fmt.Sprintf("round(max(c.ci_low) FILTER (WHERE %s)::numeric, 2)::float8 AS %s_low", published, ind),
			fmt.Sprintf("round(max(c.ci_high) FILTER (WHERE %s)::numeric, 2)::float8 AS %s_high", published, ind),
			fmt.Sprintf("round(max(c.eb_rate) FILTER (WHERE %s)::numeric, 2)::float8 AS %s_eb", published, ind),
			fmt.Sprintf("round(max(c.rate - p.rate) FILTER (WHERE %s)::numeric, 2)::float8 AS %s_change", published, ind),
			fmt.Sprintf("bool_or(c.unstable) FILTER (WHERE c.indicator = '%s') AS %s_unstable", ind, ind))
	}
	// The previous year's rate, for the change, is joined here rather than stored.
	return fmt.Sprintf(`(SELECT c.area_id, round(max(c.residents))::int AS residents, max(c.period) AS period,
		%s
	FROM area_indicators c
	LEFT JOIN area_indicators p ON p.geography = c.geography AND p.area_id = c.area_id AND p.indicator = c.indicator
	     AND p.period = (%s::int - 1)::text
	WHERE c.geography = %s AND c.period = %s GROUP BY c.area_id)`,
		strings.Join(cols, ",\n\t\t"), latestPeriod, geography, latestPeriod)
}

// hexPivotQuery serves an H3 layer whose figures come from a pivot subquery keyed by area_id,
// for the resolution bound to the placeholder res.
func hexPivotQuery(layer, pivot, res string) string {
	return tileEnvelope + `
SELECT ST_AsMVT(t, '` + layer + `', 4096, 'geom', 'fid' ORDER BY t.fid) FROM (
	SELECT c.cell AS fid, ST_AsMVTGeom(ST_Transform(c.geom, 3857), b.env, 4096, 64, true) AS geom,
		c.h3_index AS id, c.resolution::int AS resolution, f.*
	FROM bounds b
	JOIN h3_cells c ON c.geom && b.env4326 AND c.resolution = ` + res + `
	JOIN ` + pivot + ` f ON f.area_id = c.h3_index
) t WHERE t.geom IS NOT NULL`
}

// sectionPivotQuery serves a census-section layer whose figures come from a pivot subquery.
func sectionPivotQuery(layer, pivot string) string {
	return tileEnvelope + `
SELECT ST_AsMVT(t, '` + layer + `', 4096, 'geom' ORDER BY t.id) FROM (
	SELECT ST_AsMVTGeom(ST_Transform(z.geom, 3857), b.env, 4096, 64, true) AS geom, z.id, z.synthetic, f.*
	FROM bounds b
	JOIN census_sections z ON z.geom && b.env4326
	JOIN ` + pivot + ` f ON f.area_id = z.id
) t WHERE t.geom IS NOT NULL`
}

func indicatorHexQuery(z, minCount int) (string, []any) {
	return hexPivotQuery("indicators", indicatorPivot("'h3_' || $5"), "$5"), []any{minCount, hexgrid.ResolutionForZoom(z)}
}

func indicatorSectionQuery(_, minCount int) (string, []any) {
	return sectionPivotQuery("indicators_sections", indicatorPivot("'section'")), []any{minCount}
}

// adaptiveQuery serves the population-adaptive hexagons, whatever the zoom, with the overlap
// class and the figures of the resolution each hexagon has.
func adaptiveQuery(_, minCount int) (string, []any) {
	return tileEnvelope + `
SELECT ST_AsMVT(t, 'adaptive', 4096, 'geom', 'fid' ORDER BY t.fid) FROM (
	SELECT a.cell AS fid, ST_AsMVTGeom(ST_Transform(c.geom, 3857), b.env, 4096, 64, true) AS geom,
		a.h3_index AS id, a.resolution::int AS resolution, a.floor, ` + figureColumns() + `
	FROM bounds b CROSS JOIN ` + studyAreaRates + `
	JOIN h3_cells c ON c.geom && b.env4326
	JOIN adaptive_hexagons a ON a.cell = c.cell
	JOIN area_stats s ON s.geography = 'h3_' || a.resolution AND s.area_id = a.h3_index AND s.period = ` + latestPeriod + `
) t WHERE t.geom IS NOT NULL`, []any{minCount}
}

// hotspotFields names each analysis as a property: its GeoDa cluster code where significant,
// 0 where not (see docs/statistics.md).
func hotspotFields() map[string]string {
	f := map[string]string{"id": "String", "period": "String", "run_id": "Number"}
	for _, a := range hotspotAnalyses() {
		f[hotspotProperty(a)] = "Number"
	}
	return f
}

func hotspotAnalyses() []string {
	var out []string
	for _, ind := range hotspots.Indicators {
		out = append(out, "moran:"+ind, "gi:"+ind)
	}
	for _, p := range hotspots.Pairs {
		out = append(out, "bivariate:"+p[0]+":"+p[1])
	}
	return out
}

func hotspotProperty(analysis string) string { return strings.ReplaceAll(analysis, ":", "_") }

func hotspotPivot(geography string) string {
	var cols []string
	for _, a := range hotspotAnalyses() {
		cols = append(cols, fmt.Sprintf("coalesce(max(cluster) FILTER (WHERE analysis = '%s' AND significant), 0)::int AS %s", a, hotspotProperty(a)))
	}
	return fmt.Sprintf(`(SELECT area_id, max(period) AS period, max(run_id) AS run_id, %s
	FROM hotspots WHERE geography = %s AND period = %s GROUP BY area_id)`, strings.Join(cols, ",\n\t\t"), geography, latestPeriod)
}

// hotspotResolution: the analyses run on resolutions 8 to 10.
func hotspotResolution(z int) int {
	return max(8, hexgrid.ResolutionForZoom(z))
}

func hotspotHexQuery(z, _ int) (string, []any) {
	return hexPivotQuery("hotspots", hotspotPivot("'h3_' || $4"), "$4"), []any{hotspotResolution(z)}
}

func hotspotSectionQuery(_, _ int) (string, []any) {
	return sectionPivotQuery("hotspots_sections", hotspotPivot("'section'")), nil
}
