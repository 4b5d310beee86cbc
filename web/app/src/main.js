// Abitare map front end: MapLibre GL JS over our own vector tiles, no basemap.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { Map as MapLibreMap, AttributionControl, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import { DEFAULT_LANG, LOCALES, normalizeLang, t } from './i18n.js';

// MapLibre's worker is shipped next to app.js by build.mjs.
setWorkerUrl(new URL('worker.js', import.meta.url).href);

// ---- constants: views, sources, layer ids and style -------------------------------------

const VIEWS = ['overlap', 'indicator', 'hotspot'];
const INDICATORS = ['poverty', 'housing', 'health', 'work', 'education', 'multi_domain'];
const MEASURES = ['rate', 'eb'];
const HOT_INDICATORS = ['poverty', 'housing', 'health', 'multi_domain'];
const BIVARIATE = [['poverty', 'health'], ['poverty', 'housing'], ['housing', 'health']];
const ANALYSES = [
  ...HOT_INDICATORS.map((i) => `moran_${i}`),
  ...HOT_INDICATORS.map((i) => `gi_${i}`),
  ...BIVARIATE.map(([x, y]) => `bivariate_${x}_${y}`),
];

// Tile layer (= source id = source-layer) drawn for each view and unit kind.
const SOURCES = {
  overlap: { hexagons: 'hexagons', sections: 'sections', adaptive: 'adaptive' },
  indicator: { hexagons: 'indicators', sections: 'indicators_sections' },
  hotspot: { hexagons: 'hotspots', sections: 'hotspots_sections' },
};
const UNIT_NAMES = ['hexagons', 'sections', 'adaptive'];
const ALL_SOURCES = [...new Set(Object.values(SOURCES).flatMap((s) => Object.values(s)))];
const ids = (src) => ({ fill: `${src}-fill`, line: `${src}-line`, hatch: `${src}-hatch`, hover: `${src}-hover`, selected: `${src}-selected` });

const LAYER_IDS = {
  hexFill: 'hexagons-fill',
  hexLine: 'hexagons-line',
  hexHover: 'hexagons-hover',
  secFill: 'sections-fill',
  secLine: 'sections-line',
  secHover: 'sections-hover',
  omi: 'omi-zones-line',
  boundary: 'boundary-line',
  fill: (src) => ids(src).fill,
};

// Sequential, colour-blind-safe (magma-like, monotonic lightness): 0 light .. 3 dark.
const OVERLAP_COLORS = ['#e7e1ef', '#fdbf86', '#d3436e', '#4a1079'];
// Indicator rates: ColorBrewer YlGnBu (sequential, colour-blind safe), 5 classes.
const RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
const WITHHELD_COLOR = '#c9c9c9';
// Hotspots: GeoDa's LISA cluster colours; Gi*: hot red, cold blue.
const CLUSTER_COLORS = { 0: '#eeeeee', 1: '#e41a1c', 2: '#1f4fd1', 3: '#a7adf9', 4: '#f4ada8', 5: '#464646', 6: '#999999' };
const GI_COLORS = { 0: '#eeeeee', 1: '#e41a1c', 2: '#1f4fd1' };
const BACKGROUND = '#f4f3ef';
const FILL_OPACITY = 0.85;
const UNSTABLE_OPACITY = 0.45;
const HATCH = 'abitare-hatch';

const INITIAL_VIEW = { center: [10.925, 44.645], zoom: 11.5 };
const MAX_BOUNDS = [[10.55, 44.42], [11.30, 44.87]];

const DOMAINS = ['poverty', 'housing', 'health'];

const tilesBase = new URL(
  document.querySelector('meta[name="abitare-tiles-base"]')?.content || '/tiles/',
  window.location.href,
);
const tileJSON = (layer) => new URL(`${layer}.json`, tilesBase).href;
const apiBase = new URL('/api/', window.location.href);

// ---- state: language and unit kind, kept in the URL hash (next to map=) and localStorage ----

