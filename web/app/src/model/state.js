// The page's state: one object, changed only through update(patch), which merges the patch,
// keeps the view valid, writes the URL hash and runs what was registered for the keys the
// patch sets: renderers first (DOM and map), then effects (requests, recomputations).
import {
  DISTRICT_SOURCE, PUBLIC_LAYERS, RESTRICTED_LAYERS, isLevelSource, normalizeViewUnit, sourceFor, territoryLevels, viewAvailable,
  zoomedSource,
} from './catalog.js';
import { DEFAULT_BREAKS } from '../map/classify.js';
import { fieldOffered } from '../map/map-fields.js';
import { ANONYMOUS, PERM, can } from './session.js';
import {
  URL_FIELDS, URL_KEYS, mergeHash, readUrlState, urlParams, vocabularyChoices,
} from './url-state.js';
import { EMPTY_VOCABULARY, setVocabulary } from './vocabulary.js';
import {
  EXPLORE_URL_KEYS, exploreParams, periodMeasureOf, readExploreUrl,
} from './explore-url.js';
import {
  MAPS_URL_KEYS, mapsChoices, mapsParam, mapsParams, readMapsUrl,
} from './maps-url.js';
import {
  TRENDS_URL_KEYS, readTrendsUrl, trendsChoices, trendsParam, trendsParams,
} from '../foresight/foresight-data.js';

function storageGet(key) {
  try { return window.localStorage.getItem(key); } catch { return null; }
}

function storageSet(key, value) {
  try { window.localStorage.setItem(key, value); } catch { /* private mode: not remembered */ }
}

const stored = (param) => storageGet(`abitare.${param}`);
const fromUrl = readUrlState(window.location.hash, stored);

// The area the URL opened (area=geography:id), for the first view.
export const initialArea = fromUrl.area;
const exploreFromUrl = readExploreUrl(window.location.hash);
const mapsFromUrl = readMapsUrl(window.location.hash, stored);
const trendsFromUrl = readTrendsUrl(window.location.hash, stored);

export const state = {
  lang: fromUrl.lang,
  view: fromUrl.view,
  unit: fromUrl.unit,
  indicator: fromUrl.indicator,
  measure: fromUrl.measure,
  analysis: fromUrl.analysis,
  bivariateX: mapsFromUrl.bivariateX, // the bivariate view's indicators (bivariate.js)
  bivariateY: mapsFromUrl.bivariateY,
  bivariate: null, // {key, x: [t1, t2], y: [t1, t2], n}: tertile breaks of the areas drawn
  mapField: mapsFromUrl.mapField, // a derived measure drawn in the indicator view (map-fields.js), or ''
  hovered: null, // {source, props}
  selected: null, // {geography, id, source, period, name}: the area whose profile is open
  profile: null, // {loading} | {data} | {error, detail}
  rankingOpen: false,
  ranking: null, // {key, geography} with loading, data or error
  rankingNote: '',
  breaks: null, // {key, values, classes}: classes from classes.js (zeroClasses)
  // The layers of the role's catalog. The view from the URL is checked against it once the
  // catalog is read (a hotspot view stays for a logged-in planner).
  available: new Set(PUBLIC_LAYERS),
  tileSources: {}, // layer -> TileJSON, from the catalog
  // The territory (GET /tiles/catalog.json or site.json): {kind, name, name_en, places, bounds},
  // null until read or when unknown.
  territory: null,
  // The map's zoom, whole (map.js sets it when it crosses a whole zoom): below the zooms of the
  // chosen layer the regions, provinces or municipalities are drawn instead (currentSource).
  mapZoom: null,
  session: ANONYMOUS, // GET /api/session
  // The server's vocabulary (indicators, domains, needs, analyses), read with the session; empty
  // until then and whenever it cannot be read (see vocabulary.js).
  vocabulary: EMPTY_VOCABULARY,
  sessionError: null, // {key, detail} when the session could not be read
  release: null, // latest public release (GET /api/releases)
  static: false, // served as a static site (site.json): no Abitare server, no /api call
  loginOpen: false,
  loginBusy: false,
  loginError: null, // {key, detail}
  suppressedHere: false, // the current indicator is mostly "suppressed" in the drawn features
  targeting: null, // {area, epoch, list, person, timeline, purpose, formError}: housing office only, never stored
  // Explore features (explore.js, table-view.js, compare.js): the period shown ('' = the tiles'
  // own), the areas compared [{geography, id}], the table panel, and a counter bumped when
  // figures files arrive.
  period: exploreFromUrl.period,
  periodMeasure: exploreFromUrl.periodMeasure, // 'rate' | 'change' (on the previous quarter)
  changeBreaks: null, // {key, values: [s/3, 2s/3, s] | null, prev: previous period | null} (change-map.js)
  compare: exploreFromUrl.compare,
  tableOpen: false,
  figuresTick: 0,
  // The desk's panels (desk/exposure.js: who is exposed; desk/custom-area.js: an area drawn or
  // chosen by the user), open or not; never in the URL.
  exposureOpen: false,
  customAreaOpen: false,
  // Foresight (trends-view.js, forecast-fan.js, watchlist.js, lead-lag.js; restricted aggregates): the trends view's domain and its categories
  // as drawn ({key, lookup: id -> category} for the domain and the geographies loaded), the
  // watchlist and lead-lag panels, and a counter bumped when forecasts for the profile arrive.
  trendsDomain: trendsFromUrl.trendsDomain,
  trends: null,
  watchlistOpen: false,
  leadLagOpen: false,
  forecastTick: 0,
};

const renderers = [];
const effects = [];

