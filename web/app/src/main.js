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
  available: new Set([...ALL_SOURCES, 'omi_zones', 'boundary']),
};
if (state.view !== 'overlap' && state.unit === 'adaptive') state.unit = 'hexagons';

function currentSource() {
  return SOURCES[state.view][state.unit] || SOURCES[state.view].hexagons;
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
// A count missing from the properties was suppressed (below the disclosure threshold).
function countCell(props, key) {
  return num(props, key) === null ? withheldSpan() : esc(fmtInt(num(props, key)));
}
function rateCell(props, key) {
  return num(props, key) === null ? naSpan() : esc(fmtRate(num(props, key)));
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
  renderControls();
  renderLegend();
  renderInfo();
  renderProfile();
  renderRanking();
}

// Controls that depend on the view (subtitle, option groups, adaptive radio).
function renderControls() {
  $('#subtitle').textContent = t(state.lang, `subtitle_${state.view}`);
  for (const r of document.querySelectorAll('input[name="view"]')) r.checked = r.value === state.view;
  for (const r of document.querySelectorAll('input[name="measure"]')) r.checked = r.value === state.measure;
  for (const r of document.querySelectorAll('input[name="layer"]')) {
    r.checked = r.value === state.unit;
    r.disabled = !state.available.has(SOURCES[state.view][r.value] || SOURCES.overlap[r.value]);
  }
  $('#layer-adaptive-label').hidden = state.view !== 'overlap';
  $('#indicator-options').hidden = state.view !== 'indicator';
  $('#hotspot-options').hidden = state.view !== 'hotspot';
  document.body.dataset.view = state.view;
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
  if (state.view === 'overlap') {
    title.textContent = t(lang, 'legend_title');
    ul.replaceChildren(...OVERLAP_COLORS.map((color, i) => legendItem(color, t(lang, `overlap_${i}`), { data: { overlap: String(i) } })));
    const notes = [t(lang, 'legend_no_residents'), t(lang, 'legend_suppressed')];
    setLegendNotes(notes);
  } else if (state.view === 'indicator') {
    title.textContent = tf(lang, 'legend_indicator_title', { ind: t(lang, state.indicator), measure: t(lang, `measure_${state.measure}`) });
    const b = currentBreaks();
    const items = RAMP.map((color, i) => {
      let label;
      if (i === 0) label = `< ${fmtRate(b[0])}`;
      else if (i === RAMP.length - 1) label = `≥ ${fmtRate(b[i - 1])}`;
      else label = `${fmtRate(b[i - 1])} – ${fmtRate(b[i])}`;
      return legendItem(color, label, { data: { cls: String(i) } });
    });
    items.push(legendItem(WITHHELD_COLOR, t(lang, 'legend_withheld'), { data: { cls: 'withheld' } }));
    items.push(legendItem(RAMP[2], t(lang, 'legend_unstable'), { opacity: 1, className: 'hatched', data: { cls: 'unstable' } }));
    ul.classList.add('two-col');
    ul.replaceChildren(...items);
    const notes = [t(lang, 'legend_breaks_note')];
    if (state.measure === 'eb') notes.push(t(lang, 'legend_eb_note'));
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

function areaHead(src, p) {
  const isSection = src.includes('sections');
  const kind = isSection ? 'section' : src === 'adaptive' ? 'hexagon_adaptive' : 'hexagon';
  const id = has(p, 'id') ? esc(p.id) : L('not_available');
  let head = `<p class="area-id"><span class="area-kind">${L(kind)}</span> <code>${id}</code>`;
  if (!isSection && has(p, 'resolution')) head += ` <span class="area-res">(${L('resolution')} ${esc(fmtInt(num(p, 'resolution') ?? 0))})</span>`;
  head += '</p>';
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
  html += '</tbody></table>';
  html += '<dl class="figures">';
  html += `<div><dt>${L('two_plus')}</dt><dd>${countCell(p, 'two_plus')}</dd></div>`;
  html += `<div><dt>${L('all_three')}</dt><dd>${countCell(p, 'all_three')}</dd></div>`;
  html += '</dl>';
  return html;
}

function unstableMark(flag) {
  return flag ? `<abbr class="unstable" title="${L('unstable_title')}">*</abbr>` : '';
}

function infoIndicator(p) {
  let html = '<dl class="figures">';
  html += `<div><dt>${L('residents')}</dt><dd>${countCell(p, 'residents')}</dd></div>`;
  html += '</dl>';
  html += `<table class="domains"><thead><tr><th scope="col">${L('indicator_label')}</th><th scope="col" class="num">${L('count')}</th>`
    + `<th scope="col" class="num">${L('rate_short')}</th><th scope="col" class="num">${L('eb_short')}</th></tr></thead><tbody>`;
  for (const i of INDICATORS) {
    const cur = i === state.indicator ? ' class="current"' : '';
    html += `<tr data-indicator="${i}"${cur}><th scope="row">${L(i)}</th><td class="num">${countCell(p, i)}</td>`
      + `<td class="num">${rateCell(p, `${i}_rate`)}${unstableMark(num(p, `${i}_rate`) !== null && truthy(p[`${i}_unstable`]))}</td><td class="num">${rateCell(p, `${i}_eb`)}</td></tr>`;
  }
  html += '</tbody></table>';
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
  const seq = ++profileSeq;
  const url = new URL(`areas/${encodeURIComponent(sel.geography)}/${encodeURIComponent(sel.id)}`, apiBase);
  if (sel.period) url.searchParams.set('period', sel.period);
  let result;
  try {
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    if (res.status === 404) result = { error: 'profile_not_found' };
    else if (!res.ok) result = { error: 'profile_error', detail: `HTTP ${res.status}` };
    else result = { data: await res.json() };
  } catch (err) {
    result = { error: 'profile_error', detail: err && err.message };
  }
  if (seq !== profileSeq) return;
  state.profile = result;
  renderProfile();
}

function closeProfile() {
  const panel = $('#profile');
  if (panel.hidden) return;
  profileSeq++;
  panel.hidden = true;
  state.selected = null;
  state.profile = null;
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
  const vals = series.map((q) => (q.status === 'withheld' || q.rate === null || q.rate === undefined ? null : Number(q.rate)));
  const known = vals.filter((v) => v !== null);
  const label = tf(state.lang, 'sparkline_label', {
    values: series.map((q, i) => `${String(q.period).replace(/^\d{4}-/, '')} ${vals[i] === null ? t(state.lang, 'suppressed') : fmtRate(vals[i])}`).join(', '),
  });
  if (!known.length) return `<span class="suppressed" title="${esc(label)}">${L('suppressed')}</span>`;
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
  const isSection = sel.geography === 'section';
  const res = sel.geography.startsWith('h3_') ? sel.geography.slice(3) : '';
  let html = `<p class="area-id"><span class="area-kind">${L(isSection ? 'section' : 'hexagon')}</span> <code>${esc(sel.id)}</code>`;
  if (res) html += ` <span class="area-res">(${L('resolution')} ${esc(res)})</span>`;
  html += '</p>';
  if (pr.loading) { body.innerHTML = `${html}<p class="hint">${L('profile_loading')}</p>`; return; }
  if (pr.error) {
    body.innerHTML = `${html}<p class="hint error-text">${L(pr.error)}${pr.detail ? ` (${esc(pr.detail)})` : ''}</p>`;
    return;
  }
  const d = pr.data || {};
  const inds = [...(d.indicators || [])].sort((a, b) => INDICATORS.indexOf(a.indicator) - INDICATORS.indexOf(b.indicator));
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

// ---- ranking panel: /api/rankings -------------------------------------------------------

function rankingGeography() {
  return state.unit === 'sections' ? 'section' : `h3_${currentHexRes()}`;
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
  if (!state.rankingOpen) return;
  const geography = rankingGeography();
  const key = `${state.indicator}|${geography}`;
  if (!force && state.ranking && state.ranking.key === key) return;
  state.ranking = { key, geography, loading: true };
  state.rankingNote = '';
  renderRanking();
  const seq = ++rankingSeq;
  let result;
  try {
    const res = await fetch(rankingURL(geography), { headers: { Accept: 'application/json' } });
    if (!res.ok) result = { key, geography, error: `HTTP ${res.status}` };
    else result = { key, geography, data: await res.json() };
  } catch (err) {
    result = { key, geography, error: err && err.message };
  }
  if (seq !== rankingSeq) return;
  state.ranking = result;
  renderRanking();
}

function openRanking() {
  state.rankingOpen = true;
  $('#ranking').hidden = false;
  $('#ranking-button').setAttribute('aria-expanded', 'true');
  layoutSide();
  loadRanking();
  $('#ranking').focus({ preventScroll: true });
}
function closeRanking() {
  state.rankingOpen = false;
  $('#ranking').hidden = true;
  $('#ranking-button').setAttribute('aria-expanded', 'false');
  layoutSide();
  $('#ranking-button').focus();
}

function renderRanking() {
  const body = $('#ranking-body');
  if (!body || !state.rankingOpen) return;
  const r = state.ranking;
  const geography = r?.geography || rankingGeography();
  $('#ranking-csv').href = rankingURL(geography, true).href;
  $('#ranking-indicator').value = state.indicator;
  const geoLabel = geography === 'section' ? t(state.lang, 'ranking_geo_section') : tf(state.lang, 'ranking_geo_h3', { res: geography.slice(3) });
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
  const srcs = geography === 'section'
    ? [SOURCES[state.view].sections, 'indicators_sections', 'sections', 'hotspots_sections']
    : [SOURCES[state.view][state.unit], 'indicators', 'hexagons', 'hotspots'];
  let bbox = null; let foundSrc = null;
  for (const src of [...new Set(srcs)]) {
    if (!src || !map.getSource(src)) continue;
    const feats = map.querySourceFeatures(src, { sourceLayer: src, filter: ['==', ['get', 'id'], id] });
    for (const f of feats) {
      if (geography !== 'section' && `h3_${f.properties.resolution}` !== geography) continue;
      bbox = extendBBox(bbox, f.geometry);
      foundSrc = src;
    }
    if (bbox) break;
  }
  if (bbox) {
    const res = geography.startsWith('h3_') ? Number(geography.slice(3)) : null;
    // Stay within the zoom range that shows this H3 resolution.
    const maxZoom = res === null ? 15 : ({ 7: 10.9, 8: 12.9, 9: 13.9, 10: 16 })[res] ?? 15;
    const minZoom = res === null ? 13 : ({ 7: 9, 8: 11, 9: 13, 10: 14 })[res] ?? 9;
    const small = window.matchMedia('(max-width: 720px)').matches;
    const cam = map.cameraForBounds(bbox, { padding: small ? 30 : 80, maxZoom });
    const zoom = Math.max(minZoom, Math.min(maxZoom, cam?.zoom ?? map.getZoom()));
    const center = cam?.center ?? [(bbox[0][0] + bbox[1][0]) / 2, (bbox[0][1] + bbox[1][1]) / 2];
    map.flyTo({ center, zoom, duration: prefersReducedMotion() ? 0 : 900 });
    state.rankingNote = '';
  } else {
    state.rankingNote = t(state.lang, 'ranking_not_on_map');
  }
  openProfile({ geography, id, source: foundSrc, period: state.ranking?.data?.period }, { focus: false });
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
  return `${state.indicator}_${state.measure === 'eb' ? 'eb' : 'rate'}`;
}
function breaksKey() {
  return `${currentSource()}|${measureKey()}|${currentHexRes()}`;
}
function currentBreaks() {
  return state.breaks?.values || DEFAULT_BREAKS;
}

function indicatorColor() {
  const key = measureKey();
  const b = currentBreaks();
  return [
    'case',
    ['any', ['!', ['has', state.indicator]], ['!', ['has', key]]], WITHHELD_COLOR,
    ['step', ['to-number', ['get', key]], RAMP[0], b[0], RAMP[1], b[1], RAMP[2], b[2], RAMP[3], b[3], RAMP[4]],
  ];
}
function unstableExpr() {
  return ['==', ['get', `${state.indicator}_unstable`], true];
}
function indicatorOpacity() {
  return ['case', ['!', hasResidents], 0.06, unstableExpr(), UNSTABLE_OPACITY, FILL_OPACITY];
}
function hatchFilter() {
  return ['all', unstableExpr(), hasResidents, ['has', state.indicator]];
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
  for (const name of [...ALL_SOURCES, 'omi_zones', 'boundary']) {
    if (available.has(name)) sources[name] = { type: 'vector', url: tileJSON(name) };
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
  return { version: 8, name: 'abitare', sources, layers };
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

// Ask the catalog which layers the server has; if it cannot be read, assume all.
async function readCatalog() {
  try {
    const res = await fetch(new URL('catalog.json', tilesBase), { headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    const cat = await res.json();
    const list = (cat.layers || []).map((l) => (typeof l === 'string' ? l : l.id)).filter(Boolean);
    return list.length ? new Set(list) : null;
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
      const show = sel && src === cur && (sel.geography === 'section') === src.includes('sections');
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
  const res = state.unit === 'sections' ? null : currentHexRes();
  const seen = new Set();
  const stable = []; const all = [];
  for (const f of map.querySourceFeatures(src, { sourceLayer: src })) {
    const p = f.properties;
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    if (res !== null && num(p, 'resolution') !== res) continue;
    if (!(num(p, 'residents') > 0)) continue;
    const v = num(p, mk);
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
  if (!VIEWS.includes(view)) return;
  state.view = view;
  if (view !== 'overlap' && state.unit === 'adaptive') state.unit = 'hexagons';
  state.hovered = null;
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
  state.hovered = null;
  storageSet('abitare.layer', unit);
  syncHash();
  renderControls();
  applyVisibility();
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
  openProfile({ geography: geographyOf(hit.source, hit.props), id: String(hit.props.id), source: hit.source, period: hit.props.period });
}

// For tests and debugging: how many features of the current source are drawn.
function countRendered() {
  const src = currentSource();
  const fill = ids(src).fill;
  if (!map.getLayer(fill) || map.getLayoutProperty(fill, 'visibility') === 'none') return;
  const n = map.queryRenderedFeatures({ layers: [fill] }).length;
  if (n > 0) document.body.dataset[src] = String(n);
}

function onIdle() {
  countRendered();
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
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (!$('#profile').hidden) { e.preventDefault(); closeProfile(); } else if (state.rankingOpen) { e.preventDefault(); closeRanking(); }
  });
  // Keep the state in the hash too (MapLibre adds map=).
  syncHash();
  const areaParam = hashParams().get('area');

  const catalog = await readCatalog();
  if (catalog) state.available = catalog;
  if (!state.available.has(currentSource())) state.unit = state.available.has(SOURCES[state.view].hexagons) ? 'hexagons' : 'sections';
  renderControls();

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
  window.abitare = { map, state, layerIds: LAYER_IDS, sources: SOURCES, openProfile, setView, setIndicator, setAnalysis };

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
