// "Custom area": for planners (restricted aggregates, live site, not the embed), an area made of
// several census sections or H3 cells of one resolution, or of a polygon drawn on the map. While
// the panel is open a click on the map adds the area under it to the selection, or removes it
// (main.js asks customAreaSelect before opening a profile); the selection is outlined on the
// map and listed with remove buttons; "add the open area" is the keyboard path (profiles open
// from the table, the ranking or the search). Compute posts to POST /api/custom-area and shows
// the protected figures, the protection note and the outline the server returns; the report
// buttons post to /api/custom-area/report and download the workbook or open the printable page.
// The pure parts are in custom-area-data.js.
import { CREDENTIALS, apiURL, errorText, fetchData } from '../model/api.js';
import { kindOfGeography, kindOfSource } from '../model/catalog.js';
import { EMBED } from '../public/embed-boot.js';
import { esc, fmtInt, fmtRate } from '../i18n/format.js';
import { $, L, LF } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { areaCode, areaKind, statusLabel } from '../i18n/labels.js';
import { map } from '../map/map.js';
import { sidePanel } from '../panels/panel.js';
import { PERM } from '../model/session.js';
import {
  allowed, currentSource, effectOn, renderOn, state,
} from '../model/state.js';
import {
  EMPTY_SELECTION, MAX_AREAS, customAreaReportURL, parseResult, polygonOf, removeArea, requestBody, toggleArea,
} from './custom-area-data.js';

const OUTLINE = 'custom-area-outline'; // GeoJSON source: the computed outline, or the polygon being drawn
const SELECTED = 'custom-area-selected'; // line layer over the current vector source

let selection = EMPTY_SELECTION;
let polygon = null; // a drawn GeoJSON Polygon, used instead of the selection
let drawing = null; // [[lng, lat], ...] while drawing
let result = null; // {loading} | {data} | {error}
let notice = ''; // what the last click did (said in the live region)
let reportBusy = false;
let reportError = '';
let reportLink = '';
let seq = 0;

const offered = () => allowed(PERM.aggregates) && !state.static && !EMBED;
const areaName = (geography, id) => `${t(state.lang, areaKind(geography))} ${areaCode(geography, id)}`;

function geographyName(g) {
  if (g === 'section') return t(state.lang, 'section');
  return `${t(state.lang, 'hexagon')}, ${t(state.lang, 'resolution')} ${g.slice(3)}`;
}

const scaffold = sidePanel({
  id: 'custom-area',
  key: 'customAreaOpen',
  className: 'custom-area',
  offered,
  texts: { button: 'ca_button', title: 'ca_title', close: 'ca_close' },
  after: '#exposure-button',
  body: '<p class="small muted" id="ca-intro"></p>'
    + '<p class="small ca-notice" id="ca-notice" role="status" aria-live="polite"></p>'
    + '<div id="ca-selection"></div><div id="ca-actions" class="ca-actions"></div>'
    + '<div id="ca-result"></div>',
  escape: () => !drawing,
  beforeClose: () => { if (drawing) cancelDrawing(); },
});

function build() {
  const panel = scaffold.build();
  if (!panel) return;
  panel.addEventListener('click', onPanelClick);
  // Escape cancels the drawing wherever the focus is (the map's canvas, mostly).
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && drawing) { e.preventDefault(); e.stopPropagation(); cancelDrawing(); }
  }, true);
}

export function openCustomArea() {
  scaffold.open();
}

export function closeCustomArea() {
  scaffold.close();
}

// What main.js asks before opening a profile for a map click: true when the click was the
// custom area's (panel open: the area toggled; drawing: a vertex, added by onMapClick).
export function customAreaSelect(sel) {
  if (!state.customAreaOpen || !offered()) return false;
  if (drawing) return true;
  toggle(sel);
  return true;
}

function setSelection(next) {
  selection = next;
  if (result) { seq++; result = null; }
  reportLink = '';
  reportError = '';
}

function toggle(area) {
  const name = areaName(area.geography, area.id);
  if (polygon) polygon = null;
  const { sel, change } = toggleArea(selection, area);
  if (change === 'unsupported') notice = t(state.lang, 'ca_unsupported');
  else if (change === 'full') notice = tf(state.lang, 'ca_full', { max: MAX_AREAS, area: name });
  else {
    setSelection(sel);
    notice = tf(state.lang, `ca_${change}`, { area: name });
  }
  renderCustomArea();
}

function remove(id) {
  const name = areaName(selection.geography, id);
  setSelection(removeArea(selection, id));
  notice = tf(state.lang, 'ca_removed', { area: name });
  renderCustomArea();
}

