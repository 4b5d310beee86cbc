// The change map: the rate of the chosen quarter minus the previous quarter's, per area, in
// a diverging ramp of 7 classes around 0 (blue: fell, red: rose). Breaks symmetric around 0
// from the absolute changes of the loaded areas: ±s/3, ±2s/3, ±s, s a robust scale (the 90th
// percentile of |change|). Pure.

// ColorBrewer RdBu (7, reversed): falls blue, rises red, a neutral class around 0.
export const CHANGE_RAMP = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];
export const CHANGE_NEUTRAL = CHANGE_RAMP[3];
// Breaks used while none are computed yet.
export const DEFAULT_CHANGE_BREAKS = [1, 2, 3];

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// The p-quantile (0..1) of sorted numbers, linear between ranks; null when empty.
export function quantile(sorted, p) {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// The three positive breaks [s/3, 2s/3, s] of a list of changes (null and non-numbers left
// out), s the 90th percentile of |change| (the largest |change| when that is 0; 1 when every
// change is 0); null when there is no change at all.
export function changeBreaks(values) {
  const abs = (Array.isArray(values) ? values : []).filter(isNum).map(Math.abs).sort((a, b) => a - b);
  if (!abs.length) return null;
  let s = quantile(abs, 0.9);
  if (!(s > 0)) s = abs.at(-1);
  if (!(s > 0)) s = 1;
  const r = (v) => Math.round(v * 1000) / 1000;
  const b = [r(s / 3), r((2 * s) / 3), r(s)];
  // Strictly increasing (MapLibre's step needs it), even for tiny scales.
  return b[0] > 0 && b[0] < b[1] && b[1] < b[2] ? b : [s / 3, (2 * s) / 3, s];
}

// The six stops of the ramp: -s, -2s/3, -s/3, s/3, 2s/3, s.
export function changeStops(breaks) {
  const [b1, b2, b3] = breaks || DEFAULT_CHANGE_BREAKS;
  return [-b3, -b2, -b1, b1, b2, b3];
}

// The class (0..6) of a change, or null for none.
export function changeClass(v, breaks) {
  if (!isNum(v)) return null;
  const stops = changeStops(breaks);
  let c = 0;
  while (c < stops.length && v >= stops[c]) c++;
  return c;
}

// The legend's classes, highest first: [{cls, color, label}], fmt formatting a signed value.
export function changeLegendClasses(breaks, fmt) {
  const s = changeStops(breaks);
  const labels = [
    `< ${fmt(s[0])}`,
    `${fmt(s[0])} – ${fmt(s[1])}`,
    `${fmt(s[1])} – ${fmt(s[2])}`,
    `${fmt(s[2])} – ${fmt(s[3])}`,
    `${fmt(s[3])} – ${fmt(s[4])}`,
    `${fmt(s[4])} – ${fmt(s[5])}`,
    `≥ ${fmt(s[5])}`,
  ];
  return CHANGE_RAMP.map((color, i) => ({ cls: String(i), color, label: labels[i] })).reverse();
}
