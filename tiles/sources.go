package tiles

import (
	"fmt"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/geo/hexgrid"
)

// The features queries of the catalog. Restricted sources read the true figures of the latest
// aggregated year and withhold counts from 1 to the threshold ($1) with shownCount, the
// small-count rule (disclosure.PublishedCountSQL). Public sources read only public_indicators,
// the protected table of the latest release (package disclosure): a vector tile ships all its
// attributes to the browser, so they never touch a true count.

// shownCount is the SQL of count n as the restricted roles may see it: NULL when small.
func shownCount(n string) string { return disclosure.PublishedCountSQL(n, "$1") }

// openZoom stands for "every zoom from here on": MapLibre overzooms the deepest tiles.
const openZoom = 99

// zoomRange is the SQL of a feature's minzoom and maxzoom when the zoom picks its resolution
// with pick: the zooms at which pick gives the value of resolution.
func zoomRange(resolution string, pick func(z int) int) string {
	lo, hi := map[int]int{}, map[int]int{}
	for z := 0; z <= MaxArchiveZoom; z++ {
		r := pick(z)
		if _, seen := lo[r]; !seen {
			lo[r] = z
		}
		hi[r] = z
	}
	hi[pick(MaxArchiveZoom)] = openZoom
	var minCase, maxCase []string
	for r := 0; r <= 15; r++ {
		if _, ok := lo[r]; ok {
			minCase = append(minCase, fmt.Sprintf("WHEN %d THEN %d", r, lo[r]))
			maxCase = append(maxCase, fmt.Sprintf("WHEN %d THEN %d", r, hi[r]))
		}
	}
	return fmt.Sprintf("CASE %[1]s %[2]s ELSE -1 END AS minzoom, CASE %[1]s %[3]s ELSE -1 END AS maxzoom",
		resolution, strings.Join(minCase, " "), strings.Join(maxCase, " "))
}

const everyZoom = "0 AS minzoom, 99 AS maxzoom"

// latestPeriod picks the most recent aggregated year (quarters are for trends).
const latestPeriod = `(SELECT max(period) FROM area_stats WHERE period NOT LIKE '%-Q%')`

// ---- restricted: the overlap layers (area_stats) ----

var overlapFields = map[string]string{
	"id": "String", "residents": "Number",
	"poverty": "Number", "poverty_rate": "Number", "housing": "Number", "housing_rate": "Number",
	"health": "Number", "health_rate": "Number", "two_plus": "Number", "all_three": "Number",
	"overlap": "Number", "period": "String",
}

func withFields(base map[string]string, extra ...string) map[string]string {
	out := make(map[string]string, len(base)+len(extra)/2)
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		out[extra[i]] = extra[i+1]
	}
	return out
}

// studyAreaRates are the rates of the whole study area for the period shown.
const studyAreaRates = `(SELECT 1000.0 * sum(poverty) / nullif(sum(residents), 0) AS poverty_rate,
		1000.0 * sum(housing) / nullif(sum(residents), 0) AS housing_rate,
		1000.0 * sum(health) / nullif(sum(residents), 0) AS health_rate
	FROM area_stats WHERE geography = 'municipality' AND period = ` + latestPeriod + `) city`

// overlapColumns are the figures of area_stats s: counts withheld when small or listed in
// withheld_figures (secondary suppression, joined as w by withheldOfStats), a rate only
// alongside its count, and the overlap class, to which a domain whose count is withheld never
// adds, so that the colour cannot hint at a small count.
func overlapColumns() string {
	cols := []string{"round(s.residents)::int AS residents", "s.period",
		`(SELECT count(*) FROM (VALUES
			(` + shown("s.poverty", "poverty") + `, s.poverty_rate, city.poverty_rate),
			(` + shown("s.housing", "housing") + `, s.housing_rate, city.housing_rate),
			(` + shown("s.health", "health") + `, s.health_rate, city.health_rate)) d(n, rate, city_rate)
		 WHERE d.n > 0 AND d.rate > d.city_rate)::int AS overlap`}
	for _, c := range []string{"poverty", "housing", "health"} {
		cols = append(cols,
			fmt.Sprintf("%s AS %s", shown("s."+c, c), c),
			fmt.Sprintf("CASE WHEN %s IS NOT NULL THEN round(s.%s_rate::numeric, 2)::float8 END AS %s_rate", shown("s."+c, c), c, c))
	}
	cols = append(cols, shown("s.two_plus", "two_plus")+" AS two_plus", shown("s.all_three", "all_three")+" AS all_three")
	return strings.Join(cols, ",\n\t\t")
}

