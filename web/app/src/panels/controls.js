// The controls card: static strings, the view, unit and measure switches, the selects and the
// "only by district" hint.
import { DISTRICT_SOURCE, SOURCES } from '../model/catalog.js';
import { $ } from './html.js';
import { t, tf } from '../i18n/i18n.js';
import { analysisLabel } from '../i18n/labels.js';
import { PERM } from '../model/session.js';
import {
  allowed, currentSource, effectiveMeasure, publishedSource, state, viewOffered,
} from '../model/state.js';
import { bivariatePairs, hotspotIndicators, indicators } from '../model/vocabulary.js';

// Texts of the page marked data-i18n (text) or data-i18n-aria (aria-label).
export function renderStaticStrings() {
  const { lang } = state;
  document.documentElement.lang = lang;
  document.title = t(lang, 'title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(lang, el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(lang, el.dataset.i18nAria));
  $('#map').setAttribute('aria-label', t(lang, 'map_label'));
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
}

function fillSelect(sel, options, value) {
  sel.replaceChildren(...options.map((o) => {
    if (!o.group) return new Option(o.label, o.value, false, o.value === value);
    const g = document.createElement('optgroup');
    g.label = o.group;
    g.append(...o.options.map((x) => new Option(x.label, x.value, false, x.value === value)));
    return g;
  }));
  sel.value = value;
}

export function renderSelects() {
  const { lang } = state;
  const inds = indicators().map((i) => ({ value: i, label: t(lang, i) }));
  fillSelect($('#indicator-select'), inds, state.indicator);
  fillSelect($('#ranking-indicator'), inds, state.indicator);
  const option = (a, label) => ({ value: a, label });
  fillSelect($('#analysis-select'), [
    { group: t(lang, 'group_moran'), options: hotspotIndicators().map((i) => option(`moran_${i}`, t(lang, i))) },
    { group: t(lang, 'group_gi'), options: hotspotIndicators().map((i) => option(`gi_${i}`, t(lang, i))) },
    { group: t(lang, 'group_bivariate'), options: bivariatePairs().map(([x, y]) => option(`bivariate_${x}_${y}`, analysisLabel(lang, `bivariate_${x}_${y}`))) },
  ], state.analysis);
}

// Controls that depend on the view and the role (subtitle, option groups, unit radios).
export function renderControls() {
  const published = publishedSource(currentSource());
  const sub = state.view === 'indicator' && published ? 'subtitle_indicator_public' : `subtitle_${state.view}`;
  $('#subtitle').textContent = t(state.lang, sub);
  for (const r of document.querySelectorAll('input[name="view"]')) {
    const ok = viewOffered(r.value);
    r.checked = r.value === state.view;
    r.disabled = !ok;
    r.closest('label').hidden = !ok;
  }
  for (const r of document.querySelectorAll('input[name="measure"]')) {
    r.checked = r.value === effectiveMeasure();
    r.disabled = r.value === 'eb' && published;
  }
  $('#measure-eb').closest('label').title = published ? t(state.lang, 'measure_eb_unavailable') : '';
  for (const r of document.querySelectorAll('input[name="layer"]')) {
    r.checked = r.value === state.unit;
    r.disabled = !state.available.has(SOURCES[state.view][r.value] || SOURCES.overlap[r.value]);
  }
  $('#layer-adaptive-label').hidden = state.view !== 'overlap';
  $('#layer-districts-label').hidden = !['indicator', 'trends'].includes(state.view) || !state.available.has(DISTRICT_SOURCE);
  // The levels (comuni, provinces, regions): in the views of figures, when the territory has them.
  for (const unit of ['municipalities', 'provinces', 'regions']) {
    const label = $(`#layer-${unit}-label`);
    if (label) label.hidden = !['indicator', 'bivariate'].includes(state.view) || !state.available.has(SOURCES.indicator[unit]);
  }
  $('#indicator-options').hidden = state.view !== 'indicator';
  $('#hotspot-options').hidden = state.view !== 'hotspot';
  $('#ranking-button').hidden = !allowed(PERM.aggregates);
  renderDistrictHint();
  document.body.dataset.view = state.view;
}

// "Health figures only by district": shown in the indicator view when the drawn hexagons or
// sections have the chosen indicator mostly suppressed, with a one-click switch to districts.
function renderDistrictHint() {
  const show = state.view === 'indicator' && state.unit !== 'districts' && state.suppressedHere
    && state.available.has(DISTRICT_SOURCE);
  $('#district-hint').hidden = !show;
  if (show) $('#district-hint-text').textContent = tf(state.lang, 'district_hint', { ind: t(state.lang, state.indicator) });
}

export function showError(key, detail) {
  const el = $('#error');
  el.textContent = t(state.lang, key) + (detail ? ` (${detail})` : '');
  el.hidden = false;
}
