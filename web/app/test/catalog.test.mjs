import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_SOURCES, LEVEL_BELOW, MUNICIPALITY_SOURCE, PROVINCE_SOURCE, PUBLIC_LAYERS, REGION_SOURCE, RESTRICTED_LAYERS, geographyOfSource,
  isLevelSource, kindOfGeography, kindOfSource, layerIds, minZoomFor, normalizeViewUnit, paintViewOf, parseCatalog, parseTerritory,
  sourceFor, sourceMinZoom, sourceOfGeography, territoryLevels, territoryName, validPurpose, viewAvailable, viewOfSource, withArea,
  withTerritoryLevels, zoomRange, zoomedSource,
} from '../src/model/catalog.js';

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

// Territories as GET /tiles/catalog.json describes them (territory.Describe).
const comune = (code, name = code) => ({ kind: 'municipality', code, name });
const CITY = {
  kind: 'municipality', name: 'Modena', bounds: [10.8, 44.53, 11.05, 44.75], places: [comune('036023', 'Modena')], municipalities: [comune('036023', 'Modena')],
};
const PROVINCE = {
  kind: 'province', name: 'Provincia di Modena', name_en: 'Province of Modena', bounds: [10.42, 44.12, 11.43, 44.98],
  places: [{ kind: 'province', code: '036', name: 'Modena' }],
  municipalities: Array.from({ length: 47 }, (_, i) => comune(`036${String(i + 1).padStart(3, '0')}`)),
};
const REGION = {
  kind: 'region', name: 'Regione Emilia-Romagna', name_en: 'Emilia-Romagna region', bounds: [9.2, 43.73, 12.76, 45.14],
  places: [{ kind: 'region', code: '08', name: 'Emilia-Romagna' }],
  municipalities: ['033', '034', '035', '036', '037', '038', '039', '040', '099'].flatMap((p) => [comune(`${p}001`), comune(`${p}002`)]),
};
// Comuni of several regions (of Modena and Bologna, Lucca and Pistoia): named by their count.
const REGIONS = {
  kind: 'municipalities', name: '8 comuni', municipalities: ['036001', '036002', '037001', '037002', '046001', '046002', '047001', '047002'].map((c) => comune(c)),
};
// A few comuni of two provinces: listed by name.
const FEW = { kind: 'municipalities', name: 'Carpi e Mirandola', municipalities: [comune('036005'), comune('035001')] };
const EVERY_LAYER = [...PUBLIC_LAYERS, PROVINCE_SOURCE, REGION_SOURCE];

