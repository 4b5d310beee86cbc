// Abitare map front end: MapLibre GL JS over our own vector tiles, no basemap.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { Map as MapLibreMap, AttributionControl, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import { DEFAULT_LANG, LOCALES, normalizeLang, t, tf } from './i18n.js';

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
  indicator: { hexagons: 'indicators', sections: 'indicators_sections', districts: 'indicators_districts' },
  hotspot: { hexagons: 'hotspots', sections: 'hotspots_sections' },
};
const UNIT_NAMES = ['hexagons', 'sections', 'adaptive', 'districts'];
// Published (protected) figures per OMI zone: the finest level with public health figures.
const DISTRICT_SOURCE = 'indicators_districts';

// Roles and permissions of GET /api/session.
const PERM = {
  published: 'read published figures',
  aggregates: 'read restricted aggregates',
  people: 'read person-level data',
  linkage: 'manage linkage',
  admin: 'administer users and audit',
};
const ANONYMOUS = Object.freeze({ user: '', role: 'public', via: 'anonymous', permissions: [PERM.published], legacy: false });
// A server without /api/session predates roles: everything it serves is open.
const LEGACY = Object.freeze({ user: '', role: 'public', via: 'anonymous', permissions: [PERM.published, PERM.aggregates], legacy: true });
// Catalogs to assume when /tiles/catalog.json cannot be read.
const BASE_LAYERS = ['omi_zones', 'boundary'];
const PUBLIC_LAYERS = ['hexagons', 'sections', 'adaptive', 'indicators', 'indicators_sections', DISTRICT_SOURCE, ...BASE_LAYERS];
const RESTRICTED_LAYERS = [...PUBLIC_LAYERS, 'hotspots', 'hotspots_sections'];
// Needs of a targeting list (/api/targeting): the domains and the need signals.
const TARGET_DOMAINS = ['poverty', 'housing', 'health', 'work', 'education'];
const TARGET_SIGNALS = ['eviction', 'disability', 'mental_health', 'job_seeker'];
const MIN_PURPOSE = 10;
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
};

// Sequential, colour-blind-safe (magma-like, monotonic lightness): 0 light .. 3 dark.
const OVERLAP_COLORS = ['#e7e1ef', '#fdbf86', '#d3436e', '#4a1079'];
// Indicator rates: ColorBrewer YlGnBu (sequential, colour-blind safe), 5 classes.
const RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
const WITHHELD_COLOR = '#c9c9c9';
// Not published at this level (status "suppressed"): grey and hatched, never drawn as zero.
const NODATA_COLOR = '#d6d6d6';
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

// ---- state: language, view, unit kind, indicator..., kept in the URL hash (next to map=) ----

