// What the observatory publishes and how the page draws it: views, measures, and
// the tile layer behind each view and unit kind. Pure: no DOM, no MapLibre.

// bivariate: two indicators on the indicator layers (bivariate.js); last, so that
// viewOfSource names the indicator view for those layers.
export const VIEWS = ['overlap', 'indicator', 'hotspot', 'bivariate'];
export const MEASURES = ['rate', 'eb'];
// The indicators, domains, needs and analyses are the server's vocabulary (vocabulary.js, from
// GET /api/session): no copy of them here.

// Tile layer (= source id = source-layer) drawn for each view and unit kind.
export const SOURCES = {
  overlap: { hexagons: 'hexagons', sections: 'sections', adaptive: 'adaptive' },
  indicator: { hexagons: 'indicators', sections: 'indicators_sections', districts: 'indicators_districts' },
  hotspot: { hexagons: 'hotspots', sections: 'hotspots_sections' },
  bivariate: { hexagons: 'indicators', sections: 'indicators_sections', districts: 'indicators_districts' },
};
export const UNIT_NAMES = ['hexagons', 'sections', 'adaptive', 'districts'];
// Published (protected) figures per OMI zone: the finest level with public health figures.
export const DISTRICT_SOURCE = 'indicators_districts';
export const ALL_SOURCES = [...new Set(Object.values(SOURCES).flatMap((s) => Object.values(s)))];

// Catalogs to assume when /tiles/catalog.json cannot be read.
export const BASE_LAYERS = ['omi_zones', 'boundary'];
export const PUBLIC_LAYERS = ['hexagons', 'sections', 'adaptive', 'indicators', 'indicators_sections', DISTRICT_SOURCE, ...BASE_LAYERS];
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

export function viewAvailable(view, available) {
  return Object.values(SOURCES[view] || {}).some((src) => available.has(src));
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

// Kind of area a source draws: H3 hexagons, census sections or OMI zones.
export function kindOfSource(src) {
  if (src.includes('sections')) return 'section';
  if (src === DISTRICT_SOURCE) return 'omi';
  return 'h3';
}

export function kindOfGeography(g) {
  return g === 'section' || g === 'omi' ? g : 'h3';
}

// The layers of a catalog answer, and each one's TileJSON when the catalog carries it (then the
// map needs no request per layer before its first tiles); null when it lists no layer.
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
  return list.length ? { layers: new Set(list), sources } : null;
}
