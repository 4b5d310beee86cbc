// The custom area's pure functions: toggling the selection, the request body, the report
// address, the answer read back and the drawn polygon.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CUSTOM_GEOGRAPHIES, EMPTY_SELECTION, MAX_AREAS, customAreaReportURL, outlineFeature, parseResult, polygonOf, removeArea,
  requestBody, toggleArea,
} from '../src/desk/custom-area-data.js';

describe('toggleArea', () => {
  it('adds, then removes an area', () => {
    let r = toggleArea(EMPTY_SELECTION, { geography: 'h3_8', id: 'a' });
    assert.equal(r.change, 'added');
    assert.deepEqual(r.sel, { geography: 'h3_8', ids: ['a'] });
    r = toggleArea(r.sel, { geography: 'h3_8', id: 'b' });
    assert.deepEqual(r.sel.ids, ['a', 'b']);
    r = toggleArea(r.sel, { geography: 'h3_8', id: 'a' });
    assert.equal(r.change, 'removed');
    assert.deepEqual(r.sel, { geography: 'h3_8', ids: ['b'] });
    r = toggleArea(r.sel, { geography: 'h3_8', id: 'b' });
    assert.deepEqual(r.sel, { geography: '', ids: [] });
  });
  it('starts again on another geography', () => {
    const r = toggleArea({ geography: 'h3_8', ids: ['a', 'b'] }, { geography: 'section', id: 360230000001 });
    assert.equal(r.change, 'reset');
    assert.deepEqual(r.sel, { geography: 'section', ids: ['360230000001'] });
  });
  it('refuses districts and the municipality, and leaves the selection as it was', () => {
    const sel = { geography: 'section', ids: ['1'] };
    for (const g of ['omi', 'municipality', 'h3_6', '']) {
      const r = toggleArea(sel, { geography: g, id: 'x' });
      assert.equal(r.change, 'unsupported');
      assert.equal(r.sel, sel);
    }
    assert.deepEqual(CUSTOM_GEOGRAPHIES, ['section', 'h3_7', 'h3_8', 'h3_9', 'h3_10']);
  });
  it('stops at the maximum, but still removes', () => {
    const ids = Array.from({ length: MAX_AREAS }, (_, i) => `s${i}`);
    const full = { geography: 'section', ids };
    const r = toggleArea(full, { geography: 'section', id: 'new' });
    assert.equal(r.change, 'full');
    assert.equal(r.sel.ids.length, MAX_AREAS);
    assert.equal(toggleArea(full, { geography: 'section', id: 's3' }).sel.ids.length, MAX_AREAS - 1);
    assert.equal(toggleArea({ geography: 'section', ids: ['a', 'b'] }, { geography: 'section', id: 'c' }, 2).change, 'full');
  });
  it('does not change the selection given', () => {
    const sel = { geography: 'section', ids: ['a'] };
    toggleArea(sel, { geography: 'section', id: 'b' });
    assert.deepEqual(sel.ids, ['a']);
  });
  it('removeArea drops one id', () => {
    assert.deepEqual(removeArea({ geography: 'h3_9', ids: ['a', 'b'] }, 'a'), { geography: 'h3_9', ids: ['b'] });
    assert.deepEqual(removeArea({ geography: 'h3_9', ids: ['a'] }, 'a'), { geography: '', ids: [] });
  });
});

describe('requestBody', () => {
  it('names the areas and the period', () => {
    assert.deepEqual(requestBody({ period: '2025', selection: { geography: 'section', ids: ['1', '2'] } }),
      { period: '2025', areas: { geography: 'section', ids: ['1', '2'] } });
  });
  it('leaves out an empty period (the server takes the latest)', () => {
    assert.deepEqual(requestBody({ period: '', selection: { geography: 'h3_10', ids: ['x'] } }), { areas: { geography: 'h3_10', ids: ['x'] } });
  });
  it('prefers a polygon', () => {
    const polygon = { type: 'Polygon', coordinates: [[[10.9, 44.6], [10.95, 44.6], [10.95, 44.65], [10.9, 44.6]]] };
    assert.deepEqual(requestBody({ period: '2024', selection: { geography: 'section', ids: ['1'] }, polygon }), { period: '2024', polygon });
    assert.equal(requestBody({ polygon: { type: 'Point', coordinates: [1, 2] } }), null);
  });
  it('is null with nothing to ask', () => {
    assert.equal(requestBody({ period: '2025', selection: EMPTY_SELECTION }), null);
    assert.equal(requestBody({ selection: { geography: 'omi', ids: ['B3'] } }), null);
    assert.equal(requestBody(), null);
  });
  it('round-trips through JSON', () => {
    const b = requestBody({ period: '2025', selection: { geography: 'h3_8', ids: ['a'] } });
    assert.deepEqual(JSON.parse(JSON.stringify(b)), b);
  });
});