function hashParams() {
  return new URLSearchParams(window.location.hash.replace(/^#/, ''));
}

function setHashParam(key, value) {
  const p = hashParams();
  p.set(key, value);
  // Same encoding as MapLibre's own hash writer, so "map=z/lat/lng" stays readable.
  const hash = decodeURIComponent(p.toString());
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${hash}`);
}

function storageGet(key) {
  try { return window.localStorage.getItem(key); } catch { return null; }
}
function storageSet(key, value) {
  try { window.localStorage.setItem(key, value); } catch { /* private mode: ignore */ }
}

const state = {
  lang: normalizeLang(hashParams().get('lang')) || normalizeLang(storageGet('abitare.lang')) || DEFAULT_LANG,
  unit: UNITS[hashParams().get('layer')] ? hashParams().get('layer') : (UNITS[storageGet('abitare.layer')] ? storageGet('abitare.layer') : 'hexagons'),
  hovered: null, // {unit, props}
  available: new Set(['hexagons', 'sections', 'omi_zones', 'boundary']),
};

// ---- formatting ---------------------------------------------------------------------

function fmtInt(n) {
  return new Intl.NumberFormat(LOCALES[state.lang], { maximumFractionDigits: 0 }).format(n);
}
function fmtRate(n) {
  return new Intl.NumberFormat(LOCALES[state.lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
}
function has(props, key) {
  return props != null && Object.prototype.hasOwnProperty.call(props, key) && props[key] !== null && props[key] !== '';
}
function num(props, key) {
  const v = Number(props[key]);
  return Number.isFinite(v) ? v : null;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// A count missing from the properties was suppressed (below the disclosure threshold).
function countCell(props, key) {
  if (!has(props, key) || num(props, key) === null) {
    return `<span class="suppressed" title="${esc(t(state.lang, 'suppressed_title'))}">${esc(t(state.lang, 'suppressed'))}</span>`;
  }
  return esc(fmtInt(num(props, key)));
}
function rateCell(props, key) {
  if (!has(props, key) || num(props, key) === null) {
    return `<span class="suppressed" title="${esc(t(state.lang, 'suppressed_title'))}">${esc(t(state.lang, 'not_available'))}</span>`;
  }
  return esc(fmtRate(num(props, key)));
}

function isSynthetic(props) {
  return props.synthetic === true || props.synthetic === 'true' || props.synthetic === 1;
}

// ---- DOM: static strings, legend, info panel -----------------------------------------

const $ = (sel) => document.querySelector(sel);

function applyStrings() {
  const { lang } = state;
  document.documentElement.lang = lang;
  document.title = t(lang, 'title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(lang, el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(lang, el.dataset.i18nAria));
  $('#map').setAttribute('aria-label', lang === 'it' ? 'Mappa di Modena' : 'Map of Modena');
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
  renderLegend();
  renderInfo();
}

function renderLegend() {
  const ul = $('#legend-items');
  ul.replaceChildren(...OVERLAP_COLORS.map((color, i) => {
    const li = document.createElement('li');
    li.dataset.overlap = String(i);
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = color;
    sw.style.opacity = String(FILL_OPACITY);
    sw.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.className = 'legend-label';
    label.textContent = t(state.lang, `overlap_${i}`);
    li.append(sw, label);
    return li;
  }));
}

function renderInfo() {
  const body = $('#info-body');
  const h = state.hovered;
  if (!h) {
    body.innerHTML = `<p class="hint">${esc(t(state.lang, 'panel_hint'))}</p>`;
    return;
  }
  const L = (k) => esc(t(state.lang, k));
  const p = h.props;
  const isHex = h.unit === 'hexagons';
  const id = has(p, 'id') ? esc(p.id) : L('not_available');
  let head = `<p class="area-id"><span class="area-kind">${L(isHex ? 'hexagon' : 'section')}</span> <code>${id}</code>`;
  if (isHex && has(p, 'resolution')) head += ` <span class="area-res">(${L('resolution')} ${esc(fmtInt(num(p, 'resolution') ?? 0))})</span>`;
  head += '</p>';
  let notes = '';
  if (!isHex && isSynthetic(p)) notes += `<p class="note synthetic">${L('synthetic_note')}</p>`;

  const residents = has(p, 'residents') ? num(p, 'residents') : null;
  if (residents === 0) {
    body.innerHTML = `${head}${notes}<p class="no-residents">${L('no_residents')}</p>`;
    return;
  }
  const overlap = has(p, 'overlap') ? num(p, 'overlap') : null;
  let html = head + notes;
  html += '<dl class="figures">';
  html += `<div><dt>${L('residents')}</dt><dd>${countCell(p, 'residents')}</dd></div>`;
  if (overlap !== null && overlap >= 0 && overlap <= 3) {
    html += `<div><dt>${L('overlap')}</dt><dd><span class="swatch" style="background:${OVERLAP_COLORS[overlap]}" aria-hidden="true"></span> ${esc(fmtInt(overlap))}/3</dd></div>`;
  }
  if (!isHex && has(p, 'omi_zone')) html += `<div><dt>${L('omi_zone')}</dt><dd>${esc(p.omi_zone)}</dd></div>`;
  html += '</dl>';
  html += `<table class="domains"><thead><tr><th scope="col">${L('domain')}</th><th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate')}</th></tr></thead><tbody>`;
  for (const d of DOMAINS) {
    html += `<tr data-domain="${d}"><th scope="row">${L(d)}</th><td class="num">${countCell(p, d)}</td><td class="num">${rateCell(p, `${d}_rate`)}</td></tr>`;
  }
  html += '</tbody></table>';
  html += '<dl class="figures">';
  html += `<div><dt>${L('two_plus')}</dt><dd>${countCell(p, 'two_plus')}</dd></div>`;
  html += `<div><dt>${L('all_three')}</dt><dd>${countCell(p, 'all_three')}</dd></div>`;
  html += '</dl>';
  body.innerHTML = html;
}

function showError(key, detail) {
  const el = $('#error');
  el.textContent = t(state.lang, key) + (detail ? ` (${detail})` : '');
  el.hidden = false;
}

// ---- map style ----------------------------------------------------------------------

const overlapColor = [
  'match', ['coalesce', ['to-number', ['get', 'overlap']], -1],
  0, OVERLAP_COLORS[0],
  1, OVERLAP_COLORS[1],
  2, OVERLAP_COLORS[2],
  3, OVERLAP_COLORS[3],
  '#cccccc',
];
// Areas without residents: almost invisible (still hoverable).
const hasResidents = ['>', ['coalesce', ['to-number', ['get', 'residents']], 0], 0];

function unitLayers(unit, visible) {
  const u = UNITS[unit];
  const visibility = visible ? 'visible' : 'none';
  return [
    {
      id: u.fill, type: 'fill', source: u.source, 'source-layer': u.sourceLayer,
      layout: { visibility },
      paint: {
        'fill-color': overlapColor,
        'fill-opacity': ['case', hasResidents, FILL_OPACITY, 0.06],
      },
    },
    {
      id: u.line, type: 'line', source: u.source, 'source-layer': u.sourceLayer,
      layout: { visibility },
      paint: {
        'line-color': '#ffffff',
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.2, 14, 0.8],
        'line-opacity': ['case', hasResidents, 0.9, 0.3],
      },
    },
  ];
}

function hoverLayer(unit) {
  const u = UNITS[unit];
  return {
    id: u.hover, type: 'line', source: u.source, 'source-layer': u.sourceLayer,
    filter: ['==', ['get', 'id'], '\u0000none'],
    layout: { visibility: 'none', 'line-join': 'round' },
    paint: { 'line-color': '#111111', 'line-width': 2.5 },
  };
}

function buildStyle(available) {
  const sources = {};
  for (const name of ['hexagons', 'sections', 'omi_zones', 'boundary']) {
    if (available.has(name)) sources[name] = { type: 'vector', url: tileJSON(name) };
  }
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }];
  for (const unit of Object.keys(UNITS)) {
    if (available.has(unit)) layers.push(...unitLayers(unit, unit === state.unit));
  }
  if (available.has('omi_zones')) {
    layers.push({
      id: LAYER_IDS.omi, type: 'line', source: 'omi_zones', 'source-layer': 'omi_zones',
      paint: {
        'line-color': '#6f6f6f',
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 15, 1],
        'line-opacity': 0.55,
        'line-dasharray': [3, 2],
      },
    });
  }
  if (available.has('boundary')) {
    layers.push({
      id: LAYER_IDS.boundary, type: 'line', source: 'boundary', 'source-layer': 'boundary',
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#2b2b2b', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.2, 15, 2.5] },
    });
  }
  for (const unit of Object.keys(UNITS)) {
    if (available.has(unit)) layers.push(hoverLayer(unit));
  }
  return { version: 8, name: 'abitare', sources, layers };
}

