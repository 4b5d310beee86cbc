// The bivariate view: two indicators on one map, each cut in tertiles of the areas drawn, and a
// 3×3 colour matrix. Pure: no DOM, no MapLibre.
import { NODATA_COLOR, WITHHELD_COLOR } from './classify.js';
import { has, num, truthy } from '../i18n/format.js';

// Joshua Stevens' purple–blue–teal bivariate scheme (colour-blind safe), BIVARIATE_COLORS[y][x]:
// x (first indicator) runs light grey → teal, y (second) light grey → purple, both high: dark blue.
export const BIVARIATE_COLORS = [
  ['#e8e8e8', '#ace4e4', '#5ac8c8'],
  ['#dfb0d6', '#a5add3', '#5698b9'],
  ['#be64ac', '#8c62aa', '#3b4994'],
];

// The property a feature carries for indicator ind: its empirical-Bayes rate when eb (restricted
// tiles), else the crude rate.
export function valueKey(ind, eb) {
  return eb ? `${ind}_eb` : `${ind}_rate`;
}

function valueOf(p, ind, eb) {
  return (eb ? num(p, `${ind}_eb`) : null) ?? num(p, `${ind}_rate`);
}

// Tertile breaks of values (nulls and non-numbers ignored): [t1, t2] with class 0 for v <= t1,
// 1 for t1 < v <= t2, 2 above; the breaks are actual values (so ties, e.g. many zeros, stay in
// one class). Null for fewer than three values.
export function tertileBreaks(values) {
  const vals = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (vals.length < 3) return null;
  const at = (q) => vals[Math.max(0, Math.ceil(q * vals.length) - 1)];
  return [at(1 / 3), at(2 / 3)];
}

// The tertile class (0, 1, 2) of v for breaks b.
export function tertileOf(b, v) {
  return v <= b[0] ? 0 : v <= b[1] ? 1 : 2;
}

// The pairs of values of the drawn features (property objects): one per area id, at H3
// resolution `resolution` when given, with residents, both values present and not suppressed.
export function bivariateValues(features, { x, y, eb = false, resolution = null }) {
  const seen = new Set();
  const xs = [];
  const ys = [];
  for (const p of features) {
    if (!p || seen.has(p.id)) continue;
    seen.add(p.id);
    if (resolution !== null && num(p, 'resolution') !== resolution) continue;
    if (!(num(p, 'residents') > 0)) continue;
    const vx = valueOf(p, x, eb);
    const vy = valueOf(p, y, eb);
    if (vx === null || vy === null) continue;
    xs.push(vx);
    ys.push(vy);
  }
  return { xs, ys };
}

// The breaks of both indicators among the drawn features: { x: [t1, t2], y: [t1, t2], n } or null.
export function bivariateBreaks(features, opts) {
  const { xs, ys } = bivariateValues(features, opts);
  const bx = tertileBreaks(xs);
  const by = tertileBreaks(ys);
  return bx && by ? { x: bx, y: by, n: xs.length } : null;
}

function valueExpr(ind, eb) {
  return eb ? ['coalesce', ['get', `${ind}_eb`], ['get', `${ind}_rate`]] : ['get', `${ind}_rate`];
}

function classExpr(value, b) {
  return ['case', ['<=', value, b[0]], 0, ['<=', value, b[1]], 1, 2];
}

// The fill colour: suppressed (published figures) as no data, a missing value as withheld, else
// the matrix colour of the two tertile classes. look: { x, y, eb, breaks: {x, y} }.
export function bivariateColor({ x, y, eb = false, breaks }) {
  const vx = ['to-number', valueExpr(x, eb)];
  const vy = ['to-number', valueExpr(y, eb)];
  const cell = ['+', ['*', 3, classExpr(vy, breaks.y)], classExpr(vx, breaks.x)];
  const match = ['match', cell];
  for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) match.push(3 * j + i, BIVARIATE_COLORS[j][i]);
  match.push(WITHHELD_COLOR);
  const suppressed = (ind) => ['==', ['get', `${ind}_status`], 'suppressed'];
  const missing = (ind) => ['!', ['has', `${ind}_rate`]];
  return [
    'case',
    ['any', suppressed(x), suppressed(y)], NODATA_COLOR,
    ['any', missing(x), missing(y)], WITHHELD_COLOR,
    match,
  ];
}

// Hatching of the bivariate view: areas where either rate is unstable (restricted figures).
export function bivariateHatch({ x, y }) {
  return ['any', ['==', ['get', `${x}_unstable`], true], ['==', ['get', `${y}_unstable`], true]];
}

// Axis labels of one indicator's tertiles: "≤ t1", "t1 – t2", "> t2", bounds formatted by fmt.
// With rates (never negative) a lowest break of 0 is the class "0".
export function tertileLabels(b, fmt) {
  return [b[0] === 0 ? '0' : `≤ ${fmt(b[0])}`, `${fmt(b[0])} – ${fmt(b[1])}`, `> ${fmt(b[1])}`];
}

// The legend's 3×3 cells, top row first (high y), each { color, x, y, label } where label names
// both classes with their break values ("x: …; y: …"). fmt formats a value.
export function bivariateCells(breaks, fmt, names = { x: 'x', y: 'y' }) {
  const lx = tertileLabels(breaks.x, fmt);
  const ly = tertileLabels(breaks.y, fmt);
  const out = [];
  for (let j = 2; j >= 0; j--) {
    for (let i = 0; i < 3; i++) out.push({ color: BIVARIATE_COLORS[j][i], x: i, y: j, label: `${names.x} ${lx[i]}; ${names.y} ${ly[j]}` });
  }
  return out;
}

// The cell of a feature (for the hover card), or null when either value is missing.
export function bivariateCellOf(p, { x, y, eb = false, breaks }) {
  if (!breaks || !has(p, `${x}_rate`) || !has(p, `${y}_rate`)) return null;
  const vx = valueOf(p, x, eb);
  const vy = valueOf(p, y, eb);
  if (vx === null || vy === null) return null;
  return { x: tertileOf(breaks.x, vx), y: tertileOf(breaks.y, vy), unstable: truthy(p[`${x}_unstable`]) || truthy(p[`${y}_unstable`]) };
}