describe('provinces and regions', () => {
  it('are levels like the municipality: a geography of the views of figures, drawn by their own layer', () => {
    for (const [unit, src, geography] of [['provinces', PROVINCE_SOURCE, 'province'], ['regions', REGION_SOURCE, 'region']]) {
      assert.equal(sourceFor('indicator', unit), src);
      assert.equal(sourceFor('bivariate', unit), src);
      assert.equal(sourceFor('overlap', unit), 'hexagons');
      assert.equal(sourceFor('hotspot', unit), 'hotspots');
      assert.equal(geographyOfSource(src), geography);
      assert.equal(sourceOfGeography(geography), src);
      assert.equal(kindOfSource(src), geography);
      assert.equal(kindOfGeography(geography), geography);
      assert.equal(viewOfSource(src), 'indicator');
      assert.equal(paintViewOf(src, 'overlap'), 'overlap');
      assert.equal(paintViewOf(src, 'bivariate'), 'indicator');
      assert.equal(sourceMinZoom(src, {}), 0);
      assert.ok(isLevelSource(src));
      const available = new Set(EVERY_LAYER);
      assert.deepEqual(normalizeViewUnit({ view: 'indicator', unit }, available), { view: 'indicator', unit });
      assert.deepEqual(normalizeViewUnit({ view: 'overlap', unit }, available), { view: 'overlap', unit: 'hexagons' });
      // A territory without them: the first unit there is.
      assert.deepEqual(normalizeViewUnit({ view: 'indicator', unit }, new Set(PUBLIC_LAYERS)), { view: 'indicator', unit: 'hexagons' });
    }
    assert.equal(new Set(ALL_SOURCES).size, ALL_SOURCES.length);
  });

  it('tell the geography of every source', () => {
    assert.equal(geographyOfSource('hotspots_sections'), 'section');
    assert.equal(geographyOfSource('indicators_districts'), 'omi');
    assert.equal(geographyOfSource(MUNICIPALITY_SOURCE), 'municipality');
    assert.equal(geographyOfSource('indicators'), '');
    assert.equal(geographyOfSource('adaptive'), '');
    assert.equal(geographyOfSource(undefined), '');
    assert.equal(sourceOfGeography('omi'), 'indicators_districts');
    assert.equal(sourceOfGeography('municipality'), MUNICIPALITY_SOURCE);
    assert.equal(sourceOfGeography('section'), '');
    assert.equal(sourceOfGeography('h3_9'), '');
    assert.ok(!isLevelSource('indicators_districts'));
  });

  it('exist only where the territory spans several comuni (provinces) or provinces (regions)', () => {
    assert.deepEqual(territoryLevels(CITY), { municipality: 1, province: 0, region: 0 });
    assert.deepEqual(territoryLevels(null), { municipality: 1, province: 0, region: 0 });
    assert.deepEqual(territoryLevels(PROVINCE), { municipality: 47, province: 1, region: 0 });
    assert.deepEqual(territoryLevels(REGION), { municipality: 18, province: 9, region: 1 });
    // Several regions, at least two: how many, the catalog does not say.
    assert.deepEqual(territoryLevels(REGIONS), { municipality: 8, province: 4, region: 2 });
    assert.deepEqual(territoryLevels(FEW), { municipality: 2, province: 2, region: 1 });
  });

  it('are left out of the catalog of a territory that has none (the server lists their layers, empty)', () => {
    const layers = (territory) => parseCatalog({ layers: EVERY_LAYER, territory }).layers;
    for (const t of [CITY, null]) {
      assert.ok(!layers(t).has(PROVINCE_SOURCE) && !layers(t).has(REGION_SOURCE));
      assert.ok(layers(t).has(MUNICIPALITY_SOURCE));
      // A city's catalog is as before.
      assert.deepEqual([...layers(t)], PUBLIC_LAYERS);
    }
    assert.ok(layers(PROVINCE).has(PROVINCE_SOURCE) && !layers(PROVINCE).has(REGION_SOURCE));
    assert.ok(layers(REGION).has(PROVINCE_SOURCE) && layers(REGION).has(REGION_SOURCE));
    assert.deepEqual([...withTerritoryLevels(['indicators', REGION_SOURCE], FEW)], ['indicators', REGION_SOURCE]);
    // An older catalog without the layers: nothing added.
    assert.ok(!parseCatalog({ layers: PUBLIC_LAYERS, territory: REGION }).layers.has(PROVINCE_SOURCE));
  });
});

