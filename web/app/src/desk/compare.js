// The compare panel: up to 3 areas (added from their profile, kept in the URL as cmp=) next to
// the city, one row per indicator: the published rate, people and status of the period shown,
// from the figures files. A logged-in planner (live mode, restricted aggregates) sees the
// areas' figures of /api/areas instead, with their 95% intervals.
import { apiURL, fetchData } from '../model/api.js';
import { esc, fmtInt, fmtRate } from '../i18n/format.js';
import { addCompared, removeCompared, MAX_COMPARE } from '../model/explore-url.js';
import { isPublishable } from './figures.js';
import { $, L, LF } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { areaCode, areaKind, statusLabel } from '../i18n/labels.js';
import { PERM } from '../model/session.js';
import {
  allowed, renderOn, state, update,
} from '../model/state.js';
import { indicators } from '../model/vocabulary.js';
import { plannerCompareHTML } from './compare-desk.js';
import {
  loadFigures, loadedFigures, periodLabel, shownPeriod,
} from './explore.js';

const apiAnswers = new Map(); // "geo:id|period" -> {data} | {error} | {loading}
let note = '';

const keyOf = (a) => `${a.geography}:${a.id}`;
const inCompare = (a) => state.compare.some((x) => x.geography === a.geography && x.id === String(a.id));

// The profile's "Add to compare" button (profile.js puts it under the figures).
export function compareButton(sel) {
  if (!sel) return '';
  const inside = inCompare(sel);
  return `<p class="profile-actions"><button type="button" class="btn btn-small" data-action="compare-add" data-area="${esc(keyOf(sel))}"`
    + `${inside ? ' aria-disabled="true"' : ''}>${L(inside ? 'cmp_added' : 'cmp_add')}</button></p>`;
}

function build() {
  const side = $('#side');
  if (!side || $('#compare')) return;
  const panel = document.createElement('section');
  panel.id = 'compare';
  panel.className = 'card panel compare';
  panel.tabIndex = -1;
  panel.hidden = true;
  panel.setAttribute('aria-labelledby', 'compare-title');
  panel.innerHTML = '<div class="panel-head"><h2 id="compare-title"></h2>'
    + '<button type="button" class="close" id="compare-close">×</button></div>'
    + '<div id="compare-body" aria-live="polite"></div><p id="compare-note" class="small muted" role="status"></p>';
  side.append(panel);
  $('#compare-close').addEventListener('click', () => { note = ''; update({ compare: [] }); });
  $('#compare-body').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-remove]');
    if (!b) return;
    const [geography, ...rest] = b.dataset.remove.split(':');
    note = '';
    update({ compare: removeCompared(state.compare, { geography, id: rest.join(':') }) });
    const next = $('#compare-body button[data-remove]') || $('#compare-close');
    if (!$('#compare').hidden) next.focus();
  });
  $('#profile-body')?.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action="compare-add"]');
    if (!b || b.getAttribute('aria-disabled') === 'true' || !state.selected) return;
    const sel = state.selected;
    note = state.compare.length >= MAX_COMPARE ? t(state.lang, 'cmp_full') : '';
    update({ compare: addCompared(state.compare, { geography: sel.geography, id: sel.id }) });
  });
}

const restricted = () => !state.static && allowed(PERM.aggregates);

// A planner's answer of /api/areas for an area (asked once per period).
function apiAnswer(a, period) {
  const key = `${keyOf(a)}|${period}`;
  if (!apiAnswers.has(key)) {
    apiAnswers.set(key, { loading: true });
    const url = apiURL(`areas/${encodeURIComponent(a.geography)}/${encodeURIComponent(a.id)}`);
    if (period) url.searchParams.set('period', period);
    fetchData(url).then(async (res) => {
      apiAnswers.set(key, res.ok ? { data: await res.json() } : { error: res.status });
    }).catch((err) => apiAnswers.set(key, { error: err?.message })).finally(() => update({ figuresTick: state.figuresTick + 1 }));
  }
  return apiAnswers.get(key);
}

// The figures of a compared area: indicator -> {people, rate, status, ci_low, ci_high}; null while loading.
function areaFigures(a, period) {
  if (restricted()) {
    const ans = apiAnswer(a, period);
    if (ans.loading) return null;
    const out = {};
    for (const i of ans.data?.indicators || []) out[i.indicator] = i;
    return { figures: out, name: '' };
  }
  const file = loadedFigures(a.geography, period);
  if (file === undefined) { loadFigures(a.geography, period); return null; }
  const area = file?.areas.get(a.id);
  if (!area && a.geography === 'municipality' && file) return { figures: file.city.figures, name: '' };
  return { figures: area?.figures || {}, name: area?.name || '' };
}

