// The compare panel for planners (restricted aggregates, live site): GET /api/compare per
// geography of the compared areas, with the city as the benchmark. Rates with their 95%
// intervals, EB rate, change, rank "r of n", overlap shares and composite indices where the
// answer has them, and a chart per indicator (desk-chart.js). compare.js calls
// plannerCompareHTML and falls back to its own table when it returns null.
import { apiURL, errorText, fetchData } from '../model/api.js';
import { esc, fmtRate, fmtSigned } from '../i18n/format.js';
import { L, LF } from '../panels/html.js';
import { LOCALES, t, tf } from '../i18n/i18n.js';
import { areaCode, areaKind } from '../i18n/labels.js';
import { state, update } from '../model/state.js';
import { domains, indicators } from '../model/vocabulary.js';
import { compareChartLabel, compareChartSVG } from './desk-chart.js';
import { comparedByGeography, compareURL } from './desk-urls.js';

const answers = new Map(); // "geography|ids|period" -> {loading} | {data} | {error}

function answerFor(geography, ids, period) {
  const key = `${geography}|${ids.join(',')}|${period}`;
  if (!answers.has(key)) {
    answers.set(key, { loading: true });
    fetchData(compareURL(apiURL('./'), geography, ids, period))
      .then(async (res) => answers.set(key, res.ok ? { data: await res.json() } : { error: await errorText(res) }))
      .catch((err) => answers.set(key, { error: err?.message || 'network' }))
      .finally(() => update({ figuresTick: state.figuresTick + 1 }));
  }
  return answers.get(key);
}

const pct = (lang, v) => new Intl.NumberFormat(LOCALES[lang] || LOCALES.it, { style: 'percent', maximumFractionDigits: 0 }).format(Number(v));
const isSet = (v) => v !== null && v !== undefined;

// The areas of the list with their restricted answer ({area, ranks}), and the city's; null
// while an answer is on its way; {error} when one failed; undefined when no area of the list
// is asked through /api/compare (only the municipality: compare.js's own path).
function gather(list, period) {
  const groups = comparedByGeography(list);
  if (!groups.size) return undefined;
  const got = new Map();
  for (const [geo, ids] of groups) {
    const ans = answerFor(geo, ids, period);
    if (ans.loading) return null;
    if (ans.error) return { error: ans.error };
    got.set(geo, ans.data);
  }
  const first = got.values().next().value;
  const city = first?.city || {};
  const areas = list.map((a) => {
    if (a.geography === 'municipality') return { ...a, area: city, ranks: {} };
    const found = (got.get(a.geography)?.areas || []).find((x) => String(x.id) === String(a.id));
    return { ...a, area: found || { indicators: [] }, ranks: found?.ranks || {} };
  });
  return { areas, city, period: first?.period || period };
}

const byIndicator = (area) => Object.fromEntries((area?.indicators || []).map((i) => [i.indicator, i]));

function cell(f, rank) {
  const lang = state.lang;
  if (!f) return `<td class="num"><span class="suppressed">${L('cmp_missing')}</span></td>`;
  if (f.status === 'withheld' || !isSet(f.rate)) {
    return `<td class="num"><span class="rate suppressed" title="${L('suppressed_title')}">${L(f.status === 'withheld' ? 'suppressed' : 'not_available')}</span></td>`;
  }
  let html = `<td class="num"><span class="rate">${esc(fmtRate(lang, f.rate))}${f.unstable ? `<abbr class="unstable" title="${L('unstable_title')}">*</abbr>` : ''}</span>`;
  if (isSet(f.ci_low) && isSet(f.ci_high)) html += `<span class="ci" title="${L('cmp_interval')}">${esc(fmtRate(lang, f.ci_low))}–${esc(fmtRate(lang, f.ci_high))}</span>`;
  if (isSet(f.eb_rate)) html += `<span class="pc-line">${L('pc_eb')} ${esc(fmtRate(lang, f.eb_rate))}</span>`;
  if (isSet(f.change)) html += `<span class="pc-line">${L('pc_change')} ${esc(fmtSigned(lang, f.change))}</span>`;
  if (rank) html += `<span class="pc-line pc-rank" title="${L('pc_rank_title')}">${LF('pc_rank', { rank: rank.rank, of: rank.of })}</span>`;
  return `${html}</td>`;
}

