// The legend card: classes of the current view and how the figures are protected. Its list
// items and title are legend-items.js's (also used by maps-legend.js and the trends view).
export { legendItem, setLegend } from './legend-items.js';
import {
  NODATA_COLOR, OVERLAP_COLORS, RAMP, WITHHELD_COLOR, breakLabels, clusterColor, legendClusterCodes,
} from './classify.js';
import { classLegend } from './classes.js';
import { fmtRate } from '../i18n/format.js';
import { bivariateLegend, fieldLegend } from './maps-legend.js';
import { legendItem, setLegend } from './legend-items.js';
import { $, LF, releasesLink } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { analysisLabel, analysisNote, clusterLabel, roleLabel } from '../i18n/labels.js';
import { PERM } from '../model/session.js';
import {
  allowed, currentBreaks, currentSource, effectiveField, effectiveMeasure, publishedSource, state,
} from '../model/state.js';

function overlapLegend(lang, published) {
  const items = OVERLAP_COLORS.map((color, i) => legendItem(color, t(lang, `overlap_${i}`), { data: { overlap: String(i) } }));
  const notes = [t(lang, 'legend_no_residents')];
  if (published) notes.push(t(lang, 'legend_not_published'), t(lang, 'legend_public_overlap'));
  else notes.push(t(lang, 'legend_suppressed'));
  setLegend(t(lang, 'legend_title'), items, notes, { twoColumns: false });
}

function indicatorLegend(lang, published) {
  const measure = effectiveMeasure();
  const title = tf(lang, 'legend_indicator_title', { ind: t(lang, state.indicator), measure: t(lang, `measure_${measure}`) });
  // Zero-aware classes (classes.js) when computed from the tiles, else the quintile breaks.
  const classes = state.breaks?.classes;
  const labels = breakLabels(currentBreaks(), (v) => fmtRate(lang, v));
  const items = classes
    ? classLegend(classes, (v) => fmtRate(lang, v)).map((c) => legendItem(c.color, c.label, { data: { cls: c.cls } }))
    : RAMP.map((color, i) => legendItem(color, labels[i], { data: { cls: String(i) } }));
  if (published) {
    items.push(legendItem(NODATA_COLOR, t(lang, 'legend_nodata'), { opacity: 1, className: 'hatched nodata', data: { cls: 'nodata' } }));
  } else {
    items.push(legendItem(WITHHELD_COLOR, t(lang, 'legend_withheld'), { data: { cls: 'withheld' } }));
    items.push(legendItem(RAMP[2], t(lang, 'legend_unstable'), { opacity: 1, className: 'hatched', data: { cls: 'unstable' } }));
  }
  const notes = [t(lang, classes ? 'mp_breaks_note' : 'legend_breaks_note')];
  if (measure === 'eb') notes.push(t(lang, 'legend_eb_note'));
  if (published) notes.push(t(lang, 'legend_published_rates'));
  setLegend(title, items, notes);
}

function hotspotLegend(lang) {
  const a = state.analysis;
  const items = legendClusterCodes(a).map((c) => legendItem(clusterColor(a, c), clusterLabel(lang, a, c), { data: { cluster: String(c) } }));
  const notes = [analysisNote(lang, a), t(lang, 'legend_significance_note')];
  if (state.unit === 'hexagons') notes.push(t(lang, 'legend_hotspot_units'));
  setLegend(analysisLabel(lang, a), items, notes);
}

// Legends of views drawn by code loaded later (the trends view of foresight/): view -> (lang) => void.
const viewLegends = new Map();

export function setViewLegend(view, legend) {
  viewLegends.set(view, legend);
}

export function renderLegend() {
  const published = publishedSource(currentSource());
  if (state.view === 'overlap') overlapLegend(state.lang, published);
  else if (state.view === 'indicator' && effectiveField()) fieldLegend(state.lang, effectiveField());
  else if (state.view === 'indicator') indicatorLegend(state.lang, published);
  else if (state.view === 'bivariate') bivariateLegend(state.lang);
  else if (viewLegends.has(state.view)) viewLegends.get(state.view)(state.lang);
  else if (state.view === 'trends') setLegend('', [], []);
  else hotspotLegend(state.lang);
}

// How the figures are protected: for everyone, with a link to the release manifest.
export function renderProtection() {
  const threshold = Number(state.release?.threshold) > 1 ? Number(state.release.threshold) : 5;
  const health = state.release?.health_geographies;
  const key = Array.isArray(health) && !health.includes('omi') ? 'protection_note_nohealth' : 'protection_note';
  let html = `<p class="protection-note">${LF(key, { max: threshold - 1 })} ${releasesLink()}</p>`;
  if (allowed(PERM.aggregates)) html += `<p class="restricted-note">${LF('restricted_note', { role: roleLabel(state.lang, state.session.role) })}</p>`;
  $('#protection').innerHTML = html;
}
