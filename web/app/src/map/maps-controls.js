// Controls of the map features: the bivariate view's two indicator selects, and the derived
// measures (composite indices, shares without help) offered in the indicator select to the
// roles that read aggregates (option values "field:<name>").
import { DISTRICT_SOURCE } from '../model/catalog.js';
import { $ } from '../panels/html.js';
import { t } from '../i18n/i18n.js';
import { RENT_FIELDS, tileFields } from './map-fields.js';
import { forgetRent, paintRent } from './rent-layer.js';
import { fieldLabel } from './maps-legend.js';
import { PERM } from '../model/session.js';
import {
  allowed, choose, effectiveField, state,
} from '../model/state.js';
import { indicators } from '../model/vocabulary.js';

const FIELD = 'field:';

function options(sel, list, value) {
  sel.replaceChildren(...list.map((o) => new Option(o.label, o.value, false, o.value === value)));
  sel.value = value;
}

// The vocabulary's need signals (area_coverage.need).
const needSignals = () => state.vocabulary?.needs || [];

// Runs after renderSelects (which rebuilds the indicator select).
export function renderMapsSelects() {
  const { lang } = state;
  const inds = indicators().map((i) => ({ value: i, label: t(lang, i) }));
  options($('#bivariate-x'), inds, state.bivariateX);
  options($('#bivariate-y'), inds, state.bivariateY);
  const sel = $('#indicator-select');
  sel.querySelector('optgroup[data-fields]')?.remove();
  if (!allowed(PERM.aggregates)) return;
  const g = document.createElement('optgroup');
  g.label = t(lang, 'mp_field_group');
  g.dataset.fields = 'true';
  // The rent burden by district; the tiles' measures on hexagons and sections.
  const fields = state.unit === 'districts' ? RENT_FIELDS : tileFields(needSignals());
  g.append(...fields.map((f) => new Option(fieldLabel(lang, f), FIELD + f)));
  sel.append(g);
  sel.value = effectiveField() ? FIELD + state.mapField : state.indicator;
}

export function renderMapsControls() {
  $('#bivariate-options').hidden = state.view !== 'bivariate';
  const districts = $('#layer-districts-label');
  if (state.view === 'bivariate') districts.hidden = !state.available.has(DISTRICT_SOURCE);
  // The rate/EB switch does not apply to a derived measure.
  // (style.display: the fieldset's own display rule would win over the hidden attribute)
  $('#indicator-options .measure-switch').style.display = effectiveField() ? 'none' : '';
}

export function listenMapsControls() {
  // In the capture phase, before main.js's listener (which sets an indicator only): a derived
  // measure, or an indicator with the derived measure cleared, in one update.
  $('#indicator-select').addEventListener('change', (e) => {
    const v = e.target.value;
    if (v.startsWith(FIELD)) choose({ mapField: v.slice(FIELD.length) });
    else if (state.mapField && indicators().includes(v)) choose({ mapField: '', indicator: v });
  }, { capture: true });
  const set = (key) => (e) => { if (indicators().includes(e.target.value)) choose({ [key]: e.target.value }); };
  $('#bivariate-x').addEventListener('change', set('bivariateX'));
  $('#bivariate-y').addEventListener('change', set('bivariateY'));
}

// Registers the map features' renderers and effects (after main.js's own, so that they run after
// renderSelects and renderControls) and listens to their controls.
export function startMaps({
  applyPaint, renderLegend, updateBreaks, updateBivariateBreaks, renderOn, effectOn,
}) {
  renderOn(['lang', 'vocabulary', 'indicator', 'analysis', 'mapField', 'bivariateX', 'bivariateY', 'session', 'unit'], renderMapsSelects);
  renderOn(['lang', 'view', 'unit', 'measure', 'indicator', 'session', 'available', 'mapField'], renderMapsControls);
  renderOn(['bivariate', 'bivariateX', 'bivariateY', 'mapField'], applyPaint);
  renderOn(['bivariate', 'bivariateX', 'bivariateY', 'mapField'], renderLegend);
  effectOn(['mapField'], updateBreaks);
  effectOn(['session'], forgetRent);
  effectOn(['mapField', 'view', 'unit', 'session', 'available'], () => paintRent());
  effectOn(['view', 'unit', 'bivariateX', 'bivariateY'], () => updateBivariateBreaks());
  listenMapsControls();
}