// fn runs after every update that sets one of keys (and for renderers, in renderAll).
export function renderOn(keys, fn) {
  renderers.push({ keys, fn });
}

export function effectOn(keys, fn) {
  effects.push({ keys, fn });
}

export function update(patch) {
  const next = withValidView(withVocabulary(patch));
  Object.assign(state, next);
  const changed = Object.keys(next);
  const touches = ({ keys }) => keys.some((k) => changed.includes(k));
  if ([...URL_KEYS, ...EXPLORE_URL_KEYS, ...MAPS_URL_KEYS, ...TRENDS_URL_KEYS].some((k) => changed.includes(k))) syncHash();
  for (const r of renderers.filter(touches)) r.fn();
  for (const e of effects.filter(touches)) e.fn();
}

// Every renderer, for the first view.
export function renderAll() {
  for (const r of renderers) r.fn();
}

// The user's choices (language, view, unit...): applied, and remembered for the next visit.
export function choose(patch) {
  for (const [key, value] of Object.entries(patch)) {
    const param = key === 'lang' ? 'lang' : URL_FIELDS.find((f) => f.key === key)?.param ?? mapsParam(key) ?? trendsParam(key);
    if (param) storageSet(`abitare.${param}`, value);
  }
  update(patch);
}

// A patch that changes the view, the unit or the layers, with the view and unit made valid.
function withValidView(patch) {
  if (!('view' in patch || 'unit' in patch || 'available' in patch)) return patch;
  const wanted = { view: patch.view ?? state.view, unit: patch.unit ?? state.unit };
  return { ...patch, ...normalizeViewUnit(wanted, patch.available ?? state.available) };
}

// A patch that sets the vocabulary: made the one in use, with the indicator and the analysis
// checked against it (set in the patch only when they change).
function withVocabulary(patch) {
  if (!('vocabulary' in patch)) return patch;
  const vocabulary = patch.vocabulary || EMPTY_VOCABULARY;
  setVocabulary(vocabulary);
  const current = { indicator: patch.indicator ?? state.indicator, analysis: patch.analysis ?? state.analysis };
  const choices = vocabularyChoices(vocabulary, current, stored);
  const out = { ...patch, vocabulary };
  for (const [k, v] of Object.entries(choices)) if (v !== state[k] || k in patch) out[k] = v;
  const maps = mapsChoices(vocabulary, { ...state, ...patch }, stored);
  for (const [k, v] of Object.entries(maps)) if (v !== state[k] || k in patch) out[k] = v;
  const trends = trendsChoices(vocabulary, { ...state, ...patch }, stored);
  for (const [k, v] of Object.entries(trends)) if (v !== state[k] || k in patch) out[k] = v;
  return out;
}

// Write the state into the hash, keeping MapLibre's map= parameter.
export function syncHash() {
  const { pathname, search, hash } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}#${mergeHash(hash, {
    ...urlParams(state), ...exploreParams(state), ...mapsParams(state), ...trendsParams(state),
  })}`);
}

// The source drawn now: the view's and unit's, or a level (the regions, provinces or
// municipalities of the territory) when zoomed out below it.
export function currentSource() {
  return zoomedSource(sourceFor(state.view, state.unit), {
    zoom: state.mapZoom, view: state.view, available: state.available, tileSources: state.tileSources, levels: territoryLevels(state.territory),
  });
}

export function allowed(perm) {
  return can(state.session, perm);
}

export function viewOffered(view) {
  return viewAvailable(view, state.available);
}

// Whether the tiles of src carry the published (protected) figures rather than the restricted
// ones: no EB rate, interval, trend or unstable flag, and a status per indicator.
export function publishedSource(src) {
  return src === DISTRICT_SOURCE || isLevelSource(src) || !allowed(PERM.aggregates);
}

// The measure actually drawn: the EB rate only where the tiles have it (restricted figures).
export function effectiveMeasure() {
  return state.measure === 'eb' && !publishedSource(currentSource()) ? 'eb' : 'rate';
}

export function currentBreaks() {
  return state.breaks?.values || DEFAULT_BREAKS;
}

// The derived measure drawn now: in the indicator view, on restricted hexagons or sections.
export function effectiveField() {
  const src = currentSource();
  if (state.view !== 'indicator' || !state.mapField) return '';
  return fieldOffered(state.mapField, src, { published: publishedSource(src), aggregates: allowed(PERM.aggregates) }) ? state.mapField : '';
}

// The bivariate look: {x, y, eb, breaks}, or null outside the bivariate view or before breaks.
export function bivariateLook() {
  if (state.view !== 'bivariate' || !state.bivariate) return null;
  return { x: state.bivariateX, y: state.bivariateY, eb: !publishedSource(currentSource()), breaks: state.bivariate };
}

// What the chosen period shows: 'change' (a quarter, on the previous one) or 'rate'.
export function effectivePeriodMeasure() {
  return periodMeasureOf(state.period, state.periodMeasure);
}

// How the data layers are painted now (see map-style.js).
export function look() {
  return {
    indicator: state.indicator,
    measure: effectiveMeasure(),
    breaks: currentBreaks(),
    classes: state.breaks?.classes || null,
    field: effectiveField(),
    bivariate: bivariateLook(),
    view: state.view,
    analysis: state.analysis,
    period: state.period,
    periodMeasure: effectivePeriodMeasure(),
    changeBreaks: state.changeBreaks?.values || null,
    trends: state.view === 'trends' ? state.trends?.lookup || {} : null,
  };
}

// The layers to assume for a session when its catalog cannot be read.
export function fallbackLayers(session) {
  return new Set(can(session, PERM.aggregates) ? RESTRICTED_LAYERS : PUBLIC_LAYERS);
}
