// "Who is most exposed": for planners (restricted aggregates, live site), the relative risk of
// each category of residents (age, sex, citizenship, household type, disability) to be in need
// in a domain, from GET /api/categories: a ranked dot-and-whisker chart on a log scale, the same
// figures in a table (the chart's text alternative), the withheld categories listed apart, and a
// plain-language reading of the top ones (desk-text.js). An area selector asks for the whole
// city or one OMI zone (geography=omi&id=, zones from the gazetteer).
import { apiURL, errorText, fetchData } from '../model/api.js';
import { esc, fmtInt, fmtRate } from '../i18n/format.js';
import { $, L, LF } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { PERM } from '../model/session.js';
import { sidePanel } from '../panels/panel.js';
import {
  allowed, renderOn, state,
} from '../model/state.js';
import { indicators } from '../model/vocabulary.js';
import {
  categoryLabel, dimensionLabel, exposureReading, fmtRR, splitCategories,
} from './desk-text.js';
import { exposureChartSVG } from './desk-chart.js';
import { categoriesURL } from './desk-urls.js';
import { loadGazetteer } from '../public/gazetteer.js';
import { areaCode } from '../i18n/labels.js';

const answers = new Map(); // "domain|period|zone" -> {loading} | {data} | {error}
let domain = '';
let zone = ''; // '' = the whole city, else an OMI zone id
let zones = null; // [{id, name}] once the gazetteer is read
let zonesPending = false;

const offered = () => allowed(PERM.aggregates) && !state.static;

const scaffold = sidePanel({
  id: 'exposure',
  key: 'exposureOpen',
  className: 'exposure',
  offered,
  texts: { button: 'exp_button', title: 'exp_title', close: 'exp_close' },
  body: '<label class="field exposure-tools"><span id="exposure-domain-label"></span> <select id="exposure-domain"></select></label>'
    + '<label class="field exposure-tools"><span id="exposure-area-label"></span> <select id="exposure-area"></select></label>'
    + '<div id="exposure-body" aria-live="polite"></div>',
  afterOpen: () => load(),
});

function build() {
  if (!scaffold.build()) return;
  $('#exposure-domain').addEventListener('change', (e) => { domain = e.target.value; load(); });
  $('#exposure-area').addEventListener('change', (e) => { zone = e.target.value; load(); });
}

export function openExposure() {
  scaffold.open();
}

export function closeExposure() {
  scaffold.close();
}

const period = () => state.period || '';
const keyNow = () => `${domain}|${period()}|${zone}`;

// The OMI zones of the area selector, read once from the gazetteer.
async function loadZones() {
  if (zones || zonesPending) return;
  zonesPending = true;
  try {
    const index = await loadGazetteer();
    zones = index.zones.map((z) => ({ id: z.id, name: z.name }))
      .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  } catch {
    zones = null; // asked again when the panel is next opened
  }
  zonesPending = false;
  renderExposure();
}

const zoneName = (lang, id) => {
  const z = (zones || []).find((x) => x.id === id);
  return tf(lang, 'ex_zone_option', { id: areaCode('omi', id), name: z?.name || areaCode('omi', id) });
};

async function load() {
  if (!state.exposureOpen || !offered()) return;
  loadZones();
  const list = indicators();
  if (!list.includes(domain)) domain = list.includes('housing') ? 'housing' : list[0] || '';
  if (!domain) return;
  const key = keyNow();
  if (answers.has(key) && !answers.get(key).error) { renderExposure(); return; }
  answers.set(key, { loading: true });
  renderExposure();
  let ans;
  try {
    const res = await fetchData(categoriesURL(apiURL('./'), domain, period(), zone));
    ans = res.ok ? { data: await res.json() } : { error: await errorText(res) };
  } catch (err) {
    ans = { error: err?.message || 'network' };
  }
  answers.set(key, ans);
  if (key === keyNow()) renderExposure();
}

function renderExposure() {
  if (!scaffold.render()) return;
  $('#exposure-domain-label').textContent = t(state.lang, 'exp_domain');
  const sel = $('#exposure-domain');
  const list = indicators();
  if (!list.includes(domain)) domain = list.includes('housing') ? 'housing' : list[0] || '';
  sel.replaceChildren(...list.map((d) => new Option(t(state.lang, d), d)));
  sel.value = domain;
  $('#exposure-area-label').textContent = t(state.lang, 'ex_zone_area');
  const area = $('#exposure-area');
  const options = [new Option(t(state.lang, 'ex_zone_city'), '')];
  if (zones) options.push(...zones.map((z) => new Option(zoneName(state.lang, z.id), z.id)));
  else if (zone) options.push(new Option(zoneName(state.lang, zone), zone));
  else if (zonesPending) { const o = new Option(t(state.lang, 'ex_zone_loading'), ''); o.disabled = true; options.push(o); }
  area.replaceChildren(...options);
  area.value = zone;
  const ans = answers.get(keyNow());
  const body = $('#exposure-body');
  if (!ans || ans.loading) { body.innerHTML = `<p class="hint">${L('exp_loading')}</p>`; return; }
  if (ans.error) { body.innerHTML = `<p class="hint error-text">${L('exp_error')} (${esc(ans.error)})</p>`; return; }
  body.innerHTML = exposureHTML(ans.data);
}

