// The watchlist (restricted aggregates, live site): for the housing office and planners, the
// areas of a domain and geography with a significant rising trend, a new, consecutive or
// intensifying hot spot, or a next-quarter forecast above a chosen level
// (GET /api/watchlist; audited by the server), in a table sortable by each column; a row's area
// flies the map to it and opens its profile; the same list as an XLSX workbook in the page's
// language (format=xlsx&lang=...).
import { apiURL, errorText, fetchData } from '../model/api.js';
import { DISTRICT_SOURCE, SOURCES } from '../model/catalog.js';
import { esc, fmtP, fmtRate, fmtSigned } from '../i18n/format.js';
import { $, L, LF } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { areaCode } from '../i18n/labels.js';
import { findArea, flyToArea, map } from '../map/map.js';
import { openProfile } from '../panels/profile.js';
import { loadGazetteer } from '../public/gazetteer.js';
import { sidePanel } from '../panels/panel.js';
import { PERM } from '../model/session.js';
import {
  allowed, choose, renderOn, state,
} from '../model/state.js';
import { domains } from '../model/vocabulary.js';
import {
  NO_PATTERN, TREND_GEOGRAPHIES, WATCH_SORTS, categoryColor, categoryKey, h3Parent, h3Resolution, nextSort, parseLevel,
  sortWatchlist, watchlistURL,
} from './foresight-data.js';

let domain = '';
let geography = 'h3_9';
let levelText = '';
let sort = { key: '', dir: 'asc' }; // '' = the server's order (most reasons, strongest trend)
let result = null; // {key, loading} | {key, data} | {key, error}
let note = '';
let seq = 0;

const offered = () => allowed(PERM.aggregates) && !state.static;

const scaffold = sidePanel({
  id: 'watchlist',
  key: 'watchlistOpen',
  className: 'watchlist',
  offered,
  texts: { button: 'fs_watch_button', title: 'fs_watch_title', close: 'fs_watch_close' },
  body: '<p class="small muted" id="wl-intro"></p>'
    + '<form id="wl-form" class="wl-form" novalidate>'
    + '<label class="field"><span id="wl-domain-label"></span><select id="wl-domain"></select></label>'
    + '<label class="field"><span id="wl-geo-label"></span><select id="wl-geo"></select></label>'
    + '<label class="field wl-level"><span id="wl-level-label"></span><input id="wl-level" type="text" inputmode="decimal" autocomplete="off" size="6"></label>'
    + '<div class="wl-actions"><button type="submit" class="btn" id="wl-show"></button> <a class="btn" id="wl-xlsx" href="#" download></a></div>'
    + '</form>'
    + '<p class="hint error-text" id="wl-level-error" role="alert" hidden></p>'
    + '<p class="small" id="wl-note" role="status" aria-live="polite"></p>'
    + '<div id="wl-body" aria-live="polite"></div>',
  // The trends view's domain is the first one asked for.
  beforeOpen: () => { if (!domain && domains().includes(state.trendsDomain)) domain = state.trendsDomain; },
  afterOpen: () => { if (!result) load(); },
  notOffered: () => { result = null; },
});