function hashParams() {
  return new URLSearchParams(window.location.hash.replace(/^#/, ''));
}

function setHashParams(obj) {
  const p = hashParams();
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined || v === '') p.delete(k);
    else p.set(k, v);
  }
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

// A parameter from the hash, else localStorage, else the default, if it is one of the allowed values.
function pick(param, allowed, fallback) {
  const h = hashParams().get(param);
  if (allowed.includes(h)) return h;
  const s = storageGet(`abitare.${param}`);
  return allowed.includes(s) ? s : fallback;
}

const state = {
  lang: normalizeLang(hashParams().get('lang')) || normalizeLang(storageGet('abitare.lang')) || DEFAULT_LANG,
  view: pick('view', VIEWS, 'overlap'),
  unit: pick('layer', UNIT_NAMES, 'hexagons'),
  indicator: pick('ind', INDICATORS, 'multi_domain'),
  measure: pick('measure', MEASURES, 'rate'),
  analysis: pick('analysis', ANALYSES, 'moran_multi_domain'),
  hovered: null, // {source, props}
  selected: null, // {geography, id, source, period}
  profile: null, // last API answer or {error}
  rankingOpen: false,
  ranking: null, // {key, data} | {key, error} | {key, loading}
  rankingNote: '',
  breaks: null, // {key, values}
  available: new Set(PUBLIC_LAYERS),
  tileSources: {}, // layer -> TileJSON, from the catalog
  session: ANONYMOUS, // GET /api/session
  release: null, // latest public release (GET /api/releases)
  loginOpen: false,
  loginBusy: false,
  loginError: null, // {key, detail}
  suppressedHere: false, // the current indicator is mostly "suppressed" in the loaded features
  targeting: null, // {area, purpose, list, person, timeline}: housing office only, never stored
};
normalizeUnit();

function currentSource() {
  return SOURCES[state.view][state.unit] || SOURCES[state.view].hexagons;
}

function can(perm) {
  return state.session.permissions.includes(perm);
}
// Whether the tiles of src carry the published (protected) figures rather than the restricted
// ones: no EB rate, interval, trend or unstable flag, and a status per indicator.
function publishedSource(src) {
  return src === DISTRICT_SOURCE || !can(PERM.aggregates);
}
function viewAvailable(view) {
  return Object.values(SOURCES[view]).some((src) => state.available.has(src));
}
// Keep the unit kind valid for the view (adaptive: overlap only; districts: indicator only)
// and among the layers the role may see.
function normalizeUnit() {
  if (!SOURCES[state.view][state.unit]) state.unit = 'hexagons';
  if (!state.available.has(currentSource())) {
    const ok = Object.keys(SOURCES[state.view]).find((u) => state.available.has(SOURCES[state.view][u]));
    if (ok) state.unit = ok;
  }
}
// The hotspot view needs the restricted catalog: fall back to the overlap view without it.
function normalizeView() {
  if (!viewAvailable(state.view)) state.view = 'overlap';
  normalizeUnit();
}

// ---- formatting ---------------------------------------------------------------------

function fmtInt(n) {
  return new Intl.NumberFormat(LOCALES[state.lang], { maximumFractionDigits: 0 }).format(n);
}
function fmtRate(n) {
  return new Intl.NumberFormat(LOCALES[state.lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
}
function fmtSigned(n) {
  return (n > 0 ? '+' : n < 0 ? '−' : '±') + fmtRate(Math.abs(n));
}
function fmtP(n) {
  return new Intl.NumberFormat(LOCALES[state.lang], { maximumSignificantDigits: 2 }).format(n);
}
function has(props, key) {
  return props != null && Object.prototype.hasOwnProperty.call(props, key) && props[key] !== null && props[key] !== '';
}
function num(props, key) {
  if (!has(props, key)) return null;
  const v = Number(props[key]);
  return Number.isFinite(v) ? v : null;
}
function truthy(v) {
  return v === true || v === 'true' || v === 1;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
const L = (k) => esc(t(state.lang, k));
const LF = (k, p) => esc(tf(state.lang, k, p));

function withheldSpan() {
  return `<span class="suppressed" title="${L('suppressed_title')}">${L('suppressed')}</span>`;
}
function naSpan() {
  return `<span class="suppressed" title="${L('suppressed_title')}">${L('not_available')}</span>`;
}
// Not published at this level (published figures, status "suppressed").
function notPublishedSpan(ind) {
  const title = ind === 'health' ? L('not_published_health_title') : L('not_published_title');
  return `<span class="suppressed not-published" title="${title}">${L('not_published')}</span>`;
}
function isSuppressed(props, ind) {
  return has(props, `${ind}_status`) && props[`${ind}_status`] === 'suppressed';
}
// Published figures carry a status per indicator; restricted ones do not.
function isPublishedFeature(props) {
  return INDICATORS.some((i) => has(props, `${i}_status`));
}
// A count missing from the properties was withheld (restricted figures, below the disclosure
// threshold) or not published at this level (published figures).
function countCell(props, key) {
  if (num(props, key) !== null) return esc(fmtInt(num(props, key)));
  if (isSuppressed(props, key) || (isPublishedFeature(props) && INDICATORS.includes(key))) return notPublishedSpan(key);
  return withheldSpan();
}
function rateCell(props, key) {
  if (num(props, key) !== null) return esc(fmtRate(num(props, key)));
  const ind = key.replace(/_(rate|eb|low|high)$/, '');
  if (!isSuppressed(props, ind)) return naSpan();
  // the count cell next to it already says "suppressed"
  const title = ind === 'health' ? L('not_published_health_title') : L('not_published_title');
  return `<span class="suppressed" title="${title}">—</span>`;
}
function roleLabel(role) {
  const k = `role_${role}`;
  const l = t(state.lang, k);
  return l === k ? String(role) : l;
}

function isSynthetic(props) {
  return truthy(props.synthetic);
}

function analysisLabel(a) {
  const lang = state.lang;
  if (a.startsWith('moran_')) return tf(lang, 'analysis_moran', { ind: t(lang, a.slice(6)) });
  if (a.startsWith('gi_')) return tf(lang, 'analysis_gi', { ind: t(lang, a.slice(3)) });
  const [x, y] = bivariatePair(a);
  return tf(lang, 'analysis_bivariate', { x: t(lang, x), y: t(lang, y) });
}
function bivariatePair(a) {
  const rest = a.replace(/^bivariate_/, '');
  for (const [x, y] of BIVARIATE) if (rest === `${x}_${y}`) return [x, y];
  return rest.split('_');
}
function clusterLabel(a, code) {
  if (a.startsWith('gi_') && (code === 1 || code === 2)) return t(state.lang, `gi_${code}`);
  return t(state.lang, `cluster_${code}`);
}
function clusterColor(a, code) {
  return (a.startsWith('gi_') ? GI_COLORS : CLUSTER_COLORS)[code] || CLUSTER_COLORS[0];
}

// ---- DOM: static strings, selects, legend, info panel --------------------------------

const $ = (sel) => document.querySelector(sel);

function fillSelect(sel, options, value) {
  sel.replaceChildren(...options.map((o) => {
    if (o.group) {
      const g = document.createElement('optgroup');
      g.label = o.group;
      g.append(...o.options.map((x) => new Option(x.label, x.value, false, x.value === value)));
      return g;
    }
    return new Option(o.label, o.value, false, o.value === value);
  }));
  sel.value = value;
}

function renderSelects() {
  const lang = state.lang;
  const inds = INDICATORS.map((i) => ({ value: i, label: t(lang, i) }));
  fillSelect($('#indicator-select'), inds, state.indicator);
  fillSelect($('#ranking-indicator'), inds, state.indicator);
  fillSelect($('#analysis-select'), [
    { group: t(lang, 'group_moran'), options: HOT_INDICATORS.map((i) => ({ value: `moran_${i}`, label: t(lang, i) })) },
    { group: t(lang, 'group_gi'), options: HOT_INDICATORS.map((i) => ({ value: `gi_${i}`, label: t(lang, i) })) },
    {
      group: t(lang, 'group_bivariate'),
      options: BIVARIATE.map(([x, y]) => ({ value: `bivariate_${x}_${y}`, label: analysisLabel(`bivariate_${x}_${y}`) })),
    },
  ], state.analysis);
}

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
  renderSelects();
  renderAuth();
  renderControls();
  renderLegend();
  renderProtection();
  renderInfo();
  renderProfile();
  renderTargeting();
  renderRanking();
}

// The measure actually drawn: the EB rate only where the tiles have it (restricted figures).
function effectiveMeasure() {
  return state.measure === 'eb' && !publishedSource(currentSource()) ? 'eb' : 'rate';
}

// Controls that depend on the view and the role (subtitle, option groups, unit radios).
function renderControls() {
  const src = currentSource();
  const published = publishedSource(src);
  const sub = state.view === 'indicator' && published ? 'subtitle_indicator_public' : `subtitle_${state.view}`;
  $('#subtitle').textContent = t(state.lang, sub);
  for (const r of document.querySelectorAll('input[name="view"]')) {
    r.checked = r.value === state.view;
    const ok = viewAvailable(r.value);
    r.disabled = !ok;
    r.closest('label').hidden = !ok;
  }
  for (const r of document.querySelectorAll('input[name="measure"]')) {
    r.checked = r.value === effectiveMeasure();
    r.disabled = r.value === 'eb' && published;
  }
  $('#measure-eb').closest('label').title = published ? t(state.lang, 'measure_eb_unavailable') : '';
  for (const r of document.querySelectorAll('input[name="layer"]')) {
    r.checked = r.value === state.unit;
    r.disabled = !state.available.has(SOURCES[state.view][r.value] || SOURCES.overlap[r.value]);
  }
  $('#layer-adaptive-label').hidden = state.view !== 'overlap';
  $('#layer-districts-label').hidden = state.view !== 'indicator' || !state.available.has(DISTRICT_SOURCE);
  $('#indicator-options').hidden = state.view !== 'indicator';
  $('#hotspot-options').hidden = state.view !== 'hotspot';
  $('#ranking-button').hidden = !can(PERM.aggregates);
  renderDistrictHint();
  document.body.dataset.view = state.view;
}

// "Health figures only by district": shown in the indicator view when the loaded hexagons or
// sections have the chosen indicator mostly suppressed, with a one-click switch to districts.
function renderDistrictHint() {
  const box = $('#district-hint');
  const show = state.view === 'indicator' && state.unit !== 'districts' && state.suppressedHere
    && state.available.has(DISTRICT_SOURCE);
  box.hidden = !show;
  if (show) $('#district-hint-text').textContent = tf(state.lang, 'district_hint', { ind: t(state.lang, state.indicator) });
}

function legendItem(color, label, { opacity = FILL_OPACITY, className = '', data = {} } = {}) {
  const li = document.createElement('li');
  for (const [k, v] of Object.entries(data)) li.dataset[k] = v;
  const sw = document.createElement('span');
  sw.className = `swatch ${className}`.trim();
  if (color) sw.style.background = color;
  sw.style.opacity = String(opacity);
  sw.setAttribute('aria-hidden', 'true');
  const label_ = document.createElement('span');
  label_.className = 'legend-label';
  label_.textContent = label;
  li.append(sw, label_);
  return li;
}

function setLegendNotes(keysOrText) {
  const box = $('#legend-notes');
  box.replaceChildren(...keysOrText.map((txt) => {
    const p = document.createElement('p');
    p.className = 'legend-note';
    p.textContent = txt;
    return p;
  }));
}

function renderLegend() {
  const lang = state.lang;
  const ul = $('#legend-items');
  const title = $('#legend-title');
  ul.className = 'legend-items';
  const published = publishedSource(currentSource());
  if (state.view === 'overlap') {
    title.textContent = t(lang, 'legend_title');
    ul.replaceChildren(...OVERLAP_COLORS.map((color, i) => legendItem(color, t(lang, `overlap_${i}`), { data: { overlap: String(i) } })));
    const notes = [t(lang, 'legend_no_residents')];
    if (published) notes.push(t(lang, 'legend_not_published'), t(lang, 'legend_public_overlap'));
    else notes.push(t(lang, 'legend_suppressed'));
    setLegendNotes(notes);
  } else if (state.view === 'indicator') {
    const measure = effectiveMeasure();
    title.textContent = tf(lang, 'legend_indicator_title', { ind: t(lang, state.indicator), measure: t(lang, `measure_${measure}`) });
    const b = currentBreaks();
    const items = RAMP.map((color, i) => {
      let label;
      if (i === 0) label = `< ${fmtRate(b[0])}`;
      else if (i === RAMP.length - 1) label = `≥ ${fmtRate(b[i - 1])}`;
      else label = `${fmtRate(b[i - 1])} – ${fmtRate(b[i])}`;
      return legendItem(color, label, { data: { cls: String(i) } });
    });
    if (published) {
      items.push(legendItem(NODATA_COLOR, t(lang, 'legend_nodata'), { opacity: 1, className: 'hatched nodata', data: { cls: 'nodata' } }));
    } else {
      items.push(legendItem(WITHHELD_COLOR, t(lang, 'legend_withheld'), { data: { cls: 'withheld' } }));
      items.push(legendItem(RAMP[2], t(lang, 'legend_unstable'), { opacity: 1, className: 'hatched', data: { cls: 'unstable' } }));
    }
    ul.classList.add('two-col');
    ul.replaceChildren(...items);
    const notes = [t(lang, 'legend_breaks_note')];
    if (measure === 'eb') notes.push(t(lang, 'legend_eb_note'));
    if (published) notes.push(t(lang, 'legend_published_rates'));
    setLegendNotes(notes);
  } else {
    const a = state.analysis;
    title.textContent = analysisLabel(a);
    const codes = a.startsWith('gi_') ? [1, 2, 0] : [1, 2, 3, 4, 6, 0];
    ul.classList.add('two-col');
    ul.replaceChildren(...codes.map((c) => legendItem(clusterColor(a, c), clusterLabel(a, c), { data: { cluster: String(c) } })));
    let stat;
    if (a.startsWith('moran_')) stat = tf(lang, 'legend_moran_note', { ind: t(lang, a.slice(6)).toLowerCase() });
    else if (a.startsWith('gi_')) stat = tf(lang, 'legend_gi_note', { ind: t(lang, a.slice(3)).toLowerCase() });
    else {
      const [x, y] = bivariatePair(a);
      stat = tf(lang, 'legend_bivariate_note', { x: t(lang, x).toLowerCase(), y: t(lang, y).toLowerCase() });
    }
    const notes = [stat, t(lang, 'legend_significance_note')];
    if (state.unit === 'hexagons') notes.push(t(lang, 'legend_hotspot_units'));
    setLegendNotes(notes);
  }
}

// How the figures are protected: for everyone, in the legend (with the release manifest).
function renderProtection() {
  const box = $('#protection');
  const s = state.session;
  box.hidden = s.legacy;
  if (s.legacy) return;
  const threshold = Number(state.release?.threshold) > 1 ? Number(state.release.threshold) : 5;
  const health = state.release?.health_geographies;
  const key = Array.isArray(health) && !health.includes('omi') ? 'protection_note_nohealth' : 'protection_note';
  let html = `<p class="protection-note">${LF(key, { max: threshold - 1 })} `
    + `<a href="${esc(new URL('releases', apiBase).href)}" target="_blank" rel="noopener">${L('protection_link')}</a></p>`;
  if (can(PERM.aggregates)) html += `<p class="restricted-note">${LF('restricted_note', { role: roleLabel(s.role) })}</p>`;
  box.innerHTML = html;
}

function kindOfSource(src) {
  if (src.includes('sections')) return 'section';
  if (src === DISTRICT_SOURCE) return 'omi';
  return 'h3';
}
function kindOfGeography(g) {
  return g === 'section' || g === 'omi' ? g : 'h3';
}

function areaHead(src, p) {
  const kindOf = kindOfSource(src);
  const isHex = kindOf === 'h3';
  const kind = kindOf === 'section' ? 'section' : kindOf === 'omi' ? 'district' : src === 'adaptive' ? 'hexagon_adaptive' : 'hexagon';
  const id = has(p, 'id') ? esc(p.id) : L('not_available');
  let head = `<p class="area-id"><span class="area-kind">${L(kind)}</span> <code>${id}</code>`;
  if (isHex && has(p, 'resolution')) head += ` <span class="area-res">(${L('resolution')} ${esc(fmtInt(num(p, 'resolution') ?? 0))})</span>`;
  if (kindOf === 'omi' && has(p, 'name')) head += ` <span class="area-name">${esc(p.name)}</span>`;
  head += '</p>';
  const isSection = kindOf === 'section';
  if (isSection && isSynthetic(p)) head += `<p class="note synthetic">${L('synthetic_note')}</p>`;
  return head;
}

function renderInfo() {
  const body = $('#info-body');
  const h = state.hovered;
  if (!h) {
    body.innerHTML = `<p class="hint">${L('panel_hint')}</p>`;
    return;
  }
  const p = h.props;
  const head = areaHead(h.source, p);
  const residents = num(p, 'residents');
  if (residents === 0) {
    body.innerHTML = `${head}<p class="no-residents">${L('no_residents')}</p>`;
    return;
  }
  let html = head;
  if (state.view === 'indicator') html += infoIndicator(p);
  else if (state.view === 'hotspot') html += infoHotspot(p);
  else html += infoOverlap(h.source, p);
  html += `<p class="hint click-hint">${L('click_hint')}</p>`;
  body.innerHTML = html;
}

function infoOverlap(src, p) {
  const overlap = num(p, 'overlap');
  let html = '<dl class="figures">';
  html += `<div><dt>${L('residents')}</dt><dd>${countCell(p, 'residents')}</dd></div>`;
  if (overlap !== null && overlap >= 0 && overlap <= 3) {
    html += `<div><dt>${L('overlap')}</dt><dd><span class="swatch" style="background:${OVERLAP_COLORS[overlap]}" aria-hidden="true"></span> ${esc(fmtInt(overlap))}/3</dd></div>`;
  }
  if (has(p, 'omi_zone')) html += `<div><dt>${L('omi_zone')}</dt><dd>${esc(p.omi_zone)}</dd></div>`;
  html += '</dl>';
  html += `<table class="domains"><thead><tr><th scope="col">${L('domain')}</th><th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate')}</th></tr></thead><tbody>`;
  for (const d of DOMAINS) {
    html += `<tr data-domain="${d}"><th scope="row">${L(d)}</th><td class="num">${countCell(p, d)}</td><td class="num">${rateCell(p, `${d}_rate`)}</td></tr>`;
  }
  // Published figures have no two_plus / all_three: the multi-domain indicator stands in.
  const overlapCounts = has(p, 'two_plus') || has(p, 'all_three') || !isPublishedFeature(p);
  if (!overlapCounts && (has(p, 'multi_domain') || has(p, 'multi_domain_status'))) {
    html += `<tr data-domain="multi_domain"><th scope="row">${L('multi_domain')}</th><td class="num">${countCell(p, 'multi_domain')}</td>`
      + `<td class="num">${rateCell(p, 'multi_domain_rate')}</td></tr>`;
  }
  html += '</tbody></table>';
  if (overlapCounts) {
    html += '<dl class="figures">';
    html += `<div><dt>${L('two_plus')}</dt><dd>${countCell(p, 'two_plus')}</dd></div>`;
    html += `<div><dt>${L('all_three')}</dt><dd>${countCell(p, 'all_three')}</dd></div>`;
    html += '</dl>';
  }
  return html;
}

function unstableMark(flag) {
  return flag ? `<abbr class="unstable" title="${L('unstable_title')}">*</abbr>` : '';
}

function infoIndicator(p) {
  // Published figures have no EB rate: no EB column then.
  const withEB = INDICATORS.some((i) => has(p, `${i}_eb`)) || !isPublishedFeature(p);
  let html = '<dl class="figures">';
  html += `<div><dt>${L('residents')}</dt><dd>${countCell(p, 'residents')}</dd></div>`;
  html += '</dl>';
  html += `<table class="domains"><thead><tr><th scope="col">${L('indicator_label')}</th><th scope="col" class="num">${L('count')}</th>`
    + `<th scope="col" class="num">${L('rate_short')}</th>${withEB ? `<th scope="col" class="num">${L('eb_short')}</th>` : ''}</tr></thead><tbody>`;
  for (const i of INDICATORS) {
    const cur = i === state.indicator ? ' class="current"' : '';
    html += `<tr data-indicator="${i}"${cur}><th scope="row">${L(i)}</th><td class="num">${countCell(p, i)}</td>`
      + `<td class="num">${rateCell(p, `${i}_rate`)}${unstableMark(num(p, `${i}_rate`) !== null && truthy(p[`${i}_unstable`]))}</td>`
      + `${withEB ? `<td class="num">${rateCell(p, `${i}_eb`)}</td>` : ''}</tr>`;
  }
  html += '</tbody></table>';
  if (isSuppressed(p, state.indicator) && state.available.has(DISTRICT_SOURCE)) {
    html += `<p class="small muted">${LF('district_hint', { ind: t(state.lang, state.indicator) })}</p>`;
  }
  const lo = num(p, `${state.indicator}_low`);
  const hi = num(p, `${state.indicator}_high`);
  if (lo !== null && hi !== null) {
    html += `<p class="small">${L(state.indicator)}: ${L('ci95')} ${esc(fmtRate(lo))}–${esc(fmtRate(hi))} ${L('per_thousand')}</p>`;
  }
  return html;
}

function infoHotspot(p) {
  const a = state.analysis;
  const code = num(p, a) ?? 0;
  let html = `<p class="cluster-line"><span class="swatch" style="background:${clusterColor(a, code)}" aria-hidden="true"></span> <strong>${esc(clusterLabel(a, code))}</strong></p>`;
  html += `<p class="small muted">${esc(analysisLabel(a))}</p>`;
  const others = ANALYSES.filter((x) => x !== a && (num(p, x) ?? 0) > 0);
  if (others.length) {
    html += '<ul class="memberships">';
    for (const x of others) html += `<li><span class="swatch" style="background:${clusterColor(x, num(p, x))}" aria-hidden="true"></span> ${esc(analysisLabel(x))}: ${esc(clusterLabel(x, num(p, x)))}</li>`;
    html += '</ul>';
  }
  return html;
}

function showError(key, detail) {
  const el = $('#error');
  el.textContent = t(state.lang, key) + (detail ? ` (${detail})` : '');
  el.hidden = false;
}

// ---- profile panel: /api/areas/{geography}/{id} ---------------------------------------

function geographyOf(src, props) {
  if (src.includes('sections')) return 'section';
  if (src === DISTRICT_SOURCE) return 'omi';
  const r = num(props, 'resolution');
  return r !== null ? `h3_${r}` : `h3_${currentHexRes()}`;
}

let profileSeq = 0;
let profileReturnFocus = null;

async function openProfile(sel, { focus = true } = {}) {
  state.selected = sel;
  state.profile = { loading: true };
  setHashParams({ area: `${sel.geography}:${sel.id}` });
  highlightSelected();
  const panel = $('#profile');
  if (panel.hidden) profileReturnFocus = document.activeElement;
  panel.hidden = false;
  layoutSide();
  renderProfile();
  if (focus) panel.focus({ preventScroll: true });
  resetTargetingFor(sel);
  renderTargeting();
  const seq = ++profileSeq;
  const url = new URL(`areas/${encodeURIComponent(sel.geography)}/${encodeURIComponent(sel.id)}`, apiBase);
  if (sel.period) url.searchParams.set('period', sel.period);
  let result;
  try {
    const res = await apiFetch(url);
    if (res.status === 404) result = { error: 'profile_not_found' };
    else if (res.status === 401 || res.status === 403) result = { error: 'error_forbidden', detail: await errorText(res) };
    else if (!res.ok) result = { error: 'profile_error', detail: `HTTP ${res.status}` };
    else result = { data: await res.json() };
    checkSession(res);
  } catch (err) {
    result = { error: 'profile_error', detail: err && err.message };
  }
  if (seq !== profileSeq) return;
  state.profile = result;
  renderProfile();
  renderTargeting();
}

function closeProfile() {
  const panel = $('#profile');
  if (panel.hidden) return;
  profileSeq++;
  panel.hidden = true;
  state.selected = null;
  state.profile = null;
  state.targeting = null;
  renderTargeting();
  setHashParams({ area: null });
  highlightSelected();
  layoutSide();
  renderRanking();
  const back = profileReturnFocus;
  profileReturnFocus = null;
  if (back && document.contains(back) && typeof back.focus === 'function') back.focus();
}

function sparkline(series) {
  const w = 64; const h = 18; const pad = 2;
  const vals = series.map((q) => (q.status === 'withheld' || q.status === 'suppressed' || q.rate === null || q.rate === undefined ? null : Number(q.rate)));
  const known = vals.filter((v) => v !== null);
  const gap = (q) => t(state.lang, q.status === 'suppressed' ? 'not_published' : 'suppressed');
  const label = tf(state.lang, 'sparkline_label', {
    values: series.map((q, i) => `${String(q.period).replace(/^\d{4}-/, '')} ${vals[i] === null ? gap(q) : fmtRate(vals[i])}`).join(', '),
  });
  if (!known.length) return `<span class="suppressed" title="${esc(label)}">${esc(gap(series[0] || {}))}</span>`;
  const max = Math.max(...known); const min = Math.min(0, ...known);
  const x = (i) => pad + (series.length > 1 ? (i * (w - 2 * pad)) / (series.length - 1) : (w - 2 * pad) / 2);
  const y = (v) => h - pad - ((v - min) / (max - min || 1)) * (h - 2 * pad);
  let path = ''; let pen = false;
  const dots = [];
  vals.forEach((v, i) => {
    if (v === null) { pen = false; dots.push(`<circle cx="${x(i).toFixed(1)}" cy="${h - pad}" r="1.6" class="sp-gap"/>`); return; }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
    dots.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="1.6"/>`);
  });
  return `<svg class="sparkline" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>`
    + `<path d="${path}"/>${dots.join('')}</svg>`;
}

function trendCell(ind) {
  if (ind.change === null || ind.change === undefined) return `<span class="trend none" title="${L('trend_none')}">—</span>`;
  const c = Number(ind.change);
  const [arrow, key] = c > 0 ? ['↑', 'trend_up'] : c < 0 ? ['↓', 'trend_down'] : ['→', 'trend_flat'];
  return `<span class="trend" title="${L(key)}"><span aria-hidden="true">${arrow}</span> ${esc(fmtSigned(c))}</span>`;
}

function combinationLabel(comb) {
  return String(comb).split('+').map((d) => t(state.lang, d)).join(t(state.lang, 'comb_sep'));
}

function renderProfile() {
  const body = $('#profile-body');
  if (!body || $('#profile').hidden) return;
  const sel = state.selected;
  const pr = state.profile;
  if (!sel || !pr) { body.innerHTML = ''; return; }
  const kind = { section: 'section', omi: 'district', municipality: 'municipality' }[sel.geography] || 'hexagon';
  const res = sel.geography.startsWith('h3_') ? sel.geography.slice(3) : '';
  let html = `<p class="area-id"><span class="area-kind">${L(kind)}</span> <code>${esc(sel.id)}</code>`;
  if (res) html += ` <span class="area-res">(${L('resolution')} ${esc(res)})</span>`;
  if (sel.name) html += ` <span class="area-name">${esc(sel.name)}</span>`;
  html += '</p>';
  if (pr.loading) { body.innerHTML = `${html}<p class="hint">${L('profile_loading')}</p>`; return; }
  if (pr.error) {
    body.innerHTML = `${html}<p class="hint error-text">${L(pr.error)}${pr.detail ? ` (${esc(pr.detail)})` : ''}</p>`;
    return;
  }
  const d = pr.data || {};
  const inds = [...(d.indicators || [])].sort((a, b) => INDICATORS.indexOf(a.indicator) - INDICATORS.indexOf(b.indicator));
  // The public's answer (published figures): protected counts with a status, a protection note.
  const published = d.protection !== undefined || inds.some((i) => i.status === 'protected' || i.status === 'suppressed');
  if (published) { body.innerHTML = html + publishedProfile(sel, d, inds); return; }
  const residents = inds.find((i) => i.residents !== null && i.residents !== undefined)?.residents;
  html += '<dl class="figures">';
  if (residents !== undefined) html += `<div><dt>${L('residents')}</dt><dd>${esc(fmtInt(residents))}</dd></div>`;
  if (d.period) html += `<div><dt>${L('profile_period')}</dt><dd>${esc(d.period)}</dd></div>`;
  html += '</dl>';

  html += `<h3>${L('profile_indicators')} <span class="muted small">(${L('per_thousand')})</span></h3>`;
  html += `<table class="domains profile-table"><thead><tr><th scope="col">${L('indicator_label')}</th><th scope="col" class="num">${L('count')}</th>`
    + `<th scope="col" class="num">${L('rate_short')} <span class="small">[${L('ci95')}]</span></th><th scope="col" class="num">${L('eb_short')}</th>`
    + `<th scope="col" class="num"><abbr class="th-abbr" title="${L('change')}">${L('change_short')}</abbr></th><th scope="col">${L('quarters')}</th></tr></thead><tbody>`;
  let anyUnstable = false;
  for (const i of inds) {
    const withheld = i.status === 'withheld';
    const cur = i.indicator === state.indicator ? ' class="current"' : '';
    anyUnstable ||= !!i.unstable && !withheld;
    const people = withheld || i.people === null ? withheldSpan() : esc(fmtInt(i.people));
    let rate;
    if (withheld || i.rate === null) rate = withheldSpan();
    else {
      rate = `<span class="rate">${esc(fmtRate(i.rate))}${unstableMark(i.unstable)}</span>`;
      if (i.ci_low !== null && i.ci_high !== null) rate += `<span class="ci">${esc(fmtRate(i.ci_low))}–${esc(fmtRate(i.ci_high))}</span>`;
    }
    const eb = i.eb_rate === null || i.eb_rate === undefined ? naSpan() : esc(fmtRate(i.eb_rate));
    const q = (d.quarters || {})[i.indicator];
    html += `<tr data-indicator="${esc(i.indicator)}"${cur}><th scope="row">${L(i.indicator)}</th><td class="num">${people}</td>`
      + `<td class="num">${rate}</td><td class="num">${eb}</td><td class="num">${trendCell(i)}</td>`
      + `<td>${q && q.length ? sparkline(q) : naSpan()}</td></tr>`;
  }
  html += '</tbody></table>';
  if (anyUnstable) html += `<p class="small muted">${L('profile_unstable_note')}</p>`;

  if (!Array.isArray(d.overlap)) { body.innerHTML = html; return; }
  html += `<h3>${L('profile_overlap')}</h3>`;
  const overlap = [...(d.overlap || [])].sort((a, b) => (b.people ?? -1) - (a.people ?? -1)).slice(0, 5);
  if (!overlap.length) html += `<p class="small muted">${L('profile_no_overlap')}</p>`;
  else {
    html += '<table class="domains combos"><tbody>';
    for (const o of overlap) {
      const people = o.status === 'withheld' || o.people === null ? withheldSpan() : esc(fmtInt(o.people));
      html += `<tr><th scope="row">${esc(combinationLabel(o.combination))}</th><td class="num">${people}</td></tr>`;
    }
    html += '</tbody></table>';
  }

  if (!Array.isArray(d.hotspots)) { body.innerHTML = html; return; }
  html += `<h3>${L('profile_hotspots')}</h3>`;
  const hs = (d.hotspots || []).filter((h) => h.significant && Number(h.cluster) > 0)
    .map((h) => ({ ...h, key: String(h.analysis).replace(/:/g, '_') }))
    .sort((a, b) => ANALYSES.indexOf(a.key) - ANALYSES.indexOf(b.key));
  if (!hs.length) html += `<p class="small muted">${L('profile_no_hotspots')}</p>`;
  else {
    html += '<ul class="memberships">';
    for (const h of hs) {
      const code = Number(h.cluster);
      const p = h.p_value !== null && h.p_value !== undefined ? ` <span class="muted">(${L('p_value')} = ${esc(fmtP(h.p_value))})</span>` : '';
      html += `<li><span class="swatch" style="background:${clusterColor(h.key, code)}" aria-hidden="true"></span> `
        + `${esc(analysisLabel(h.key))}: <strong>${esc(clusterLabel(h.key, code))}</strong>${p}</li>`;
    }
    html += '</ul>';
  }
  body.innerHTML = html;
}

// Published figures of an area: protected count, rate from it, status, quarters.
function publishedProfile(sel, d, inds) {
  let html = '';
  const residents = inds.find((i) => i.residents !== null && i.residents !== undefined)?.residents;
  html += '<dl class="figures">';
  if (residents !== undefined) html += `<div><dt>${L('residents')}</dt><dd>${esc(fmtInt(residents))}</dd></div>`;
  if (d.period) html += `<div><dt>${L('profile_period')}</dt><dd>${esc(d.period)}</dd></div>`;
  html += '</dl>';
  html += `<h3>${L('profile_indicators')} <span class="muted small">(${L('per_thousand')})</span></h3>`;
  html += `<table class="domains profile-table published"><thead><tr><th scope="col">${L('indicator_label')}</th>`
    + `<th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate_short')}</th>`
    + `<th scope="col">${L('status_label')}</th><th scope="col">${L('quarters')}</th></tr></thead><tbody>`;
  let healthSuppressed = false;
  for (const i of inds) {
    const suppressed = i.status === 'suppressed';
    if (suppressed && i.indicator === 'health') healthSuppressed = true;
    const cur = i.indicator === state.indicator ? ' class="current"' : '';
    // A suppressed figure says so once, in the status column; the other cells show a dash.
    const title = i.indicator === 'health' ? L('not_published_health_title') : L('not_published_title');
    const dash = `<span class="suppressed" title="${title}">—</span>`;
    const people = suppressed || i.people === null || i.people === undefined ? dash : esc(fmtInt(i.people));
    const rate = suppressed || i.rate === null || i.rate === undefined ? dash : `<span class="rate">${esc(fmtRate(i.rate))}</span>`;
    const statusKey = `status_${i.status}`;
    const status = t(state.lang, statusKey) === statusKey ? esc(i.status || '') : L(statusKey);
    const q = (d.quarters || {})[i.indicator];
    const quarters = q && q.some((x) => x.rate !== null && x.rate !== undefined) ? sparkline(q) : suppressed ? dash : naSpan();
    html += `<tr data-indicator="${esc(i.indicator)}" data-status="${esc(i.status || '')}"${cur}><th scope="row">${L(i.indicator)}</th>`
      + `<td class="num">${people}</td><td class="num">${rate}</td>`
      + `<td><span class="status status-${esc(i.status || 'unknown')}"${suppressed ? ` title="${title}"` : ''}>${status}</span></td>`
      + `<td>${quarters}</td></tr>`;
  }
  html += '</tbody></table>';
  if (healthSuppressed && sel.geography !== 'omi' && state.available.has(DISTRICT_SOURCE)) {
    html += `<p class="small district-line">${LF('district_hint', { ind: t(state.lang, 'health') })} `
      + `<button type="button" class="btn btn-small" data-action="districts-health">${L('district_switch')}</button></p>`;
  }
  const note = state.lang === 'en' && d.protection ? d.protection : t(state.lang, 'profile_protection_note');
  const release = d.release ?? inds[0]?.release;
  html += `<p class="small muted protection">${release !== undefined && release !== null ? `${LF('profile_release', { release })} ` : ''}`
    + `${esc(note)} <a href="${esc(new URL('releases', apiBase).href)}" target="_blank" rel="noopener">${L('protection_link')}</a></p>`;
  return html;
}

// ---- ranking panel: /api/rankings -------------------------------------------------------

function rankingGeography() {
  if (state.unit === 'sections') return 'section';
  if (state.unit === 'districts' && state.view === 'indicator') return 'omi';
  return `h3_${currentHexRes()}`;
}
function rankingURL(geography, csv) {
  const u = new URL('rankings', apiBase);
  u.searchParams.set('indicator', state.indicator);
  u.searchParams.set('geography', geography);
  u.searchParams.set('limit', '20');
  if (csv) u.searchParams.set('format', 'csv');
  return u;
}

let rankingSeq = 0;
async function loadRanking(force = false) {
  if (!state.rankingOpen || !can(PERM.aggregates)) return;
  const geography = rankingGeography();
  const key = `${state.indicator}|${geography}`;
  if (!force && state.ranking && state.ranking.key === key) return;
  state.ranking = { key, geography, loading: true };
  state.rankingNote = '';
  renderRanking();
  const seq = ++rankingSeq;
  let result;
  try {
    const res = await apiFetch(rankingURL(geography));
    if (!res.ok) result = { key, geography, error: await errorText(res) };
    else result = { key, geography, data: await res.json() };
    checkSession(res);
  } catch (err) {
    result = { key, geography, error: err && err.message };
  }
  if (seq !== rankingSeq) return;
  state.ranking = result;
  renderRanking();
}

function openRanking() {
  if (!can(PERM.aggregates)) return;
  state.rankingOpen = true;
  $('#ranking').hidden = false;
  $('#ranking-button').setAttribute('aria-expanded', 'true');
  layoutSide();
  loadRanking();
  $('#ranking').focus({ preventScroll: true });
}
function closeRanking({ focus = true } = {}) {
  state.rankingOpen = false;
  $('#ranking').hidden = true;
  $('#ranking-button').setAttribute('aria-expanded', 'false');
  layoutSide();
  if (focus && !$('#ranking-button').hidden) $('#ranking-button').focus();
}

function renderRanking() {
  const body = $('#ranking-body');
  if (!body || !state.rankingOpen) return;
  const r = state.ranking;
  const geography = r?.geography || rankingGeography();
  $('#ranking-csv').href = rankingURL(geography, true).href;
  $('#ranking-indicator').value = state.indicator;
  const geoLabel = geography === 'section' ? t(state.lang, 'ranking_geo_section')
    : geography === 'omi' ? t(state.lang, 'ranking_geo_omi') : tf(state.lang, 'ranking_geo_h3', { res: geography.slice(3) });
  let html = `<p class="small muted caption">${LF('ranking_caption', { ind: t(state.lang, state.indicator).toLowerCase(), geo: geoLabel })}</p>`;
  if (!r || r.loading) { body.innerHTML = `${html}<p class="hint">${L('ranking_loading')}</p>`; return; }
  if (r.error) { body.innerHTML = `${html}<p class="hint error-text">${L('ranking_error')} (${esc(r.error)})</p>`; return; }
  const areas = r.data?.areas || [];
  if (!areas.length) { body.innerHTML = `${html}<p class="hint">${L('ranking_empty')}</p>`; return; }
  html += `<table class="domains ranking-table"><caption class="sr-only">${LF('ranking_caption', { ind: t(state.lang, state.indicator), geo: geoLabel })}</caption>`
    + `<thead><tr><th scope="col" class="num">${L('ranking_rank')}</th><th scope="col">${L('ranking_area')}</th>`
    + `<th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate_short')} <span class="small">[${L('ci95')}]</span></th>`
    + `<th scope="col" class="num">${L('eb_short')}</th></tr></thead><tbody>`;
  for (const a of areas) {
    const withheld = a.status === 'withheld';
    const people = withheld || a.people === null ? withheldSpan() : esc(fmtInt(a.people));
    let rate = withheld || a.rate === null ? withheldSpan() : `<span class="rate">${esc(fmtRate(a.rate))}${unstableMark(a.unstable)}</span>`;
    if (!withheld && a.ci_low !== null && a.ci_high !== null) rate += `<span class="ci">${esc(fmtRate(a.ci_low))}–${esc(fmtRate(a.ci_high))}</span>`;
    const eb = a.eb_rate === null || a.eb_rate === undefined ? naSpan() : esc(fmtRate(a.eb_rate));
    const selected = state.selected && state.selected.id === a.id ? ' class="current"' : '';
    html += `<tr${selected}><td class="num">${esc(fmtInt(a.rank))}</td>`
      + `<td><button type="button" class="linkish" data-area="${esc(a.id)}" title="${L('ranking_row_title')}"><code>${esc(a.id)}</code></button></td>`
      + `<td class="num">${people}</td><td class="num">${rate}</td><td class="num">${eb}</td></tr>`;
  }
  html += '</tbody></table>';
  if (state.rankingNote) html += `<p class="small muted" role="status">${esc(state.rankingNote)}</p>`;
  body.innerHTML = html;
}

// Fly to a ranked area (found among the loaded tiles) and open its profile.
function goToArea(geography, id) {
  let srcs;
  if (geography === 'section') srcs = [SOURCES[state.view].sections, 'indicators_sections', 'sections', 'hotspots_sections'];
  else if (geography === 'omi') srcs = [DISTRICT_SOURCE];
  else srcs = [SOURCES[state.view][state.unit], 'indicators', 'hexagons', 'hotspots'];
  let name;
  let bbox = null; let foundSrc = null;
  for (const src of [...new Set(srcs)]) {
    if (!src || !map.getSource(src)) continue;
    const feats = map.querySourceFeatures(src, { sourceLayer: src, filter: ['==', ['get', 'id'], id] });
    for (const f of feats) {
      if (geography.startsWith('h3_') && `h3_${f.properties.resolution}` !== geography) continue;
      bbox = extendBBox(bbox, f.geometry);
      if (has(f.properties, 'name')) name = String(f.properties.name);
      foundSrc = src;
    }
    if (bbox) break;
  }
  if (bbox) {
    const res = geography.startsWith('h3_') ? Number(geography.slice(3)) : null;
    // Stay within the zoom range that shows this H3 resolution.
    const maxZoom = res === null ? 15 : ({ 7: 10.9, 8: 12.9, 9: 13.9, 10: 16 })[res] ?? 15;
    const minZoom = geography === 'omi' ? 10 : res === null ? 13 : ({ 7: 9, 8: 11, 9: 13, 10: 14 })[res] ?? 9;
    const small = window.matchMedia('(max-width: 720px)').matches;
    const cam = map.cameraForBounds(bbox, { padding: small ? 30 : 80, maxZoom });
    const zoom = Math.max(minZoom, Math.min(maxZoom, cam?.zoom ?? map.getZoom()));
    const center = cam?.center ?? [(bbox[0][0] + bbox[1][0]) / 2, (bbox[0][1] + bbox[1][1]) / 2];
    map.flyTo({ center, zoom, duration: prefersReducedMotion() ? 0 : 900 });
    state.rankingNote = '';
  } else {
    state.rankingNote = t(state.lang, 'ranking_not_on_map');
  }
  openProfile({ geography, id, source: foundSrc, period: state.ranking?.data?.period, name }, { focus: false });
  renderRanking();
}

function extendBBox(bbox, geom) {
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      if (!bbox) bbox = [[c[0], c[1]], [c[0], c[1]]];
      else {
        bbox[0][0] = Math.min(bbox[0][0], c[0]); bbox[0][1] = Math.min(bbox[0][1], c[1]);
        bbox[1][0] = Math.max(bbox[1][0], c[0]); bbox[1][1] = Math.max(bbox[1][1], c[1]);
      }
    } else c.forEach(visit);
  };
  if (geom && geom.coordinates) visit(geom.coordinates);
  return bbox;
}

function prefersReducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

// Side column (profile, ranking) on the right; the hover card moves left of it.
function layoutSide() {
  const open = !$('#profile').hidden || !$('#ranking').hidden;
  document.body.classList.toggle('side-open', open);
}

// ---- API, session and login: /api/session ------------------------------------------------

// Every API call sends the session cookie (same origin only) and asks for JSON.
function apiFetch(url, opts = {}) {
  return fetch(url, { credentials: 'same-origin', ...opts, headers: { Accept: 'application/json', ...(opts.headers || {}) } });
}

// The reason of a refused request: {"error": ...} (access errors) or plain text.
async function errorText(res) {
  let text = '';
  try { text = await res.text(); } catch { /* body unreadable */ }
  try {
    const j = JSON.parse(text);
    if (j && typeof j.error === 'string') return j.error;
  } catch { /* not JSON */ }
  return text.trim().slice(0, 300) || `HTTP ${res.status}`;
}

// What the server inlined in the page for the first view: the session, the catalog with each
// layer's TileJSON and the latest release (absent when the page is served as a static file).
function takeBoot() {
  const el = document.getElementById('abitare-boot');
  if (!el) return null;
  el.remove(); // read once: after a login the session and catalog are asked for again
  try { return JSON.parse(el.textContent); } catch { return null; }
}

function parseSession(s) {
  return {
    user: typeof s.user === 'string' ? s.user : '',
    role: typeof s.role === 'string' && s.role ? s.role : 'public',
    via: typeof s.via === 'string' ? s.via : 'anonymous',
    permissions: Array.isArray(s.permissions) ? s.permissions.map(String) : [PERM.published],
    legacy: false,
  };
}

async function readSession() {
  try {
    const res = await apiFetch(new URL('session', apiBase), { cache: 'no-store' });
    if (res.status === 404) return LEGACY;
    if (!res.ok) return ANONYMOUS;
    return parseSession(await res.json());
  } catch {
    return ANONYMOUS;
  }
}

// The latest public release, for the protection note (threshold, health geographies).
async function readRelease() {
  try {
    const res = await apiFetch(new URL('releases', apiBase));
    if (!res.ok) return null;
    const list = (await res.json()).releases || [];
    return list.reduce((a, b) => (a === null || Number(b.id) > Number(a.id) ? b : a), null);
  } catch {
    return null;
  }
}

// A 401 while logged in: the session expired or was revoked; go back to the public view.
function checkSession(res) {
  if (res.status !== 401 || !state.session.user || sessionReloading) return;
  state.loginOpen = true;
  state.loginError = { key: 'session_expired' };
  reloadForSession();
}

let sessionSeq = 0;
let sessionReloading = false;
// After login or logout: read the session and the role's catalog again, rebuild the map's
// sources and layers (so the role's tiles are fetched) and reload the open panels.
async function reloadForSession() {
  const seq = ++sessionSeq;
  sessionReloading = true;
  const [session, catalog] = await Promise.all([readSession(), readCatalog()]);
  if (seq !== sessionSeq) return;
  sessionReloading = false;
  state.session = session;
  state.available = catalog?.layers || new Set(can(PERM.aggregates) ? RESTRICTED_LAYERS : PUBLIC_LAYERS);
  state.tileSources = catalog?.sources || {};
  if (session.user) { state.loginOpen = false; state.loginError = null; }
  state.targeting = null;
  targetingPrefs = { need: TARGET_DOMAINS[0], purpose: '' };
  state.ranking = null;
  state.breaks = null;
  state.hovered = null;
  state.suppressedHere = false;
  normalizeView();
  syncHash();
  if (state.rankingOpen && !can(PERM.aggregates)) closeRanking({ focus: false });
  applyStrings();
  if (map) {
    for (const src of ALL_SOURCES) delete document.body.dataset[src];
    map.setStyle(buildStyle(state.available), { diff: false });
  }
  if (state.selected) openProfile(state.selected, { focus: false });
  if (state.rankingOpen) loadRanking(true);
}

function renderAuth() {
  const s = state.session;
  const logged = !!s.user;
  $('#auth').hidden = !!s.legacy;
  document.body.dataset.role = s.role;
  const info = $('#session-info');
  info.hidden = !logged;
  info.dataset.role = s.role;
  info.textContent = logged ? tf(state.lang, 'session_as', { user: s.user, role: roleLabel(s.role) }) : '';
  const loginBtn = $('#login-button');
  loginBtn.hidden = logged;
  loginBtn.setAttribute('aria-expanded', String(state.loginOpen && !logged));
  $('#logout-button').hidden = !logged;
  $('#login-form').hidden = !state.loginOpen || logged;
  const submit = $('#login-submit');
  submit.disabled = state.loginBusy;
  submit.textContent = t(state.lang, state.loginBusy ? 'login_busy' : 'login_submit');
  const formOpen = !$('#login-form').hidden;
  document.body.classList.toggle('login-open', formOpen);
  // The message goes in the form when it is open (role=alert), else under the buttons.
  const e = state.loginError;
  const text = e ? t(state.lang, e.key) + (e.detail ? ` (${e.detail})` : '') : '';
  const formMsg = $('#login-error');
  formMsg.hidden = !e || !formOpen;
  formMsg.textContent = formOpen ? text : '';
  const msg = $('#auth-message');
  msg.hidden = !e || formOpen;
  msg.textContent = formOpen ? '' : text;
  const bad = !!e && ['login_wrong', 'login_missing'].includes(e.key);
  for (const el of [$('#login-user'), $('#login-password')]) {
    if (bad) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
  }
}

function openLogin() {
  state.loginOpen = true;
  state.loginError = null;
  renderAuth();
  $('#login-user').focus();
}

function closeLogin({ focus = true } = {}) {
  state.loginOpen = false;
  state.loginError = null;
  $('#login-password').value = '';
  renderAuth();
  if (focus && !$('#login-button').hidden) $('#login-button').focus();
}

async function submitLogin(e) {
  e.preventDefault();
  if (state.loginBusy) return;
  const userEl = $('#login-user');
  const pwEl = $('#login-password');
  const username = userEl.value.trim();
  if (!username || !pwEl.value) {
    state.loginError = { key: 'login_missing' };
    renderAuth();
    (username ? pwEl : userEl).focus();
    return;
  }
  state.loginBusy = true;
  state.loginError = null;
  renderAuth();
  let ok = false;
  try {
    const res = await apiFetch(new URL('session', apiBase), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: pwEl.value }),
    });
    if (res.ok) ok = true;
    else if (res.status === 401) state.loginError = { key: 'login_wrong' };
    else state.loginError = { key: 'login_failed', detail: await errorText(res) };
  } catch (err) {
    state.loginError = { key: 'login_failed', detail: err && err.message };
  }
  state.loginBusy = false;
  pwEl.value = '';
  if (!ok) {
    renderAuth();
    pwEl.focus();
    return;
  }
  await reloadForSession();
  if (state.session.user) {
    $('#logout-button').focus();
  } else {
    // The server accepted the password but the browser kept no session cookie (a Secure
    // cookie over plain HTTP, or cookies blocked).
    state.loginOpen = true;
    state.loginError = { key: 'login_no_session' };
    renderAuth();
    userEl.focus();
  }
}

