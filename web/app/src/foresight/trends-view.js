// The "Tendenze / Trends" view (restricted aggregates, live site): the emerging hot and cold
// spot categories of GET /api/trends/{geography}?domain=D painted on the hotspot tiles' H3 8
// and 9 cells (by their H3 id), the hotspot sections or the districts, coloured by category
// (foresight-data.js), with its domain select, a short explanation and a link to the
// categories' definition; its legend (categories side by side, hot in reds, cold in blues) and
// its hover card (category, Mann-Kendall z and p, the z-scores by quarter).
import { apiURL, errorText, fetchData } from '../model/api.js';
import { esc, fmtP, has, num } from '../i18n/format.js';
import { $, L, LF } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { legendItem, setLegend } from '../map/legend-items.js';
import { renderLegend, setViewLegend } from '../map/legend.js';
import { setViewInfo } from '../map/info.js';
import { applyPaint } from '../map/map.js';
import { PERM } from '../model/session.js';
import {
  allowed, choose, effectOn, renderOn, state, update,
} from '../model/state.js';
import { domains } from '../model/vocabulary.js';
import {
  EHSA_DOCS_URL, NO_PATTERN, TREND_OPACITY, categoryColor, categoryCounts, categoryKey, legendEntries, parseTrends,
  trendGeography, trendsLookup, trendsURL,
} from './foresight-data.js';
import { zSparkSVG } from './foresight-chart.js';

// "geography|domain" -> {loading} | {areas, byId, quarters} | {error}
const answers = new Map();
let version = 0; // bumped when an answer arrives: the map and the legend are redrawn

const offered = () => allowed(PERM.aggregates) && !state.static;

// The geographies whose categories the unit shows: both hexagon resolutions (the zoom picks
// which the tiles draw; H3 ids tell them apart), or the sections, or the districts.
function geographiesOf(unit) {
  if (unit === 'sections') return ['section'];
  if (unit === 'districts') return ['omi'];
  return ['h3_8', 'h3_9'];
}

const keyOf = (geography, domain) => `${geography}|${domain}`;

// The geography the map draws now, or null (hexagons of resolution 10).
const drawnGeography = () => trendGeography(state.unit, state.mapZoom);

async function load(geography, domain) {
  const key = keyOf(geography, domain);
  if (answers.has(key) && !answers.get(key).error) return;
  answers.set(key, { loading: true });
  let ans;
  try {
    const res = await fetchData(trendsURL(apiURL('./'), geography, domain));
    if (res.ok) {
      const areas = parseTrends(await res.json());
      ans = { areas, byId: new Map(areas.map((a) => [a.id, a])), quarters: areas.find((a) => a.quarters.length)?.quarters || [] };
    } else ans = { error: await errorText(res) };
  } catch (err) {
    ans = { error: err?.message || 'network' };
  }
  answers.set(key, ans);
  version++;
  refresh();
}

// The categories drawn for the domain and unit: the lookup of the answers loaded, in the state
// when it changes (the map and the legend follow).
function refresh() {
  if (state.view !== 'trends' || !offered()) return;
  const domain = state.trendsDomain;
  const geos = geographiesOf(state.unit);
  const loaded = geos.map((g) => answers.get(keyOf(g, domain))).filter((a) => a?.areas);
  const key = `${domain}|${geos.join(',')}|${version}`;
  if (state.trends?.key === key) return;
  update({ trends: { key, lookup: trendsLookup(...loaded.map((a) => a.areas)) } });
}

// In the trends view: the drawn geography's categories asked for (then the other resolution's,
// so that zooming in shows H3 9 at once).
function ensureLoaded() {
  if (state.view !== 'trends' || !offered() || !state.trendsDomain) return;
  const now = drawnGeography();
  const geos = geographiesOf(state.unit);
  for (const g of now ? [now, ...geos.filter((x) => x !== now)] : geos) load(g, state.trendsDomain);
  refresh();
}

// The answer of the geography drawn now (for the legend and the hover card).
function currentAnswer() {
  const g = drawnGeography();
  return g ? answers.get(keyOf(g, state.trendsDomain)) : null;
}

function build() {
  const after = $('#hotspot-options');
  if (!after || $('#trends-options')) return;
  const box = document.createElement('div');
  box.className = 'view-options trends-options';
  box.id = 'trends-options';
  box.hidden = true;
  box.innerHTML = '<label class="field"><span id="trends-domain-label"></span><select id="trends-domain"></select></label>'
    + '<p class="small muted trends-intro" id="trends-intro"></p>'
    + `<p class="small trends-docs"><a id="trends-docs" href="${esc(EHSA_DOCS_URL)}" target="_blank" rel="noopener" lang="en"></a>`
    + ' <span class="muted" id="trends-docs-note"></span></p>';
  after.after(box);
  $('#trends-domain').addEventListener('change', (e) => {
    if (domains().includes(e.target.value)) choose({ trendsDomain: e.target.value });
  });
}

