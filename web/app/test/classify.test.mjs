import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLUSTER_COLORS, GI_COLORS, RAMP, breakLabels, classValues, clusterColor, isSuppressed, legendClusterCodes,
  mostlySuppressed, quintileBreaks,
} from '../src/map/classify.js';
import { fmtRate } from '../src/i18n/format.js';

const range = (n, f = (i) => i) => Array.from({ length: n }, (_, i) => f(i));

describe('quintileBreaks', () => {
  it('needs at least five values', () => {
    assert.equal(quintileBreaks([]), null);
    assert.equal(quintileBreaks([1, 2, 3, 4]), null);
    assert.notEqual(quintileBreaks([1, 2, 3, 4, 5]), null);
  });

  it('ignores nulls and non-numbers', () => {
    assert.equal(quintileBreaks([1, 2, null, NaN, undefined, '3', 4]), null);
    assert.deepEqual(quintileBreaks([null, 10, 20, 30, 40, 50, NaN]), [20, 30, 40, 50]);
  });

  it('cuts at the 20th, 40th, 60th and 80th percentiles, whole numbers from 20 up', () => {
    assert.deepEqual(quintileBreaks(range(100, (i) => i + 1)), [21, 41, 61, 81]);
    assert.deepEqual(quintileBreaks(range(100, (i) => i + 0.4 + 20)), [40, 60, 80, 100]);
  });

  it('keeps one decimal below 20', () => {
    assert.deepEqual(quintileBreaks(range(10, (i) => (i + 1) / 10)), [0.3, 0.5, 0.7, 0.9]);
    assert.deepEqual(quintileBreaks([1.234, 5.678, 9.87, 12.345, 15.55]), [5.7, 9.9, 12.3, 15.6]);
  });

  it('sorts without touching its input', () => {
    const input = [50, 10, 40, 20, 30];
    assert.deepEqual(quintileBreaks(input), [20, 30, 40, 50]);
    assert.deepEqual(input, [50, 10, 40, 20, 30]);
  });

  it('pushes equal quintiles apart: all zeros give 0, 0.1, 0.2, 0.3', () => {
    assert.deepEqual(quintileBreaks(range(10, () => 0)), [0, 0.1, 0.2, 0.3]);
    assert.deepEqual(quintileBreaks(range(10, () => 25)), [25, 25.1, 25.2, 25.3]);
  });

  it('always gives four strictly increasing breaks', () => {
    let seed = 7;
    const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    for (let run = 0; run < 200; run++) {
      const values = range(5 + Math.floor(random() * 50), () => Math.round(random() * 3) * random() * 40);
      const b = quintileBreaks(values);
      assert.equal(b.length, 4);
      for (let i = 1; i < 4; i++) assert.ok(b[i] > b[i - 1], `breaks ${b} of ${values}`);
    }
  });
});

describe('breakLabels', () => {
  it('labels the five classes in Italian and in English', () => {
    const b = [20, 40.5, 60, 80];
    assert.deepEqual(breakLabels(b, (v) => fmtRate('it', v)), ['< 20,0', '20,0 – 40,5', '40,5 – 60,0', '60,0 – 80,0', '≥ 80,0']);
    assert.deepEqual(breakLabels(b, (v) => fmtRate('en', v)), ['< 20.0', '20.0 – 40.5', '40.5 – 60.0', '60.0 – 80.0', '≥ 80.0']);
    assert.equal(breakLabels(b, String).length, RAMP.length);
  });
});

describe('classValues', () => {
  const area = (id, props) => ({ id, residents: 100, ...props });

  it('is empty for no features', () => {
    assert.deepEqual(classValues([], { indicator: 'health', key: 'health_rate' }), []);
  });

  it('takes each area once, with residents, at the resolution asked', () => {
    const features = [
      area('a', { poverty_rate: 10, resolution: 8 }),
      area('a', { poverty_rate: 10, resolution: 8 }), // same area from another tile
      area('b', { poverty_rate: 20, resolution: 9 }),
      area('c', { poverty_rate: 30, resolution: 8, residents: 0 }),
      area('d', { poverty_rate: 40, resolution: 8, residents: null }),
      area('e', { poverty_rate: 50, resolution: 8 }),
      null,
    ];
    assert.deepEqual(classValues(features, { indicator: 'poverty', key: 'poverty_rate', resolution: 8 }), [10, 50]);
    assert.deepEqual(classValues(features, { indicator: 'poverty', key: 'poverty_rate' }), [10, 20, 50]);
  });

  it('skips suppressed figures and prefers the measure asked, else the crude rate', () => {
    const features = [
      area('a', { health_rate: 10, health_eb: 12 }),
      area('b', { health_rate: 20 }),
      area('c', { health_status: 'suppressed', health_rate: 99 }),
      area('d', { health_rate: null, health_eb: null }),
    ];
    assert.deepEqual(classValues(features, { indicator: 'health', key: 'health_eb' }), [12, 20]);
  });

  it('leaves unstable rates out when there are at least 20 stable ones', () => {
    const stable = range(20, (i) => area(`s${i}`, { work_rate: i }));
    const unstable = [area('u', { work_rate: 1000, work_unstable: true })];
    assert.equal(classValues([...stable, ...unstable], { indicator: 'work', key: 'work_rate' }).includes(1000), false);
    assert.equal(classValues([...stable.slice(1), ...unstable], { indicator: 'work', key: 'work_rate' }).includes(1000), true);
  });
});

describe('suppressed figures', () => {
  it('isSuppressed reads the status of the indicator', () => {
    assert.equal(isSuppressed({ health_status: 'suppressed' }, 'health'), true);
    assert.equal(isSuppressed({ health_status: 'protected' }, 'health'), false);
    assert.equal(isSuppressed({}, 'health'), false);
    assert.equal(isSuppressed(null, 'health'), false);
  });

  it('mostlySuppressed: at least one, and at least as many as those shown', () => {
    const s = { health_status: 'suppressed' };
    const shown = { health: 12, health_status: 'protected' };
    assert.equal(mostlySuppressed([], 'health'), false);
    assert.equal(mostlySuppressed([{}, {}], 'health'), false);
    assert.equal(mostlySuppressed([s], 'health'), true);
    assert.equal(mostlySuppressed([s, shown], 'health'), true);
    assert.equal(mostlySuppressed([s, shown, shown], 'health'), false);
    assert.equal(mostlySuppressed([s, s, shown, {}], 'health'), true);
  });
});

describe('clusters', () => {
  it('colours Gi* hot and cold spots, LISA clusters, and unknown codes as not significant', () => {
    assert.equal(clusterColor('gi_poverty', 1), GI_COLORS[1]);
    assert.equal(clusterColor('gi_poverty', 4), CLUSTER_COLORS[0]);
    assert.equal(clusterColor('moran_health', 4), CLUSTER_COLORS[4]);
    assert.equal(clusterColor('moran_health', 99), CLUSTER_COLORS[0]);
    assert.equal(clusterColor('bivariate_poverty_health', 6), CLUSTER_COLORS[6]);
  });

  it('lists the legend codes of each analysis', () => {
    assert.deepEqual(legendClusterCodes('gi_health'), [1, 2, 0]);
    assert.deepEqual(legendClusterCodes('moran_health'), [1, 2, 3, 4, 6, 0]);
  });
});
