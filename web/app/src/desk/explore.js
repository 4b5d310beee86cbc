// The explore features' core: the figures files (fetched once, live or static), the period
// selector and the release picker in the controls card, the legend's period line, and the map
// painted with another period than the tiles' (feature state from the figures files).
// The table view (table-view.js), the static profile (static-profile.js) and the compare panel
// (compare.js) read the figures through loadFigures.
import { CREDENTIALS, apiURL } from '../model/api.js';
import { NODATA_COLOR, quintileBreaks } from '../map/classify.js';
import { changeBreaks, changeLegendClasses } from '../map/change-map.js';
import {
  changeBetween, figureOf, figuresCache, geographiesOfSource, isPublishable, isQuarter, previousPeriod, sortPeriods,
  staticFiguresPath, tilesPeriod,
} from './figures.js';
import { fmtSigned } from '../i18n/format.js';
import { $ } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { legendItem, renderLegend, setLegend } from '../map/legend.js';
import {
  applyPaint, currentHexRes, map, updateBreaks,
} from '../map/map.js';
import {
  choose, currentSource, effectOn, effectivePeriodMeasure, renderOn, state, update,
} from '../model/state.js';

function figuresURL(geography, period) {
  if (state.static) {
    if (!state.release?.path) return null;
    // document.baseURI: the site's folder, also from the embed/ page (<base href="../">).
    return new URL(staticFiguresPath(state.release.path, geography, period), document.baseURI).href;
  }
  const u = apiURL(`figures/${encodeURIComponent(geography)}`);
  u.searchParams.set('period', period);
  return u.href;
}

async function fetchJSON(url) {
  const res = await fetch(url, { credentials: CREDENTIALS, headers: { Accept: 'application/json' } });
  return { status: res.status, json: res.ok ? await res.json() : null };
}

const cache = figuresCache(figuresURL, fetchJSON);
const periodsSeen = new Set();

// The figures file of a geography and period (null when there is none); the page's renderers
// that read figures run again when a new file arrives (figuresTick).
export async function loadFigures(geography, period) {
  const had = cache.loaded(geography, period) !== undefined;
  const file = await cache.load(geography, period);
  if (file?.periods?.length && !state.release?.periods) for (const p of file.periods) periodsSeen.add(p);
  if (!had) update({ figuresTick: state.figuresTick + 1 });
  return file;
}

// The file when already read (undefined while not, null when there is none).
export const loadedFigures = (geography, period) => cache.loaded(geography, period);

// The release's periods, in order (from the release, else from the figures files read).
export function periods() {
  const list = Array.isArray(state.release?.periods) && state.release.periods.length ? state.release.periods : [...periodsSeen];
  return sortPeriods(list);
}

// The period the tiles draw, and the period chosen (the tiles' when none is).
export const mapTilesPeriod = () => tilesPeriod(periods());
export const shownPeriod = () => state.period || mapTilesPeriod();
export const previousOfShown = () => previousPeriod(shownPeriod(), periods());
// The quarter before the chosen one, when the release has it (any, when its periods are unknown).
const previousOfChosen = () => previousPeriod(state.period, periods().length ? periods() : null);

export function periodLabel(lang, p) {
  if (!p) return '';
  return isQuarter(p) ? tf(lang, 'tm_quarter', { q: p.slice(6), year: p.slice(0, 4) }) : tf(lang, 'tm_year', { year: p });
}

// The geography of the areas the current source draws now (hexagons: the resolution drawn).
export function currentGeography() {
  const geos = geographiesOfSource(currentSource());
  if (geos.length === 1) return geos[0];
  return geos.length ? `h3_${currentHexRes()}` : null;
}

// ---- controls: period select, release picker ----

function buildControls() {
  const foot = document.querySelector('#controls .controls-foot');
  if (!foot || $('#period-field')) return;
  const wrap = document.createElement('div');
  wrap.className = 'explore-controls';
  wrap.innerHTML = '<label class="field" id="period-field" hidden><span id="period-label"></span> <select id="period-select"></select></label>'
    + '<label class="field" id="pm-field" hidden><span id="pm-label"></span> <select id="pm-select">'
    + '<option value="rate"></option><option value="change"></option></select></label>'
    + '<label class="field" id="release-field" hidden><span id="release-label"></span> <select id="release-select"></select></label>';
  foot.before(wrap);
  $('#period-select').addEventListener('change', (e) => setPeriod(e.target.value));
  $('#release-select').addEventListener('change', (e) => pickRelease(e.target.value));
  $('#pm-select').addEventListener('change', (e) => choose({ periodMeasure: e.target.value === 'change' ? 'change' : 'rate' }));
}

