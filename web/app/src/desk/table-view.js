// The table view: the accessible alternative to the map. The areas of the current source drawn
// on screen, with the current indicator's figures for the period shown (from the figures
// files; the tile properties while a file is missing), sortable, as CSV; a row's button opens
// the area's profile and flies the map to it. Refreshed when the map stops moving.
import { geographyOfSource, layerIds } from '../model/catalog.js';
import { esc, fmtRate, fmtSigned, has, num } from '../i18n/format.js';
import { isQuarter } from './figures.js';
import { $, L, LF, int } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { statusLabel } from '../i18n/labels.js';
import { currentHexRes, findArea, flyToArea, map } from '../map/map.js';
import { openProfile } from '../panels/profile.js';
import {
  currentSource, renderOn, state, update,
} from '../model/state.js';
import { nextSort, sortRows, tableRows, toCSV } from './table-data.js';
import {
  loadFigures, loadedFigures, periodLabel, previousOfShown, shownPeriod,
} from './explore.js';

const MAX_ROWS = 500;
let sort = { key: 'rate', dir: 'desc' };
let csvURL = null;
let shown = []; // the rows in the table now
let lastSig = '';

function build() {
  const foot = document.querySelector('#controls .controls-foot');
  if (foot && !$('#table-button')) {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = 'table-button';
    b.className = 'btn';
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-controls', 'table-panel');
    foot.append(' ', b);
    b.addEventListener('click', () => (state.tableOpen ? closeTable() : openTable()));
  }
  const side = $('#side');
  if (!side || $('#table-panel')) return;
  const panel = document.createElement('section');
  panel.id = 'table-panel';
  panel.className = 'card panel table-panel';
  panel.tabIndex = -1;
  panel.hidden = true;
  panel.setAttribute('aria-labelledby', 'table-title');
  panel.innerHTML = '<div class="panel-head"><h2 id="table-title"></h2>'
    + '<button type="button" class="close" id="table-close">×</button></div>'
    + '<div class="table-tools"><p id="table-note" class="small muted" role="status"></p>'
    + '<a id="table-csv" class="btn btn-small" href="#" download="abitare-table.csv"></a></div>'
    + '<div id="table-body"></div>';
  side.append(panel);
  $('#table-close').addEventListener('click', () => closeTable());
  $('#table-body').addEventListener('click', onTableClick);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !state.selected) { e.preventDefault(); e.stopPropagation(); closeTable(); }
  });
}

export function openTable() {
  update({ tableOpen: true });
  $('#table-panel').focus({ preventScroll: true });
}

export function closeTable({ focus = true } = {}) {
  update({ tableOpen: false });
  if (focus) $('#table-button')?.focus();
}

// The areas of the current source drawn now: [{geography, id, name, residents, people, rate, status}].
function drawnAreas() {
  const src = currentSource();
  const fill = layerIds(src).fill;
  if (!map || !map.getLayer(fill) || map.getLayoutProperty(fill, 'visibility') === 'none') return null;
  const ind = state.indicator;
  const out = [];
  const seen = new Set();
  for (const f of map.queryRenderedFeatures({ layers: [fill] })) {
    const p = f.properties;
    if (!has(p, 'id') || seen.has(String(p.id))) continue;
    seen.add(String(p.id));
    const geography = geographyOfSource(src) || `h3_${num(p, 'resolution') ?? currentHexRes()}`;
    out.push({
      geography,
      id: String(p.id),
      name: has(p, 'name') ? String(p.name) : '',
      residents: num(p, 'residents'),
      people: num(p, ind),
      rate: num(p, `${ind}_rate`),
      status: has(p, `${ind}_status`) ? String(p[`${ind}_status`]) : '',
    });
  }
  return out;
}

// Files of geos for a period: geography -> file (missing ones asked for).
function filesFor(geos, period) {
  const files = {};
  if (!period) return files;
  for (const g of geos) {
    const f = loadedFigures(g, period);
    if (f === undefined) loadFigures(g, period);
    else if (f) files[g] = f;
  }
  return files;
}

// The table's columns; the name only when an area has one (hexagons have none).
function columns(withChange, prev, withName) {
  const cols = [
    { key: 'id', label: t(state.lang, 'tbl_area') },
    ...(withName ? [{ key: 'name', label: t(state.lang, 'tbl_name') }] : []),
    { key: 'residents', label: t(state.lang, 'tbl_residents'), num: true },
    { key: 'people', label: t(state.lang, 'tbl_people'), num: true },
    { key: 'rate', label: t(state.lang, 'tbl_rate'), num: true },
    { key: 'status', label: t(state.lang, 'tbl_status') },
  ];
  if (withChange) cols.push({ key: 'change', label: tf(state.lang, 'tbl_change', { prev: periodLabel(state.lang, prev) }), num: true });
  return cols;
}

function renderTable() {
  const open = state.tableOpen;
  const btn = $('#table-button');
  if (btn) {
    btn.textContent = t(state.lang, 'tbl_button');
    btn.setAttribute('aria-expanded', String(open));
  }
  const panel = $('#table-panel');
  if (!panel) return;
  panel.hidden = !open;
  $('#table-title').textContent = t(state.lang, 'tbl_title');
  $('#table-close').setAttribute('aria-label', t(state.lang, 'close'));
  const a = $('#table-csv');
  a.textContent = t(state.lang, 'tbl_csv');
  a.title = t(state.lang, 'tbl_csv_title');
  if (!open) { shown = []; lastSig = ''; return; }
  refreshTable();
}

