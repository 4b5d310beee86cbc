// The area profile panel: GET /api/areas/{geography}/{id}, for the area clicked, ranked or
// named in the URL. The public gets published figures; other roles restricted ones.
import { DISTRICT_SOURCE, geographyOfSource } from '../model/catalog.js';
import { apiURL, errorText, fetchData } from '../model/api.js';
import { clusterColor } from '../map/classify.js';
import { esc, fmtP, fmtRate, fmtSigned, has, num } from '../i18n/format.js';
import {
  $, L, LF, ebCell, int, naSpan, notPublishedDash, rate, rateWithInterval, releasesLink, swatch, withheldSpan,
} from './html.js';
import { t, tf } from '../i18n/i18n.js';
import {
  analysisLabel, areaCode, areaKind, clusterLabel, combinationLabel, statusLabel,
} from '../i18n/labels.js';
import { currentHexRes } from '../map/map.js';
import { state, update } from '../model/state.js';
import { compareButton } from '../desk/compare.js';
import { reportLinks } from '../desk/report-links.js';
import { measuresSection } from './profile-measures.js';
import { analyses, indicators } from '../model/vocabulary.js';
import { fanSVG } from '../foresight/foresight-chart.js';

// Set by code loaded for the roles that need it (main.js): the targeting state of an area
// opened (desk/targeting.js, person-level data) and the forecast fan's steps
// (foresight/forecast-fan.js, restricted aggregates).
let targetingFor = () => null;
let forecastFor = () => null;
let forecastWithheld = () => false;

export function setTargetingFor(fn) {
  targetingFor = fn;
}

export function setForecasts(forecasts) {
  ({ forecastFor, forecastWithheld } = forecasts);
}

let profileSeq = 0;
let returnFocus = null;

// The area of a map feature (hit: {source, props}) as a profile selection.
export function selectionOf({ source, props }) {
  const geography = geographyOfSource(source) || `h3_${num(props, 'resolution') ?? currentHexRes()}`;
  return { geography, id: String(props.id), source, period: props.period, name: has(props, 'name') ? String(props.name) : undefined };
}

export async function openProfile(sel, { focus = true } = {}) {
  const panel = $('#profile');
  if (panel.hidden) returnFocus = document.activeElement;
  update({ selected: sel, profile: { loading: true }, targeting: targetingFor(sel) });
  if (focus) panel.focus({ preventScroll: true });
  const seq = ++profileSeq;
  const result = await fetchProfile(sel);
  if (seq === profileSeq) update({ profile: result });
}

async function fetchProfile(sel) {
  // The static site has no /api: the figures files.
  if (state.static) return (await import('../public/static.js')).fetchStaticProfile(sel);
  const url = apiURL(`areas/${encodeURIComponent(sel.geography)}/${encodeURIComponent(sel.id)}`);
  if (sel.period) url.searchParams.set('period', sel.period);
  try {
    const res = await fetchData(url);
    if (res.status === 404) return { error: 'profile_not_found' };
    if (res.status === 401 || res.status === 403) return { error: 'error_forbidden', detail: await errorText(res) };
    if (!res.ok) return { error: 'profile_error', detail: `HTTP ${res.status}` };
    return { data: await res.json() };
  } catch (err) {
    return { error: 'profile_error', detail: err?.message };
  }
}

export function closeProfile() {
  if (!state.selected) return;
  profileSeq++;
  update({ selected: null, profile: null, targeting: null });
  const back = returnFocus;
  returnFocus = null;
  if (back && document.contains(back) && typeof back.focus === 'function') back.focus();
}

export function renderProfile() {
  const sel = state.selected;
  const pr = state.profile;
  $('#profile').hidden = !sel;
  const body = $('#profile-body');
  if (!sel || !pr) { body.innerHTML = ''; return; }
  const head = profileHead(sel);
  if (pr.loading) { body.innerHTML = `${head}<p class="hint">${L('profile_loading')}</p>`; return; }
  if (pr.error) {
    body.innerHTML = `${head}<p class="hint error-text">${L(pr.error)}${pr.detail ? ` (${esc(pr.detail)})` : ''}</p>`;
    return;
  }
  const d = pr.data || {};
  const inds = [...(d.indicators || [])].sort((a, b) => indicators().indexOf(a.indicator) - indicators().indexOf(b.indicator));
  // The public's answer (published figures): protected counts with a status, a protection note.
  const published = d.protection !== undefined || inds.some((i) => i.status === 'protected' || i.status === 'suppressed');
  body.innerHTML = head + (published ? publishedProfile(sel, d, inds) : restrictedProfile(d, inds, sel)) + compareButton(sel) + reportLinks(sel);
}

function profileHead(sel) {
  const res = sel.geography.startsWith('h3_') ? sel.geography.slice(3) : '';
  let html = `<p class="area-id"><span class="area-kind">${L(areaKind(sel.geography))}</span> <code>${esc(areaCode(sel.geography, sel.id))}</code>`;
  if (res) html += ` <span class="area-res">(${L('resolution')} ${esc(res)})</span>`;
  if (sel.name) html += ` <span class="area-name">${esc(sel.name)}</span>`;
  return `${html}</p>`;
}