function onPanelClick(e) {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.remove) {
    const items = [...document.querySelectorAll('#ca-selection button[data-remove]')];
    const at = items.indexOf(b);
    remove(b.dataset.remove);
    const left = [...document.querySelectorAll('#ca-selection button[data-remove]')];
    (left[Math.min(at, left.length - 1)] || $('#custom-area')).focus({ preventScroll: true });
    return;
  }
  const act = b.dataset.action;
  if (act === 'clear') { setSelection(EMPTY_SELECTION); polygon = null; notice = ''; renderCustomArea(); $('#custom-area').focus({ preventScroll: true }); }
  if (act === 'add-open' && state.selected) toggle({ geography: state.selected.geography, id: state.selected.id });
  if (act === 'compute') compute();
  if (act === 'xlsx') download('xlsx', state.lang);
  if (act === 'html-it') download('html', 'it');
  if (act === 'html-en') download('html', 'en');
  if (act === 'draw') startDrawing();
  if (act === 'draw-cancel') cancelDrawing();
}

function body() {
  return requestBody({ period: state.period, selection, polygon });
}

async function compute() {
  const b = body();
  if (!b) return;
  const mine = ++seq;
  result = { loading: true };
  reportLink = '';
  reportError = '';
  renderCustomArea();
  let ans;
  try {
    const res = await post(apiURL('custom-area'), b);
    if (res.ok) {
      const data = parseResult(await res.json());
      ans = data ? { data } : { error: 'invalid answer' };
    } else ans = { error: await errorText(res) };
  } catch (err) {
    ans = { error: err?.message || 'network' };
  }
  if (mine !== seq) return;
  result = ans;
  renderCustomArea();
}

// A write: JSON body (the server refuses cross-site writes without it).
function post(url, b) {
  return fetchData(url, {
    method: 'POST', credentials: CREDENTIALS, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b),
  });
}

function fileName(res, fallback) {
  const m = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') || '');
  return m ? m[1] : fallback;
}

async function download(format, lang) {
  const b = body();
  if (!b || reportBusy) return;
  // The printable page's tab is opened now, inside the click (else it is a blocked popup).
  const tab = format === 'html' ? window.open('', '_blank') : null;
  reportBusy = true;
  reportError = '';
  reportLink = '';
  renderCustomArea();
  try {
    const res = await post(customAreaReportURL(apiURL('./'), { format, lang }), b);
    if (!res.ok) throw new Error(await errorText(res));
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    if (format === 'xlsx') {
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName(res, 'abitare-custom-area.xlsx');
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } else if (tab && !tab.closed) {
      tab.location.href = url;
    } else {
      reportLink = url;
    }
  } catch (err) {
    if (tab && !tab.closed) tab.close();
    reportError = err?.message || 'network';
  }
  reportBusy = false;
  renderCustomArea();
}

// Drawing: a click adds a vertex, a double click closes the polygon, Escape cancels.
function startDrawing() {
  if (!map) return;
  drawing = [];
  map.doubleClickZoom.disable();
  map.getCanvas().style.cursor = 'crosshair';
  notice = t(state.lang, 'ca_draw_hint');
  renderCustomArea();
  map.getCanvas().focus();
}

function cancelDrawing() {
  drawing = null;
  if (map) { map.doubleClickZoom.enable(); map.getCanvas().style.cursor = ''; }
  notice = '';
  renderCustomArea();
}

function onMapClick(e) {
  if (!drawing) return;
  const p = [e.lngLat.lng, e.lngLat.lat];
  const last = drawing[drawing.length - 1];
  if (last) {
    const q = map.project(last);
    if (Math.hypot(q.x - e.point.x, q.y - e.point.y) < 4) return; // the double click's second click
  }
  drawing.push(p);
  notice = tf(state.lang, 'ca_draw_points', { n: drawing.length });
  renderCustomArea();
}

function onMapDblClick(e) {
  if (!drawing) return;
  e.preventDefault();
  const poly = polygonOf(drawing);
  if (!poly) { notice = t(state.lang, 'ca_polygon_short'); renderCustomArea(); return; }
  drawing = null;
  map.doubleClickZoom.enable();
  map.getCanvas().style.cursor = '';
  polygon = poly;
  setSelection(EMPTY_SELECTION);
  notice = tf(state.lang, 'ca_polygon', { n: poly.coordinates[0].length - 1 });
  renderCustomArea();
}

// The map: the selection outlined on the current source, the outline (computed, or the
// polygon being drawn) as GeoJSON.
function outlineData() {
  if (drawing && drawing.length) {
    const line = drawing.length > 1 ? [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: drawing } }] : [];
    return { type: 'FeatureCollection', features: [...line, ...drawing.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }))] };
  }
  if (result?.data?.outline) return result.data.outline;
  if (polygon) return { type: 'Feature', properties: {}, geometry: polygon };
  return { type: 'FeatureCollection', features: [] };
}

