// Package tiles renders the observatory's layers as Mapbox Vector Tiles and serves them.
//
// Figures change only when `abitare aggregate` (restricted figures) or `abitare release`
// (public figures) runs, so tiles are rendered then, not per request: Render pivots each
// layer's figures once into a tile-ready table (geometry already in web mercator, one row per
// feature, every attribute), cuts every tile of the zooms the map uses with ST_AsMVT over a few
// connections, and writes one PMTiles archive per layer (package pmtiles). A Tileset is the
// archives of one rendering; Store keeps them in PostgreSQL, Library holds the recent ones in
// memory and answers tile requests from them.
//
// The catalog is data: each layer says its zoom range and attribution, and for each audience
// the features it shows (one SQL query of one row per feature), their fields and description.
// The public source of a layer reads only the protected tables of the latest release.
package tiles

import (
	"maps"
	"slices"
)

// Audience is who a tileset is for: the public (protected figures of a release) or the roles
// that read the restricted aggregates (true figures, small counts withheld).
type Audience string

const (
	Public     Audience = "public"
	Restricted Audience = "restricted"
)

// MaxArchiveZoom is the deepest zoom rendered: at 14 the hexagons reach H3 resolution 10, the
// finest there is, so MapLibre overzooms beyond rather than fetch tiles that add nothing.
const MaxArchiveZoom = 14

// Layer is one vector-tile layer of the catalog.
type Layer struct {
	ID          string
	Title       map[string]string // by language: it, en
	MinZoom     int
	MaxZoom     int // deepest zoom rendered, at most MaxArchiveZoom
	Attribution string
	// SyntheticData reports that the layer shows the demo's stand-in data.
	SyntheticData bool
	// Public is what anonymous users see; nil when the layer is not public.
	Public *Source
	// Restricted is what planners see; nil when they see the public source.
	Restricted *Source
}

// Source is what one audience sees of a layer.
type Source struct {
	Description string
	Fields      map[string]string // name -> TileJSON type: String, Number, Boolean
	// features selects one row per feature: fid (when hasFID), geom in EPSG:4326, minzoom and
	// maxzoom (the zooms the feature is drawn at) and a column per field. $1 is the threshold
	// of the restricted figures.
	features string
	hasFID   bool
	// order is the column features are written in within a tile, for stable output.
	order string
}

// Source returns what the audience sees of the layer, or nil when it does not see it.
func (l Layer) Source(a Audience) *Source {
	if a == Restricted && l.Restricted != nil {
		return l.Restricted
	}
	return l.Public
}

// Catalog is the layers an audience sees, in the order the map lists them.
func Catalog(a Audience) []Layer {
	var out []Layer
	for _, l := range layers {
		if l.Source(a) != nil {
			out = append(out, l)
		}
	}
	return out
}

// Rendered is the layers an audience's tileset holds: those with a source of its own. The
// restricted roles read the others (public geography, district figures) from the public
// tileset.
func Rendered(a Audience) []Layer {
	var out []Layer
	for _, l := range layers {
		if (a == Public && l.Public != nil) || (a == Restricted && l.Restricted != nil) {
			out = append(out, l)
		}
	}
	return out
}

// OwnTileset is the audience whose tileset holds the layer as the given audience sees it.
func (l Layer) OwnTileset(a Audience) Audience {
	if a == Restricted && l.Restricted == nil {
		return Public
	}
	return a
}

// Find returns the layer with the id, for the audience.
func Find(a Audience, id string) (Layer, bool) {
	for _, l := range layers {
		if l.ID == id && l.Source(a) != nil {
			return l, true
		}
	}
	return Layer{}, false
}

// Columns lists a source's fields in a fixed order.
func (s *Source) Columns() []string { return slices.Sorted(maps.Keys(s.Fields)) }

// Attributions name the sources of the layers, whatever the territory: ISTAT's boundaries (of
// any comune), the Agenzia delle Entrate's OMI zones where a layer draws them, the demo's data.
const (
	attrISTAT = "Confini: ISTAT (CC BY 4.0)"
	attrOMI   = `Zone e quotazioni: "Agenzia Entrate - OMI"`
	attrDemo  = "Sezioni e dati sociali: dimostrativi sintetici (Abitare) / synthetic demo data"
	attrFull  = attrISTAT + " · " + attrDemo
	// Districts are OMI zones where a comune has them (and the comune itself elsewhere).
	attrDistricts = attrISTAT + " · " + attrOMI + " · " + attrDemo
)

