import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BIVARIATE_COLORS, bivariateBreaks, bivariateCellOf, bivariateCells, bivariateColor, bivariateHatch, tertileBreaks,
  tertileLabels, tertileOf,
} from '../src/map/bivariate.js';
import { NODATA_COLOR, WITHHELD_COLOR } from '../src/map/classify.js';

const fmt = (v) => String(v);

// Evaluates the subset of MapLibre expressions bivariateColor uses, for one feature.
function evaluate(expr, p) {
  if (!Array.isArray(expr)) return expr;
  const [op, ...a] = expr;
  const ev = (e) => evaluate(e, p);
  switch (op) {
    case 'get': return p[a[0]] ?? null;
    case 'has': return a[0] in p;
    case '!': return !ev(a[0]);
    case '==': return ev(a[0]) === ev(a[1]);
    case '<=': return ev(a[0]) <= ev(a[1]);
    case 'any': return a.some((e) => ev(e));
    case '+': return ev(a[0]) + ev(a[1]);
    case '*': return ev(a[0]) * ev(a[1]);
    case 'to-number': return Number(ev(a[0]));
    case 'coalesce': { for (const e of a) { const v = ev(e); if (v !== null) return v; } return null; }
    case 'case': {
      for (let i = 0; i + 1 < a.length; i += 2) if (ev(a[i])) return ev(a[i + 1]);
      return ev(a[a.length - 1]);
    }
    case 'match': {
      const v = ev(a[0]);
      for (let i = 1; i + 1 < a.length; i += 2) if (a[i] === v) return ev(a[i + 1]);
      return ev(a[a.length - 1]);
    }
    default: throw new Error(`op ${op}`);
  }
}

describe('tertileBreaks', () => {
  it('cuts at the thirds with actual values', () => {
    assert.deepEqual(tertileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 6]);
    assert.deepEqual(tertileBreaks([9, 1, 8, 2, 7, 3]), [2, 7]);
  });
  it('ignores nulls and needs three values', () => {
    assert.equal(tertileBreaks([1, null, NaN, 2]), null);
    assert.deepEqual(tertileBreaks([null, 3, 1, 2]), [1, 2]);
  });
  it('keeps ties together: many zeros are all in the lowest class', () => {
    const b = tertileBreaks([0, 0, 0, 0, 0, 0, 1, 5, 9]);
    assert.deepEqual(b, [0, 0]);
    assert.equal(tertileOf(b, 0), 0);
    assert.equal(tertileOf(b, 1), 2);
  });
});

describe('bivariateBreaks', () => {
  const features = Array.from({ length: 9 }, (_, i) => ({ id: `a${i}`, residents: 100, poverty_rate: i + 1, housing_rate: 10 * (9 - i), poverty_eb: 100 + i, resolution: 8 }));
  it('reads each indicator of the drawn areas once, with residents', () => {
    const withDup = [...features, { ...features[0] }, { id: 'empty', residents: 0, poverty_rate: 1000, housing_rate: 1000 }];
    assert.deepEqual(bivariateBreaks(withDup, { x: 'poverty', y: 'housing' }), { x: [3, 6], y: [30, 60], n: 9 });
  });
  it('prefers the EB rate when asked and present, and keeps one resolution', () => {
    assert.deepEqual(bivariateBreaks(features, { x: 'poverty', y: 'housing', eb: true }).x, [102, 105]);
    assert.equal(bivariateBreaks(features, { x: 'poverty', y: 'housing', resolution: 9 }), null);
  });
  it('skips areas missing either value', () => {
    const f = [...features, { id: 'x', residents: 50, poverty_rate: 99 }];
    assert.equal(bivariateBreaks(f, { x: 'poverty', y: 'housing' }).n, 9);
  });
});

describe('bivariateColor', () => {
  const look = { x: 'poverty', y: 'housing', breaks: { x: [3, 6], y: [30, 60] } };
  const expr = bivariateColor(look);
  it('paints the matrix cell of both tertiles', () => {
    assert.equal(evaluate(expr, { poverty_rate: 1, housing_rate: 10 }), BIVARIATE_COLORS[0][0]);
    assert.equal(evaluate(expr, { poverty_rate: 9, housing_rate: 10 }), BIVARIATE_COLORS[0][2]);
    assert.equal(evaluate(expr, { poverty_rate: 1, housing_rate: 90 }), BIVARIATE_COLORS[2][0]);
    assert.equal(evaluate(expr, { poverty_rate: 5, housing_rate: 45 }), BIVARIATE_COLORS[1][1]);
    assert.equal(evaluate(expr, { poverty_rate: 9, housing_rate: 90 }), BIVARIATE_COLORS[2][2]);
    assert.equal(evaluate(expr, { poverty_rate: 3, housing_rate: 60 }), BIVARIATE_COLORS[1][0]);
  });
  it('withheld and suppressed figures are never drawn as a class', () => {
    assert.equal(evaluate(expr, { poverty_rate: 9 }), WITHHELD_COLOR);
    assert.equal(evaluate(expr, { poverty_rate: 9, housing_rate: 1, housing_status: 'suppressed' }), NODATA_COLOR);
  });
  it('reads the EB rate with the crude one as fallback', () => {
    const eb = bivariateColor({ ...look, eb: true });
    assert.equal(evaluate(eb, { poverty_rate: 1, poverty_eb: 9, housing_rate: 10 }), BIVARIATE_COLORS[0][2]);
    assert.equal(evaluate(eb, { poverty_rate: 9, housing_rate: 10 }), BIVARIATE_COLORS[0][2]);
  });
  it('hatches unstable rates of either indicator', () => {
    assert.equal(evaluate(bivariateHatch(look), { housing_unstable: true }), true);
    assert.equal(evaluate(bivariateHatch(look), { poverty_unstable: false }), false);
  });
});

describe('bivariate legend', () => {
  it('labels the tertiles with their break values', () => {
    assert.deepEqual(tertileLabels([3, 6], fmt), ['≤ 3', '3 – 6', '> 6']);
  });
  it('gives nine cells, high y first, each naming both classes', () => {
    const cells = bivariateCells({ x: [3, 6], y: [30, 60] }, fmt, { x: 'Povertà', y: 'Casa' });
    assert.equal(cells.length, 9);
    assert.deepEqual(cells[0], { color: BIVARIATE_COLORS[2][0], x: 0, y: 2, label: 'Povertà ≤ 3; Casa > 60' });
    assert.deepEqual(cells[8], { color: BIVARIATE_COLORS[0][2], x: 2, y: 0, label: 'Povertà > 6; Casa ≤ 30' });
    assert.equal(new Set(cells.map((c) => c.color)).size, 9);
  });
  it('finds a feature\'s cell', () => {
    const look = { x: 'poverty', y: 'housing', breaks: { x: [3, 6], y: [30, 60] } };
    assert.deepEqual(bivariateCellOf({ poverty_rate: 4, housing_rate: 70, housing_unstable: true }, look), { x: 1, y: 2, unstable: true });
    assert.equal(bivariateCellOf({ poverty_rate: 4 }, look), null);
  });
});

describe('tertileLabels with zeros', () => {
  it('names a lowest class of zeros "0"', () => {
    assert.deepEqual(tertileLabels([0, 19.2], fmt), ['0', '0 – 19.2', '> 19.2']);
  });
});
