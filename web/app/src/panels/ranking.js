// The ranking panel (restricted aggregates): the top 20 areas for the indicator at the unit
// drawn (GET /api/rankings, also as CSV); a row flies to its area and opens its profile.
import { apiURL, errorText, fetchData } from '../model/api.js';
import { DISTRICT_SOURCE, SOURCES } from '../model/catalog.js';
import { esc } from '../i18n/format.js';
import {
  $, L, LF, ebCell, int, rateWithInterval, withheldSpan,
} from './html.js';
import { t } from '../i18n/i18n.js';
import { areaCode, geographyLabel } from '../i18n/labels.js';
import { currentHexRes, findArea, flyToArea, map } from '../map/map.js';
import { openProfile } from './profile.js';
import { PERM } from '../model/session.js';
import { allowed, state, update } from '../model/state.js';

let rankingSeq = 0;

function rankingGeography() {
  if (state.unit === 'sections') return 'section';
  if (state.unit === 'districts' && state.view === 'indicator') return 'omi';
  return `h3_${currentHexRes()}`;
}

function rankingURL(geography, csv) {
  const u = apiURL('rankings');
  u.searchParams.set('indicator', state.indicator);
  u.searchParams.set('geography', geography);
  u.searchParams.set('limit', '20');
  if (csv) u.searchParams.set('format', 'csv');
  return u;
}

// Load the ranking of the indicator and geography shown, unless it is loaded (or force).
export async function loadRanking(force = false) {
  if (!state.rankingOpen || !allowed(PERM.aggregates)) return;
  const geography = rankingGeography();
  const key = `${state.indicator}|${geography}`;
  if (!force && state.ranking?.key === key) return;
  update({ ranking: { key, geography, loading: true }, rankingNote: '' });
  const seq = ++rankingSeq;
  let result;
  try {
    const res = await fetchData(rankingURL(geography));
    result = res.ok ? { key, geography, data: await res.json() } : { key, geography, error: await errorText(res) };
  } catch (err) {
    result = { key, geography, error: err?.message };
  }
  if (seq === rankingSeq) update({ ranking: result });
}

export function openRanking() {
  if (!allowed(PERM.aggregates)) return;
  update({ rankingOpen: true });
  $('#ranking').focus({ preventScroll: true });
}

export function closeRanking({ focus = true } = {}) {
  update({ rankingOpen: false });
  if (focus && !$('#ranking-button').hidden) $('#ranking-button').focus();
}

export function renderRanking() {
  const open = state.rankingOpen;
  $('#ranking').hidden = !open;
  $('#ranking-button').setAttribute('aria-expanded', String(open));
  if (!open) return;
  const r = state.ranking;
  const geography = r?.geography || rankingGeography();
  $('#ranking-csv').href = rankingURL(geography, true).href;
  $('#ranking-indicator').value = state.indicator;
  const caption = { ind: t(state.lang, state.indicator), geo: geographyLabel(state.lang, geography) };
  const html = `<p class="small muted caption">${LF('ranking_caption', { ...caption, ind: caption.ind.toLowerCase() })}</p>`;
  $('#ranking-body').innerHTML = html + rankingContent(r, caption);
}

function rankingContent(r, caption) {
  if (!r || r.loading) return `<p class="hint">${L('ranking_loading')}</p>`;
  if (r.error) return `<p class="hint error-text">${L('ranking_error')} (${esc(r.error)})</p>`;
  const areas = r.data?.areas || [];
  if (!areas.length) return `<p class="hint">${L('ranking_empty')}</p>`;
  let html = `<table class="domains ranking-table"><caption class="sr-only">${LF('ranking_caption', caption)}</caption>`
    + `<thead><tr><th scope="col" class="num">${L('ranking_rank')}</th><th scope="col">${L('ranking_area')}</th>`
    + `<th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate_short')} <span class="small">[${L('ci95')}]</span></th>`
    + `<th scope="col" class="num">${L('eb_short')}</th></tr></thead><tbody>`;
  for (const a of areas) {
    const withheld = a.status === 'withheld';
    const people = withheld || a.people === null ? withheldSpan() : int(a.people);
    const selected = state.selected && state.selected.id === a.id ? ' class="current"' : '';
    html += `<tr${selected}><td class="num">${int(a.rank)}</td>`
      + `<td><button type="button" class="linkish" data-area="${esc(a.id)}" title="${L('ranking_row_title')}"><code>${esc(areaCode(r.geography, a.id))}</code></button></td>`
      + `<td class="num">${people}</td><td class="num">${rateWithInterval(a, withheld)}</td><td class="num">${ebCell(a.eb_rate)}</td></tr>`;
  }
  html += '</tbody></table>';
  if (state.rankingNote) html += `<p class="small muted" role="status">${esc(state.rankingNote)}</p>`;
  return html;
}

// Fly to a ranked area (found among the loaded tiles) and open its profile.
export function goToArea(id) {
  if (!map) return;
  const geography = state.ranking?.geography || rankingGeography();
  let srcs;
  if (geography === 'section') srcs = [SOURCES[state.view].sections, 'indicators_sections', 'sections', 'hotspots_sections'];
  else if (geography === 'omi') srcs = [DISTRICT_SOURCE];
  else srcs = [SOURCES[state.view][state.unit], 'indicators', 'hexagons', 'hotspots'];
  const { bbox, name, source } = findArea(geography, id, srcs);
  if (bbox) flyToArea(geography, bbox);
  update({ rankingNote: bbox ? '' : t(state.lang, 'ranking_not_on_map') });
  openProfile({ geography, id, source, period: state.ranking?.data?.period, name }, { focus: false });
}