async function logout() {
  try {
    const res = await apiFetch(new URL('session', apiBase), { method: 'DELETE' });
    if (!res.ok && res.status !== 401) state.loginError = { key: 'logout_failed', detail: await errorText(res) };
  } catch (err) {
    state.loginError = { key: 'logout_failed', detail: err && err.message };
  }
  await reloadForSession();
  if (!$('#login-button').hidden) $('#login-button').focus();
}

// ---- targeting list (housing office): /api/targeting, /api/people/{p}/timeline ----------

// The need and purpose typed last, reused for the next area and for the timelines; kept in
// memory only (never in the URL or localStorage) and cleared on login and logout.
let targetingPrefs = { need: TARGET_DOMAINS[0], purpose: '' };
let targetingSeq = 0;

function targetingAllowed(sel) {
  return can(PERM.people) && !!sel && (sel.geography === 'section' || /^h3_(7|8|9|10)$/.test(sel.geography));
}

function resetTargetingFor(sel) {
  const area = sel ? `${sel.geography}:${sel.id}` : '';
  if (!state.targeting || state.targeting.area !== area) state.targeting = { area, list: null, person: null, timeline: null, formError: null };
}

function shortPseudonym(p) {
  const s = String(p);
  return s.length > 12 ? `${s.slice(0, 10)}…` : s;
}