// The city's figures: from any figures file of the period (each carries the city's).
function cityFigures(period) {
  for (const a of state.compare) {
    const f = loadedFigures(a.geography, period);
    if (f) return f.city.figures;
  }
  const m = loadedFigures('municipality', period);
  if (m === undefined) { loadFigures('municipality', period); return null; }
  return m ? m.city.figures : {};
}

function cell(f) {
  if (!f) return `<td class="num"><span class="suppressed">${L('cmp_missing')}</span></td>`;
  const ok = f.rate !== null && f.rate !== undefined && (f.status === undefined || f.status === '' || isPublishable(f.status) || f.status === 'ok');
  let html = '<td class="num">';
  html += ok ? `<span class="rate">${esc(fmtRate(state.lang, f.rate))}</span>` : '<span class="rate suppressed">—</span>';
  if (ok && f.ci_low != null && f.ci_high != null) {
    html += `<span class="ci" title="${L('cmp_interval')}">${esc(fmtRate(state.lang, f.ci_low))}–${esc(fmtRate(state.lang, f.ci_high))}</span>`;
  }
  if (f.people !== null && f.people !== undefined) html += `<span class="people">${esc(fmtInt(state.lang, f.people))} ${L('cmp_people')}</span>`;
  if (f.status) html += `<span class="status-word status-${esc(f.status)}">${esc(statusLabel(state.lang, f.status))}</span>`;
  return `${html}</td>`;
}

function renderCompare() {
  const panel = $('#compare');
  if (!panel) return;
  const list = state.compare;
  panel.hidden = !list.length;
  $('#compare-title').textContent = t(state.lang, 'cmp_title');
  $('#compare-close').setAttribute('aria-label', t(state.lang, 'cmp_clear'));
  $('#compare-close').title = t(state.lang, 'cmp_clear');
  $('#compare-note').textContent = note;
  syncProfileButton();
  if (!list.length) { $('#compare-body').innerHTML = ''; return; }
  const period = shownPeriod();
  const desk = restricted() ? plannerCompareHTML(list, period) : null;
  if (desk !== null) { $('#compare-body').innerHTML = desk; return; }
  const areas = list.map((a) => ({ ...a, got: areaFigures(a, period) }));
  const city = cityFigures(period);
  if (areas.some((a) => !a.got) || !city) { $('#compare-body').innerHTML = `<p class="hint">${L('cmp_loading')}</p>`; return; }
  let html = `<table class="compare-table domains"><caption class="small muted">${LF('cmp_caption', { period: periodLabel(state.lang, period) })}</caption>`
    + `<thead><tr><th scope="col">${L('indicator_label')}</th>`;
  for (const a of areas) {
    const label = `${t(state.lang, areaKind(a.geography))} ${areaCode(a.geography, a.id)}`;
    html += `<th scope="col"><span class="compare-head"><span>${L(areaKind(a.geography))}</span><code>${esc(areaCode(a.geography, a.id))}</code>`
      + `${a.got.name ? `<span>${esc(a.got.name)}</span>` : ''}`
      + `<button type="button" class="btn btn-small" data-remove="${esc(keyOf(a))}" aria-label="${esc(tf(state.lang, 'cmp_remove', { area: label }))}">×</button></span></th>`;
  }
  html += `<th scope="col">${L('cmp_city')}</th></tr></thead><tbody>`;
  for (const ind of indicators()) {
    html += `<tr${ind === state.indicator ? ' class="current"' : ''}><th scope="row">${L(ind)}</th>`;
    for (const a of areas) html += cell(a.got.figures[ind]);
    html += `${cell(city[ind])}</tr>`;
  }
  $('#compare-body').innerHTML = `${html}</tbody></table>`;
}

// The profile's button says whether its area is compared already.
function syncProfileButton() {
  const b = $('#profile-body button[data-action="compare-add"]');
  if (!b || !state.selected) return;
  const inside = inCompare(state.selected);
  b.textContent = t(state.lang, inside ? 'cmp_added' : 'cmp_add');
  if (inside) b.setAttribute('aria-disabled', 'true');
  else b.removeAttribute('aria-disabled');
}

export function startCompare() {
  build();
  renderOn(['lang', 'compare', 'period', 'figuresTick', 'indicator', 'session', 'release', 'vocabulary'], renderCompare);
  renderCompare();
}
