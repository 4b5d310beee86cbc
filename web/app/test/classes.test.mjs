import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ZERO_COLOR, ckmeans, classColorExpr, classLegend, classOf, rampColors, zeroClasses,
} from '../src/map/classes.js';
import { RAMP } from '../src/map/classify.js';

const fmt = (v) => String(Math.round(v * 10) / 10);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const wss = (groups) => sum(groups.map((g) => { const m = sum(g) / g.length; return sum(g.map((x) => (x - m) ** 2)); }));

// Every split of sorted values into k contiguous non-empty groups: the brute-force optimum.
function bestSplit(sorted, k) {
  if (k === 1) return wss([sorted]);
  let best = Infinity;
  for (let i = 1; i <= sorted.length - k + 1; i++) best = Math.min(best, wss([sorted.slice(0, i)]) + bestSplit(sorted.slice(i), k - 1));
  return best;
}

describe('ckmeans', () => {
  it('finds the natural groups, as simple-statistics does', () => {
    assert.deepEqual(ckmeans([-1, 2, -1, 2, 4, 5, 6, -1, 2, -1], 3), [[-1, -1, -1, -1], [2, 2, 2], [4, 5, 6]]);
    assert.deepEqual(ckmeans([1, 2, 3, 100, 101, 102], 2), [[1, 2, 3], [100, 101, 102]]);
  });

  it('is optimal: equal to the brute-force least within-group sum of squares', () => {
    let seed = 7;
    const rand = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    for (let trial = 0; trial < 25; trial++) {
      const xs = Array.from({ length: 12 }, () => Math.round(rand() ** 3 * 100));
      const k = 2 + (trial % 3);
      const groups = ckmeans(xs, k);
      const sorted = [...xs].sort((a, b) => a - b);
      assert.deepEqual(groups.flat(), sorted);
      if (groups.length === k) assert.ok(Math.abs(wss(groups) - bestSplit(sorted, k)) < 1e-6, `${xs} k=${k}`);
    }
  });

  it('sorts unsorted input, ignores non-numbers and gives fewer groups than distinct values', () => {
    assert.deepEqual(ckmeans([3, null, 1, NaN, '2', undefined, 3, 1], 5), [[1, 1], [3, 3]]);
    assert.deepEqual(ckmeans([4, 4, 4], 3), [[4, 4, 4]]);
    assert.deepEqual(ckmeans([], 3), []);
  });

  it('keeps ties in one group', () => {
    const groups = ckmeans([1, 1, 1, 1, 2, 2, 2, 3, 9, 9, 9, 10], 4);
    for (let i = 1; i < groups.length; i++) assert.ok(groups[i][0] > groups[i - 1].at(-1));
  });

  it('copes with thousands of values', () => {
    const xs = Array.from({ length: 20000 }, (_, i) => (i * 7919) % 1000);
    const t0 = Date.now();
    const groups = ckmeans(xs, 5);
    assert.equal(groups.length, 5);
    assert.ok(Date.now() - t0 < 3000);
  });
});

describe('zeroClasses', () => {
  it('makes zero a class of its own, then ckmeans classes of the positive values', () => {
    const values = [...Array(60).fill(0), 1, 1.2, 1.4, 5, 5.5, 6, 20, 22, 40, 41];
    const c = zeroClasses(values);
    assert.equal(c.zero, true);
    assert.equal(c.colors.length, 4);
    assert.equal(c.min, 1);
    assert.equal(c.max, 41);
    assert.deepEqual(c.breaks, [5, 20, 40]);
    const legend = classLegend(c, fmt);
    assert.deepEqual(legend.map((l) => l.label), ['0', '1 – 5', '5 – 20', '20 – 40', '40 – 41']);
    assert.equal(legend[0].color, ZERO_COLOR);
    assert.ok(!legend.some((l) => l.label.startsWith('<')), 'no "< 0" class');
  });

  it('all zero: one class "0"', () => {
    const c = zeroClasses([0, 0, 0, null, NaN]);
    assert.deepEqual(classLegend(c, fmt).map((l) => l.label), ['0']);
    assert.deepEqual(classColorExpr(c, ['get', 'x']), ['case', ['==', ['get', 'x'], 0], ZERO_COLOR, ZERO_COLOR]);
  });

  it('no zeros: up to five classes of the ramp', () => {
    const c = zeroClasses(Array.from({ length: 100 }, (_, i) => i + 1));
    assert.equal(c.zero, false);
    assert.equal(c.colors.length, 5);
    assert.deepEqual(c.colors, RAMP);
    assert.equal(c.breaks.length, 4);
  });

  it('fewer classes with few distinct values, never an empty one', () => {
    const c = zeroClasses([0, 0, 3, 3, 3, 7, 7]);
    assert.deepEqual(classLegend(c, fmt).map((l) => l.label), ['0', '3 – 7', '7']);
    const one = zeroClasses([2, 2, 2]);
    assert.deepEqual(classLegend(one, fmt).map((l) => l.label), ['2']);
    assert.equal(classColorExpr(one, ['get', 'x']), rampColors(1)[0]);
    // Every class has at least one of the values.
    const values = [0, 0, 0, 0.5, 0.5, 1, 8, 8, 8, 8, 9, 30, 31, 31];
    const k = zeroClasses(values);
    const counts = {};
    for (const v of values) counts[classOf(k, v)] = (counts[classOf(k, v)] || 0) + 1;
    for (const l of classLegend(k, fmt)) assert.ok(counts[l.cls] > 0, `class ${l.cls} is empty`);
  });

  it('ignores nulls, NaN and non-numbers; null without values', () => {
    assert.equal(zeroClasses([]), null);
    assert.equal(zeroClasses([null, NaN, undefined, '4']), null);
    assert.deepEqual(zeroClasses([5, null, 0, NaN, 9]).zero, true);
  });

  it('does not depend on the order of the values', () => {
    const xs = [0, 4, 0, 12, 3, 50, 0, 7, 7, 49, 2];
    assert.deepEqual(zeroClasses(xs), zeroClasses([...xs].reverse()));
  });

  it('paints zero apart and steps at the breaks', () => {
    const c = zeroClasses([0, 0, 1, 2, 10, 11, 50]);
    const expr = classColorExpr(c, ['get', 'v']);
    assert.equal(expr[0], 'case');
    assert.deepEqual(expr[1], ['==', ['get', 'v'], 0]);
    assert.equal(expr[3][0], 'step');
    assert.deepEqual(expr[3].filter((x) => typeof x === 'number'), c.breaks);
    assert.equal(classOf(c, 0), 'zero');
    assert.equal(classOf(c, 1), '0');
    assert.equal(classOf(c, 50), String(c.breaks.length));
  });
});

describe('rampColors', () => {
  it('spreads n colours from lightest to darkest', () => {
    assert.deepEqual(rampColors(2), [RAMP[0], RAMP[4]]);
    assert.deepEqual(rampColors(3), [RAMP[0], RAMP[2], RAMP[4]]);
    assert.deepEqual(rampColors(1), [RAMP[2]]);
    assert.deepEqual(rampColors(0), []);
  });
});