function needLabel(n) {
  return TARGET_DOMAINS.includes(n) ? t(state.lang, n) : t(state.lang, `need_${n}`);
}

// The form is rebuilt only when the area or the language changes (not while typing).
function renderTargeting() {
  const box = $('#targeting');
  const sel = state.selected;
  const show = !$('#profile').hidden && targetingAllowed(sel);
  box.hidden = !show;
  if (!show) {
    box.replaceChildren();
    delete box.dataset.key;
    return;
  }
  resetTargetingFor(sel);
  const key = `${state.targeting.area}|${state.lang}`;
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    const opt = (n) => `<option value="${esc(n)}"${n === targetingPrefs.need ? ' selected' : ''}>${esc(needLabel(n))}</option>`;
    box.innerHTML = `<h3 id="targeting-title">${L('targeting_title')}</h3>`
      + `<form id="targeting-form" class="targeting-form" novalidate aria-labelledby="targeting-title">`
      + `<label class="field"><span>${L('targeting_need')}</span><select id="targeting-need">`
      + `<optgroup label="${L('group_domains')}">${TARGET_DOMAINS.map(opt).join('')}</optgroup>`
      + `<optgroup label="${L('group_signals')}">${TARGET_SIGNALS.map(opt).join('')}</optgroup></select></label>`
      + `<label class="field"><span>${L('targeting_purpose')}</span><input id="targeting-purpose" type="text" required `
      + `minlength="${MIN_PURPOSE}" maxlength="500" autocomplete="off" spellcheck="true" aria-describedby="targeting-purpose-hint" `
      + `placeholder="${L('targeting_purpose_placeholder')}"></label>`
      + `<p id="targeting-purpose-hint" class="small muted">${L('targeting_purpose_hint')}</p>`
      + `<p id="targeting-error" class="small error-text" role="alert" hidden></p>`
      + `<div><button type="submit" class="btn" id="targeting-submit">${L('targeting_submit')}</button></div>`
      + '</form>'
      + '<div id="targeting-results" aria-live="polite"></div>'
      + '<div id="targeting-timeline" aria-live="polite"></div>';
    $('#targeting-purpose').value = targetingPrefs.purpose;
  }
  renderTargetingResults();
  renderTimeline();
}

