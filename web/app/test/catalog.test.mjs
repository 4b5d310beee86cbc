import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_SOURCES, PUBLIC_LAYERS, RESTRICTED_LAYERS, kindOfGeography, kindOfSource, layerIds, normalizeViewUnit, parseCatalog,
  sourceFor, validPurpose, viewAvailable, viewOfSource,
} from '../src/catalog.js';

const publicLayers = new Set(PUBLIC_LAYERS);
const restricted = new Set(RESTRICTED_LAYERS);

describe('views and units', () => {
  it('draws each view and unit kind from its tile layer, hexagons by default', () => {
    assert.equal(sourceFor('overlap', 'sections'), 'sections');
    assert.equal(sourceFor('indicator', 'districts'), 'indicators_districts');
    assert.equal(sourceFor('hotspot', 'adaptive'), 'hotspots');
    assert.equal(viewOfSource('indicators_districts'), 'indicator');
    assert.equal(viewOfSource('hotspots_sections'), 'hotspot');
    assert.equal(viewOfSource('boundary'), 'overlap');
    assert.equal(new Set(ALL_SOURCES).size, ALL_SOURCES.length);
  });

  it('offers the hotspot view with the restricted catalog only', () => {
    assert.equal(viewAvailable('hotspot', publicLayers), false);
    assert.equal(viewAvailable('hotspot', restricted), true);
    assert.equal(viewAvailable('overlap', new Set()), false);
    assert.equal(viewAvailable('nonsense', restricted), false);
  });

  it('falls back to the overlap view when a view is not offered', () => {
    assert.deepEqual(normalizeViewUnit({ view: 'hotspot', unit: 'sections' }, publicLayers), { view: 'overlap', unit: 'sections' });
    assert.deepEqual(normalizeViewUnit({ view: 'bogus', unit: 'hexagons' }, restricted), { view: 'overlap', unit: 'hexagons' });
  });

  it('keeps adaptive hexagons to the overlap view and districts to the indicator view', () => {
    assert.deepEqual(normalizeViewUnit({ view: 'indicator', unit: 'adaptive' }, publicLayers), { view: 'indicator', unit: 'hexagons' });
    assert.deepEqual(normalizeViewUnit({ view: 'overlap', unit: 'districts' }, publicLayers), { view: 'overlap', unit: 'hexagons' });
    assert.deepEqual(normalizeViewUnit({ view: 'indicator', unit: 'districts' }, publicLayers), { view: 'indicator', unit: 'districts' });
    assert.deepEqual(normalizeViewUnit({ view: 'hotspot', unit: 'adaptive' }, restricted), { view: 'hotspot', unit: 'hexagons' });
  });

  it('moves to the first unit whose layer the catalog has', () => {
    const noHexagons = new Set(['sections', 'indicators_sections']);
    assert.deepEqual(normalizeViewUnit({ view: 'overlap', unit: 'hexagons' }, noHexagons), { view: 'overlap', unit: 'sections' });
    assert.deepEqual(normalizeViewUnit({ view: 'overlap', unit: 'hexagons' }, new Set()), { view: 'overlap', unit: 'hexagons' });
  });

  it('tells the kind of area of a source and of a geography', () => {
    assert.equal(kindOfSource('hotspots_sections'), 'section');
    assert.equal(kindOfSource('indicators_districts'), 'omi');
    assert.equal(kindOfSource('adaptive'), 'h3');
    assert.equal(kindOfGeography('h3_9'), 'h3');
    assert.equal(kindOfGeography('omi'), 'omi');
  });

  it('names the map layers of a source', () => {
    assert.deepEqual(layerIds('hexagons'), {
      fill: 'hexagons-fill', line: 'hexagons-line', hatch: 'hexagons-hatch', hover: 'hexagons-hover', selected: 'hexagons-selected',
    });
  });
});

describe('parseCatalog', () => {
  it('is null without layers', () => {
    for (const c of [null, undefined, {}, { layers: [] }, { layers: 'hexagons' }, { layers: [null, {}, 42, { id: '' }] }]) {
      assert.equal(parseCatalog(c), null, JSON.stringify(c));
    }
  });

  it('reads layer ids given as strings or objects', () => {
    const c = parseCatalog({ layers: ['hexagons', { id: 'boundary' }, null, { title: 'no id' }] });
    assert.deepEqual([...c.layers], ['hexagons', 'boundary']);
    assert.deepEqual(c.sources, {});
  });

  it('keeps the TileJSON of a layer when it has tiles', () => {
    const tj = { tiles: ['https://x/tiles/hexagons/r1/{z}/{x}/{y}.mvt'], bounds: [10.7, 44.5, 11, 44.8] };
    const c = parseCatalog({ layers: [{ id: 'hexagons', source: tj }, { id: 'sections', source: { bounds: [0, 0, 1, 1] } }] });
    assert.deepEqual(c.sources, { hexagons: tj });
    assert.equal(c.layers.has('sections'), true);
  });
});

describe('stated purpose', () => {
  it('needs ten letters in two different words of three or more letters, as the server does', () => {
    for (const ok of ['eviction prevention case review', 'verifica sfratto', 'bando affitto 2026, pratica 42']) assert.ok(validPurpose(ok), ok);
    for (const bad of ['', 'aaaaaaaaaa', 'aaaaaaaaaaaa bbbbbbbbbbb', 'abc abc abc abc', 'ok ok ok ok ok ok ok', 'sfratto', '  ..........  ']) {
      assert.ok(!validPurpose(bad), bad);
    }
  });
});
