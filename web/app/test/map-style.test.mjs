import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PUBLIC_LAYERS, RESTRICTED_LAYERS } from '../src/model/catalog.js';
import { GI_COLORS, NODATA_COLOR, RAMP } from '../src/map/classify.js';
import {
  HATCH, buildStyle, fillPaint, hatchFilter, hatchImage, hotspotColor, indicatorColor, periodColor,
} from '../src/map/map-style.js';

const look = { indicator: 'health', measure: 'rate', breaks: [10, 20, 30, 40], analysis: 'moran_health' };
const tileJSONURL = (layer) => `https://example.org/tiles/${layer}.json`;

function style(layers, { current = 'hexagons', tileSources = {} } = {}) {
  return buildStyle({ available: new Set(layers), tileSources, current, look, tileJSONURL });
}

describe('buildStyle', () => {
  it('has a source per available layer, from the catalog\'s TileJSON or its URL', () => {
    const tj = { tiles: ['https://example.org/t/{z}/{x}/{y}.mvt'], minzoom: 9, maxzoom: 14, bounds: [10.7, 44.5, 11, 44.8], attribution: 'ISTAT' };
    const s = style(PUBLIC_LAYERS, { tileSources: { hexagons: tj } });
    assert.deepEqual(Object.keys(s.sources).sort(), [...PUBLIC_LAYERS].sort());
    // No source's attribution: the page's own line names each source once.
    assert.deepEqual(s.sources.hexagons, { type: 'vector', ...tj, attribution: '', promoteId: 'id' });
    assert.deepEqual(s.sources.sections, { type: 'vector', url: 'https://example.org/tiles/sections.json', attribution: '', promoteId: 'id' });
    assert.deepEqual(s.sources.boundary, { type: 'vector', url: 'https://example.org/tiles/boundary.json', attribution: '' });
    assert.equal(s.version, 8);
  });

  it('draws no layer of a source the catalog lacks', () => {
    const s = style(PUBLIC_LAYERS);
    assert.equal(s.layers.some((l) => l.source === 'hotspots'), false);
    assert.equal(style(RESTRICTED_LAYERS).layers.some((l) => l.source === 'hotspots'), true);
    assert.deepEqual(style([]).layers.map((l) => l.id), ['background']);
  });

  it('shows the current source only; outlines start hidden', () => {
    const s = style(PUBLIC_LAYERS, { current: 'indicators' });
    const visibility = (id) => s.layers.find((l) => l.id === id).layout.visibility;
    assert.equal(visibility('indicators-fill'), 'visible');
    assert.equal(visibility('indicators-hatch'), 'visible');
    assert.equal(visibility('hexagons-fill'), 'none');
    assert.equal(visibility('indicators-hover'), 'none');
    assert.equal(visibility('indicators-selected'), 'none');
  });

  it('hatches the indicator layers only, with unique layer ids, outlines above the boundary', () => {
    const s = style(RESTRICTED_LAYERS);
    const ids = s.layers.map((l) => l.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids.filter((id) => id.endsWith('-hatch')).sort(), [
      'indicators-hatch', 'indicators_districts-hatch', 'indicators_municipalities-hatch', 'indicators_sections-hatch',
    ]);
    assert.ok(s.layers.filter((l) => l.id.endsWith('-hatch')).every((l) => l.paint['fill-pattern'] === HATCH));
    assert.ok(ids.indexOf('boundary-line') < ids.indexOf('hexagons-hover'));
    assert.ok(ids.indexOf('hexagons-fill') < ids.indexOf('omi-zones-line'));
  });

  it('gives every layer its own layout object', () => {
    const layouts = style(PUBLIC_LAYERS).layers.map((l) => l.layout).filter(Boolean);
    assert.equal(new Set(layouts).size, layouts.length);
  });
});