function renderTargetingResults() {
  const out = $('#targeting-results');
  const tg = state.targeting;
  if (!out || !tg) return;
  const err = $('#targeting-error');
  err.hidden = !tg.formError;
  err.textContent = tg.formError ? t(state.lang, tg.formError) : '';
  const purposeEl = $('#targeting-purpose');
  if (tg.formError) purposeEl.setAttribute('aria-invalid', 'true');
  else purposeEl.removeAttribute('aria-invalid');
  $('#targeting-submit').disabled = !!tg.list?.loading;
  out.setAttribute('aria-busy', String(!!tg.list?.loading));
  const l = tg.list;
  if (!l) { out.innerHTML = ''; return; }
  if (l.loading) { out.innerHTML = `<p class="hint">${L('targeting_loading')}</p>`; return; }
  if (l.error) { out.innerHTML = `<p class="hint error-text">${L('targeting_error')} (${esc(l.error)})</p>`; return; }
  const people = Array.isArray(l.data?.people) ? l.data.people : [];
  const caption = LF('targeting_caption', { need: needLabel(l.need).toLowerCase(), n: fmtInt(people.length), period: l.data?.period ?? '' });
  if (!people.length) { out.innerHTML = `<p class="hint">${L('targeting_empty')}</p>`; return; }
  let html = `<p class="small muted">${caption}</p>`;
  html += `<table class="domains targeting-table"><thead><tr><th scope="col">${L('targeting_person')}</th>`
    + `<th scope="col">${L('targeting_domains')}</th><th scope="col">${L('targeting_helped')}</th>`
    + `<th scope="col">${L('targeting_last')}</th></tr></thead><tbody>`;
  for (const p of people) {
    const id = String(p.person || '');
    const cur = tg.person === id;
    const domains = (Array.isArray(p.domains) ? p.domains : []).map((d) => t(state.lang, d)).join(', ');
    html += `<tr data-person-row="${esc(id)}"${cur ? ' class="current"' : ''}><td>`
      + `<button type="button" class="linkish" data-person="${esc(id)}" title="${esc(id)}" aria-pressed="${cur}" `
      + `aria-label="${LF('targeting_person_title', { p: id })}"><code>${esc(shortPseudonym(id))}</code></button></td>`
      + `<td>${esc(domains)}</td><td>${L(p.helped ? 'yes' : 'no')}</td><td>${esc(p.last_event ?? '')}</td></tr>`;
  }
  html += '</tbody></table>';
  out.innerHTML = html;
}