describe('the coarsest level zoomed out', () => {
  const available = new Set(EVERY_LAYER);
  const tileSources = { indicators: { minzoom: 9 }, indicators_districts: { minzoom: 8 }, [MUNICIPALITY_SOURCE]: { minzoom: 0 } };
  const drawn = (territory, src, zoom, view = 'indicator') => zoomedSource(src, {
    zoom, view, available: parseCatalog({ layers: [...available], territory }).layers, tileSources, levels: territoryLevels(territory),
  });

  it('is the comuni below zoom 9 for one province (a single-city catalog never zooms out so far)', () => {
    for (const z of [5, 6, 7, 8]) assert.equal(drawn(PROVINCE, 'indicators', z), MUNICIPALITY_SOURCE, `zoom ${z}`);
    assert.equal(drawn(PROVINCE, 'indicators', 9), 'indicators');
    assert.equal(drawn(CITY, 'indicators', 8), MUNICIPALITY_SOURCE);
    assert.equal(drawn(CITY, 'indicators', 9), 'indicators');
  });

  it('is the provinces of a region below zoom 8, its comuni at 8 (its one region is the whole)', () => {
    assert.equal(LEVEL_BELOW.province, 8);
    for (const z of [4, 6, 7]) assert.equal(drawn(REGION, 'indicators', z), PROVINCE_SOURCE, `zoom ${z}`);
    assert.equal(drawn(REGION, 'indicators', 8), MUNICIPALITY_SOURCE);
    assert.equal(drawn(REGION, 'indicators', 9), 'indicators');
    assert.equal(drawn(REGION, 'indicators_districts', 8), 'indicators_districts');
    assert.equal(drawn(REGION, 'indicators_districts', 7), PROVINCE_SOURCE);
    // The overlap view too, painted by overlap class; never the hotspots'.
    assert.equal(drawn(REGION, 'hexagons', 6, 'overlap'), PROVINCE_SOURCE);
    assert.equal(drawn(REGION, 'hotspots', 6, 'hotspot'), 'hotspots');
  });

  it('is the regions below zoom 7 where the territory spans several', () => {
    assert.equal(LEVEL_BELOW.region, 7);
    assert.equal(drawn(REGIONS, 'indicators', 5), REGION_SOURCE);
    assert.equal(drawn(REGIONS, 'indicators', 6), REGION_SOURCE);
    assert.equal(drawn(REGIONS, 'indicators', 7), PROVINCE_SOURCE);
    assert.equal(drawn(REGIONS, 'indicators', 8), MUNICIPALITY_SOURCE);
    // Two comuni of two provinces: the comuni, not two provinces of a comune each.
    for (const z of [5, 7, 8]) assert.equal(drawn(FEW, 'indicators', z), MUNICIPALITY_SOURCE, `zoom ${z}`);
    // As many regions as provinces, as many provinces as comuni: the finer level.
    const twoByTwo = { ...REGIONS, municipalities: ['036001', '036002', '046001', '046002'].map((c) => comune(c)) };
    assert.equal(drawn(twoByTwo, 'indicators', 5), PROVINCE_SOURCE);
  });

  it('leaves a chosen level at every zoom, and the map before it has a zoom', () => {
    assert.equal(drawn(REGIONS, MUNICIPALITY_SOURCE, 5), MUNICIPALITY_SOURCE);
    assert.equal(drawn(REGIONS, PROVINCE_SOURCE, 4), PROVINCE_SOURCE);
    assert.equal(drawn(REGIONS, REGION_SOURCE, 12), REGION_SOURCE);
    assert.equal(drawn(REGIONS, 'indicators', null), 'indicators');
    // Without the levels (an older caller): the comuni, as before.
    assert.equal(zoomedSource('indicators', { zoom: 5, view: 'indicator', available, tileSources }), MUNICIPALITY_SOURCE);
  });

  it('flies to an area within the zooms that show its geography', () => {
    assert.deepEqual(zoomRange('region', 6), { min: 6, max: 8 });
    assert.deepEqual(zoomRange('province', 6), { min: 6, max: 10 });
    assert.deepEqual(zoomRange('municipality', 8), { min: 8, max: 12 });
    assert.deepEqual(zoomRange('omi', 8), { min: 10, max: 15 });
    assert.deepEqual(zoomRange('section', 8), { min: 13, max: 15 });
    assert.deepEqual(zoomRange('h3_7', 8), { min: 9, max: 10.9 });
    assert.deepEqual(zoomRange('h3_10', 8), { min: 14, max: 16 });
    // Never a lowest zoom above the highest.
    assert.deepEqual(zoomRange('region', 9), { min: 8, max: 8 });
  });
});
