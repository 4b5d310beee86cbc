// What the observatory publishes and how the page draws it: views, measures, and
// the tile layer behind each view and unit kind. Pure: no DOM, no MapLibre.

// bivariate: two indicators on the indicator layers (bivariate.js); after the indicator view, so
// that viewOfSource names the indicator view for those layers. trends: the emerging hot and
// cold spots (foresight.js) on the hotspot layers and the districts; last, for the same reason.
export const VIEWS = ['overlap', 'indicator', 'hotspot', 'bivariate', 'trends'];
export const MEASURES = ['rate', 'eb'];
// The indicators, domains, needs and analyses are the server's vocabulary (vocabulary.js, from
// GET /api/session): no copy of them here.

// Tile layer (= source id = source-layer) drawn for each view and unit kind.
// Published figures per municipality: a geography of the indicator views, and what any view
// but the hotspots' shows when zoomed out below its own layer (zoomedSource).
export const MUNICIPALITY_SOURCE = 'indicators_municipalities';
// Published figures per province and per region: levels like the municipality, which a
// territory has only when it spans several comuni (a province) or several provinces (a region).
export const PROVINCE_SOURCE = 'indicators_provinces';
export const REGION_SOURCE = 'indicators_regions';
// The administrative levels of the map, finest first, and the tile layer of each.
export const LEVELS = ['municipality', 'province', 'region'];
export const LEVEL_SOURCES = { municipality: MUNICIPALITY_SOURCE, province: PROVINCE_SOURCE, region: REGION_SOURCE };
const LEVEL_LAYERS = Object.values(LEVEL_SOURCES);
const FIGURE_UNITS = {
  hexagons: 'indicators',
  sections: 'indicators_sections',
  districts: 'indicators_districts',
  municipalities: MUNICIPALITY_SOURCE,
  provinces: PROVINCE_SOURCE,
  regions: REGION_SOURCE,
};
export const SOURCES = {
  overlap: { hexagons: 'hexagons', sections: 'sections', adaptive: 'adaptive' },
  indicator: { ...FIGURE_UNITS },
  hotspot: { hexagons: 'hotspots', sections: 'hotspots_sections' },
  bivariate: { ...FIGURE_UNITS },
  // Painted by the areas' ids from GET /api/trends (restricted): the H3 8 and 9 cells of the
  // hotspot tiles, sections, districts.
  trends: { hexagons: 'hotspots', sections: 'hotspots_sections', districts: 'indicators_districts' },
};
export const UNIT_NAMES = ['hexagons', 'sections', 'adaptive', 'districts', 'municipalities', 'provinces', 'regions'];
// Published (protected) figures per OMI zone: the finest level with public health figures.
export const DISTRICT_SOURCE = 'indicators_districts';
export const ALL_SOURCES = [...new Set(Object.values(SOURCES).flatMap((s) => Object.values(s)))];

// The zoom from which the hexagon and section layers are drawn when the catalog does not say
// (tiles.FineMinZoom): H3 resolution 7 is about 10 pixels wide there.
export const FINE_MIN_ZOOM = 9;

// Catalogs to assume when /tiles/catalog.json cannot be read.
export const BASE_LAYERS = ['omi_zones', 'boundary'];
export const PUBLIC_LAYERS = [
  'hexagons', 'sections', 'adaptive', 'indicators', 'indicators_sections', DISTRICT_SOURCE, MUNICIPALITY_SOURCE, ...BASE_LAYERS,
];
export const RESTRICTED_LAYERS = [...PUBLIC_LAYERS, 'hotspots', 'hotspots_sections'];

// Shortest purpose a targeting list needs, in letters.
export const MIN_PURPOSE = 10;

// Whether a stated purpose passes the server's rule (checkPurpose in web/session.go): at least
// MIN_PURPOSE letters, in at least two different words of three or more letters that are not
// one letter repeated ("aaaaaaaaaa" says nothing).
export function validPurpose(purpose) {
  const s = String(purpose ?? '').trim().toLowerCase();
  const letters = (s.match(/\p{L}/gu) || []).length;
  const words = new Set((s.match(/\p{L}+/gu) || []).filter((w) => [...w].length >= 3 && new Set(w).size > 1));
  return letters >= MIN_PURPOSE && words.size >= 2;
}

// Map layer ids of a tile source.
export function layerIds(src) {
  return { fill: `${src}-fill`, line: `${src}-line`, hatch: `${src}-hatch`, hover: `${src}-hover`, selected: `${src}-selected` };
}

// Named layer ids, for tests and debugging (window.abitare.layerIds).
export const LAYER_IDS = {
  hexFill: 'hexagons-fill',
  hexLine: 'hexagons-line',
  hexHover: 'hexagons-hover',
  secFill: 'sections-fill',
  secLine: 'sections-line',
  secHover: 'sections-hover',
  omi: 'omi-zones-line',
  boundary: 'boundary-line',
};

export function sourceFor(view, unit) {
  return SOURCES[view][unit] || SOURCES[view].hexagons;
}

export function viewOfSource(src) {
  return VIEWS.find((v) => Object.values(SOURCES[v]).includes(src)) || 'overlap';
}

