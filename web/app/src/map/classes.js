// Legend classes that cope with many zeros: zero as a class of its own when zeros are present,
// then ckmeans classes of the other values. Pure: no DOM, no MapLibre.
//
// Why ckmeans for the non-zero values: small-area rates are skewed, with ties and a long right
// tail. Quantiles of such values cut through runs of near-equal rates and lump the tail into the
// top class (and, with many zeros, gave classes such as "< 0.0" and "0.0 – 11.8"). Ckmeans is
// the optimal one-dimensional k-means (Wang & Song 2011, "Ckmeans.1d.dp"; the algorithm of
// simple-statistics' ckmeans): it minimises the within-class sum of squares exactly and
// deterministically (Jenks' natural breaks is the same goal reached by iterative heuristics),
// in O(k n log n) with its divide-and-conquer fill, fast enough for every feature of a tile set.
import { RAMP } from './classify.js';

// Areas whose value is exactly zero (outside the ramp: white, not a shade of the ramp).
export const ZERO_COLOR = '#ffffff';
// Most classes drawn: the ramp's colours (with a zero class: zero plus RAMP.length - 1).
export const MAX_CLASSES = RAMP.length;

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

function makeMatrix(rows, columns) {
  return Array.from({ length: rows }, () => new Array(columns).fill(0));
}

// Within-group sum of squares of sorted values j..i, from prefix sums.
function ssq(j, i, sumX, sumXsq) {
  let s;
  if (j > 0) {
    const mu = (sumX[i] - sumX[j - 1]) / (i - j + 1);
    s = sumXsq[i] - sumXsq[j - 1] - (i - j + 1) * mu * mu;
  } else {
    s = sumXsq[i] - (sumX[i] * sumX[i]) / (i + 1);
  }
  return s < 0 ? 0 : s;
}

function fillMatrixColumn(iMin, iMax, cluster, matrix, back, sumX, sumXsq) {
  if (iMin > iMax) return;
  const i = Math.floor((iMin + iMax) / 2);
  matrix[cluster][i] = matrix[cluster - 1][i - 1];
  back[cluster][i] = i;
  let jlow = cluster;
  if (iMin > cluster) jlow = Math.max(jlow, back[cluster][iMin - 1] || 0);
  jlow = Math.max(jlow, back[cluster - 1][i] || 0);
  let jhigh = i - 1;
  if (iMax < matrix[0].length - 1) jhigh = Math.min(jhigh, back[cluster][iMax + 1] || 0);
  for (let j = jhigh; j >= jlow; --j) {
    const sji = ssq(j, i, sumX, sumXsq);
    if (sji + matrix[cluster - 1][jlow - 1] >= matrix[cluster][i]) break;
    const sjlowi = ssq(jlow, i, sumX, sumXsq);
    const ssqjlow = sjlowi + matrix[cluster - 1][jlow - 1];
    if (ssqjlow < matrix[cluster][i]) {
      matrix[cluster][i] = ssqjlow;
      back[cluster][i] = jlow;
    }
    jlow++;
    const ssqj = sji + matrix[cluster - 1][j - 1];
    if (ssqj < matrix[cluster][i]) {
      matrix[cluster][i] = ssqj;
      back[cluster][i] = j;
    }
  }
  fillMatrixColumn(iMin, i - 1, cluster, matrix, back, sumX, sumXsq);
  fillMatrixColumn(i + 1, iMax, cluster, matrix, back, sumX, sumXsq);
}

function fillMatrices(data, matrix, back) {
  const n = matrix[0].length;
  // Shifted by the median, for numerical stability of the prefix sums.
  const shift = data[Math.floor(n / 2)];
  const sumX = [];
  const sumXsq = [];
  for (let i = 0; i < n; ++i) {
    const v = data[i] - shift;
    sumX.push(i === 0 ? v : sumX[i - 1] + v);
    sumXsq.push(i === 0 ? v * v : sumXsq[i - 1] + v * v);
    matrix[0][i] = ssq(0, i, sumX, sumXsq);
    back[0][i] = 0;
  }
  for (let cluster = 1; cluster < matrix.length; ++cluster) {
    const iMin = cluster < matrix.length - 1 ? cluster : n - 1;
    fillMatrixColumn(iMin, n - 1, cluster, matrix, back, sumX, sumXsq);
  }
}