// shown is count n of figure, or NULL when it is small or listed among the area's withheld
// figures (w.figures).
func shown(n, figure string) string {
	return fmt.Sprintf("CASE WHEN NOT coalesce('%s' = ANY(w.figures), false) THEN %s END", figure, shownCount(n))
}

// withheldOfStats joins the withheld figures of the area_stats row s as w.figures.
const withheldOfStats = `
	LEFT JOIN (SELECT geography, area_id, period, array_agg(figure) AS figures FROM withheld_figures GROUP BY 1, 2, 3) w
	  ON w.geography = s.geography AND w.area_id = s.area_id AND w.period = s.period`

func restrictedHexagons() *Source {
	return &Source{
		Description: "People with poverty, housing and health needs per H3 cell; the zoom picks the resolution (7-10). Counts below the disclosure threshold are omitted.",
		Fields:      withFields(overlapFields, "resolution", "Number"),
		hasFID:      true, order: "fid",
		features: `SELECT c.cell AS fid, c.geom, ` + zoomRange("c.resolution", hexgrid.ResolutionForZoom) + `,
		c.h3_index AS id, c.resolution::int AS resolution, ` + overlapColumns() + `
	FROM h3_cells c CROSS JOIN ` + studyAreaRates + `
	JOIN area_stats s ON s.geography = 'h3_' || c.resolution AND s.area_id = c.h3_index AND s.period = ` + latestPeriod + withheldOfStats + `
	WHERE c.resolution BETWEEN 7 AND 10`,
	}
}

func restrictedSections() *Source {
	return &Source{
		Description: "People with poverty, housing and health needs per census section. Counts below the disclosure threshold are omitted.",
		Fields:      withFields(overlapFields, "omi_zone", "String", "synthetic", "Boolean"),
		order:       "id",
		features: `SELECT z.geom, ` + everyZoom + `, z.id, z.omi_zone, z.synthetic, ` + overlapColumns() + `
	FROM census_sections z CROSS JOIN ` + studyAreaRates + `
	JOIN area_stats s ON s.geography = 'section' AND s.area_id = z.id AND s.period = ` + latestPeriod + withheldOfStats,
	}
}

func restrictedAdaptive() *Source {
	return &Source{
		Description: "The finest H3 cell (resolution 7-10) whose residents reach the floor, with the overlap class and figures; same at every zoom.",
		Fields:      withFields(overlapFields, "resolution", "Number", "floor", "Number"),
		hasFID:      true, order: "fid",
		features: `SELECT a.cell AS fid, c.geom, ` + everyZoom + `, a.h3_index AS id, a.resolution::int AS resolution, a.floor, ` + overlapColumns() + `
	FROM adaptive_hexagons a JOIN h3_cells c ON c.cell = a.cell CROSS JOIN ` + studyAreaRates + `
	JOIN area_stats s ON s.geography = 'h3_' || a.resolution AND s.area_id = a.h3_index AND s.period = ` + latestPeriod + withheldOfStats,
	}
}

// ---- restricted: the indicator layers (area_indicators) ----

// indicatorFields: for each indicator the people (withheld from 1 to the threshold), the rate
// with its interval, the empirical-Bayes rate, the change on the previous year and the
// instability flag.
func indicatorFields() map[string]string {
	f := map[string]string{"id": "String", "residents": "Number", "period": "String"}
	for _, ind := range abitare.Indicators {
		f[ind] = "Number"
		for _, suffix := range []string{"_rate", "_low", "_high", "_eb", "_change"} {
			f[ind+suffix] = "Number"
		}
		f[ind+"_unstable"] = "Boolean"
	}
	return f
}