// Residents and period, and the heading of the indicator table.
function profileFigures(d, inds) {
  const residents = inds.find((i) => i.residents !== null && i.residents !== undefined)?.residents;
  let html = '<dl class="figures">';
  if (residents !== undefined) html += `<div><dt>${L('residents')}</dt><dd>${int(residents)}</dd></div>`;
  if (d.period) html += `<div><dt>${L('profile_period')}</dt><dd>${esc(d.period)}</dd></div>`;
  html += '</dl>';
  return `${html}<h3>${L('profile_indicators')} <span class="muted small">(${L('per_thousand')})</span></h3>`;
}

const currentRow = (ind) => (ind === state.indicator ? ' class="current"' : '');

// Restricted figures: counts, rates with intervals, EB rates, trends, overlap and hotspots.
function restrictedProfile(d, inds, sel) {
  let html = profileFigures(d, inds);
  html += `<table class="domains profile-table"><thead><tr><th scope="col">${L('indicator_label')}</th><th scope="col" class="num">${L('count')}</th>`
    + `<th scope="col" class="num">${L('rate_short')} <span class="small">[${L('ci95')}]</span></th><th scope="col" class="num">${L('eb_short')}</th>`
    + `<th scope="col" class="num"><abbr class="th-abbr" title="${L('change')}">${L('change_short')}</abbr></th><th scope="col">${L('quarters')}</th></tr></thead><tbody>`;
  let anyUnstable = false;
  let anyFan = false;
  const withheldFor = [];
  for (const i of inds) {
    const withheld = i.status === 'withheld';
    anyUnstable ||= !!i.unstable && !withheld;
    const people = withheld || i.people === null ? withheldSpan() : int(i.people);
    const q = (d.quarters || {})[i.indicator];
    // The next quarters' forecast fan after the quarters (foresight: forecast-fan.js).
    const steps = q && q.length ? forecastFor(sel, i.indicator, q) : null;
    const fan = steps && steps.length ? fanSVG(state.lang, sparkSeries(q), steps, { gap: gapLabel }) : '';
    anyFan ||= !!fan;
    if (q && forecastWithheld(sel, i.indicator, q)) withheldFor.push(t(state.lang, i.indicator).toLowerCase());
    html += `<tr data-indicator="${esc(i.indicator)}"${currentRow(i.indicator)}><th scope="row">${L(i.indicator)}</th><td class="num">${people}</td>`
      + `<td class="num">${rateWithInterval(i, withheld)}</td><td class="num">${ebCell(i.eb_rate)}</td><td class="num">${trendCell(i)}</td>`
      + `<td${fan ? ' class="has-fan"' : ''}>${fan || (q && q.length ? sparkline(q) : naSpan())}</td></tr>`;
  }
  html += '</tbody></table>';
  if (anyUnstable) html += `<p class="small muted">${L('profile_unstable_note')}</p>`;
  if (anyFan || withheldFor.length) {
    html += `<p class="small muted fan-note">${anyFan ? L('fs_fan_note') : ''}`
      + `${withheldFor.length ? ` ${LF('fs_fan_withheld', { domains: withheldFor.join(', ') })}` : ''}</p>`;
  }
  html += measuresSection(d, sel);
  if (!Array.isArray(d.overlap)) return html;
  html += overlapSection(d.overlap);
  if (!Array.isArray(d.hotspots)) return html;
  return html + hotspotSection(d.hotspots);
}

// The five largest combinations of needs.
function overlapSection(overlap) {
  let html = `<h3>${L('profile_overlap')}</h3>`;
  const top = [...overlap].sort((a, b) => (b.people ?? -1) - (a.people ?? -1)).slice(0, 5);
  if (!top.length) return `${html}<p class="small muted">${L('profile_no_overlap')}</p>`;
  html += '<table class="domains combos"><tbody>';
  for (const o of top) {
    const people = o.status === 'withheld' || o.people === null ? withheldSpan() : int(o.people);
    html += `<tr><th scope="row">${esc(combinationLabel(state.lang, o.combination))}</th><td class="num">${people}</td></tr>`;
  }
  return `${html}</tbody></table>`;
}

// Significant hot and cold spots the area belongs to.
function hotspotSection(hotspots) {
  let html = `<h3>${L('profile_hotspots')}</h3>`;
  const hs = hotspots.filter((h) => h.significant && Number(h.cluster) > 0)
    .map((h) => ({ ...h, key: String(h.analysis).replace(/:/g, '_') }))
    .sort((a, b) => analyses().indexOf(a.key) - analyses().indexOf(b.key));
  if (!hs.length) return `${html}<p class="small muted">${L('profile_no_hotspots')}</p>`;
  html += '<ul class="memberships">';
  for (const h of hs) {
    const code = Number(h.cluster);
    const p = h.p_value !== null && h.p_value !== undefined ? ` <span class="muted">(${L('p_value')} = ${esc(fmtP(state.lang, h.p_value))})</span>` : '';
    html += `<li>${swatch(clusterColor(h.key, code))} `
      + `${esc(analysisLabel(state.lang, h.key))}: <strong>${esc(clusterLabel(state.lang, h.key, code))}</strong>${p}</li>`;
  }
  return `${html}</ul>`;
}