export function renderTrendsControls() {
  const box = $('#trends-options');
  if (!box) return;
  box.hidden = state.view !== 'trends' || !offered();
  if (box.hidden) return;
  const { lang } = state;
  $('#trends-domain-label').textContent = t(lang, 'fs_domain');
  const sel = $('#trends-domain');
  sel.replaceChildren(...domains().map((d) => new Option(t(lang, d), d, false, d === state.trendsDomain)));
  sel.value = state.trendsDomain;
  $('#trends-intro').textContent = t(lang, 'fs_trends_intro');
  $('#trends-docs').textContent = t(lang, 'fs_docs_link');
  $('#trends-docs-note').textContent = t(lang, 'fs_docs_note');
}

// The legend of the trends view (set in legend.js by startTrendsView): each pattern's hot and cold spot side
// by side with the areas drawn in each, no pattern last; notes on the method, the quarters, the
// hexagon resolutions, and whether the categories are loading, failed or missing.
export function trendsLegend(lang) {
  const ans = currentAnswer();
  const counts = ans?.areas ? categoryCounts(ans.areas) : {};
  const items = legendEntries(counts).map((e) => {
    const li = legendItem(e.category === NO_PATTERN ? '' : e.color, ans?.areas ? `${t(lang, categoryKey(e.category))} (${e.count})` : t(lang, categoryKey(e.category)), {
      opacity: e.category === NO_PATTERN ? 1 : TREND_OPACITY,
      className: e.category === NO_PATTERN ? 'trend-none' : '',
      data: { trend: e.category },
    });
    li.title = t(lang, `fs_pat_${e.category === NO_PATTERN ? NO_PATTERN : e.category.replace(/_(hot|cold)_spot$/, '')}`);
    return li;
  });
  const notes = [t(lang, 'fs_legend_note')];
  const g = drawnGeography();
  if (!g) notes.unshift(t(lang, 'fs_legend_res10'));
  else if (!ans || ans.loading) notes.unshift(t(lang, 'fs_legend_loading'));
  else if (ans.error) notes.unshift(`${t(lang, 'fs_legend_error')} (${ans.error})`);
  else if (!ans.areas.length) notes.unshift(t(lang, 'fs_legend_empty'));
  else if (ans.quarters.length) {
    notes.push(tf(lang, 'fs_legend_span', {
      n: ans.quarters.length, from: ans.quarters[0], to: ans.quarters[ans.quarters.length - 1], areas: ans.areas.length,
    }));
  }
  if (state.unit === 'hexagons') notes.push(t(lang, 'fs_legend_units'));
  setLegend(tf(lang, 'fs_legend_title', { domain: t(lang, state.trendsDomain) }), items, notes);
  const list = $('#legend-items');
  if (list) list.dataset.trends = ans?.areas ? String(ans.areas.length) : '';
}

// The hover card of the trends view: the area's category, its Mann-Kendall trend and its Gi*
// z-scores by quarter.
export function trendsInfo(p) {
  const lang = state.lang;
  const res = num(p, 'resolution');
  if (state.unit === 'hexagons' && res !== null && res > 9) return `<p class="small muted">${L('fs_info_res10')}</p>`;
  const geography = state.unit === 'hexagons' ? `h3_${res ?? 8}` : drawnGeography();
  const a = has(p, 'id') ? answers.get(keyOf(geography, state.trendsDomain))?.byId?.get(String(p.id)) : null;
  if (!a) return `<p class="small muted">${L('fs_info_none')}</p>`;
  const color = categoryColor(a.category);
  const sw = a.category === NO_PATTERN ? '<span class="swatch trend-none" aria-hidden="true"></span>'
    : `<span class="swatch" style="background:${color}" aria-hidden="true"></span>`;
  let html = `<p class="cluster-line trend-line" data-trend="${esc(a.category)}">${sw} <strong>${L(categoryKey(a.category))}</strong></p>`;
  html += `<p class="small muted">${esc(t(lang, state.trendsDomain))} · ${L('fs_info_trend')}: ${LF('fs_info_trend_value', { z: fmtP(lang, a.mk_z), p: fmtP(lang, a.mk_p) })}</p>`;
  html += zSparkSVG(lang, a.quarters, a.z, a.p);
  return html;
}

export function startTrendsView() {
  setViewLegend('trends', trendsLegend);
  setViewInfo('trends', trendsInfo);
  build();
  renderOn(['lang', 'view', 'trendsDomain', 'vocabulary', 'session', 'static', 'available'], renderTrendsControls);
  renderOn(['trends'], applyPaint);
  renderOn(['trends', 'trendsDomain'], renderLegend);
  effectOn(['view', 'unit', 'mapZoom', 'trendsDomain', 'session', 'vocabulary'], ensureLoaded);
  // After a logout the answers are not the public's to keep.
  effectOn(['session'], () => { if (!offered()) { answers.clear(); if (state.trends) update({ trends: null }); } });
  renderTrendsControls();
  renderLegend();
  ensureLoaded();
}

// For tests and debugging: the answers loaded.
export const trendsAPI = {
  answer: (geography, domain = state.trendsDomain) => answers.get(keyOf(geography, domain)) || null,
};
