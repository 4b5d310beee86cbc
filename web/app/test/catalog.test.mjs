import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_SOURCES, MUNICIPALITY_SOURCE, PUBLIC_LAYERS, RESTRICTED_LAYERS, kindOfGeography, kindOfSource, layerIds, minZoomFor,
  normalizeViewUnit, paintViewOf, parseCatalog, parseTerritory, sourceFor, sourceMinZoom, territoryName, validPurpose,
  viewAvailable, viewOfSource, withArea, zoomedSource,
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

describe('municipalities', () => {
  const available = new Set(PUBLIC_LAYERS);
  const tileSources = { indicators: { minzoom: 9 }, indicators_districts: { minzoom: 8 }, [MUNICIPALITY_SOURCE]: { minzoom: 0 } };

  it('are a geography of the indicator and bivariate views, drawing figures per comune', () => {
    assert.equal(sourceFor('indicator', 'municipalities'), MUNICIPALITY_SOURCE);
    assert.equal(sourceFor('bivariate', 'municipalities'), MUNICIPALITY_SOURCE);
    assert.equal(sourceFor('overlap', 'municipalities'), 'hexagons');
    assert.equal(kindOfSource(MUNICIPALITY_SOURCE), 'municipality');
    assert.equal(kindOfGeography('municipality'), 'municipality');
    assert.equal(viewOfSource(MUNICIPALITY_SOURCE), 'indicator');
    assert.equal(paintViewOf(MUNICIPALITY_SOURCE, 'overlap'), 'overlap');
    assert.equal(paintViewOf(MUNICIPALITY_SOURCE, 'bivariate'), 'indicator');
    assert.equal(paintViewOf('sections', 'indicator'), 'overlap');
    assert.deepEqual(normalizeViewUnit({ view: 'indicator', unit: 'municipalities' }, available), { view: 'indicator', unit: 'municipalities' });
    assert.deepEqual(normalizeViewUnit({ view: 'overlap', unit: 'municipalities' }, available), { view: 'overlap', unit: 'hexagons' });
  });

  it('stand in for the chosen layer when zoomed out below its zooms', () => {
    const at = (src, zoom, view = 'indicator', avail = available) => zoomedSource(src, { zoom, view, available: avail, tileSources });
    assert.equal(at('indicators', 8), MUNICIPALITY_SOURCE);
    assert.equal(at('indicators', 9), 'indicators');
    assert.equal(at('indicators_districts', 8), 'indicators_districts');
    assert.equal(at('indicators_districts', 7), MUNICIPALITY_SOURCE);
    // The overlap view too (its municipalities painted by overlap class); not the hotspots'.
    assert.equal(at('hexagons', 8, 'overlap'), MUNICIPALITY_SOURCE);
    assert.equal(at('hotspots', 8, 'hotspot'), 'hotspots');
    // Not before the map has a zoom, nor without the layer (an older catalog).
    assert.equal(at('indicators', null), 'indicators');
    assert.equal(at('indicators', 8, 'indicator', new Set(['indicators'])), 'indicators');
    assert.equal(at(MUNICIPALITY_SOURCE, 3), MUNICIPALITY_SOURCE);
    // Without TileJSON minzooms: 9 for the fine layers (tiles.FineMinZoom), 0 for the comuni.
    assert.equal(sourceMinZoom('sections', {}), 9);
    assert.equal(sourceMinZoom(MUNICIPALITY_SOURCE, {}), 0);
    assert.equal(zoomedSource('sections', { zoom: 8.9, view: 'overlap', available, tileSources: {} }), MUNICIPALITY_SOURCE);
  });

  it('let the map zoom out to a province or a region, a city no further than zoom 9', () => {
    const modena = [[10.80, 44.53], [11.05, 44.75]];
    const province = [[10.42, 44.12], [11.43, 44.98]];
    const region = [[9.2, 43.73], [12.76, 45.14]];
    assert.equal(minZoomFor(modena, 1024, 768), 9);
    assert.equal(minZoomFor(province, 1024, 768), 8);
    assert.ok(minZoomFor(region, 1024, 768) <= 7);
    assert.ok(minZoomFor(region, 1024, 768) < minZoomFor(province, 1024, 768));
    assert.equal(minZoomFor(null), 9);
  });
});

describe('territory', () => {
  const province = {
    kind: 'province', name: 'Provincia di Modena', name_en: 'Province of Modena', bounds: [10.4, 44.1, 11.4, 45],
    places: [{ kind: 'province', code: '036', name: 'Modena' }], municipalities: [{ kind: 'municipality', code: '036023', name: 'Modena' }],
  };

  it('is read from the catalog, with its name in each language', () => {
    const cat = parseCatalog({ layers: ['boundary'], territory: province });
    assert.equal(territoryName(cat.territory, 'it'), 'Provincia di Modena');
    assert.equal(territoryName(cat.territory, 'en'), 'Province of Modena');
    assert.deepEqual(cat.territory.bounds, [10.4, 44.1, 11.4, 45]);
    assert.equal(cat.territory.places[0].code, '036');
    assert.equal(parseCatalog({ layers: ['boundary'] }).territory, null);
    assert.equal(parseTerritory({ name: '  ' }), null);
    assert.equal(parseTerritory({ name: 'Modena' }).name_en, 'Modena');
    assert.equal(territoryName(null, 'it'), '');
  });

  it('names the page, or is left out when unknown', () => {
    assert.equal(withArea('Abitare · {area}: bisogno abitativo', 'Carpi e Modena'), 'Abitare · Carpi e Modena: bisogno abitativo');
    assert.equal(withArea('Abitare · {area}: bisogno abitativo', ''), 'Abitare: bisogno abitativo');
    assert.equal(withArea('Fonte: Abitare · {area}, osservatorio', ''), 'Fonte: Abitare, osservatorio');
    assert.equal(withArea('no placeholder', 'Modena'), 'no placeholder');
  });
});