// Rebuild the rows from the map and the figures, keeping the focused control.
export function refreshTable() {
  if (!state.tableOpen) return;
  const body = $('#table-body');
  const focused = document.activeElement?.closest?.('#table-body [data-focus]')?.dataset.focus;
  const areas = drawnAreas();
  const note = $('#table-note');
  note.textContent = '';
  if (areas === null) {
    lastSig = '';
    body.innerHTML = `<p class="hint">${L('tbl_hidden_layer')}</p>`;
    setCSV([], []);
    return;
  }
  const period = shownPeriod();
  const prev = isQuarter(period) ? previousOfShown() : null;
  const geos = [...new Set(areas.map((x) => x.geography))];
  const files = filesFor(geos, period);
  const prevFiles = filesFor(geos, prev);
  let rows = sortRows(tableRows(areas, state.indicator, files, prevFiles), sort.key, sort.dir);
  const total = rows.length;
  if (rows.length > MAX_ROWS) {
    rows = rows.slice(0, MAX_ROWS);
    note.textContent = tf(state.lang, 'tbl_more', { n: MAX_ROWS, total });
  }
  shown = rows;
  const withName = rows.some((r) => r.name);
  const cols = columns(!!prev, prev, withName);
  // The idle map (a hover, a tile) often changes nothing here: keep the DOM.
  if (!withName && sort.key === 'name') sort = { key: 'id', dir: 'asc' };
  const sig = [state.lang, sort.key, sort.dir, period, prev, state.indicator, state.selected?.id, state.figuresTick,
    rows.map((r) => r.id).join(',')].join('|');
  if (sig === lastSig && body.firstChild) return;
  lastSig = sig;
  if (!rows.length) {
    body.innerHTML = `<p class="hint">${L('tbl_empty')}</p>`;
    setCSV(cols, []);
    return;
  }
  const ind = t(state.lang, state.indicator);
  const capKey = rows.length === 1 ? 'tbl_caption_one' : 'tbl_caption';
  let html = `<table class="area-table domains"><caption>${LF(capKey, { ind, period: periodLabel(state.lang, period), n: int(rows.length) })}</caption><thead><tr>`;
  for (const c of cols) {
    const aria = sort.key === c.key ? ` aria-sort="${sort.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
    const mark = sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : '';
    html += `<th scope="col" class="col-${c.key}${c.num ? ' num' : ''}"${aria}><button type="button" class="sort-btn" data-sort="${c.key}" data-focus="sort-${c.key}"`
      + ` title="${LF('tbl_sort', { col: c.label })}">${esc(c.label)} <span class="sort-mark" aria-hidden="true">${mark}</span></button></th>`;
  }
  html += '</tr></thead><tbody>';
  for (const r of rows) {
    const cur = state.selected && state.selected.id === r.id ? ' class="current"' : '';
    const key = `${r.geography}:${r.id}`;
    html += `<tr${cur}><th scope="row" class="area-cell"><button type="button" class="linkish" data-open="${esc(key)}" data-focus="row-${esc(key)}"`
      + ` title="${L('tbl_open')}"><code>${esc(r.id)}</code></button></th>`
      + `${withName ? `<td class="col-name">${esc(r.name)}</td>` : ''}<td class="num col-residents">${int(r.residents)}</td>`
      + `<td class="num">${int(r.people)}</td><td class="num">${esc(fmtRate(state.lang, r.rate))}</td>`
      + `<td><span class="status status-${esc(r.status || 'unknown')}">${esc(r.status ? statusLabel(state.lang, r.status) : '')}</span></td>`;
    if (prev) html += `<td class="num trend-cell">${esc(fmtSigned(state.lang, r.change))}</td>`;
    html += '</tr>';
  }
  body.innerHTML = `${html}</tbody></table>`;
  setCSV(cols, rows);
  if (focused) body.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
}

// The CSV link: exactly the rows and columns of the table (numbers unformatted, statuses as words).
function setCSV(cols, rows) {
  const a = $('#table-csv');
  if (csvURL) URL.revokeObjectURL(csvURL);
  const text = toCSV(cols.map((c) => c.label), rows.map((r) => cols.map((c) => r[c.key])));
  csvURL = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  a.href = csvURL;
  a.download = `abitare-${state.indicator}-${shownPeriod() || 'map'}.csv`;
}

function onTableClick(e) {
  const s = e.target.closest('button[data-sort]');
  if (s) {
    sort = nextSort(sort, s.dataset.sort);
    refreshTable();
    return;
  }
  const o = e.target.closest('button[data-open]');
  if (!o) return;
  const r = shown.find((x) => `${x.geography}:${x.id}` === o.dataset.open);
  if (r) openRow(r);
}

// Open a row's area as a click on the map does, and fly to it.
function openRow(r) {
  const src = currentSource();
  const { bbox, name, source } = findArea(r.geography, r.id, [src]);
  if (bbox) flyToArea(r.geography, bbox);
  openProfile({
    geography: r.geography, id: r.id, source: source || src, period: shownPeriod() || undefined, name: r.name || name,
  }, { focus: false });
}

export function startTable() {
  build();
  renderOn(['lang', 'tableOpen', 'indicator', 'view', 'unit', 'period', 'figuresTick', 'selected', 'available'], renderTable);
  renderTable();
  if (map) map.on('idle', () => { if (state.tableOpen) refreshTable(); });
}