export function setPeriod(p) {
  const valid = periods().includes(p) ? p : '';
  choose({ period: valid === mapTilesPeriod() ? '' : valid });
}

function pickRelease(id) {
  const u = new URL(window.location.href);
  u.searchParams.set('release', id);
  window.location.assign(u.href);
}

function renderPeriodControls() {
  const { lang } = state;
  const list = periods();
  const field = $('#period-field');
  if (!field) return;
  field.hidden = list.length < 2;
  $('#period-label').textContent = t(lang, 'tm_period_label');
  const tiles = mapTilesPeriod();
  const sel = $('#period-select');
  sel.replaceChildren(...list.map((p) => new Option(
    p === tiles ? `${periodLabel(lang, p)} ${t(lang, 'tm_tiles_note')}` : periodLabel(lang, p),
    p === tiles ? '' : p,
  )));
  sel.value = state.period || '';
  // A quarter: its rate, or the change on the previous quarter.
  $('#pm-field').hidden = field.hidden || !isQuarter(state.period);
  $('#pm-label').textContent = t(lang, 'tm_pm_label');
  const pm = $('#pm-select');
  pm.options[0].textContent = t(lang, 'tm_pm_rate');
  pm.options[1].textContent = t(lang, 'tm_pm_change');
  pm.value = effectivePeriodMeasure();
  const choices = state.static && Array.isArray(state.release?.choices) ? state.release.choices : [];
  $('#release-field').hidden = choices.length < 2;
  $('#release-label').textContent = t(lang, 'rel_label');
  const rsel = $('#release-select');
  rsel.replaceChildren(...choices.map((c) => new Option(tf(lang, c.latest ? 'rel_latest' : 'rel_option', { id: c.id }), String(c.id))));
  if (choices.length) rsel.value = String(state.release.id);
}

// The legend says which period the map shows (after legend.js's renderLegend).
function renderLegendPeriod() {
  const notes = $('#legend-notes');
  if (!notes) return;
  notes.querySelector('.legend-period')?.remove();
  const tiles = mapTilesPeriod();
  // The trends view spans the quarters of the history; its legend says which.
  if (!tiles || state.view === 'trends') return;
  const p = document.createElement('p');
  p.className = 'legend-note legend-period';
  const mapPeriod = state.view === 'indicator' ? shownPeriod() : tiles;
  p.textContent = mapPeriod === shownPeriod()
    ? tf(state.lang, 'tm_legend_period', { period: periodLabel(state.lang, mapPeriod) })
    : tf(state.lang, 'tm_legend_period_tiles', { period: periodLabel(state.lang, mapPeriod), chosen: periodLabel(state.lang, shownPeriod()) });
  notes.prepend(p);
}

// The change map's legend (over legend.js's): the diverging classes in per-1,000 points.
function renderChangeLegend() {
  if (state.view !== 'indicator' || !state.period || effectivePeriodMeasure() !== 'change') return;
  const { lang } = state;
  const cb = state.changeBreaks;
  const title = tf(lang, 'legend_indicator_title', { ind: t(lang, state.indicator), measure: t(lang, 'tm_pm_change') });
  const items = cb?.values ? changeLegendClasses(cb.values, (v) => fmtSigned(lang, v)).map((c) => legendItem(c.color, c.label, { data: { cls: `change${c.cls}` } })) : [];
  items.push(legendItem(NODATA_COLOR, t(lang, 'tm_change_nodata'), { opacity: 1, data: { cls: 'nodata' } }));
  const notes = [t(lang, 'tm_change_note')];
  const prev = previousPeriod(state.period);
  if (cb && !cb.prev) notes.push(tf(lang, 'tm_change_no_prev', { prev: periodLabel(lang, prev) }));
  else if (cb && !cb.values) notes.push(t(lang, 'tm_change_none'));
  else notes.push(t(lang, 'tm_change_breaks'));
  setLegend(title, items, notes, { twoColumns: false });
}