function exposureHTML(d) {
  const lang = state.lang;
  const place = d.geography === 'omi' && d.id ? zoneName(lang, d.id) : '';
  // In a zone, the zone's name goes with the domain into the text, the chart and the table.
  const dom = place ? `${t(lang, d.domain)} – ${place}` : t(lang, d.domain);
  const per = d.period ?? '';
  const { shown, noRR, withheld } = splitCategories(d);
  let html = (place ? `<h3 class="exposure-area" data-zone="${esc(d.id)}">${esc(place)}</h3>` : '')
    + `<p class="small">${LF('exp_intro', { domain: dom, period: per })}</p>`
    + `<p class="small muted exposure-reference">${L(place ? 'ex_zone_reference' : 'exp_reference')}</p>`
    + `<h3>${L('exp_reading_title')}</h3><ul class="exposure-reading">`
    + exposureReading(lang, d).map((s) => `<li>${esc(s)}</li>`).join('') + '</ul>';
  if (shown.length) {
    html += `<figure class="exposure-chart">${exposureChartSVG(lang, shown, { label: tf(lang, 'exp_chart_label', { domain: dom, period: per }) })}</figure>`;
    html += `<table class="domains exposure-table"><caption class="small muted">${LF('exp_table_caption', { domain: dom, period: per })}</caption>`
      + `<thead><tr><th scope="col">${L('exp_category')}</th><th scope="col" class="num">${L('exp_residents')}</th>`
      + `<th scope="col" class="num">${L('exp_people')}</th><th scope="col" class="num">${L('exp_rate')} <span class="small">[${L('ci95')}]</span></th>`
      + `<th scope="col" class="num">${L('exp_rr')} <span class="small">[${L('exp_rr_interval')}]</span></th></tr></thead><tbody>`;
    for (const c of shown) {
      html += `<tr data-category="${esc(`${c.dimension}:${c.category}`)}"><th scope="row">${esc(categoryLabel(lang, c))}`
        + ` <span class="small muted">(${esc(dimensionLabel(lang, c.dimension).toLowerCase())})</span></th>`
        + `<td class="num">${esc(fmtInt(lang, c.residents))}</td><td class="num">${esc(fmtInt(lang, c.people))}</td>`
        + `<td class="num">${esc(fmtRate(lang, c.rate))}<span class="ci">${esc(fmtRate(lang, c.ci_low))}–${esc(fmtRate(lang, c.ci_high))}</span></td>`
        + `<td class="num"><strong class="rr">${esc(fmtRR(lang, c.relative_risk))}</strong><span class="ci">${esc(fmtRR(lang, c.rr_low))}–${esc(fmtRR(lang, c.rr_high))}</span></td></tr>`;
    }
    html += '</tbody></table>';
  }
  const hidden = [...noRR.map((c) => ({ c, why: 'exp_no_rr' })), ...withheld.map((c) => ({ c, why: 'exp_withheld' }))];
  if (hidden.length) {
    html += `<h3 class="exposure-hidden-title">${L('exp_not_shown')}</h3><ul class="exposure-hidden">`;
    for (const { c, why } of hidden) {
      html += `<li data-category="${esc(`${c.dimension}:${c.category}`)}">${esc(categoryLabel(lang, c))} <span class="small muted">(${esc(dimensionLabel(lang, c.dimension).toLowerCase())}; `
        + `${L('exp_residents').toLowerCase()} ${esc(fmtInt(lang, c.residents))}; ${L(why)})</span></li>`;
    }
    html += '</ul>';
  }
  const un = d.unclassified_people;
  html += `<p class="small muted">${un === null || un === undefined ? L('exp_unclassified_withheld') : LF('exp_unclassified', { n: fmtInt(lang, un) })}</p>`;
  return html;
}

export function startExposure() {
  build();
  renderOn(['lang', 'exposureOpen', 'session', 'vocabulary', 'static'], renderExposure);
  renderOn(['period'], () => { if (state.exposureOpen) load(); });
  renderExposure();
}