// The layers a view needs one of, when not any of its own: the trends view is restricted, and
// only the restricted catalog has the hotspot layers (its districts layer is the public's).
const VIEW_NEEDS = { trends: ['hotspots', 'hotspots_sections'] };

export function viewAvailable(view, available) {
  return (VIEW_NEEDS[view] || Object.values(SOURCES[view] || {})).some((src) => available.has(src));
}

// A view and unit kind the layers allow: the hotspot view needs the restricted catalog (else
// the overlap view); adaptive hexagons exist in the overlap view only, districts in the
// indicator view only; a unit whose layer is missing gives way to the first one available.
export function normalizeViewUnit({ view, unit }, available) {
  const v = VIEWS.includes(view) && viewAvailable(view, available) ? view : 'overlap';
  let u = SOURCES[v][unit] ? unit : 'hexagons';
  if (!available.has(sourceFor(v, u))) {
    u = Object.keys(SOURCES[v]).find((k) => available.has(SOURCES[v][k])) || u;
  }
  return { view: v, unit: u };
}

// The geography of the areas a source draws: section, omi, municipality, province or region;
// '' for the hexagons (whose geography is their resolution's, h3_7 to h3_10).
export function geographyOfSource(src) {
  const s = String(src ?? '');
  if (s.includes('sections')) return 'section';
  if (s === DISTRICT_SOURCE) return 'omi';
  return LEVELS.find((l) => LEVEL_SOURCES[l] === s) || '';
}

// The tile layer that draws a geography whatever the view: the districts' and the levels'
// (the hexagons and sections have one per view); '' for the others.
export function sourceOfGeography(g) {
  if (g === 'omi') return DISTRICT_SOURCE;
  return LEVEL_SOURCES[g] || '';
}

// Kind of area a source draws: H3 hexagons, census sections, OMI zones, municipalities,
// provinces or regions.
export function kindOfSource(src) {
  return geographyOfSource(src) || 'h3';
}

export function kindOfGeography(g) {
  return g === 'section' || g === 'omi' || LEVELS.includes(g) ? g : 'h3';
}

// Whether a source draws one of the administrative levels (municipality, province, region).
export const isLevelSource = (src) => LEVEL_LAYERS.includes(src);

// The zoom from which a source is drawn: its TileJSON's minzoom (tileSources: layer ->
// TileJSON), else FINE_MIN_ZOOM for the fine layers and 0 for the levels.
export function sourceMinZoom(src, tileSources = {}) {
  const z = Number(tileSources?.[src]?.minzoom);
  if (Number.isFinite(z)) return z;
  return isLevelSource(src) ? 0 : FINE_MIN_ZOOM;
}

// How many areas a territory (parseTerritory) has of each level, as the server's
// territory_areas makes them (migration 00025): {municipality, province, region}, 0 when the
// level is not one of the map's. Provinces exist when the territory spans several comuni,
// regions when it spans several provinces; a comune's ISTAT code starts with its province's.
// Regions are counted from the territory's kind (territory.Describe names comuni of one region
// after it, and counts those of several): 1 for a region, at least 2 for "municipalities" of
// more than a few comuni (2 then), else 1. Unknown territory: one municipality.
export function territoryLevels(territory) {
  const comuni = Array.isArray(territory?.municipalities) ? territory.municipalities : [];
  if (comuni.length < 2) return { municipality: 1, province: 0, region: 0 };
  const provinces = new Set(comuni.map((m) => String(m.code).slice(0, 3))).size;
  let region = 0;
  if (provinces > 1) region = territory.kind === 'municipalities' && comuni.length > 3 ? 2 : 1;
  return { municipality: comuni.length, province: provinces, region };
}

// The layers of a catalog without the levels the territory has no areas of: the catalog lists
// the province and region layers always, empty for a territory of one comune or one province.
export function withTerritoryLevels(layers, territory) {
  const levels = territoryLevels(territory);
  return new Set([...layers].filter((id) => !['province', 'region'].some((l) => id === LEVEL_SOURCES[l] && !levels[l])));
}

// The zooms below which a level stands in for a finer layer: regions below 7 (Emilia-Romagna
// fits a screen at about zoom 7), provinces below 8 (a province about 9, so that at 8 the
// comuni, some 20 pixels wide, are drawn); the comuni below the fine layers' own zoom
// (FINE_MIN_ZOOM), as for a single province.
export const LEVEL_BELOW = { region: 7, province: 8 };