describe('paint expressions', () => {
  it('colours indicator rates by the breaks, suppressed figures as no data', () => {
    const expr = indicatorColor(look);
    assert.deepEqual(expr[1], ['==', ['get', 'health_status'], 'suppressed']);
    assert.equal(expr[2], NODATA_COLOR);
    assert.deepEqual(expr[5], ['step', ['to-number', ['get', 'health_rate']], RAMP[0], 10, RAMP[1], 20, RAMP[2], 30, RAMP[3], 40, RAMP[4]]);
  });

  it('draws the EB rate where there is one, else the crude rate', () => {
    const expr = indicatorColor({ ...look, measure: 'eb' });
    assert.deepEqual(expr[5][1], ['to-number', ['coalesce', ['get', 'health_eb'], ['get', 'health_rate']]]);
  });

  it('colours hotspots by the analysis\' cluster codes', () => {
    const gi = hotspotColor({ analysis: 'gi_poverty' });
    assert.deepEqual(gi, ['match', ['coalesce', ['to-number', ['get', 'gi_poverty']], 0], 1, GI_COLORS[1], 2, GI_COLORS[2], GI_COLORS[0]]);
    assert.equal(hotspotColor({ analysis: 'moran_health' }).length, 3 + 2 * 6);
  });

  it('makes a 16-pixel hatch image', () => {
    const { image, options } = hatchImage();
    assert.equal(image.width, 16);
    assert.equal(image.data.length, 16 * 16 * 4);
    assert.equal(options.pixelRatio, 2);
    assert.ok(image.data.some((v) => v > 0));
  });
});

describe('another period than the tiles\' (feature state)', () => {
  const periodLook = { ...look, period: '2025-Q2' };

  it('keys the data sources by id, the base layers not', () => {
    const s = buildStyle({ available: new Set(PUBLIC_LAYERS), tileSources: { hexagons: { url: 'pmtiles://x' } }, current: 'indicators', look, tileJSONURL });
    assert.deepEqual(s.sources.hexagons, { type: 'vector', url: 'pmtiles://x', attribution: '', promoteId: 'id' });
    assert.equal(s.sources.indicators_districts.promoteId, 'id');
    assert.equal(s.sources.omi_zones.promoteId, undefined);
  });

  it('paints the rate and status of the feature state', () => {
    const c = indicatorColor(periodLook);
    const text = JSON.stringify(c);
    assert.match(text, /\["feature-state","rate"\]/);
    assert.match(text, /\["feature-state","status"\]/);
    assert.doesNotMatch(text, /\["get"/);
    assert.equal(c[0], 'case');
    assert.deepEqual(c.at(-1).slice(0, 4), ['step', ['to-number', ['feature-state', 'rate']], RAMP[0], 10]);
    assert.equal(c[2], NODATA_COLOR);
  });

  it('is the same as periodColor, and the tiles\' look reads the properties', () => {
    assert.deepEqual(indicatorColor(periodLook), periodColor(periodLook));
    assert.match(JSON.stringify(indicatorColor(look)), /\["get","health_rate"\]/);
    assert.match(JSON.stringify(indicatorColor({ ...look, period: '' })), /\["get","health_rate"\]/);
  });

  it('hatches nothing (a filter cannot read the state)', () => {
    assert.deepEqual(hatchFilter(periodLook), ['==', ['get', 'id'], '\u0000none']);
    assert.notDeepEqual(hatchFilter(look), hatchFilter(periodLook));
  });
});

describe('municipalities', () => {
  it('are painted as the view asks: the overlap class in the overlap view, the indicator otherwise', () => {
    const overlap = fillPaint('indicators_municipalities', { ...look, view: 'overlap' });
    assert.equal(overlap['fill-color'][0], 'match');
    assert.deepEqual(overlap['fill-color'][1], ['coalesce', ['to-number', ['get', 'overlap']], -1]);
    const indicator = fillPaint('indicators_municipalities', { ...look, view: 'indicator' });
    assert.deepEqual(indicator['fill-color'], indicatorColor({ ...look, view: 'indicator' }));
    // The districts keep their own view's paint whatever the view.
    assert.deepEqual(fillPaint('indicators_districts', { ...look, view: 'overlap' })['fill-color'], indicatorColor({ ...look, view: 'overlap' }));
    // Nothing hatched in the overlap view.
    assert.deepEqual(hatchFilter({ ...look, view: 'overlap' }), ['==', ['get', 'id'], '\u0000none']);
  });

  it('have their source and layers in the public style', () => {
    const s = style(PUBLIC_LAYERS, { current: 'indicators_municipalities' });
    assert.equal(s.sources.indicators_municipalities.promoteId, 'id');
    const fill = s.layers.find((l) => l.id === 'indicators_municipalities-fill');
    assert.equal(fill.layout.visibility, 'visible');
    assert.equal(s.layers.find((l) => l.id === 'hexagons-fill').layout.visibility, 'none');
  });
});