let outlineKey = '';

// Called often (renders, style loads): a style still loading is left to its style.load.
function drawOnMap() {
  if (!map) return;
  try { placeLayers(); } catch (err) { if (!/not done loading/i.test(err?.message || '')) console.error(err); }
}

function placeLayers() {
  const open = !!state.customAreaOpen && offered();
  const data = outlineData();
  const key = JSON.stringify(data);
  if (!map.getSource(OUTLINE)) {
    map.addSource(OUTLINE, { type: 'geojson', data });
    outlineKey = key;
    map.addLayer({ id: `${OUTLINE}-line`, type: 'line', source: OUTLINE, paint: { 'line-color': '#111111', 'line-width': 3, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: `${OUTLINE}-point`, type: 'circle', source: OUTLINE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#6a1b9a' } });
  } else if (key !== outlineKey) {
    map.getSource(OUTLINE).setData(data);
    outlineKey = key;
  }
  for (const l of [`${OUTLINE}-line`, `${OUTLINE}-point`]) map.setLayoutProperty(l, 'visibility', open ? 'visible' : 'none');
  const src = currentSource();
  if (map.getLayer(SELECTED) && map.getLayer(SELECTED).source !== src) map.removeLayer(SELECTED);
  const show = open && selection.ids.length > 0 && kindOfGeography(selection.geography) === kindOfSource(src) && !!map.getSource(src);
  if (!show) { if (map.getLayer(SELECTED)) map.setLayoutProperty(SELECTED, 'visibility', 'none'); return; }
  if (!map.getLayer(SELECTED)) {
    map.addLayer({
      id: SELECTED, type: 'line', source: src, 'source-layer': src, paint: { 'line-color': '#00b4d8', 'line-width': 3 },
    }, map.getLayer(`${OUTLINE}-line`) ? `${OUTLINE}-line` : undefined);
  }
  map.setFilter(SELECTED, ['in', ['get', 'id'], ['literal', selection.ids]]);
  map.setLayoutProperty(SELECTED, 'visibility', 'visible');
}

function selectionHTML() {
  if (polygon) return `<p class="small">${LF('ca_polygon', { n: polygon.coordinates[0].length - 1 })}</p>`;
  if (!selection.ids.length) return `<p class="small muted">${L('ca_empty')}</p>`;
  let html = `<p class="small" id="ca-count">${LF('ca_count', { n: selection.ids.length, geo: geographyName(selection.geography) })}</p>`
    + `<ul class="ca-list" aria-labelledby="ca-count">`;
  for (const id of selection.ids) {
    html += `<li data-id="${esc(id)}"><code>${esc(areaCode(selection.geography, id))}</code> <button type="button" class="btn btn-small" data-remove="${esc(id)}"`
      + ` aria-label="${LF('ca_remove', { area: areaName(selection.geography, id) })}">×</button></li>`;
  }
  return `${html}</ul>`;
}

function actionsHTML() {
  let html = '';
  const open = state.selected;
  if (open && !drawing) {
    const inSel = selection.geography === open.geography && selection.ids.includes(String(open.id));
    const key = inSel ? 'ca_remove_open' : 'ca_add_open';
    html += `<button type="button" class="btn btn-small" data-action="add-open">${LF(key, { area: areaName(open.geography, open.id) })}</button> `;
  }
  if (drawing) {
    html += `<p class="small">${L('ca_draw_hint')} ${LF('ca_draw_points', { n: drawing.length })}</p>`
      + `<button type="button" class="btn btn-small" data-action="draw-cancel">${L('ca_draw_cancel')}</button>`;
    return html;
  }
  html += `<button type="button" class="btn btn-small" data-action="draw">${L('ca_draw')}</button> `;
  if (selection.ids.length || polygon) html += `<button type="button" class="btn btn-small" data-action="clear">${L('ca_clear')}</button> `;
  const ready = !!body();
  html += `<button type="button" class="btn" data-action="compute"${ready && !result?.loading ? '' : ' disabled'}>${L('ca_compute')}</button>`;
  return html;
}

function figureRow(f) {
  const lang = state.lang;
  const shown = f.status === 'protected' || f.status === 'published';
  const status = f.status === 'withheld' ? (f.unpublished_units ? LF('ca_status_unpublished', { n: f.unpublished_units }) : L('ca_status_withheld'))
    : f.status === 'published' ? L('ca_status_published')
      : f.status === 'protected' ? LF('ca_status_perturbed', { n: f.perturbed_units ?? 0 }) : esc(statusLabel(lang, f.status));
  const people = shown && f.people !== null ? esc(fmtInt(lang, f.people)) : `<span class="suppressed">${L('ca_status_withheld')}</span>`;
  let rateCell = `<span class="suppressed">${L('ca_status_withheld')}</span>`;
  if (shown && f.rate !== null) {
    rateCell = `<span class="rate">${esc(fmtRate(lang, f.rate))}</span>`;
    if (f.ci_low !== null && f.ci_high !== null) rateCell += `<span class="ci">${esc(fmtRate(lang, f.ci_low))}–${esc(fmtRate(lang, f.ci_high))}</span>`;
  }
  return `<tr data-indicator="${esc(f.indicator)}" data-status="${esc(f.status)}"><th scope="row">${esc(t(lang, f.indicator))}</th>`
    + `<td class="num">${people}</td><td class="num">${rateCell}</td><td>${status}</td></tr>`;
}

function resultHTML() {
  let html = '';
  if (result?.loading) html += `<p class="hint">${L('ca_computing')}</p>`;
  if (result?.error) html += `<p class="hint error-text" role="alert">${LF('ca_error', { detail: result.error })}</p>`;
  const d = result?.data;
  if (d) {
    const lang = state.lang;
    html += `<h3>${L('ca_result_title')}</h3><p class="small">${LF('ca_result_intro', { label: d.label, period: d.period, residents: d.residents === null ? '—' : fmtInt(lang, d.residents) })}</p>`
      + `<table class="domains ca-table"><caption class="small muted">${LF('ca_caption', { period: d.period })}</caption>`
      + `<thead><tr><th scope="col">${L('ca_indicator')}</th><th scope="col" class="num">${L('ca_people')}</th>`
      + `<th scope="col" class="num">${L('ca_rate')} <span class="small">[${L('ci95')}]</span></th><th scope="col">${L('ca_status')}</th></tr></thead><tbody>`
      + d.indicators.map(figureRow).join('') + '</tbody></table>';
    if (d.protection) {
      html += `<p class="small muted ca-protection"><strong>${L('ca_protection')}:</strong> ${esc(d.protection)}`
        + `${d.release !== null ? ` (${LF('ca_release', { release: d.release })})` : ''}</p>`;
    }
  }
  if (body() && !drawing) {
    html += `<div class="ca-reports" role="group" aria-label="${L('ca_report_title')}"><span class="small">${L('ca_report_title')}:</span> `
      + ['xlsx', 'html-it', 'html-en'].map((a) => `<button type="button" class="btn btn-small" data-action="${a}"${reportBusy ? ' disabled' : ''}`
        + `${a === 'html-en' ? ' lang="en"' : a === 'html-it' ? ' lang="it"' : ''}>${L(`ca_${a.replace('-', '_')}`)}</button>`).join(' ')
      + '</div>';
    if (reportBusy) html += `<p class="small muted">${L('ca_downloading')}</p>`;
    if (reportError) html += `<p class="hint error-text" role="alert">${LF('ca_report_error', { detail: reportError })}</p>`;
    if (reportLink) html += `<p class="small">${L('ca_popup_blocked')} <a href="${esc(reportLink)}" target="_blank">${L('ca_open_report')}</a></p>`;
  }
  return html;
}

export function renderCustomArea() {
  const shown = scaffold.render();
  if (shown === null) return;
  drawOnMap();
  if (!shown) return;
  $('#ca-intro').textContent = tf(state.lang, 'ca_intro', { max: MAX_AREAS });
  $('#ca-notice').textContent = notice;
  $('#ca-selection').innerHTML = selectionHTML();
  $('#ca-actions').innerHTML = actionsHTML();
  $('#ca-result').innerHTML = resultHTML();
}

// Another unit: the selection (of another geography) is cleared, and the panel says so.
function onUnit() {
  if (!selection.ids.length) return;
  setSelection(EMPTY_SELECTION);
  notice = t(state.lang, 'ca_cleared_unit');
  renderCustomArea();
}

// For tests and debugging (window.abitare.customArea).
export const customAreaAPI = {
  open: openCustomArea,
  close: closeCustomArea,
  toggle: (geography, id) => toggle({ geography, id: String(id) }),
  compute,
  get selection() { return { geography: selection.geography, ids: [...selection.ids] }; },
  get result() { return result; },
};

export function startCustomArea() {
  build();
  renderOn(['lang', 'customAreaOpen', 'session', 'static', 'selected', 'view', 'unit'], renderCustomArea);
  effectOn(['unit'], onUnit);
  if (map) {
    map.on('style.load', drawOnMap);
    map.on('click', onMapClick);
    map.on('dblclick', onMapDblClick);
  }
  renderCustomArea();
}