function headCell(a) {
  const label = `${t(state.lang, areaKind(a.geography))} ${areaCode(a.geography, a.id)}`;
  return `<th scope="col"><span class="compare-head"><span>${L(areaKind(a.geography))}</span><code>${esc(areaCode(a.geography, a.id))}</code>`
    + `<button type="button" class="btn btn-small" data-remove="${esc(`${a.geography}:${a.id}`)}" aria-label="${esc(tf(state.lang, 'cmp_remove', { area: label }))}">×</button></span></th>`;
}

// Extra rows: overlap shares per domain and composite indices, where any area has them.
function extraRows(areas, city) {
  const lang = state.lang;
  const all = [...areas.map((a) => a.area), city];
  let html = '';
  for (const d of domains()) {
    if (!all.some((x) => isSet(x?.overlap_shares?.[d]))) continue;
    html += `<tr class="pc-extra-row"><th scope="row"><abbr class="th-abbr" title="${L('pc_overlap_title')}">${LF('pc_overlap', { ind: t(lang, d) })}</abbr></th>`;
    for (const x of all) {
      const v = x?.overlap_shares?.[d];
      html += `<td class="num">${isSet(v) ? esc(pct(lang, v)) : `<span class="suppressed">${L('cmp_missing')}</span>`}</td>`;
    }
    html += '</tr>';
  }
  for (const k of ['ampi', 'imd']) {
    if (!all.some((x) => isSet(x?.composite?.[k]))) continue;
    html += `<tr class="pc-extra-row"><th scope="row">${L('pc_composite')} ${L(`pc_${k}`)}</th>`;
    for (const x of all) {
      const v = x?.composite?.[k];
      html += `<td class="num">${isSet(v) ? esc(fmtRate(lang, v)) : `<span class="suppressed">${L('cmp_missing')}</span>`}</td>`;
    }
    html += '</tr>';
  }
  return html;
}

function charts(areas, city) {
  const lang = state.lang;
  const cityBy = byIndicator(city);
  let html = '';
  for (const ind of indicators()) {
    const rows = areas.map((a) => {
      const f = byIndicator(a.area)[ind] || {};
      const shown = f.status !== 'withheld';
      return {
        label: `${t(lang, areaKind(a.geography))} ${areaCode(a.geography, a.id)}`,
        rate: shown ? f.rate : null,
        ci_low: shown ? f.ci_low : null,
        ci_high: shown ? f.ci_high : null,
      };
    });
    if (!rows.some((r) => isSet(r.rate))) continue;
    const name = t(lang, ind);
    const cityRate = cityBy[ind]?.rate;
    html += `<figure data-indicator="${esc(ind)}">${compareChartSVG(lang, name, rows, { rate: cityRate }, { label: compareChartLabel(lang, name, cityRate) })}</figure>`;
  }
  return html ? `<div class="pc-charts"><p class="small muted">${L('pc_chart_title')}</p>${html}</div>` : '';
}

// The planners' compare body for the list, or null to let compare.js draw its own.
export function plannerCompareHTML(list, period) {
  const g = gather(list, period);
  if (g === undefined) return null;
  if (g === null) return `<p class="hint">${L('cmp_loading')}</p>`;
  if (g.error) return `<p class="hint error-text">${LF('pc_error', { detail: g.error })}</p>`;
  const { areas, city } = g;
  const cityBy = byIndicator(city);
  let html = `<table class="compare-table domains pc-table"><caption class="small muted">${LF('pc_caption', { period: g.period })}</caption>`
    + `<thead><tr><th scope="col">${L('indicator_label')}</th>${areas.map(headCell).join('')}<th scope="col">${L('cmp_city')}</th></tr></thead><tbody>`;
  for (const ind of indicators()) {
    html += `<tr data-indicator="${esc(ind)}"${ind === state.indicator ? ' class="current"' : ''}><th scope="row">${L(ind)}</th>`;
    for (const a of areas) html += cell(byIndicator(a.area)[ind], a.ranks?.[ind]);
    html += `${cell(cityBy[ind])}</tr>`;
  }
  html += `${extraRows(areas, city)}</tbody></table>`;
  return html + charts(areas, city);
}
