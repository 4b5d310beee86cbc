import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BASEMAP_PREFIX, basemapParts, basemapURL, mergeBasemap,
} from '../src/map/basemap.js';
import { buildStyle } from '../src/map/map-style.js';
import { PUBLIC_LAYERS } from '../src/model/catalog.js';

const BASE = {
  version: 8,
  name: 'OSM liberty',
  glyphs: 'https://tiles.example/fonts/{fontstack}/{range}.pbf',
  sprite: 'https://tiles.example/sprites/liberty',
  sources: {
    openmaptiles: { type: 'vector', url: 'https://tiles.example/planet.json' },
    hillshade: { type: 'raster', tiles: ['tiles/hill/{z}/{x}/{y}.png'], tileSize: 256 },
  },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#eee' } },
    { id: 'water', type: 'fill', source: 'openmaptiles', 'source-layer': 'water' },
    { id: 'hill', type: 'raster', source: 'hillshade' },
    { id: 'orphan', type: 'line', source: 'missing' },
    { id: 'place', type: 'symbol', source: 'openmaptiles', 'source-layer': 'place', layout: { 'text-field': '{name}' } },
    null,
    { type: 'fill', source: 'openmaptiles' },
  ],
};

const page = () => buildStyle({
  available: new Set(PUBLIC_LAYERS), tileSources: {}, current: 'hexagons', look: { indicator: 'poverty', measure: 'rate', breaks: [1, 2, 3, 4], analysis: 'moran_poverty' }, tileJSONURL: (l) => `https://a.example/tiles/${l}.json`,
});

describe('basemapURL', () => {
  it('takes absolute http(s) URLs only', () => {
    assert.equal(basemapURL('https://tiles.example/style.json'), 'https://tiles.example/style.json');
    assert.equal(basemapURL(' http://t.example/s.json '), 'http://t.example/s.json');
    for (const v of [undefined, null, '', 'style.json', '/style.json', 'javascript:alert(1)', 'mapbox://styles/x', 42, {}]) assert.equal(basemapURL(v), null, String(v));
  });
});

describe('basemapParts', () => {
  const parts = basemapParts(BASE, { styleURL: 'https://tiles.example/styles/liberty.json' });

  it('prefixes the ids of sources and layers', () => {
    assert.deepEqual(Object.keys(parts.sources), [`${BASEMAP_PREFIX}openmaptiles`, `${BASEMAP_PREFIX}hillshade`]);
    assert.deepEqual(parts.layers.map((l) => l.id), ['basemap-background', 'basemap-water', 'basemap-hill', 'basemap-place']);
    assert.equal(parts.layers[1].source, 'basemap-openmaptiles');
    assert.equal(parts.layers[1]['source-layer'], 'water');
    assert.equal(parts.layers[0].source, undefined);
  });

  it('drops layers without a source or an id', () => {
    assert.equal(parts.layers.some((l) => l.id.includes('orphan')), false);
    assert.equal(parts.layers.length, 4);
  });

  it('resolves relative URLs against the style, keeping placeholders', () => {
    assert.deepEqual(parts.sources['basemap-hillshade'].tiles, ['https://tiles.example/styles/tiles/hill/{z}/{x}/{y}.png']);
    assert.equal(parts.glyphs, 'https://tiles.example/fonts/{fontstack}/{range}.pbf');
    assert.equal(parts.sprite, 'https://tiles.example/sprites/liberty');
    const rel = basemapParts({ ...BASE, glyphs: '../fonts/{fontstack}/{range}.pbf', sprite: [{ id: 'x', url: 'sprites/x' }] }, { styleURL: 'https://t.example/a/b/style.json' });
    assert.equal(rel.glyphs, 'https://t.example/a/fonts/{fontstack}/{range}.pbf');
    assert.deepEqual(rel.sprite, [{ id: 'x', url: 'https://t.example/a/b/sprites/x' }]);
  });

  it('does not change the style it was given', () => {
    assert.equal(BASE.layers[1].id, 'water');
    assert.equal(BASE.layers[1].source, 'openmaptiles');
  });

  it('is null for something that is not a style', () => {
    for (const v of [null, 'x', {}, { layers: 'no' }]) assert.equal(basemapParts(v), null);
    assert.deepEqual(basemapParts({ layers: [] }), { sources: {}, layers: [], glyphs: undefined, sprite: undefined });
  });
});

describe('mergeBasemap', () => {
  it('is the page style without a basemap', () => {
    const s = page();
    assert.equal(mergeBasemap(s, null), s);
  });

  it('puts the basemap under the data layers, after the page background', () => {
    const s = page();
    const merged = mergeBasemap(s, basemapParts(BASE));
    const ids = merged.layers.map((l) => l.id);
    assert.equal(ids[0], 'background');
    assert.deepEqual(ids.slice(1, 5), ['basemap-background', 'basemap-water', 'basemap-hill', 'basemap-place']);
    assert.deepEqual(ids.slice(5), s.layers.slice(1).map((l) => l.id));
    assert.ok(ids.indexOf('basemap-place') < ids.indexOf('hexagons-fill'));
    assert.ok(ids.indexOf('omi-zones-line') > ids.indexOf('basemap-place'));
    for (const k of Object.keys(s.sources)) assert.deepEqual(merged.sources[k], s.sources[k]);
    assert.ok(merged.sources['basemap-openmaptiles']);
    assert.equal(merged.glyphs, BASE.glyphs);
    assert.equal(merged.sprite, BASE.sprite);
    assert.equal(new Set(ids).size, ids.length, 'layer ids are unique');
    assert.equal(s.layers.length, merged.layers.length - 4, 'the page style is not changed');
  });

  it('keeps a page layer whose id a basemap also uses apart', () => {
    const clash = basemapParts({ sources: { boundary: { type: 'vector', url: 'https://t/x.json' } }, layers: [{ id: 'boundary-line', type: 'line', source: 'boundary' }] });
    const merged = mergeBasemap(page(), clash);
    assert.equal(merged.layers.filter((l) => l.id === 'boundary-line').length, 1);
    assert.equal(merged.sources.boundary.url, 'https://a.example/tiles/boundary.json');
  });
});