// The source drawn for the view's source src at zoom: when the map is zoomed out below src's own
// zooms (a province or a region seen whole, where hexagons would be specks), the coarsest level
// whose zooms include it (LEVEL_BELOW) and which has several areas, fewer than the level below
// (two comuni of two provinces are drawn as comuni), else the municipalities; src itself when
// it is a level (chosen, it is drawn at every zoom), in the hotspots' and the trends' views
// (computed on hexagons, sections and districts only) or when the catalog has no such layer.
// levels: territoryLevels of the territory (none: the municipalities only).
export function zoomedSource(src, {
  zoom, view, available, tileSources, levels,
}) {
  if (isLevelSource(src) || view === 'hotspot' || view === 'trends' || !available) return src;
  if (typeof zoom !== 'number' || !Number.isFinite(zoom) || zoom >= sourceMinZoom(src, tileSources)) return src;
  const n = (l) => levels?.[l] ?? 0;
  const standsIn = { region: n('region') > 1 && n('region') < n('province'), province: n('province') > 1 && n('province') < n('municipality') };
  for (const l of ['region', 'province']) {
    if (standsIn[l] && zoom < LEVEL_BELOW[l] && available.has(LEVEL_SOURCES[l])) return LEVEL_SOURCES[l];
  }
  return available.has(MUNICIPALITY_SOURCE) ? MUNICIPALITY_SOURCE : src;
}

// The zooms a map flies to to show an area of a geography ({min, max}; min: the map's lowest
// for the levels): an H3 resolution between the zooms that draw it, a district from 10, a
// section from 13; a comune up to 12, a province up to 10, a region up to 8.
export function zoomRange(geography, mapMinZoom = 0) {
  const g = String(geography ?? '');
  const level = { municipality: 12, province: 10, region: 8 }[g];
  if (level !== undefined) return { min: Math.min(mapMinZoom, level), max: level };
  const res = g.startsWith('h3_') ? Number(g.slice(3)) : null;
  const max = res === null ? 15 : ({ 7: 10.9, 8: 12.9, 9: 13.9, 10: 16 })[res] ?? 15;
  const min = g === 'omi' ? 10 : res === null ? 13 : ({ 7: 9, 8: 11, 9: 13, 10: 14 })[res] ?? 9;
  return { min, max };
}

// How a source is painted in a view: the levels take the view's paint (overlap class or
// indicator), the trends view's layers the trends' paint, every other source its own view's.
export function paintViewOf(src, view) {
  if (isLevelSource(src)) return view === 'overlap' ? 'overlap' : 'indicator';
  if (view === 'trends' && Object.values(SOURCES.trends).includes(src)) return 'trends';
  return viewOfSource(src);
}

// The territory of a catalog answer or site.json: {kind, name, name_en, bounds, places}, or
// null when it names none.
export function parseTerritory(t) {
  if (!t || typeof t !== 'object' || typeof t.name !== 'string' || !t.name.trim()) return null;
  const places = (list) => (Array.isArray(list) ? list : [])
    .filter((p) => p && typeof p.code === 'string' && typeof p.name === 'string')
    .map((p) => ({ kind: String(p.kind || ''), code: p.code, name: p.name }));
  return {
    kind: typeof t.kind === 'string' ? t.kind : '',
    name: t.name.trim(),
    name_en: typeof t.name_en === 'string' && t.name_en.trim() ? t.name_en.trim() : t.name.trim(),
    bounds: Array.isArray(t.bounds) && t.bounds.length === 4 && t.bounds.every(Number.isFinite) ? t.bounds : null,
    places: places(t.places),
    municipalities: places(t.municipalities),
  };
}

// The territory's name in a language ('' when unknown).
export function territoryName(territory, lang) {
  if (!territory) return '';
  return lang === 'en' ? territory.name_en || territory.name : territory.name;
}

// A text of the page with the territory's name for {area}; without a name, " · {area}" and
// {area} are dropped ("Abitare · {area}: bisogno abitativo" -> "Abitare: bisogno abitativo").
export function withArea(text, name) {
  const s = String(text ?? '');
  if (name) return s.replaceAll('{area}', name);
  return s.replace(/ · \{area\}/g, '').replace(/\{area\}/g, '').trim();
}

// The lowest zoom the map allows: one whole zoom below the one at which the territory's box
// fits a screen of width x height pixels, and at most 9 (a city as before). Web Mercator:
// 256 * 2^z pixels around the world.
export function minZoomFor(box, width = 1024, height = 768) {
  if (!box) return 9;
  const [[w, s], [e, n]] = box;
  const merc = (lat) => Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) * Math.PI) / 360));
  const zx = Math.log2((width * 360) / (256 * Math.max(e - w, 1e-9)));
  const zy = Math.log2((height * 2 * Math.PI) / (256 * Math.max(merc(n) - merc(s), 1e-9)));
  return Math.max(0, Math.min(9, Math.floor(Math.min(zx, zy)) - 1));
}

// The layers of a catalog answer (without the levels its territory has no areas of), and each
// one's TileJSON when the catalog carries it (then the map needs no request per layer before
// its first tiles); null when it lists no layer.
export function parseCatalog(cat) {
  const sources = {};
  const list = [];
  const layers = Array.isArray(cat?.layers) ? cat.layers : [];
  for (const l of layers) {
    const id = typeof l === 'string' ? l : l?.id;
    if (!id || typeof id !== 'string') continue;
    list.push(id);
    if (l.source && Array.isArray(l.source.tiles)) sources[id] = l.source;
  }
  if (!list.length) return null;
  const territory = parseTerritory(cat?.territory);
  return { layers: withTerritoryLevels(list, territory), sources, territory };
}