// indicatorPivot turns area_indicators' rows of the geographies matched by geographyCond into
// one row per area with a column per figure.
func indicatorPivot(geographyCond string) string {
	cols := []string{"c.geography", "c.area_id", "round(max(c.residents))::int AS residents", "max(c.period) AS period"}
	for _, ind := range abitare.Indicators {
		published := fmt.Sprintf("(c.indicator = '%s' AND %s IS NOT NULL AND cw.figure IS NULL)", ind, shownCount("c.people"))
		figure := func(expr, name string) string {
			return fmt.Sprintf("round(max(%s) FILTER (WHERE %s)::numeric, 2)::float8 AS %s", expr, published, name)
		}
		cols = append(cols,
			fmt.Sprintf("max(c.people) FILTER (WHERE %s) AS %s", published, ind),
			figure("c.rate", ind+"_rate"), figure("c.ci_low", ind+"_low"), figure("c.ci_high", ind+"_high"),
			figure("c.eb_rate", ind+"_eb"),
			figure("CASE WHEN "+shownCount("p.people")+" IS NOT NULL AND pw.figure IS NULL THEN c.rate - p.rate END", ind+"_change"),
			fmt.Sprintf("bool_or(c.unstable) FILTER (WHERE c.indicator = '%s') AS %s_unstable", ind, ind))
	}
	// Whether an input of the composite indices is withheld (tiles/measures.go).
	cols = append(cols, compositeWithheldColumn())
	// The previous year's rate, for the change, is joined here rather than stored; the change
	// is shown only when the previous count may be too.
	return fmt.Sprintf(`(SELECT %s
	FROM area_indicators c
	LEFT JOIN area_indicators p ON p.geography = c.geography AND p.area_id = c.area_id AND p.indicator = c.indicator
	     AND p.period = (%s::int - 1)::text
	LEFT JOIN withheld_figures cw ON cw.geography = c.geography AND cw.area_id = c.area_id AND cw.period = c.period AND cw.figure = c.indicator
	LEFT JOIN withheld_figures pw ON pw.geography = p.geography AND pw.area_id = p.area_id AND pw.period = p.period AND pw.figure = p.indicator
	WHERE %s AND c.period = %s GROUP BY c.geography, c.area_id)`,
		strings.Join(cols, ",\n\t\t"), latestPeriod, geographyCond, latestPeriod)
}