function fmtAmount(n) {
  return new Intl.NumberFormat(LOCALES[state.lang], { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}
function dateOnly(v) {
  return v === null || v === undefined ? '' : String(v).slice(0, 10);
}

function renderTimeline() {
  const out = $('#targeting-timeline');
  const tg = state.targeting;
  if (!out || !tg) return;
  for (const row of document.querySelectorAll('#targeting-results tr[data-person-row]')) {
    const cur = row.dataset.personRow === tg.person;
    row.classList.toggle('current', cur);
    row.querySelector('button[data-person]')?.setAttribute('aria-pressed', String(cur));
  }
  const tl = tg.timeline;
  out.setAttribute('aria-busy', String(!!tl?.loading));
  if (!tg.person || !tl) { out.innerHTML = ''; return; }
  let html = `<h4>${L('timeline_title')} <code title="${esc(tg.person)}">${esc(shortPseudonym(tg.person))}</code></h4>`;
  if (tl.loading) { out.innerHTML = `${html}<p class="hint">${L('timeline_loading')}</p>`; return; }
  if (tl.error) { out.innerHTML = `${html}<p class="hint error-text">${L('timeline_error')} (${esc(tl.error)})</p>`; return; }
  const events = (Array.isArray(tl.data?.events) ? tl.data.events : [])
    .map((ev, i) => ({ ev, i }))
    .sort((a, b) => dateOnly(a.ev.date).localeCompare(dateOnly(b.ev.date)) || a.i - b.i)
    .map((x) => x.ev);
  if (!events.length) { out.innerHTML = `${html}<p class="hint">${L('timeline_empty')}</p>`; return; }
  html += `<table class="domains timeline-table"><caption class="sr-only">${LF('timeline_caption', { p: tg.person })}</caption>`
    + `<thead><tr><th scope="col">${L('tl_date')}</th><th scope="col">${L('tl_kind')} · ${L('tl_source')} · ${L('tl_domain')}</th>`
    + `<th scope="col" class="num">${L('tl_amount')}</th><th scope="col">${L('tl_place')}</th>`
    + `<th scope="col" class="num">${L('tl_batch')}</th></tr></thead><tbody>`;
  for (const ev of events) {
    const end = dateOnly(ev.end_date);
    const date = `<span class="nowrap">${esc(dateOnly(ev.date))}</span>${end ? `<span class="small muted nowrap d-block">→ ${esc(end)}</span>` : ''}`;
    const domain = ev.domain ? esc(t(state.lang, ev.domain)) : '';
    const what = `<span class="ev-kind">${esc(ev.kind ?? '')}</span>${ev.stage ? ` <span class="small muted">(${esc(ev.stage)})</span>` : ''}`
      + `<span class="small muted d-block">${esc(ev.source ?? '')}${domain ? ` · ${domain}` : ''}</span>`;
    const amount = ev.amount === null || ev.amount === undefined || !Number.isFinite(Number(ev.amount)) ? '' : esc(fmtAmount(Number(ev.amount)));
    const placeId = ev.section || ev.h3_cell || '';
    const place = placeId
      ? `<code title="${esc(placeId)}">${esc(ev.section ? placeId : shortPseudonym(placeId))}</code>${ev.location_quality ? `<span class="small muted d-block">${esc(ev.location_quality)}</span>` : ''}`
      : '';
    html += `<tr><td>${date}</td><td>${what}</td><td class="num">${amount}</td><td>${place}</td><td class="num">${esc(ev.batch ?? '')}</td></tr>`;
  }
  html += '</tbody></table>';
  out.innerHTML = html;
}

async function loadTargeting() {
  const tg = state.targeting;
  const sel = state.selected;
  if (!tg || !targetingAllowed(sel)) return;
  const purpose = targetingPrefs.purpose.trim();
  if ([...purpose].length < MIN_PURPOSE) {
    tg.formError = 'targeting_purpose_short';
    renderTargetingResults();
    $('#targeting-purpose').focus();
    return;
  }
  const need = targetingPrefs.need;
  tg.formError = null;
  tg.purpose = purpose; // reused for the timelines opened from this list
  tg.list = { loading: true, need };
  tg.person = null;
  tg.timeline = null;
  renderTargetingResults();
  renderTimeline();
  const u = new URL('targeting', apiBase);
  u.searchParams.set('geography', sel.geography);
  u.searchParams.set('id', sel.id);
  u.searchParams.set('need', need);
  u.searchParams.set('purpose', purpose);
  const period = state.profile?.data?.period;
  if (period) u.searchParams.set('period', period);
  const seq = ++targetingSeq;
  let result;
  try {
    const res = await apiFetch(u, { cache: 'no-store' });
    result = res.ok ? { need, data: await res.json() } : { need, error: await errorText(res) };
    checkSession(res);
  } catch (err) {
    result = { need, error: err && err.message };
  }
  if (seq !== targetingSeq || state.targeting !== tg) return;
  tg.list = result;
  renderTargetingResults();
}

async function loadTimeline(person) {
  const tg = state.targeting;
  if (!tg || !tg.purpose || !can(PERM.people)) return;
  tg.person = person;
  tg.timeline = { loading: true };
  renderTimeline();
  const u = new URL(`people/${encodeURIComponent(person)}/timeline`, apiBase);
  u.searchParams.set('purpose', tg.purpose);
  const seq = ++targetingSeq;
  let result;
  try {
    const res = await apiFetch(u, { cache: 'no-store' });
    result = res.ok ? { data: await res.json() } : { error: await errorText(res) };
    checkSession(res);
  } catch (err) {
    result = { error: err && err.message };
  }
  if (seq !== targetingSeq || state.targeting !== tg || tg.person !== person) return;
  tg.timeline = result;
  renderTimeline();
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

// Class breaks: recomputed from the loaded features (quintiles); these are the start values.
const DEFAULT_BREAKS = [20, 40, 60, 80];
function measureKey() {
  return `${state.indicator}_${effectiveMeasure() === 'eb' ? 'eb' : 'rate'}`;
}
function suppressedExpr() {
  return ['==', ['get', `${state.indicator}_status`], 'suppressed'];
}
function breaksKey() {
  return `${currentSource()}|${measureKey()}|${currentHexRes()}`;
}
function currentBreaks() {
  return state.breaks?.values || DEFAULT_BREAKS;
}

function indicatorColor() {
  const key = measureKey();
  const rateKey = `${state.indicator}_rate`;
  const b = currentBreaks();
  // Without an EB rate (published figures) the crude rate is drawn.
  const value = key === rateKey ? ['get', rateKey] : ['coalesce', ['get', key], ['get', rateKey]];
  return [
    'case',
    suppressedExpr(), NODATA_COLOR,
    ['any', ['!', ['has', state.indicator]], ['all', ['!', ['has', key]], ['!', ['has', rateKey]]]], WITHHELD_COLOR,
    ['step', ['to-number', value], RAMP[0], b[0], RAMP[1], b[1], RAMP[2], b[2], RAMP[3], b[3], RAMP[4]],
  ];
}
function unstableExpr() {
  return ['==', ['get', `${state.indicator}_unstable`], true];
}
function indicatorOpacity() {
  return ['case', ['!', hasResidents], 0.06, unstableExpr(), UNSTABLE_OPACITY, FILL_OPACITY];
}
// Hatching: unstable rates (restricted figures) and figures not published at this level.
function hatchFilter() {
  return ['all', hasResidents, ['any', ['all', unstableExpr(), ['has', state.indicator]], suppressedExpr()]];
}
function hotspotColor() {
  const a = state.analysis;
  const colors = a.startsWith('gi_') ? GI_COLORS : CLUSTER_COLORS;
  const expr = ['match', ['coalesce', ['to-number', ['get', a]], 0]];
  for (const [code, color] of Object.entries(colors)) if (code !== '0') expr.push(Number(code), color);
  expr.push(colors[0]);
  return expr;
}
function hotspotOpacity() {
  return ['case', ['>', ['coalesce', ['to-number', ['get', state.analysis]], 0], 0], FILL_OPACITY, 0.55];
}

function viewOfSource(src) {
  for (const v of VIEWS) if (Object.values(SOURCES[v]).includes(src)) return v;
  return 'overlap';
}

function fillPaint(src) {
  const v = viewOfSource(src);
  if (v === 'indicator') return { 'fill-color': indicatorColor(), 'fill-opacity': indicatorOpacity() };
  if (v === 'hotspot') return { 'fill-color': hotspotColor(), 'fill-opacity': hotspotOpacity() };
  return { 'fill-color': overlapColor, 'fill-opacity': ['case', hasResidents, FILL_OPACITY, 0.06] };
}

function sourceLayers(src, visible) {
  const id = ids(src);
  const visibility = visible ? 'visible' : 'none';
  const layers = [{ id: id.fill, type: 'fill', source: src, 'source-layer': src, layout: { visibility }, paint: fillPaint(src) }];
  if (viewOfSource(src) === 'indicator') {
    layers.push({
      id: id.hatch, type: 'fill', source: src, 'source-layer': src, layout: { visibility },
      filter: hatchFilter(), paint: { 'fill-pattern': HATCH, 'fill-opacity': 0.9 },
    });
  }
  const lineOpacity = viewOfSource(src) === 'hotspot' ? 0.9 : ['case', hasResidents, 0.9, 0.3];
  layers.push({
    id: id.line, type: 'line', source: src, 'source-layer': src, layout: { visibility },
    paint: {
      'line-color': '#ffffff',
      'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.2, 14, 0.8],
      'line-opacity': lineOpacity,
    },
  });
  return layers;
}

function outlineLayers(src) {
  const id = ids(src);
  const none = ['==', ['get', 'id'], '\u0000none'];
  return [
    {
      id: id.selected, type: 'line', source: src, 'source-layer': src, filter: none,
      layout: { visibility: 'none', 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': 5, 'line-opacity': 0.9 },
    },
    {
      id: `${id.selected}-inner`, type: 'line', source: src, 'source-layer': src, filter: none,
      layout: { visibility: 'none', 'line-join': 'round' },
      paint: { 'line-color': '#d4006a', 'line-width': 2.5 },
    },
    {
      id: id.hover, type: 'line', source: src, 'source-layer': src, filter: none,
      layout: { visibility: 'none', 'line-join': 'round' },
      paint: { 'line-color': '#111111', 'line-width': 2.5 },
    },
  ];
}

function buildStyle(available) {
  const sources = {};
  for (const name of [...ALL_SOURCES, ...BASE_LAYERS]) {
    if (!available.has(name)) continue;
    const tj = state.tileSources[name];
    sources[name] = tj
      ? { type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom, maxzoom: tj.maxzoom, bounds: tj.bounds, attribution: tj.attribution }
      : { type: 'vector', url: tileJSON(name) };
  }
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }];
  const cur = currentSource();
  for (const src of ALL_SOURCES) {
    if (available.has(src)) layers.push(...sourceLayers(src, src === cur));
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
  for (const src of ALL_SOURCES) {
    if (available.has(src)) layers.push(...outlineLayers(src));
  }
  // No fade-in of the first view: the map is idle, and its figures readable, at once.
  return { version: 8, name: 'abitare', sources, layers, transition: { duration: 0, delay: 0 } };
}

// Diagonal hatching for unstable rates (drawn over the fill).
function hatchImage() {
  const size = 16; const ratio = 2;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = (x + y) % 8;
      if (d < 2) {
        const o = (y * size + x) * 4;
        data[o] = 50; data[o + 1] = 50; data[o + 2] = 50; data[o + 3] = d === 0 ? 150 : 60;
      }
    }
  }
  return { image: { width: size, height: size, data }, options: { pixelRatio: ratio } };
}

// The layers of a catalog answer, and each one's TileJSON when the catalog carries it (then the
// map needs no request per layer before its first tiles).
function parseCatalog(cat) {
  const sources = {};
  const list = [];
  for (const l of cat?.layers || []) {
    const id = typeof l === 'string' ? l : l.id;
    if (!id) continue;
    list.push(id);
    if (l.source && Array.isArray(l.source.tiles)) sources[id] = l.source;
  }
  return list.length ? { layers: new Set(list), sources } : null;
}

// Ask the catalog which layers the caller's role may see (null if it cannot be read).
async function readCatalog() {
  try {
    const res = await apiFetch(new URL('catalog.json', tilesBase), { cache: 'no-store' });
    if (!res.ok) return null;
    return parseCatalog(await res.json());
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

// H3 resolution of the hexagons drawn now (from the rendered features, else from the zoom).
function currentHexRes() {
  if (!map) return 8;
  const src = SOURCES[state.view].hexagons;
  const z = Math.floor(map.getZoom());
  if (state.view === 'hotspot') return z <= 12 ? 8 : 9;
  if (src && map.getLayer(ids(src).fill) && map.getLayoutProperty(ids(src).fill, 'visibility') !== 'none') {
    const c = map.getCanvas();
    const f = map.queryRenderedFeatures([[c.clientWidth / 2 - 40, c.clientHeight / 2 - 40], [c.clientWidth / 2 + 40, c.clientHeight / 2 + 40]], { layers: [ids(src).fill] });
    const r = f.length ? num(f[0].properties, 'resolution') : null;
    if (r !== null && state.unit !== 'adaptive') return r;
  }
  return z <= 10 ? 7 : z <= 12 ? 8 : z <= 13 ? 9 : 10;
}

// Show only the layers of the current view and unit.
function applyVisibility() {
  if (!map) return;
  const cur = currentSource();
  for (const src of ALL_SOURCES) {
    const id = ids(src);
    const vis = src === cur ? 'visible' : 'none';
    for (const l of [id.fill, id.line, id.hatch]) if (map.getLayer(l)) map.setLayoutProperty(l, 'visibility', vis);
    if (map.getLayer(id.hover)) map.setLayoutProperty(id.hover, 'visibility', 'none');
  }
  highlightSelected();
}

function applyPaint() {
  if (!map) return;
  for (const src of Object.values(SOURCES.indicator)) {
    const id = ids(src);
    if (!map.getLayer(id.fill)) continue;
    map.setPaintProperty(id.fill, 'fill-color', indicatorColor());
    map.setPaintProperty(id.fill, 'fill-opacity', indicatorOpacity());
    if (map.getLayer(id.hatch)) map.setFilter(id.hatch, hatchFilter());
  }
  for (const src of Object.values(SOURCES.hotspot)) {
    const id = ids(src);
    if (!map.getLayer(id.fill)) continue;
    map.setPaintProperty(id.fill, 'fill-color', hotspotColor());
    map.setPaintProperty(id.fill, 'fill-opacity', hotspotOpacity());
  }
}

function highlightSelected() {
  if (!map) return;
  const sel = state.selected;
  const cur = currentSource();
  for (const src of ALL_SOURCES) {
    const id = ids(src);
    for (const l of [id.selected, `${id.selected}-inner`]) {
      if (!map.getLayer(l)) continue;
      const show = sel && src === cur && kindOfGeography(sel.geography) === kindOfSource(src);
      map.setLayoutProperty(l, 'visibility', show ? 'visible' : 'none');
      if (show) map.setFilter(l, ['==', ['get', 'id'], sel.id]);
    }
  }
}

// Quintile class breaks from the features loaded for the current source (deduplicated by id).
function updateBreaks() {
  if (!map || state.view !== 'indicator') return;
  const key = breaksKey();
  if (state.breaks?.key === key) return;
  const src = currentSource();
  if (!map.getSource(src) || !map.isSourceLoaded(src)) return;
  const mk = measureKey();
  const res = kindOfSource(src) === 'h3' ? currentHexRes() : null;
  const seen = new Set();
  const stable = []; const all = [];
  for (const f of map.querySourceFeatures(src, { sourceLayer: src })) {
    const p = f.properties;
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    if (res !== null && num(p, 'resolution') !== res) continue;
    if (!(num(p, 'residents') > 0)) continue;
    if (isSuppressed(p, state.indicator)) continue;
    const v = num(p, mk) ?? num(p, `${state.indicator}_rate`);
    if (v === null) continue;
    all.push(v);
    if (!truthy(p[`${state.indicator}_unstable`])) stable.push(v);
  }
  const vals = (stable.length >= 20 ? stable : all).sort((a, b) => a - b);
  if (vals.length < 5) return;
  const q = [0.2, 0.4, 0.6, 0.8].map((p) => vals[Math.min(vals.length - 1, Math.floor(p * vals.length))]);
  const nice = (v) => (v >= 20 ? Math.round(v) : Math.round(v * 10) / 10);
  const b = [];
  for (const v of q) {
    let x = nice(v);
    if (b.length && x <= b[b.length - 1]) x = Math.round((b[b.length - 1] + 0.1) * 10) / 10;
    b.push(x);
  }
  state.breaks = { key, values: b };
  applyPaint();
  renderLegend();
}

function setView(view) {
  if (!VIEWS.includes(view) || !viewAvailable(view)) return;
  state.view = view;
  normalizeUnit();
  state.hovered = null;
  state.suppressedHere = false;
  storageSet('abitare.view', view);
  syncHash();
  renderControls();
  applyVisibility();
  applyPaint();
  renderLegend();
  renderInfo();
  if (map) map.once('idle', updateBreaks);
}

function setUnit(unit) {
  if (!UNIT_NAMES.includes(unit)) return;
  state.unit = unit;
  normalizeUnit();
  state.hovered = null;
  state.suppressedHere = false;
  storageSet('abitare.layer', state.unit);
  syncHash();
  renderControls();
  applyVisibility();
  applyPaint();
  renderLegend();
  renderInfo();
  loadRanking();
  if (map) map.once('idle', updateBreaks);
}

function setIndicator(ind) {
  if (!INDICATORS.includes(ind)) return;
  state.indicator = ind;
  storageSet('abitare.ind', ind);
  syncHash();
  $('#indicator-select').value = ind;
  $('#ranking-indicator').value = ind;
  applyPaint();
  updateBreaks();
  updateSuppressedHint();
  renderLegend();
  renderInfo();
  renderProfile();
  loadRanking();
}

function setMeasure(m) {
  if (!MEASURES.includes(m)) return;
  state.measure = m;
  storageSet('abitare.measure', m);
  syncHash();
  applyPaint();
  updateBreaks();
  renderControls();
  renderLegend();
}

function setAnalysis(a) {
  if (!ANALYSES.includes(a)) return;
  state.analysis = a;
  storageSet('abitare.analysis', a);
  syncHash();
  applyPaint();
  renderLegend();
  renderInfo();
}

function syncHash() {
  setHashParams({
    lang: state.lang,
    view: state.view,
    layer: state.unit,
    ind: state.indicator,
    measure: state.measure,
    analysis: state.analysis,
  });
}

function setLang(lang) {
  const l = normalizeLang(lang);
  if (!l) return;
  state.lang = l;
  storageSet('abitare.lang', l);
  syncHash();
  applyStrings();
  setAttribution();
}

function setHovered(hit) {
  const src = currentSource();
  const hoverId = ids(src).hover;
  if (!hit) {
    if (!state.hovered) return;
    state.hovered = null;
    if (map.getLayer(hoverId)) map.setLayoutProperty(hoverId, 'visibility', 'none');
    renderInfo();
    return;
  }
  const { props } = hit;
  const prev = state.hovered;
  if (prev && prev.source === src && prev.props?.id !== undefined && prev.props.id === props.id) return;
  state.hovered = { source: src, props };
  if (map.getLayer(hoverId)) {
    map.setFilter(hoverId, ['==', ['get', 'id'], props.id ?? '\u0000none']);
    map.setLayoutProperty(hoverId, 'visibility', 'visible');
  }
  renderInfo();
}

function featureAt(point) {
  const src = currentSource();
  const layer = ids(src).fill;
  if (!map.getLayer(layer)) return null;
  const f = map.queryRenderedFeatures(point, { layers: [layer] });
  return f.length ? { source: src, props: f[0].properties } : null;
}

function selectAt(point) {
  const hit = featureAt(point);
  if (!hit || !has(hit.props, 'id')) return;
  setHovered(hit);
  openProfile({
    geography: geographyOf(hit.source, hit.props), id: String(hit.props.id), source: hit.source,
    period: hit.props.period, name: has(hit.props, 'name') ? String(hit.props.name) : undefined,
  });
}

// The features of the current source drawn now (null when its layer is not shown).
function renderedFeatures() {
  const fill = ids(currentSource()).fill;
  if (!map || !map.getLayer(fill) || map.getLayoutProperty(fill, 'visibility') === 'none') return null;
  return map.queryRenderedFeatures({ layers: [fill] });
}

// For tests and debugging: how many features of the current source are drawn.
function countRendered(feats) {
  if (feats && feats.length > 0) document.body.dataset[currentSource()] = String(feats.length);
}

// Whether the chosen indicator is mostly "suppressed" (not published) in the drawn areas.
function updateSuppressedHint(feats = renderedFeatures()) {
  let here = false;
  if (feats && state.view === 'indicator' && state.unit !== 'districts') {
    let suppressed = 0; let shown = 0;
    for (const f of feats) {
      if (isSuppressed(f.properties, state.indicator)) suppressed++;
      else if (has(f.properties, state.indicator)) shown++;
    }
    here = suppressed > 0 && suppressed >= shown;
  }
  if (here !== state.suppressedHere) {
    state.suppressedHere = here;
    renderDistrictHint();
  }
}

function onIdle() {
  const feats = renderedFeatures();
  countRendered(feats);
  updateSuppressedHint(feats);
  updateBreaks();
  if (state.rankingOpen) loadRanking();
}

async function start() {
  applyStrings();
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  for (const r of document.querySelectorAll('input[name="view"]')) {
    r.addEventListener('change', () => { if (r.checked) setView(r.value); });
  }
  for (const r of document.querySelectorAll('input[name="layer"]')) {
    r.addEventListener('change', () => { if (r.checked) setUnit(r.value); });
  }
  for (const r of document.querySelectorAll('input[name="measure"]')) {
    r.addEventListener('change', () => { if (r.checked) setMeasure(r.value); });
  }
  $('#indicator-select').addEventListener('change', (e) => setIndicator(e.target.value));
  $('#ranking-indicator').addEventListener('change', (e) => setIndicator(e.target.value));
  $('#analysis-select').addEventListener('change', (e) => setAnalysis(e.target.value));
  $('#ranking-button').addEventListener('click', () => (state.rankingOpen ? closeRanking() : openRanking()));
  $('#ranking-close').addEventListener('click', closeRanking);
  $('#profile-close').addEventListener('click', closeProfile);
  $('#ranking-body').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-area]');
    if (btn && map) goToArea(state.ranking?.geography || rankingGeography(), btn.dataset.area);
  });
  // Login control
  $('#login-button').addEventListener('click', () => (state.loginOpen ? closeLogin() : openLogin()));
  $('#login-cancel').addEventListener('click', () => closeLogin());
  $('#login-form').addEventListener('submit', submitLogin);
  $('#login-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeLogin(); }
  });
  $('#logout-button').addEventListener('click', logout);
  // A click outside the login popover closes it (focus stays where the click put it).
  document.addEventListener('pointerdown', (e) => {
    if (state.loginOpen && !state.loginBusy && !$('#login-form').hidden && !e.target.closest('#auth')) closeLogin({ focus: false });
  });
  // "Health figures only by district": one click to the district layer.
  $('#district-switch').addEventListener('click', () => setUnit('districts'));
  $('#profile-body').addEventListener('click', (e) => {
    if (!e.target.closest('button[data-action="districts-health"]')) return;
    setView('indicator');
    setIndicator('health');
    setUnit('districts');
  });
  // Targeting list (housing office)
  const targeting = $('#targeting');
  targeting.addEventListener('submit', (e) => { e.preventDefault(); loadTargeting(); });
  targeting.addEventListener('input', (e) => {
    if (e.target.id === 'targeting-purpose') targetingPrefs.purpose = e.target.value;
  });
  targeting.addEventListener('change', (e) => {
    if (e.target.id === 'targeting-need') targetingPrefs.need = e.target.value;
  });
  targeting.addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-person]');
    if (btn) loadTimeline(btn.dataset.person);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (state.loginOpen && !state.session.user) { e.preventDefault(); closeLogin(); return; }
    if (!$('#profile').hidden) { e.preventDefault(); closeProfile(); } else if (state.rankingOpen) { e.preventDefault(); closeRanking(); }
  });
  // Back to the tab: the session may have expired, or changed in another tab.
  document.addEventListener('visibilitychange', async () => {
    if (document.visibilityState !== 'visible' || !map || sessionReloading) return;
    const s = await readSession();
    if (s.user !== state.session.user || s.role !== state.session.role) reloadForSession();
  });
  // Keep the state in the hash too (MapLibre adds map=).
  syncHash();
  const areaParam = hashParams().get('area');

  // Who is asking decides the catalog (and so the views) and the panels.
  const boot = takeBoot();
  const [session, catalog, release] = boot
    ? [parseSession(boot.session || {}), parseCatalog(boot.catalog), boot.release || null]
    : await Promise.all([readSession(), readCatalog(), readRelease()]);
  state.session = session;
  state.release = release;
  state.available = catalog?.layers || new Set(can(PERM.aggregates) ? RESTRICTED_LAYERS : PUBLIC_LAYERS);
  state.tileSources = catalog?.sources || {};
  normalizeView();
  syncHash();
  applyStrings();

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
      fadeDuration: 0,
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
  window.abitare = {
    map, state, layerIds: LAYER_IDS, sources: SOURCES, openProfile, setView, setUnit, setIndicator, setAnalysis, reloadForSession,
  };

  map.on('styleimagemissing', (e) => {
    if (e.id === HATCH && !map.hasImage(HATCH)) {
      const { image, options } = hatchImage();
      map.addImage(HATCH, image, options);
    }
  });

  map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  setAttribution();

  let tileErrors = 0;
  map.on('error', (e) => {
    console.error('map error:', e && e.error ? e.error.message || e.error : e);
    // A restricted tile refused (401): the session has expired.
    if (e?.error?.status === 401) checkSession({ status: 401 });
    // A TileJSON that cannot be read leaves a layer empty: tell the user. Single tile errors
    // (e.tile set) are only logged.
    if (e && e.sourceId && !e.tile && ++tileErrors === 1) showError('error_tiles', e.sourceId);
  });

  map.on('mousemove', (e) => {
    const hit = featureAt(e.point);
    map.getCanvas().style.cursor = hit ? 'pointer' : '';
    setHovered(hit);
  });
  map.getCanvas().addEventListener('mouseleave', () => setHovered(null));
  // A click (or tap) opens the area profile.
  map.on('click', (e) => selectAt(e.point));
  // Keyboard users: after a keyboard pan/zoom, describe the area at the centre; Enter opens its profile.
  const centre = () => map.project(map.getCenter());
  map.on('moveend', () => {
    if (document.activeElement === map.getCanvas()) setHovered(featureAt(centre()));
  });
  map.getCanvas().addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); selectAt(centre()); }
  });
  map.on('idle', onIdle);
  map.once('idle', foldCompactAttribution);

  if (areaParam && /^(h3_(7|8|9|10)|section|omi|municipality):./.test(areaParam)) {
    const i = areaParam.indexOf(':');
    openProfile({ geography: areaParam.slice(0, i), id: areaParam.slice(i + 1) }, { focus: false });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