// Ask the catalog which layers the server has; if it cannot be read, assume all.
async function readCatalog() {
  try {
    const res = await fetch(new URL('catalog.json', tilesBase), { headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    const cat = await res.json();
    const ids = (cat.layers || []).map((l) => (typeof l === 'string' ? l : l.id)).filter(Boolean);
    return ids.length ? new Set(ids) : null;
  } catch {
    return null;
  }
}

// ---- map ----------------------------------------------------------------------------

let map = null;
let attribution = null;

function setAttribution() {
  if (!map) return;
  if (attribution) map.removeControl(attribution);
  attribution = new AttributionControl({ compact: window.matchMedia('(max-width: 720px)').matches, customAttribution: t(state.lang, 'attribution') });
  map.addControl(attribution, 'bottom-right');
}

// On narrow screens MapLibre opens the compact attribution at start; fold it (the (i) button reopens it).
function foldCompactAttribution() {
  const el = map?.getContainer().querySelector('.maplibregl-ctrl-attrib.maplibregl-compact-show');
  if (el) el.classList.remove('maplibregl-compact-show');
}

function setUnit(unit) {
  if (!UNITS[unit]) return;
  state.unit = unit;
  state.hovered = null;
  setHashParam('layer', unit);
  storageSet('abitare.layer', unit);
  for (const r of document.querySelectorAll('input[name="layer"]')) r.checked = r.value === unit;
  if (map) {
    for (const [name, u] of Object.entries(UNITS)) {
      const vis = name === unit ? 'visible' : 'none';
      for (const id of [u.fill, u.line]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', vis);
      if (map.getLayer(u.hover)) map.setLayoutProperty(u.hover, 'visibility', 'none');
    }
  }
  renderInfo();
}

function setLang(lang) {
  const l = normalizeLang(lang);
  if (!l) return;
  state.lang = l;
  setHashParam('lang', l);
  storageSet('abitare.lang', l);
  applyStrings();
  setAttribution();
}

function setHovered(props) {
  const u = UNITS[state.unit];
  const prevId = state.hovered?.props?.id;
  if (!props) {
    if (!state.hovered) return;
    state.hovered = null;
    if (map.getLayer(u.hover)) map.setLayoutProperty(u.hover, 'visibility', 'none');
    renderInfo();
    return;
  }
  if (prevId !== undefined && prevId === props.id && state.hovered.unit === state.unit) return;
  state.hovered = { unit: state.unit, props };
  if (map.getLayer(u.hover)) {
    map.setFilter(u.hover, ['==', ['get', 'id'], props.id ?? '\u0000none']);
    map.setLayoutProperty(u.hover, 'visibility', 'visible');
  }
  renderInfo();
}

function featureAt(point) {
  const layer = UNITS[state.unit].fill;
  if (!map.getLayer(layer)) return null;
  const f = map.queryRenderedFeatures(point, { layers: [layer] });
  return f.length ? f[0].properties : null;
}

// For tests and debugging: how many features of each unit kind are drawn.
function countRendered() {
  for (const [name, u] of Object.entries(UNITS)) {
    if (!map.getLayer(u.fill) || map.getLayoutProperty(u.fill, 'visibility') === 'none') continue;
    const n = map.queryRenderedFeatures({ layers: [u.fill] }).length;
    if (n > 0) document.body.dataset[name] = String(n);
  }
}

async function start() {
  applyStrings();
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  for (const r of document.querySelectorAll('input[name="layer"]')) {
    r.checked = r.value === state.unit;
    r.addEventListener('change', () => { if (r.checked) setUnit(r.value); });
  }
  // Keep the lang/layer params in the hash too (MapLibre adds map=).
  setHashParam('lang', state.lang);
  setHashParam('layer', state.unit);

  const catalog = await readCatalog();
  if (catalog) state.available = catalog;
  for (const [name] of Object.entries(UNITS)) {
    const input = document.querySelector(`input[name="layer"][value="${name}"]`);
    if (input) input.disabled = !state.available.has(name);
  }
  if (!state.available.has(state.unit)) state.unit = state.available.has('hexagons') ? 'hexagons' : 'sections';

  try {
    map = new MapLibreMap({
      container: 'map',
      style: buildStyle(state.available),
      center: INITIAL_VIEW.center,
      zoom: INITIAL_VIEW.zoom,
      minZoom: 9,
      maxZoom: 18,
      maxBounds: MAX_BOUNDS,
      hash: 'map',
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
  } catch (err) {
    console.error(err);
    showError('error_webgl', err && err.message);
    return;
  }
  map.touchZoomRotate.disableRotation();
  window.abitare = { map, state, layerIds: LAYER_IDS };

  map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  setAttribution();

  let tileErrors = 0;
  map.on('error', (e) => {
    console.error('map error:', e && e.error ? e.error.message || e.error : e);
    // A TileJSON that cannot be read leaves a layer empty: tell the user. Single tile errors
    // (e.tile set) are only logged.
    if (e && e.sourceId && !e.tile && ++tileErrors === 1) showError('error_tiles', e.sourceId);
  });

  map.on('mousemove', (e) => {
    const props = featureAt(e.point);
    map.getCanvas().style.cursor = props ? 'crosshair' : '';
    setHovered(props);
  });
  map.getCanvas().addEventListener('mouseleave', () => setHovered(null));
  // Touch screens have no hover: a tap selects the area.
  map.on('click', (e) => setHovered(featureAt(e.point)));
  // Keyboard users: after a keyboard pan/zoom, describe the area at the centre.
  map.on('moveend', () => {
    if (document.activeElement === map.getCanvas()) {
      const c = map.project(map.getCenter());
      setHovered(featureAt(c));
    }
  });
  map.on('idle', countRendered);
  map.once('idle', foldCompactAttribution);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