// legend.js's legend, the change map's over it, then the period line.
function renderExploreLegend() {
  renderLegend();
  renderChangeLegend();
  renderLegendPeriod();
}

// ---- map: another period painted through the feature state ----

const painted = new Set();
let paintSeq = 0;

function indicatorSourceShown() {
  const src = currentSource();
  return state.view === 'indicator' && map && map.getSource(src) ? src : null;
}

// Set the rate and status of the chosen period on every area of the current source.
async function paintPeriod() {
  const src = indicatorSourceShown();
  if (!src || !state.period) { updateBreaks(); return; }
  const seq = ++paintSeq;
  const { period, indicator } = state;
  const measure = effectivePeriodMeasure();
  const prev = measure === 'change' ? previousOfChosen() : null;
  await Promise.all(geographiesOfSource(src).map(async (geo) => {
    const [file, prevFile] = await Promise.all([loadFigures(geo, period), prev ? loadFigures(geo, prev) : null]);
    const key = `${src}|${geo}|${period}|${indicator}|${measure}`;
    if (!file || painted.has(key) || seq !== paintSeq || !map.getSource(src)) return;
    for (const [id, a] of file.areas) {
      const f = a.figures[indicator];
      const st = { rate: f?.rate ?? null, status: f?.status ?? null };
      // The change on the previous quarter: null without it or when either is not published.
      if (measure === 'change') st.change = changeBetween(f, figureOf(prevFile, id, indicator));
      map.setFeatureState({ source: src, sourceLayer: src, id }, st);
    }
    painted.add(key);
  }));
  if (seq === paintSeq) periodBreaks();
}

// Quintile breaks of the chosen period's published rates at the geography drawn.
function periodBreaks() {
  if (!state.period || state.view !== 'indicator') return;
  const geo = currentGeography();
  const file = geo && loadedFigures(geo, state.period);
  if (!file) return;
  periodChangeBreaks(geo, file);
  const key = `period|${geo}|${state.period}|${state.indicator}`;
  if (state.breaks?.key === key) return;
  const values = [];
  for (const a of file.areas.values()) {
    const f = a.figures[state.indicator];
    if (f && isPublishable(f.status) && typeof f.rate === 'number' && a.residents > 0) values.push(f.rate);
  }
  const b = quintileBreaks(values);
  if (b) update({ breaks: { key, values: b } });
}

// The change map's breaks: from the changes of the areas at the geography drawn.
function periodChangeBreaks(geo, file) {
  if (effectivePeriodMeasure() !== 'change') return;
  const prev = previousOfChosen();
  const key = `change|${geo}|${state.period}|${prev}|${state.indicator}`;
  if (state.changeBreaks?.key === key) return;
  const prevFile = prev ? loadedFigures(geo, prev) : null;
  if (prevFile === undefined) return; // still loading
  const values = [];
  if (prevFile) {
    for (const a of file.areas.values()) {
      if (!(a.residents > 0)) continue;
      const c = changeBetween(a.figures[state.indicator], figureOf(prevFile, a.id, state.indicator));
      if (c !== null) values.push(c);
    }
  }
  update({ changeBreaks: { key, values: changeBreaks(values), prev: prevFile ? prev : null } });
}

function onStyleLoad() {
  painted.clear();
  paintPeriod();
}

// ---- start ----

export function startExplore() {
  buildControls();
  renderOn(['lang', 'release', 'period', 'periodMeasure', 'figuresTick'], renderPeriodControls);
  renderOn(['period', 'periodMeasure', 'changeBreaks'], applyPaint);
  renderOn(['lang', 'view', 'unit', 'indicator', 'measure', 'analysis', 'breaks', 'session', 'available', 'period', 'release',
    'periodMeasure', 'changeBreaks', 'mapField', 'bivariate'], renderExploreLegend);
  effectOn(['period', 'periodMeasure', 'view', 'unit', 'indicator', 'release'], paintPeriod);
  if (state.period && periods().length && !periods().includes(state.period)) update({ period: '' });
  else if (state.period && state.period === mapTilesPeriod()) update({ period: '' });
  renderPeriodControls();
  renderExploreLegend();
  if (map) {
    map.on('style.load', onStyleLoad);
    map.on('idle', periodBreaks);
    if (map.isStyleLoaded()) paintPeriod();
    else map.once('load', paintPeriod);
  }
}