// pivotColumns selects the fields from the pivot f, except those the geography gives.
func pivotColumns(fields map[string]string, fromGeography ...string) string {
	var cols []string
	for _, name := range (&Source{Fields: fields}).Columns() {
		if !contains(fromGeography, name) {
			cols = append(cols, "f."+name)
		}
	}
	return strings.Join(cols, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func restrictedIndicatorHexagons() *Source {
	fields := withFields(withFields(indicatorFields(), "resolution", "Number"), measureFields()...)
	return &Source{
		Description: "For each domain and for multi-domain need: people, rate per 1,000 with exact Poisson 95% interval, empirical-Bayes rate, change on the previous year, instability flag; the composite indices and the share of each need without help (withheld with their inputs). The zoom picks the resolution (7-10).",
		Fields:      fields,
		hasFID:      true, order: "fid",
		features: `SELECT c.cell AS fid, c.geom, ` + zoomRange("c.resolution", hexgrid.ResolutionForZoom) + `,
		c.h3_index AS id, c.resolution::int AS resolution, ` + pivotColumns(fields, "id", "resolution") + `
	FROM h3_cells c JOIN ` + withMeasures(indicatorPivot(`c.geography IN ('h3_7', 'h3_8', 'h3_9', 'h3_10')`)) + ` f
	  ON f.geography = 'h3_' || c.resolution AND f.area_id = c.h3_index`,
	}
}

func restrictedIndicatorSections() *Source {
	fields := withFields(withFields(indicatorFields(), "synthetic", "Boolean"), measureFields()...)
	return &Source{
		Description: "The indicators per census section, the composite indices and the share of each need without help.",
		Fields:      fields,
		order:       "id",
		features: `SELECT z.geom, ` + everyZoom + `, z.id, z.synthetic, ` + pivotColumns(fields, "id", "synthetic") + `
	FROM census_sections z JOIN ` + withMeasures(indicatorPivot(`c.geography = 'section'`)) + ` f ON f.area_id = z.id`,
	}
}

// ---- restricted: hotspots ----

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
	for _, ind := range abitare.HotspotIndicators {
		out = append(out, "moran:"+ind, "gi:"+ind)
	}
	for _, p := range abitare.BivariatePairs {
		out = append(out, "bivariate:"+p[0]+":"+p[1])
	}
	return out
}

func hotspotProperty(analysis string) string { return strings.ReplaceAll(analysis, ":", "_") }

func hotspotPivot(geographyCond string) string {
	cols := []string{"geography", "area_id", "max(period) AS period", "max(run_id) AS run_id"}
	for _, a := range hotspotAnalyses() {
		cols = append(cols, fmt.Sprintf("coalesce(max(cluster) FILTER (WHERE analysis = '%s' AND significant), 0)::int AS %s", a, hotspotProperty(a)))
	}
	return fmt.Sprintf(`(SELECT %s
	FROM hotspots WHERE %s AND period = %s GROUP BY geography, area_id)`, strings.Join(cols, ",\n\t\t"), geographyCond, latestPeriod)
}

// hotspotResolution: the analyses run on resolutions 8 to 10.
func hotspotResolution(z int) int { return max(8, hexgrid.ResolutionForZoom(z)) }

func hotspotHexagons() *Source {
	fields := withFields(hotspotFields(), "resolution", "Number")
	return &Source{
		Description: "Local Moran, Getis-Ord Gi* and bivariate Local Moran on H3 resolution 8 (zoom up to 12), 9 (zoom 13) and 10: GeoDa cluster code where significant after the false-discovery-rate cut-off, else 0. Parameters: /api/runs.",
		Fields:      fields,
		hasFID:      true, order: "fid",
		features: `SELECT c.cell AS fid, c.geom, ` + zoomRange("c.resolution", hotspotResolution) + `,
		c.h3_index AS id, c.resolution::int AS resolution, ` + pivotColumns(fields, "id", "resolution") + `
	FROM h3_cells c JOIN ` + hotspotPivot(`geography IN ('h3_8', 'h3_9', 'h3_10')`) + ` f
	  ON f.geography = 'h3_' || c.resolution AND f.area_id = c.h3_index`,
	}
}

func hotspotSections() *Source {
	fields := withFields(hotspotFields(), "synthetic", "Boolean")
	return &Source{
		Description: "The local statistics on census sections (queen contiguity).",
		Fields:      fields,
		order:       "id",
		features: `SELECT z.geom, ` + everyZoom + `, z.id, z.synthetic, ` + pivotColumns(fields, "id", "synthetic") + `
	FROM census_sections z JOIN ` + hotspotPivot(`geography = 'section'`) + ` f ON f.area_id = z.id`,
	}
}

// ---- public: the protected figures of the latest release ----

const latestPublished = `(SELECT max(period) FROM public_indicators WHERE period NOT LIKE '%-Q%')`

// publicFields: for each indicator the protected count, the rate computed from it and the
// protection status (protected, suppressed); plus the overlap class.
func publicFields() map[string]string {
	f := map[string]string{"id": "String", "residents": "Number", "period": "String", "release": "Number", "overlap": "Number"}
	for _, ind := range abitare.Indicators {
		f[ind], f[ind+"_rate"], f[ind+"_status"] = "Number", "Number", "String"
	}
	return f
}

// publicPivot is one row per area of the geographies matched by geographyCond, with a column
// per published figure and the overlap class: the number of the map's three domains whose
// published rate is above the study area's published rate.
func publicPivot(geographyCond string) string {
	cols := []string{"f.geography", "f.area_id", "max(f.residents) AS residents", "max(f.period) AS period", "max(f.release_id) AS release"}
	for _, ind := range abitare.Indicators {
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
	CROSS JOIN (SELECT %s
	            FROM public_indicators WHERE geography = 'municipality' AND period = %s) city)`,
		strings.Join(above, " + "), strings.Join(cols, ",\n\t\t\t"), geographyCond, latestPublished, territoryRates(), latestPublished)
}

// territoryRates are the published rates of the study area the overlap class compares with:
// the municipality's own rate when there is one comune; the rate of the comuni's protected
// counts summed when there are several (those published: a comune whose figure is suppressed
// counts neither its people nor its residents).
func territoryRates() string {
	var cols []string
	for _, d := range []string{"poverty", "housing", "health"} {
		cols = append(cols, fmt.Sprintf(`CASE WHEN count(*) FILTER (WHERE indicator = '%[1]s') = 1 THEN max(rate) FILTER (WHERE indicator = '%[1]s')
	                   ELSE 1000.0 * sum(people) FILTER (WHERE indicator = '%[1]s' AND people IS NOT NULL)
	                        / nullif(sum(residents) FILTER (WHERE indicator = '%[1]s' AND people IS NOT NULL), 0) END AS %[1]s_rate`, d))
	}
	return strings.Join(cols, ",\n\t\t\t\t\t")
}

func publicHexagons(description string) *Source {
	fields := withFields(publicFields(), "resolution", "Number")
	return &Source{
		Description: description, Fields: fields, hasFID: true, order: "fid",
		features: `SELECT c.cell AS fid, c.geom, ` + zoomRange("c.resolution", hexgrid.ResolutionForZoom) + `,
		c.h3_index AS id, c.resolution::int AS resolution, ` + pivotColumns(fields, "id", "resolution") + `
	FROM h3_cells c JOIN ` + publicPivot(`f.geography IN ('h3_7', 'h3_8', 'h3_9', 'h3_10')`) + ` f
	  ON f.geography = 'h3_' || c.resolution AND f.area_id = c.h3_index`,
	}
}

func publicSections(description string) *Source {
	fields := withFields(publicFields(), "synthetic", "Boolean")
	return &Source{
		Description: description, Fields: fields, order: "id",
		features: `SELECT z.geom, ` + everyZoom + `, z.id, z.synthetic, ` + pivotColumns(fields, "id", "synthetic") + `
	FROM census_sections z JOIN ` + publicPivot(`f.geography = 'section'`) + ` f ON f.area_id = z.id`,
	}
}

func publicAdaptive() *Source {
	fields := withFields(publicFields(), "resolution", "Number", "floor", "Number")
	return &Source{
		Description: "Published figures of the finest H3 cell whose residents reach the floor.",
		Fields:      fields, hasFID: true, order: "fid",
		features: `SELECT a.cell AS fid, c.geom, ` + everyZoom + `, a.h3_index AS id, a.resolution::int AS resolution, a.floor, ` +
			pivotColumns(fields, "id", "resolution", "floor") + `
	FROM adaptive_hexagons a JOIN h3_cells c ON c.cell = a.cell
	JOIN ` + publicPivot(`f.geography LIKE 'h3\_%'`) + ` f ON f.geography = 'h3_' || a.resolution AND f.area_id = a.h3_index`,
	}
}

// publicDistricts is public in both catalogs: health figures appear only at this level.
func publicDistricts() *Source {
	fields := withFields(publicFields(), "name", "String")
	return &Source{
		Description: "Published figures per OMI zone, the finest level with health figures.",
		Fields:      fields, order: "id",
		features: `SELECT z.geom, ` + everyZoom + `, z.code AS id, z.description AS name, ` + pivotColumns(fields, "id", "name") + `
	FROM omi_zones z JOIN ` + publicPivot(`f.geography = 'omi'`) + ` f ON f.area_id = z.code`,
	}
}

// publicMunicipalities is public in both catalogs, as the districts are: the map's geography
// at the zooms where hexagons are too small (MunicipalityMaxZoom), and one a user may choose.
func publicMunicipalities() *Source {
	fields := withFields(publicFields(), "name", "String")
	return &Source{
		Description: "Published figures per municipality (comune).",
		Fields:      fields, order: "id",
		features: `SELECT m.geom, ` + everyZoom + `, m.code AS id, m.name, ` + pivotColumns(fields, "id", "name") + `
	FROM municipalities m JOIN ` + publicPivot(`f.geography = 'municipality'`) + ` f ON f.area_id = m.code`,
	}
}

// publicLevel is public figures per province or region (territory_areas), for a territory
// that spans several comuni or provinces; empty otherwise.
func publicLevel(geography, description string) *Source {
	fields := withFields(publicFields(), "name", "String")
	return &Source{
		Description: description,
		Fields:      fields, order: "id",
		features: `SELECT a.geom, ` + everyZoom + `, a.code AS id, a.name, ` + pivotColumns(fields, "id", "name") + `
	FROM territory_areas a JOIN ` + publicPivot(`f.geography = '`+geography+`'`) + ` f ON f.area_id = a.code
	WHERE a.geography = '` + geography + `'`,
	}
}

// ---- public geography ----

func omiZones() *Source {
	return &Source{
		Description: "Agenzia Entrate OMI zones, semester 2018/2, with monthly rent in €/m² (abitazioni civili, normal state).",
		Fields:      map[string]string{"code": "String", "band": "String", "description": "String", "rent_min": "Number", "rent_max": "Number"},
		order:       "code",
		features: `SELECT z.geom, ` + everyZoom + `, z.code, z.band::text AS band, z.description,
		z.rent_min::float8 AS rent_min, z.rent_max::float8 AS rent_max FROM omi_zones z`,
	}
}

func boundary() *Source {
	return &Source{
		Description: "Boundary of the municipalities of the study area (ISTAT 2023).",
		Fields:      map[string]string{"code": "String", "name": "String"},
		order:       "code",
		features:    `SELECT m.geom, ` + everyZoom + `, m.code, m.name FROM municipalities m`,
	}
}
