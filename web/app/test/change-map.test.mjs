import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHANGE_RAMP, DEFAULT_CHANGE_BREAKS, changeBreaks, changeClass, changeLegendClasses, changeStops, quantile,
} from '../src/map/change-map.js';
import { periodMeasureOf } from '../src/model/explore-url.js';
import { NODATA_COLOR } from '../src/map/classify.js';
import { changeColor, indicatorColor } from '../src/map/map-style.js';

describe('change breaks', () => {
  it('quantile interpolates between ranks', () => {
    assert.equal(quantile([], 0.9), null);
    assert.equal(quantile([5], 0.9), 5);
    assert.equal(quantile([0, 10], 0.9), 9);
  });

  it('are ±s/3, ±2s/3, ±s with s the 90th percentile of |change|', () => {
    // |changes| 0..10 (11 values): the 90th percentile is 9.
    const values = [0, -1, 2, -3, 4, -5, 6, -7, 8, -9, 10, null, Number.NaN, 'x'];
    assert.deepEqual(changeBreaks(values), [3, 6, 9]);
    assert.deepEqual(changeStops(changeBreaks(values)), [-9, -6, -3, 3, 6, 9]);
  });

  it('are symmetric whatever the sign of the changes', () => {
    assert.deepEqual(changeBreaks([-3, -3, -3]), changeBreaks([3, 3, 3]));
    assert.deepEqual(changeBreaks([-3, -3, -3]), [1, 2, 3]);
  });

  it('stay strictly increasing for zero and tiny changes', () => {
    assert.equal(changeBreaks([]), null);
    assert.equal(changeBreaks([null, undefined]), null);
    assert.deepEqual(changeBreaks([0, 0, 0]), [1 / 3, 2 / 3, 1].map((v) => Math.round(v * 1000) / 1000));
    // The 90th percentile is 0: the largest change is the scale.
    const b = changeBreaks([...Array(20).fill(0), 6]);
    assert.deepEqual(b, [2, 4, 6]);
    const tiny = changeBreaks([0.0003, -0.0003]);
    assert.ok(tiny[0] > 0 && tiny[0] < tiny[1] && tiny[1] < tiny[2]);
  });

  it('class changes from 0 (falls) to 6 (rises), 3 around 0', () => {
    const b = [1, 2, 3];
    assert.equal(changeClass(null, b), null);
    assert.equal(changeClass(0, b), 3);
    assert.equal(changeClass(0.99, b), 3);
    assert.equal(changeClass(-0.99, b), 3);
    assert.equal(changeClass(-1, b), 3); // as MapLibre's step: a stop starts its class
    assert.equal(changeClass(-1.01, b), 2);
    assert.equal(changeClass(-5, b), 0);
    assert.equal(changeClass(2.5, b), 5);
    assert.equal(changeClass(3, b), 6);
  });

  it('legend classes, rises first, with their values', () => {
    const classes = changeLegendClasses([1, 2, 3], (v) => String(v));
    assert.equal(classes.length, 7);
    assert.deepEqual(classes.map((c) => c.color), [...CHANGE_RAMP].reverse());
    assert.equal(classes[0].label, '≥ 3');
    assert.equal(classes[3].label, '-1 – 1');
    assert.equal(classes[6].label, '< -3');
  });
});

describe('changeColor', () => {
  it('NODATA for a null change, else a diverging step around 0', () => {
    const expr = changeColor({ changeBreaks: [1, 2, 3] });
    assert.equal(expr[0], 'case');
    assert.deepEqual(expr[1], ['!=', ['typeof', ['feature-state', 'change']], 'number']);
    assert.equal(expr[2], NODATA_COLOR);
    assert.deepEqual(expr[3], ['step', ['to-number', ['feature-state', 'change']],
      CHANGE_RAMP[0], -3, CHANGE_RAMP[1], -2, CHANGE_RAMP[2], -1, CHANGE_RAMP[3], 1, CHANGE_RAMP[4], 2, CHANGE_RAMP[5], 3, CHANGE_RAMP[6]]);
    // The neutral colour is the class holding 0.
    assert.equal(CHANGE_RAMP[3], '#f7f7f7');
  });

  it('falls back to default breaks while none are computed', () => {
    const stops = changeColor({ changeBreaks: null })[3].filter((x) => typeof x === 'number');
    assert.deepEqual(stops, changeStops(DEFAULT_CHANGE_BREAKS));
  });

  it('is used for a quarter shown as change only', () => {
    const look = {
      indicator: 'housing', measure: 'rate', breaks: [1, 2, 3, 4], period: '2025-Q2', periodMeasure: 'change', changeBreaks: [1, 2, 3],
    };
    assert.deepEqual(indicatorColor(look), changeColor(look));
    assert.notDeepEqual(indicatorColor({ ...look, periodMeasure: 'rate' }), changeColor(look));
    assert.notDeepEqual(indicatorColor({ ...look, period: '' }), changeColor(look));
  });

  it('periodMeasureOf: change only for a quarter', () => {
    assert.equal(periodMeasureOf('2025-Q2', 'change'), 'change');
    assert.equal(periodMeasureOf('2025', 'change'), 'rate');
    assert.equal(periodMeasureOf('', 'change'), 'rate');
    assert.equal(periodMeasureOf('2025-Q2', 'rate'), 'rate');
  });
});