function build() {
  const panel = scaffold.build();
  if (!panel) return;
  $('#wl-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $('#wl-domain').addEventListener('change', (e) => { domain = e.target.value; load(); });
  $('#wl-geo').addEventListener('change', (e) => { geography = e.target.value; load(); });
  $('#wl-level').addEventListener('input', (e) => { levelText = e.target.value; renderLinks(); });
  panel.addEventListener('click', onPanelClick);
}

export function openWatchlist() {
  scaffold.open();
}

export function closeWatchlist() {
  scaffold.close();
}

function validDomain() {
  const list = domains();
  if (!list.includes(domain)) domain = list.includes('housing') ? 'housing' : list[0] || '';
  return domain;
}

// A level typed that is not a rate above 0 (empty is fine: no level).
const levelInvalid = () => levelText.trim() !== '' && !parseLevel(levelText);

const params = (extra = {}) => ({
  geography, domain: validDomain(), above: parseLevel(levelText), ...extra,
});

async function load() {
  if (!state.watchlistOpen || !offered() || !validDomain()) return;
  if (levelInvalid()) { renderWatchlist(); return; }
  const key = JSON.stringify(params());
  const mine = ++seq;
  result = { key, loading: true };
  note = '';
  renderWatchlist();
  let ans;
  try {
    const res = await fetchData(watchlistURL(apiURL('./'), params()));
    ans = res.ok ? { key, data: await res.json() } : { key, error: await errorText(res) };
  } catch (err) {
    ans = { key, error: err?.message || 'network' };
  }
  if (mine !== seq) return;
  result = ans;
  renderWatchlist();
}

function onPanelClick(e) {
  const s = e.target.closest('button[data-sort]');
  if (s) {
    sort = nextSort(sort, s.dataset.sort);
    renderWatchlist();
    $(`#watchlist button[data-sort="${sort.key}"]`)?.focus();
    return;
  }
  const a = e.target.closest('button[data-area]');
  if (a) goToArea(a.dataset.geography, a.dataset.area);
}

// The tile layers an area of a geography may be found in, the one drawn now first.
function sourcesOf(g) {
  if (g === 'section') return [SOURCES[state.view]?.sections, 'hotspots_sections', 'indicators_sections', 'sections'];
  if (g === 'omi') return [DISTRICT_SOURCE];
  return [SOURCES[state.view]?.hexagons, 'hotspots', 'indicators', 'hexagons'];
}

// Where an area is: among the loaded tiles; else a section's or a district's box from the
// gazetteer; else an H3 9 cell's parent (H3 8) among the loaded tiles.
async function locate(g, id) {
  const found = findArea(g, id, sourcesOf(g));
  if (found.bbox) return found;
  if (g === 'section' || g === 'omi') {
    try {
      const index = await loadGazetteer();
      const hit = (g === 'omi' ? index.zones : index.sections).find((x) => x.id === id);
      const b = hit?.bbox;
      if (b) return { bbox: [[b[0], b[1]], [b[2], b[3]]], name: hit.name, source: null };
    } catch { /* not found then */ }
  }
  const res = h3Resolution(id);
  if (g.startsWith('h3_') && res !== null && res > 8) {
    const parent = findArea('h3_8', h3Parent(id, 8), sourcesOf('h3_8'));
    if (parent.bbox) return { bbox: parent.bbox, name: undefined, source: null };
  }
  return { bbox: null };
}

// In the trends view, the unit that draws the geography, and the watchlist's domain.
function alignView(g) {
  if (state.view !== 'trends') return;
  const unit = g === 'section' ? 'sections' : g === 'omi' ? 'districts' : 'hexagons';
  const patch = {};
  if (unit !== state.unit) patch.unit = unit;
  if (domain && domain !== state.trendsDomain) patch.trendsDomain = domain;
  if (Object.keys(patch).length) choose(patch);
}

async function goToArea(g, id) {
  if (!map) return;
  alignView(g);
  const { bbox, name, source } = await locate(g, id);
  if (bbox) flyToArea(g, bbox);
  note = bbox ? '' : t(state.lang, 'fs_not_on_map');
  renderNote();
  openProfile({
    geography: g, id, source: source || undefined, name,
  }, { focus: false });
}

function renderNote() {
  const el = $('#wl-note');
  if (el) el.textContent = note;
}

function renderLinks() {
  const bad = levelInvalid();
  const err = $('#wl-level-error');
  err.hidden = !bad;
  err.textContent = bad ? t(state.lang, 'fs_level_invalid') : '';
  $('#wl-level').setAttribute('aria-invalid', String(bad));
  const a = $('#wl-xlsx');
  a.href = watchlistURL(apiURL('./'), params({ format: 'xlsx', lang: state.lang })).href;
  a.toggleAttribute('aria-disabled', bad);
  a.classList.toggle('disabled', bad);
}

export function renderWatchlist() {
  if (!scaffold.render()) return;
  const { lang } = state;
  $('#wl-intro').textContent = t(lang, 'fs_watch_intro');
  $('#wl-domain-label').textContent = t(lang, 'fs_domain');
  const dsel = $('#wl-domain');
  dsel.replaceChildren(...domains().map((d) => new Option(t(lang, d), d)));
  dsel.value = validDomain();
  $('#wl-geo-label').textContent = t(lang, 'fs_geography');
  const gsel = $('#wl-geo');
  gsel.replaceChildren(...TREND_GEOGRAPHIES.map((g) => new Option(t(lang, `fs_geo_${g}`), g)));
  gsel.value = geography;
  $('#wl-level-label').textContent = t(lang, 'fs_level');
  const input = $('#wl-level');
  if (input.value !== levelText) input.value = levelText;
  $('#wl-show').textContent = t(lang, 'fs_watch_show');
  const x = $('#wl-xlsx');
  x.textContent = t(lang, 'fs_watch_xlsx');
  x.title = t(lang, 'fs_watch_xlsx_title');
  renderLinks();
  renderNote();
  // The table is redrawn (a profile opened, the language): the focus stays on the area's button.
  const focused = document.activeElement?.closest?.('#wl-body button[data-area]')?.dataset.area;
  $('#wl-body').innerHTML = bodyHTML();
  if (focused) [...document.querySelectorAll('#wl-body button[data-area]')].find((b) => b.dataset.area === focused)?.focus({ preventScroll: true });
}

function bodyHTML() {
  const r = result;
  if (!r || r.loading) return `<p class="hint">${L('fs_watch_loading')}</p>`;
  if (r.error) return `<p class="hint error-text">${L('fs_watch_error')} (${esc(r.error)})</p>`;
  const d = r.data || {};
  const items = Array.isArray(d.areas) ? d.areas : [];
  if (!items.length) return `<p class="hint">${L('fs_watch_empty')}</p>`;
  const g = d.geography || geography;
  const caption = LF('fs_watch_caption', { n: items.length, domain: t(state.lang, d.domain || domain), geo: t(state.lang, `fs_geo_${g}`) });
  // Columns and their sort buttons; the reasons are listed under the category (one column, two
  // sorts), so that the table fits the side panel.
  const cols = [
    { sorts: [{ key: 'area', label: 'fs_col_area' }] },
    { sorts: [{ key: 'category', label: 'fs_col_category' }, { key: 'reasons', label: 'fs_col_reasons' }] },
    { sorts: [{ key: 'mk_z', label: 'fs_col_z', title: 'fs_col_z_title' }], num: true },
    { sorts: [{ key: 'mk_p', label: 'fs_col_p', title: 'fs_col_p_title' }], num: true },
    { sorts: [{ key: 'next', label: 'fs_col_next', title: 'fs_col_next_title' }], num: true },
  ];
  const sortButton = (c) => {
    const arrow = sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : '';
    const title = c.title ? ` title="${L(c.title)}"` : '';
    return `<button type="button" class="linkish wl-sort" data-sort="${c.key}"${title}`
      + ` aria-label="${LF('fs_sort', { col: t(state.lang, c.label) })}">${L(c.label)}<span class="wl-arrow" aria-hidden="true">${arrow}</span></button>`;
  };
  let html = `<table class="domains wl-table" data-geography="${esc(g)}"><caption class="small muted">${caption}</caption><thead><tr>`;
  for (const c of cols) {
    const on = c.sorts.find((x) => x.key === sort.key);
    const aria = on ? ` aria-sort="${sort.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
    html += `<th scope="col"${c.num ? ' class="num"' : ''}${aria}>${c.sorts.map(sortButton).join(' <span aria-hidden="true">·</span> ')}</th>`;
  }
  html += '</tr></thead><tbody>';
  for (const item of sortWatchlist(items, sort)) html += rowHTML(g, item);
  return `${html}</tbody></table>`;
}

function rowHTML(g, item) {
  const lang = state.lang;
  const cat = item.category || NO_PATTERN;
  const sw = cat === NO_PATTERN ? '<span class="swatch trend-none" aria-hidden="true"></span>'
    : `<span class="swatch" style="background:${categoryColor(cat)}" aria-hidden="true"></span>`;
  const n = item.next;
  const next = n && Number.isFinite(n.rate)
    ? `<span class="rate">${esc(fmtRate(lang, n.rate))}</span><span class="ci">${esc(n.period)} · ${esc(fmtRate(lang, n.lo95))}–${esc(fmtRate(lang, n.hi95))}</span>`
    : `<span class="muted small">${L('fs_no_forecast')}</span>`;
  const reasons = (item.reasons || []).map((r) => `<li data-reason="${esc(r)}">${L(`fs_reason_${r}`)}</li>`).join('');
  const reasonList = reasons ? `<ul class="wl-reasons" aria-label="${L('fs_col_reasons')}">${reasons}</ul>` : '';
  const current = state.selected && state.selected.geography === g && state.selected.id === item.id ? ' class="current"' : '';
  return `<tr data-area="${esc(item.id)}"${current}>`
    + `<td><button type="button" class="linkish" data-area="${esc(item.id)}" data-geography="${esc(g)}" title="${L('fs_row_title')}"><code>${esc(areaCode(g, item.id))}</code></button></td>`
    + `<td class="wl-cat" data-trend="${esc(cat)}"><span class="wl-cat-name">${sw} ${L(categoryKey(cat))}</span>${reasonList}</td>`
    + `<td class="num">${esc(fmtSigned(lang, item.mk_z))}</td>`
    + `<td class="num">${esc(fmtP(lang, item.mk_p))}</td>`
    + `<td class="num">${next}</td></tr>`;
}

export function startWatchlist() {
  build();
  renderOn(['lang', 'watchlistOpen', 'session', 'vocabulary', 'static', 'selected'], renderWatchlist);
  renderWatchlist();
}

// For tests and debugging.
export const watchlistAPI = {
  open: openWatchlist,
  close: closeWatchlist,
  get result() { return result; },
  get sort() { return { ...sort }; },
  sortBy(key) { if (WATCH_SORTS.includes(key)) { sort = nextSort(sort, key); renderWatchlist(); } },
};
