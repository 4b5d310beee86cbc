// "What comes first" (restricted aggregates, live site): at district or comune level, the
// correlation of each signal's quarterly change (eviction filings, job-centre registrations,
// health and work need) with the change of housing support 0 to 3 quarters later, with its 95%
// interval (GET /api/lead-lag): a reading per signal, a dot-and-whisker chart per signal, the
// same figures in a table, and the caution that this is association, not cause, in the page's
// language (the server's own English text in English).
import { apiURL, errorText, fetchData } from '../model/api.js';
import { esc, fmtInt, fmtP } from '../i18n/format.js';
import { $, L, LF } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { PERM } from '../model/session.js';
import { sidePanel } from '../panels/panel.js';
import { allowed, renderOn, state } from '../model/state.js';
import {
  LEAD_LAG_GEOGRAPHIES, lagsBySignal, leadLagURL, strongestLead,
} from './foresight-data.js';
import { lagAxis, lagChartSVG } from './foresight-chart.js';

let geography = 'omi';
const answers = new Map(); // geography -> {loading} | {data} | {error}

const offered = () => allowed(PERM.aggregates) && !state.static;

const scaffold = sidePanel({
  id: 'leadlag',
  key: 'leadLagOpen',
  className: 'leadlag',
  offered,
  texts: { button: 'fs_ll_button', title: 'fs_ll_title', close: 'fs_ll_close' },
  body: '<p class="small muted" id="ll-intro"></p>'
    + '<label class="field exposure-tools"><span id="ll-geo-label"></span> <select id="ll-geo"></select></label>'
    + '<div id="ll-body" aria-live="polite"></div>',
  afterOpen: () => load(),
  notOffered: () => answers.clear(),
});

function build() {
  if (!scaffold.build()) return;
  $('#ll-geo').addEventListener('change', (e) => { geography = e.target.value; load(); });
}

export function openLeadLag() {
  scaffold.open();
}

export function closeLeadLag() {
  scaffold.close();
}

async function load() {
  if (!state.leadLagOpen || !offered()) return;
  const g = geography;
  if (answers.has(g) && !answers.get(g).error) { renderLeadLag(); return; }
  answers.set(g, { loading: true });
  renderLeadLag();
  let ans;
  try {
    const res = await fetchData(leadLagURL(apiURL('./'), g));
    ans = res.ok ? { data: await res.json() } : { error: await errorText(res) };
  } catch (err) {
    ans = { error: err?.message || 'network' };
  }
  answers.set(g, ans);
  if (g === geography) renderLeadLag();
}

const signalLabel = (lang, s) => {
  const key = `fs_ll_signal_${s}`;
  const v = t(lang, key);
  return v === key ? s : v;
};

export function renderLeadLag() {
  if (!scaffold.render()) return;
  const { lang } = state;
  $('#ll-intro').textContent = t(lang, 'fs_ll_intro');
  $('#ll-geo-label').textContent = t(lang, 'fs_ll_geo');
  const sel = $('#ll-geo');
  sel.replaceChildren(...LEAD_LAG_GEOGRAPHIES.map((g) => new Option(t(lang, `fs_geo_${g}`), g)));
  sel.value = geography;
  const ans = answers.get(geography);
  const body = $('#ll-body');
  if (!ans || ans.loading) { body.innerHTML = `<p class="hint">${L('fs_ll_loading')}</p>`; return; }
  if (ans.error) { body.innerHTML = `<p class="hint error-text">${L('fs_ll_error')} (${esc(ans.error)})</p>`; return; }
  body.innerHTML = leadLagHTML(ans.data);
}

function reading(lang, label, lags) {
  const best = strongestLead(lags);
  if (!best) return tf(lang, 'fs_ll_reading_none', { signal: label });
  return tf(lang, best.lag === 0 ? 'fs_ll_reading_same' : 'fs_ll_reading', {
    signal: label, lag: best.lag, r: fmtP(lang, best.r), lo: fmtP(lang, best.lo95), hi: fmtP(lang, best.hi95),
  });
}

function leadLagHTML(d) {
  const lang = state.lang;
  const groups = lagsBySignal(d);
  // The server's caution is English; Italian readers get the same text translated.
  const caution = lang === 'en' && d.caution ? d.caution : t(lang, 'fs_ll_caution');
  let html = `<div class="ll-caution" role="note"><strong>${L('fs_ll_caution_title')}:</strong> ${esc(caution)}</div>`;
  const qs = Array.isArray(d.quarters) ? d.quarters : [];
  if (qs.length) html += `<p class="small muted">${LF('fs_ll_span', { from: qs[0], to: qs[qs.length - 1] })}</p>`;
  html += '<ul class="exposure-reading ll-reading">'
    + groups.map((g) => `<li data-leading="${esc(g.leading)}">${esc(reading(lang, signalLabel(lang, g.leading), g.lags))}</li>`).join('') + '</ul>';
  // One axis for every signal's chart: they compare at a glance.
  const axis = lagAxis(groups.flatMap((g) => g.lags));
  for (const g of groups) {
    html += `<figure class="ll-figure" data-leading="${esc(g.leading)}"><figcaption class="small">${esc(signalLabel(lang, g.leading))}</figcaption>`
      + `${lagChartSVG(lang, signalLabel(lang, g.leading), g.lags, { axis })}</figure>`;
  }
  const lags = [...new Set(groups.flatMap((g) => g.lags.map((l) => l.lag)))].sort((a, b) => a - b);
  html += `<table class="domains ll-table"><caption class="small muted">${L('fs_ll_table_caption')}</caption><thead><tr>`
    + `<th scope="col">${L('fs_ll_signal')}</th>`
    + lags.map((l) => `<th scope="col" class="num">${L('fs_ll_lag')} ${esc(tf(lang, 'fs_ll_lag_value', { n: l }))}</th>`).join('')
    + '</tr></thead><tbody>';
  for (const g of groups) {
    html += `<tr data-leading="${esc(g.leading)}"><th scope="row">${esc(signalLabel(lang, g.leading))}</th>`;
    for (const lag of lags) {
      const l = g.lags.find((x) => x.lag === lag);
      if (!l || l.r === null) {
        html += `<td class="num"><span class="suppressed" title="${L('fs_ll_na_title')}">${L('fs_ll_na')}</span></td>`;
        continue;
      }
      const strong = l.lo95 !== null && (l.lo95 > 0 || (l.hi95 !== null && l.hi95 < 0));
      html += `<td class="num" data-lag="${lag}"><span class="rate${strong ? ' ll-strong' : ''}">${esc(fmtP(lang, l.r))}</span>`
        + `<span class="ci">${esc(fmtP(lang, l.lo95))}–${esc(fmtP(lang, l.hi95))}</span>`
        + `<span class="ci">${L('fs_ll_pairs')} ${esc(fmtInt(lang, l.pairs))}</span></td>`;
    }
    html += '</tr>';
  }
  return `${html}</tbody></table>`;
}

export function startLeadLag() {
  build();
  renderOn(['lang', 'leadLagOpen', 'session', 'static'], renderLeadLag);
  renderLeadLag();
}