// Ckmeans: the values (finite numbers, any order) in at most k groups, each a sorted,
// non-empty array, groups in increasing order; fewer groups when there are fewer distinct values.
export function ckmeans(values, k) {
  const sorted = values.filter(finite).sort((a, b) => a - b);
  if (!sorted.length || !(k >= 1)) return [];
  const distinct = new Set(sorted).size;
  const n = Math.min(Math.floor(k), distinct);
  if (n === 1) return [sorted];
  const matrix = makeMatrix(n, sorted.length);
  const back = makeMatrix(n, sorted.length);
  fillMatrices(sorted, matrix, back);
  const groups = [];
  let right = sorted.length - 1;
  for (let c = n - 1; c >= 0; c--) {
    const left = back[c][right];
    groups[c] = sorted.slice(left, right + 1);
    if (c > 0) right = left - 1;
  }
  return groups.filter((g) => g.length > 0);
}

// n colours of the ramp, spread from its lightest to its darkest.
export function rampColors(n, ramp = RAMP) {
  if (n <= 0) return [];
  if (n === 1) return [ramp[Math.floor((ramp.length - 1) / 2)]];
  return Array.from({ length: n }, (_, i) => ramp[Math.round((i * (ramp.length - 1)) / (n - 1))]);
}

// The classes of values (nulls, NaN and non-numbers ignored): { zero, breaks, min, max, colors }
// where zero says whether zero is a class of its own, breaks are the lower bounds of the
// non-zero classes after the first (strictly increasing; a value v is in the last class whose
// break is <= v), min and max the range of the non-zero values, colors the non-zero classes'
// colours. Null without any value.
export function zeroClasses(values, { maxClasses = MAX_CLASSES } = {}) {
  const vals = values.filter(finite);
  if (!vals.length) return null;
  const others = vals.filter((v) => v !== 0);
  const zero = others.length < vals.length;
  if (!others.length) return { zero: true, breaks: [], min: null, max: null, colors: [] };
  const groups = ckmeans(others, zero ? maxClasses - 1 : maxClasses);
  const breaks = [];
  for (let i = 1; i < groups.length; i++) {
    const lo = groups[i][0];
    // Never two classes on one value (ckmeans keeps ties together; kept safe all the same).
    if (lo > groups[i - 1][groups[i - 1].length - 1] && (!breaks.length || lo > breaks[breaks.length - 1])) breaks.push(lo);
  }
  return {
    zero, breaks, min: groups[0][0], max: groups[groups.length - 1].at(-1), colors: rampColors(breaks.length + 1),
  };
}

// The classes in legend order: [{ color, label, cls }], cls 'zero' or the non-zero class index.
// Labels: "0", then each class's bounds with the actual break values ("lo – hi", the last up
// to the largest value), a single value when a class's bounds are equal. fmt formats a bound.
export function classLegend(classes, fmt) {
  if (!classes) return [];
  const out = [];
  if (classes.zero) out.push({ color: ZERO_COLOR, label: '0', cls: 'zero' });
  if (classes.min === null) return out;
  const bounds = [classes.min, ...classes.breaks, classes.max];
  for (let i = 0; i < classes.colors.length; i++) {
    const lo = fmt(bounds[i]);
    const hi = fmt(bounds[i + 1]);
    out.push({ color: classes.colors[i], label: lo === hi ? lo : `${lo} – ${hi}`, cls: String(i) });
  }
  return out;
}

// The MapLibre expression of a number's class colour: value is an expression giving a number.
export function classColorExpr(classes, value) {
  const { zero, breaks, colors } = classes;
  const steps = colors.length ? colors[0] : ZERO_COLOR;
  const stepExpr = breaks.length ? ['step', value, colors[0], ...breaks.flatMap((b, i) => [b, colors[i + 1]])] : steps;
  return zero ? ['case', ['==', value, 0], ZERO_COLOR, stepExpr] : stepExpr;
}

// The class of a value (the index into classLegend's list), for tests and hover cards.
export function classOf(classes, v) {
  if (!classes || !finite(v)) return null;
  if (classes.zero && v === 0) return 'zero';
  let i = 0;
  while (i < classes.breaks.length && v >= classes.breaks[i]) i++;
  return String(i);
}