describe('customAreaReportURL', () => {
  it('asks for a format and a language, defaulting to the printable page in Italian', () => {
    const base = new URL('https://x.example/api/');
    assert.equal(customAreaReportURL(base, { format: 'xlsx', lang: 'en' }).href, 'https://x.example/api/custom-area/report?format=xlsx&lang=en');
    assert.equal(customAreaReportURL(base).href, 'https://x.example/api/custom-area/report?format=html&lang=it');
    assert.equal(customAreaReportURL(base, { format: 'pdf', lang: 'fr' }).href, 'https://x.example/api/custom-area/report?format=html&lang=it');
  });
});

describe('parseResult', () => {
  const answer = {
    period: '2025',
    geography: 'section',
    ids: ['1', 2],
    label: 'section 1',
    residents: 812,
    release: 3,
    protection: 'Counts perturbed by the cell-key method.',
    indicators: [
      { indicator: 'poverty', people: 40, residents: 812, rate: 49.26, ci_low: 35.2, ci_high: 67.1, status: 'protected' },
      { indicator: 'health', people: 3, residents: 812, rate: 3.7, ci_low: 1, ci_high: 10, status: 'withheld' },
      { indicator: 'housing', people: null, residents: 812, rate: null, ci_low: null, ci_high: null, status: 'withheld' },
      { nope: true },
    ],
    outline: { type: 'MultiPolygon', coordinates: [] },
  };
  it('reads the figures', () => {
    const r = parseResult(answer);
    assert.equal(r.period, '2025');
    assert.deepEqual(r.ids, ['1', '2']);
    assert.equal(r.residents, 812);
    assert.equal(r.release, 3);
    assert.equal(r.protection, answer.protection);
    assert.equal(r.indicators.length, 3);
    assert.deepEqual(r.indicators[0], { indicator: 'poverty', status: 'protected', people: 40, residents: 812, rate: 49.26, ci_low: 35.2, ci_high: 67.1 });
  });
  it('blanks the figures of a withheld indicator', () => {
    const h = parseResult(answer).indicators[1];
    assert.equal(h.status, 'withheld');
    assert.equal(h.people, null);
    assert.equal(h.rate, null);
    assert.equal(h.ci_low, null);
  });
  it('makes the outline a Feature', () => {
    assert.deepEqual(parseResult(answer).outline, { type: 'Feature', properties: {}, geometry: answer.outline });
    assert.equal(outlineFeature(null), null);
    assert.equal(outlineFeature({ type: 'Polygon' }), null);
    const fc = { type: 'FeatureCollection', features: [] };
    assert.equal(outlineFeature(fc), fc);
  });
  it('is null for what is not an answer', () => {
    assert.equal(parseResult(null), null);
    assert.equal(parseResult({ error: 'x', code: 'invalid' }), null);
  });
});

describe('polygonOf', () => {
  it('closes the ring', () => {
    assert.deepEqual(polygonOf([[0, 0], [1, 0], [1, 1]]), { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
  });
  it('drops repeated points (a double click) and a ring already closed', () => {
    assert.deepEqual(polygonOf([[0, 0], [1, 0], [1, 0], [1, 1], [1, 1], [0, 0]]).coordinates[0], [[0, 0], [1, 0], [1, 1], [0, 0]]);
  });
  it('needs three distinct points', () => {
    assert.equal(polygonOf([[0, 0], [1, 1], [1, 1]]), null);
    assert.equal(polygonOf([]), null);
    assert.equal(polygonOf([[0, 0], [1, NaN], [2, 2]]), null);
  });
});
