// Classes and colours of the legend and the map: overlap classes, quintile breaks of the
// indicator rates, hotspot clusters. Pure: no DOM, no MapLibre.
import { has, num, truthy } from '../i18n/format.js';

// Sequential, colour-blind-safe (magma-like, monotonic lightness): 0 light .. 3 dark.
export const OVERLAP_COLORS = ['#e7e1ef', '#fdbf86', '#d3436e', '#4a1079'];
// Indicator rates: ColorBrewer YlGnBu (sequential, colour-blind safe), 5 classes.
export const RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
export const WITHHELD_COLOR = '#c9c9c9';
// Not published at this level (status "suppressed"): grey and hatched, never drawn as zero.
export const NODATA_COLOR = '#d6d6d6';
// Hotspots: GeoDa's LISA cluster colours; Gi*: hot red, cold blue.
export const CLUSTER_COLORS = { 0: '#eeeeee', 1: '#e41a1c', 2: '#1f4fd1', 3: '#a7adf9', 4: '#f4ada8', 5: '#464646', 6: '#999999' };
export const GI_COLORS = { 0: '#eeeeee', 1: '#e41a1c', 2: '#1f4fd1' };
export const FILL_OPACITY = 0.85;
export const UNSTABLE_OPACITY = 0.45;

// Class breaks before any feature is loaded.
export const DEFAULT_BREAKS = [20, 40, 60, 80];
// Below this many stable rates, unstable ones are classified too.
const MIN_STABLE = 20;

export function clusterColors(analysis) {
  return analysis.startsWith('gi_') ? GI_COLORS : CLUSTER_COLORS;
}

export function clusterColor(analysis, code) {
  return clusterColors(analysis)[code] || CLUSTER_COLORS[0];
}

// Cluster codes shown in the legend, in order (5, "undefined", never occurs on the map).
export function legendClusterCodes(analysis) {
  return analysis.startsWith('gi_') ? [1, 2, 0] : [1, 2, 3, 4, 6, 0];
}

// Whether a feature's indicator is not published at its level (published figures).
export function isSuppressed(props, ind) {
  return has(props, `${ind}_status`) && props[`${ind}_status`] === 'suppressed';
}

// The rates to classify among loaded features (property objects): one per area id, at H3
// resolution `resolution` when given, with residents, not suppressed; the measure `key`
// (e.g. health_eb), else the crude rate. Stable rates only when there are enough of them.
export function classValues(features, { indicator, key, resolution = null }) {
  const seen = new Set();
  const stable = [];
  const all = [];
  for (const p of features) {
    if (!p || seen.has(p.id)) continue;
    seen.add(p.id);
    if (resolution !== null && num(p, 'resolution') !== resolution) continue;
    if (!(num(p, 'residents') > 0)) continue;
    if (isSuppressed(p, indicator)) continue;
    const v = num(p, key) ?? num(p, `${indicator}_rate`);
    if (v === null) continue;
    all.push(v);
    if (!truthy(p[`${indicator}_unstable`])) stable.push(v);
  }
  return stable.length >= MIN_STABLE ? stable : all;
}

// Rounded for the legend: whole numbers from 20 up, else one decimal.
function niceBreak(v) {
  return v >= 20 ? Math.round(v) : Math.round(v * 10) / 10;
}

// Quintile breaks of values: four strictly increasing cut points, or null for fewer than five
// values. Equal quintiles (e.g. all zeros) are pushed apart by 0.1.
export function quintileBreaks(values) {
  const vals = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (vals.length < 5) return null;
  const breaks = [];
  for (const q of [0.2, 0.4, 0.6, 0.8]) {
    let x = niceBreak(vals[Math.min(vals.length - 1, Math.floor(q * vals.length))]);
    const last = breaks[breaks.length - 1];
    if (breaks.length && x <= last) x = Math.round((last + 0.1) * 10) / 10;
    breaks.push(x);
  }
  return breaks;
}

// Legend labels of the RAMP classes for breaks b, each bound formatted with fmt:
// "< b0", "b0 – b1", ..., "≥ b3".
export function breakLabels(breaks, fmt) {
  return RAMP.map((_, i) => {
    if (i === 0) return `< ${fmt(breaks[0])}`;
    if (i === RAMP.length - 1) return `≥ ${fmt(breaks[i - 1])}`;
    return `${fmt(breaks[i - 1])} – ${fmt(breaks[i])}`;
  });
}

// Whether the indicator is mostly "suppressed" (not published) among the drawn features: at
// least as many suppressed as published, and at least one.
export function mostlySuppressed(features, indicator) {
  let suppressed = 0;
  let shown = 0;
  for (const p of features) {
    if (isSuppressed(p, indicator)) suppressed++;
    else if (has(p, indicator)) shown++;
  }
  return suppressed > 0 && suppressed >= shown;
}