// The zooms of the figure layers, fixed so that they suit a city and a region alike: what
// decides is how many pixels an area spans, not how large the territory is. H3 resolution 7,
// the coarsest the figures have (geo/hexgrid.ResolutionForZoom), spans about 10 pixels at zoom 9
// at Italian latitudes (a cell about 2.3 km across, 218 m a pixel at 44.6°N) and 5 at zoom 8,
// too small to read or click: the hexagon and section layers start at FineMinZoom. Below it
// the municipalities stand in (MunicipalityMaxZoom): a comune of 70 km², the median of
// Emilia-Romagna's, spans about 10 pixels at zoom 7, where a region fits a screen; a city fills
// the screen from zoom 11, so it opens on its hexagons as before, and shows its one
// municipality only when zoomed out below 9. Districts (OMI zones, or the comune itself) start
// one zoom earlier, as before: they are larger than a hexagon.
const (
	FineMinZoom         = 9
	DistrictMinZoom     = 8
	MunicipalityMaxZoom = FineMinZoom - 1
	// municipalityArchiveZoom is the deepest zoom the municipality layer is rendered at: its
	// polygons need no finer tiles (MapLibre overzooms them), and a territory of 330 comuni
	// would otherwise cut thousands of tiles that add nothing.
	municipalityArchiveZoom = 12
	// levelArchiveZoom is the same for provinces and regions, larger still.
	levelArchiveZoom = 10
)

const publicNote = " Published figures: counts perturbed by the cell-key method (never 1 to threshold-1), rates from the protected counts, health only by district; see /api/releases."

// layers is the catalog, built once.
var layers = buildCatalog()

func buildCatalog() []Layer {
	figureLayer := func(id, it, en string, public, restricted *Source) Layer {
		if public != nil {
			public.Description += publicNote
		}
		return Layer{ID: id, Title: map[string]string{"it": it, "en": en}, MinZoom: FineMinZoom, MaxZoom: MaxArchiveZoom,
			Attribution: attrFull, SyntheticData: true, Public: public, Restricted: restricted}
	}
	districts := figureLayer("indicators_districts", "Indicatori per zona (OMI)", "Indicators per district (OMI zone)", publicDistricts(), nil)
	districts.MinZoom, districts.Attribution = DistrictMinZoom, attrDistricts
	municipalities := figureLayer("indicators_municipalities", "Indicatori per comune", "Indicators per municipality", publicMunicipalities(), nil)
	municipalities.MinZoom, municipalities.MaxZoom = 0, municipalityArchiveZoom
	provinces := figureLayer("indicators_provinces", "Indicatori per provincia", "Indicators per province",
		publicLevel("province", "Published figures per province, when the territory spans several comuni."), nil)
	regions := figureLayer("indicators_regions", "Indicatori per regione", "Indicators per region",
		publicLevel("region", "Published figures per region, when the territory spans several provinces."), nil)
	provinces.MinZoom, provinces.MaxZoom = 0, levelArchiveZoom
	regions.MinZoom, regions.MaxZoom = 0, levelArchiveZoom
	out := []Layer{
		figureLayer("hexagons", "Esagoni H3: classi di sovrapposizione dei bisogni", "H3 hexagons: overlap classes of needs",
			publicHexagons("Published figures per H3 cell; the zoom picks the resolution (7-10)."),
			restrictedHexagons()),
		figureLayer("sections", "Sezioni di censimento: sovrapposizione dei bisogni", "Census sections: overlap of needs",
			publicSections("Published figures per census section."), restrictedSections()),
		figureLayer("adaptive", "Esagoni adattivi (almeno 250 residenti)", "Population-adaptive hexagons (at least 250 residents)",
			publicAdaptive(), restrictedAdaptive()),
		figureLayer("indicators", "Indicatori per esagono H3", "Indicators per H3 hexagon",
			publicHexagons("Published figures per H3 cell; the zoom picks the resolution (7-10)."), restrictedIndicatorHexagons()),
		figureLayer("indicators_sections", "Indicatori per sezione di censimento", "Indicators per census section",
			publicSections("Published figures per census section."), restrictedIndicatorSections()),
		figureLayer("hotspots", "Aree calde e fredde (H3)", "Hot and cold spots (H3)", nil, hotspotHexagons()),
		figureLayer("hotspots_sections", "Aree calde e fredde (sezioni)", "Hot and cold spots (census sections)", nil, hotspotSections()),
		districts,
		municipalities,
		provinces,
		regions,
		{
			ID: "omi_zones", Title: map[string]string{"it": "Zone OMI (mercato immobiliare)", "en": "OMI housing-market zones"},
			MinZoom: DistrictMinZoom, MaxZoom: MaxArchiveZoom, Attribution: attrOMI, Public: omiZones(),
		},
		{
			ID: "boundary", Title: map[string]string{"it": "Confine comunale", "en": "Municipal boundary"},
			MinZoom: 0, MaxZoom: MaxArchiveZoom, Attribution: attrISTAT, Public: boundary(),
		},
	}
	return out
}
