// What the observatory publishes and how the page draws it: views, measures, and
// the tile layer behind each view and unit kind. Pure: no DOM, no MapLibre.

// bivariate: two indicators on the indicator layers (bivariate.js); last, so that
// viewOfSource names the indicator view for those layers.
export const VIEWS = ['overlap', 'indicator', 'hotspot', 'bivariate'];
export const MEASURES = ['rate', 'eb'];
// The indicators, domains, needs and analyses are the server's vocabulary (vocabulary.js, from
// GET /api/session): no copy of them here.

// Tile layer (= source id = source-layer) drawn for each view and unit kind.
// Published figures per municipality: a geography of the indicator views, and what any view
// but the hotspots' shows when zoomed out below its own layer (zoomedSource).
export const MUNICIPALITY_SOURCE = 'indicators_municipalities';
export const SOURCES = {
  overlap: { hexagons: 'hexagons', sections: 'sections', adaptive: 'adaptive' },
  indicator: {
    hexagons: 'indicators', sections: 'indicators_sections', districts: 'indicators_districts', municipalities: MUNICIPALITY_SOURCE,
  },
  hotspot: { hexagons: 'hotspots', sections: 'hotspots_sections' },
  bivariate: {
    hexagons: 'indicators', sections: 'indicators_sections', districts: 'indicators_districts', municipalities: MUNICIPALITY_SOURCE,
  },
};
export const UNIT_NAMES = ['hexagons', 'sections', 'adaptive', 'districts', 'municipalities'];
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

// Kind of area a source draws: H3 hexagons, census sections, OMI zones or municipalities.
export function kindOfSource(src) {
  if (src.includes('sections')) return 'section';
  if (src === DISTRICT_SOURCE) return 'omi';
  if (src === MUNICIPALITY_SOURCE) return 'municipality';
  return 'h3';
}

export function kindOfGeography(g) {
  return g === 'section' || g === 'omi' || g === 'municipality' ? g : 'h3';
}

// The zoom from which a source is drawn: its TileJSON's minzoom (tileSources: layer ->
// TileJSON), else FINE_MIN_ZOOM for the fine layers and 0 for the municipalities.
export function sourceMinZoom(src, tileSources = {}) {
  const z = Number(tileSources?.[src]?.minzoom);
  if (Number.isFinite(z)) return z;
  return src === MUNICIPALITY_SOURCE ? 0 : FINE_MIN_ZOOM;
}

// The source drawn for the view's source src at zoom: the municipalities when the map is zoomed
// out below src's own zooms (a province or a region seen whole, where hexagons would be specks),
// unless the view is the hotspots' (computed on hexagons and sections only) or the catalog has
// no municipality layer; else src itself.
export function zoomedSource(src, { zoom, view, available, tileSources }) {
  if (src === MUNICIPALITY_SOURCE || view === 'hotspot' || !available?.has(MUNICIPALITY_SOURCE)) return src;
  if (typeof zoom !== 'number' || !Number.isFinite(zoom)) return src;
  return zoom < sourceMinZoom(src, tileSources) ? MUNICIPALITY_SOURCE : src;
}

// How a source is painted in a view: the municipalities take the view's paint (overlap class or
// indicator), every other source its own view's.
export function paintViewOf(src, view) {
  if (src === MUNICIPALITY_SOURCE) return view === 'overlap' ? 'overlap' : 'indicator';
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
  return list.length ? { layers: new Set(list), sources, territory: parseTerritory(cat?.territory) } : null;
}
