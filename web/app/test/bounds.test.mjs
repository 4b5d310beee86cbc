import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  extendBBox, padBounds, studyBounds, tileJSONBounds, unionBounds,
} from '../src/map/bounds.js';

const MODENA = [10.781955, 44.56348, 11.01095, 44.742293];

describe('tileJSONBounds', () => {
  it('turns [west, south, east, north] into a MapLibre box', () => {
    assert.deepEqual(tileJSONBounds(MODENA), [[10.781955, 44.56348], [11.01095, 44.742293]]);
  });

  it('refuses what is not a box of positive size on the globe', () => {
    for (const b of [null, undefined, [], [1, 2, 3], ['10', 44, 11, 45], [10, 44, NaN, 45], [11, 44, 10, 45],
      [10, 45, 11, 44], [0, 0, 0, 0], [-181, 0, 1, 1], [0, -91, 1, 1], [0, 0, 181, 1]]) {
      assert.equal(tileJSONBounds(b), null, JSON.stringify(b));
    }
  });
});

describe('studyBounds', () => {
  it('is null without TileJSON or bounds', () => {
    assert.equal(studyBounds(undefined), null);
    assert.equal(studyBounds({}), null);
    assert.equal(studyBounds({ a: null, b: {}, c: { bounds: [0, 0, 0, 0] } }), null);
  });

  it('is the box around the layers\' bounds, skipping invalid ones', () => {
    const box = studyBounds({
      hexagons: { bounds: MODENA },
      boundary: { bounds: [10.7, 44.6, 10.9, 44.8] },
      broken: { bounds: [1, 2] },
    });
    assert.deepEqual(box, [[10.7, 44.56348], [11.01095, 44.8]]);
  });

  it('takes a list as well as a layer -> TileJSON object', () => {
    assert.deepEqual(studyBounds([{ bounds: MODENA }]), tileJSONBounds(MODENA));
  });
});

describe('padBounds and unionBounds', () => {
  it('grows a box by its size on every side', () => {
    assert.deepEqual(padBounds([[10, 44], [11, 45]], 1), [[9, 43], [12, 46]]);
    assert.deepEqual(padBounds([[10, 44], [11, 45]], 0), [[10, 44], [11, 45]]);
  });

  it('stays within the world', () => {
    assert.deepEqual(padBounds([[-179, -80], [179, 80]], 1), [[-180, -85.051129], [180, 85.051129]]);
  });

  it('unites two boxes, either of them possibly null', () => {
    const a = [[0, 0], [1, 1]];
    assert.equal(unionBounds(null, null), null);
    assert.equal(unionBounds(a, null), a);
    assert.equal(unionBounds(null, a), a);
    assert.deepEqual(unionBounds(a, [[-1, 0.5], [0.5, 2]]), [[-1, 0], [1, 2]]);
  });
});

describe('extendBBox', () => {
  const square = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]]] };

  it('boxes a polygon and a multipolygon', () => {
    assert.deepEqual(extendBBox(null, square), [[0, 0], [2, 1]]);
    const multi = { type: 'MultiPolygon', coordinates: [square.coordinates, [[[5, -3], [6, -3], [6, -2], [5, -3]]]] };
    assert.deepEqual(extendBBox(null, multi), [[0, -3], [6, 1]]);
  });

  it('grows a box without changing it', () => {
    const box = [[1, 0.5], [1.5, 3]];
    assert.deepEqual(extendBBox(box, square), [[0, 0], [2, 3]]);
    assert.deepEqual(box, [[1, 0.5], [1.5, 3]]);
  });

  it('leaves the box as it is without a geometry', () => {
    assert.equal(extendBBox(null, null), null);
    assert.deepEqual(extendBBox([[0, 0], [1, 1]], { type: 'Polygon' }), [[0, 0], [1, 1]]);
  });
});