// Published figures of an area: protected count, rate from it, status, quarters.
function publishedProfile(sel, d, inds) {
  let html = profileFigures(d, inds);
  html += `<table class="domains profile-table published"><thead><tr><th scope="col">${L('indicator_label')}</th>`
    + `<th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate_short')}</th>`
    + `<th scope="col">${L('status_label')}</th>${changeHead(d)}<th scope="col">${L('quarters')}</th></tr></thead><tbody>`;
  let healthSuppressed = false;
  for (const i of inds) {
    const suppressed = i.status === 'suppressed';
    if (suppressed && i.indicator === 'health') healthSuppressed = true;
    // A suppressed figure says so once, in the status column; the other cells show a dash.
    const dash = notPublishedDash(i.indicator);
    const people = suppressed || i.people === null || i.people === undefined ? dash : int(i.people);
    const rateHtml = suppressed || i.rate === null || i.rate === undefined ? dash : `<span class="rate">${rate(i.rate)}</span>`;
    const title = suppressed ? ` title="${i.indicator === 'health' ? L('not_published_health_title') : L('not_published_title')}"` : '';
    const q = (d.quarters || {})[i.indicator];
    const quarters = q && q.some((x) => x.rate !== null && x.rate !== undefined) ? sparkline(q) : suppressed ? dash : naSpan();
    html += `<tr data-indicator="${esc(i.indicator)}" data-status="${esc(i.status || '')}"${currentRow(i.indicator)}><th scope="row">${L(i.indicator)}</th>`
      + `<td class="num">${people}</td><td class="num">${rateHtml}</td>`
      + `<td><span class="status status-${esc(i.status || 'unknown')}"${title}>${esc(statusLabel(state.lang, i.status))}</span></td>`
      + `${d.previous ? `<td class="num">${trendCell(i)}</td>` : ''}<td>${quarters}</td></tr>`;
  }
  html += '</tbody></table>';
  if (healthSuppressed && sel.geography !== 'omi' && state.available.has(DISTRICT_SOURCE)) {
    html += `<p class="small district-line">${LF('district_hint', { ind: t(state.lang, 'health') })} `
      + `<button type="button" class="btn btn-small" data-action="districts-health">${L('district_switch')}</button></p>`;
  }
  const note = state.lang === 'en' && d.protection ? d.protection : t(state.lang, 'profile_protection_note');
  const release = d.release ?? inds[0]?.release;
  const releaseText = release !== undefined && release !== null ? `${LF('profile_release', { release })} ` : '';
  return `${html}<p class="small muted protection">${releaseText}${esc(note)} ${releasesLink()}</p>`;
}

// The change on the previous period (static site: figures files of both periods).
function changeHead(d) {
  if (!d.previous) return '';
  const title = LF('sp_change_title', { prev: d.previous });
  return `<th scope="col" class="num"><abbr class="th-abbr" title="${title}">${L('sp_change')}</abbr></th>`;
}

function trendCell(ind) {
  if (ind.change === null || ind.change === undefined) return `<span class="trend none" title="${L('trend_none')}">—</span>`;
  const c = Number(ind.change);
  const [arrow, key] = c > 0 ? ['↑', 'trend_up'] : c < 0 ? ['↓', 'trend_down'] : ['→', 'trend_flat'];
  return `<span class="trend" title="${L(key)}"><span aria-hidden="true">${arrow}</span> ${esc(fmtSigned(state.lang, c))}</span>`;
}

// The rates of a quarters series as the fan takes them: null where withheld or not published.
function sparkSeries(series) {
  return series.map((q) => ({
    ...q, rate: q.status === 'withheld' || q.status === 'suppressed' || q.rate === null || q.rate === undefined ? null : Number(q.rate),
  }));
}

const gapLabel = (q) => t(state.lang, q.status === 'suppressed' ? 'not_published' : 'suppressed');

// Rate per quarter as a small line; quarters without a published rate are dots on the axis.
function sparkline(series) {
  const lang = state.lang;
  const w = 64; const h = 18; const pad = 2;
  const vals = series.map((q) => (q.status === 'withheld' || q.status === 'suppressed' || q.rate === null || q.rate === undefined ? null : Number(q.rate)));
  const known = vals.filter((v) => v !== null);
  const gap = (q) => t(lang, q.status === 'suppressed' ? 'not_published' : 'suppressed');
  const label = tf(lang, 'sparkline_label', {
    values: series.map((q, i) => `${String(q.period).replace(/^\d{4}-/, '')} ${vals[i] === null ? gap(q) : fmtRate(lang, vals[i])}`).join(', '),
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
