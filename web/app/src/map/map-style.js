// The MapLibre style of the page: sources from the catalog's TileJSON, a fill, hatch and line
// layer per tile source, the OMI zones and the boundary, and the hover and selection outlines.
// Plain objects and expressions only: no MapLibre import.
//
// A "look" says how the data layers are painted: { indicator, measure ('rate'|'eb', as drawn),
// breaks (4 numbers), analysis }; optional: classes (classes.js: zero class, ckmeans breaks; used
// instead of breaks), field (a derived measure drawn instead of the indicator, map-fields.js),
// view and bivariate ({x, y, eb, breaks} of the bivariate view, bivariate.js), period (another
// period than the tiles', feature state) with periodMeasure ('rate'|'change') and changeBreaks,
// trends (the trends view's id -> emerging hot spot category, foresight-data.js).
import {
  ALL_SOURCES, BASE_LAYERS, LAYER_IDS, layerIds, paintViewOf, viewOfSource,
} from '../model/catalog.js';
import {
  FILL_OPACITY, NODATA_COLOR, OVERLAP_COLORS, RAMP, UNSTABLE_OPACITY, WITHHELD_COLOR, clusterColors,
} from './classify.js';
import { classColorExpr } from './classes.js';
import { bivariateColor, bivariateHatch } from './bivariate.js';
import { CHANGE_RAMP, changeStops } from './change-map.js';
import { trendsColorExpr, trendsOpacityExpr } from '../foresight/foresight-data.js';

export const HATCH = 'abitare-hatch';
const BACKGROUND = '#f4f3ef';
const NO_FEATURE = ['==', ['get', 'id'], '\u0000none'];

const overlapColor = [
  'match', ['coalesce', ['to-number', ['get', 'overlap']], -1],
  0, OVERLAP_COLORS[0],
  1, OVERLAP_COLORS[1],
  2, OVERLAP_COLORS[2],
  3, OVERLAP_COLORS[3],
  '#cccccc',
];
// Areas without residents: almost invisible (still hoverable).
const hasResidents = ['>', ['coalesce', ['to-number', ['get', 'residents']], 0], 0];

function suppressedExpr(indicator) {
  return ['==', ['get', `${indicator}_status`], 'suppressed'];
}

function unstableExpr(indicator) {
  return ['==', ['get', `${indicator}_unstable`], true];
}

export function indicatorColor(look) {
  if (look.view === 'bivariate') return look.bivariate ? bivariateColor(look.bivariate) : WITHHELD_COLOR;
  if (look.period) return look.periodMeasure === 'change' ? changeColor(look) : periodColor(look);
  if (look.field) return fieldColor(look);
  const { indicator, measure, breaks: b, classes } = look;
  const rateKey = `${indicator}_rate`;
  const key = `${indicator}_${measure}`;
  // Without an EB rate (published figures) the crude rate is drawn.
  const value = key === rateKey ? ['get', rateKey] : ['coalesce', ['get', key], ['get', rateKey]];
  return [
    'case',
    suppressedExpr(indicator), NODATA_COLOR,
    ['any', ['!', ['has', indicator]], ['all', ['!', ['has', key]], ['!', ['has', rateKey]]]], WITHHELD_COLOR,
    classes ? classColorExpr(classes, ['to-number', value])
      : ['step', ['to-number', value], RAMP[0], b[0], RAMP[1], b[1], RAMP[2], b[2], RAMP[3], b[3], RAMP[4]],
  ];
}

// A derived measure (composite index, share without help): withheld where the tiles lack it.
// The rent burden (districts) is the features' state (rent-layer.js), not a tile property.
export function fieldColor({ field, classes }) {
  if (field.startsWith('rent_')) {
    const st = ['feature-state', field];
    return ['case', ['!=', ['typeof', st], 'number'], WITHHELD_COLOR, classes ? classColorExpr(classes, ['to-number', st]) : RAMP[2]];
  }
  const value = ['to-number', ['get', field]];
  return ['case', ['!', ['has', field]], WITHHELD_COLOR, classes ? classColorExpr(classes, value) : RAMP[2]];
}

// Another period than the tiles': its rate and status are the features' state (set from
// the figures files, see explore-map.js); areas without a state yet are drawn as withheld.
export function periodColor({ breaks: b }) {
  const status = ['coalesce', ['feature-state', 'status'], ''];
  const value = ['feature-state', 'rate'];
  return [
    'case',
    ['==', status, 'suppressed'], NODATA_COLOR,
    ['!=', ['typeof', value], 'number'], WITHHELD_COLOR,
    ['step', ['to-number', value], RAMP[0], b[0], RAMP[1], b[1], RAMP[2], b[2], RAMP[3], b[3], RAMP[4]],
  ];
}

// The change on the previous quarter (feature state change, explore.js): a diverging ramp of 7
// classes around 0 (change-map.js), NODATA where the change is null (not published in one of
// the two quarters, or no previous quarter).
export function changeColor({ changeBreaks }) {
  const value = ['feature-state', 'change'];
  const stops = changeStops(changeBreaks);
  const step = ['step', ['to-number', value], CHANGE_RAMP[0]];
  stops.forEach((b, i) => step.push(b, CHANGE_RAMP[i + 1]));
  return ['case', ['!=', ['typeof', value], 'number'], NODATA_COLOR, step];
}

export function indicatorOpacity({ indicator, view, field }) {
  if (view === 'bivariate' || field) return ['case', ['!', hasResidents], 0.06, FILL_OPACITY];
  return ['case', ['!', hasResidents], 0.06, unstableExpr(indicator), UNSTABLE_OPACITY, FILL_OPACITY];
}

// Hatching: unstable rates (restricted figures) and figures not published at this level.
export function hatchFilter({
  indicator, period, view, bivariate, field,
}) {
  if (view === 'bivariate') return bivariate ? ['all', hasResidents, bivariateHatch(bivariate)] : NO_FEATURE;
  // A filter cannot read the features' state: no hatching for another period. The overlap
  // view hatches nothing (its municipalities are drawn from an indicator layer).
  if (period || field || view === 'overlap' || view === 'trends') return NO_FEATURE;
  return ['all', hasResidents, ['any', ['all', unstableExpr(indicator), ['has', indicator]], suppressedExpr(indicator)]];
}

export function hotspotColor({ analysis }) {
  const colors = clusterColors(analysis);
  const expr = ['match', ['coalesce', ['to-number', ['get', analysis]], 0]];
  for (const [code, color] of Object.entries(colors)) if (code !== '0') expr.push(Number(code), color);
  expr.push(colors[0]);
  return expr;
}

export function hotspotOpacity({ analysis }) {
  return ['case', ['>', ['coalesce', ['to-number', ['get', analysis]], 0], 0], FILL_OPACITY, 0.55];
}

// The fill of a source in the look's view (the municipalities are painted as the view asks).
export function fillPaint(src, look) {
  const v = paintViewOf(src, look.view);
  if (v === 'indicator') return { 'fill-color': indicatorColor(look), 'fill-opacity': indicatorOpacity(look) };
  if (v === 'hotspot') return { 'fill-color': hotspotColor(look), 'fill-opacity': hotspotOpacity(look) };
  if (v === 'trends') return { 'fill-color': trendsColorExpr(look.trends), 'fill-opacity': trendsOpacityExpr(look.trends) };
  return { 'fill-color': overlapColor, 'fill-opacity': ['case', hasResidents, FILL_OPACITY, 0.06] };
}

function sourceLayers(src, visible, look) {
  const id = layerIds(src);
  // A new object per layer: MapLibre keeps the layout of each layer apart.
  const on = () => ({ source: src, 'source-layer': src, layout: { visibility: visible ? 'visible' : 'none' } });
  const layers = [{ id: id.fill, type: 'fill', ...on(), paint: fillPaint(src, look) }];
  if (viewOfSource(src) === 'indicator') {
    layers.push({ id: id.hatch, type: 'fill', ...on(), filter: hatchFilter(look), paint: { 'fill-pattern': HATCH, 'fill-opacity': 0.9 } });
  }
  const lineOpacity = viewOfSource(src) === 'hotspot' ? 0.9 : ['case', hasResidents, 0.9, 0.3];
  layers.push({
    id: id.line, type: 'line', ...on(),
    paint: {
      'line-color': '#ffffff',
      'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.2, 14, 0.8],
      'line-opacity': lineOpacity,
    },
  });
  return layers;
}

// Selection (white halo, magenta line) and hover outlines, hidden until used.
function outlineLayers(src) {
  const id = layerIds(src);
  const hidden = () => ({ source: src, 'source-layer': src, filter: NO_FEATURE, layout: { visibility: 'none', 'line-join': 'round' } });
  return [
    { id: id.selected, type: 'line', ...hidden(), paint: { 'line-color': '#ffffff', 'line-width': 5, 'line-opacity': 0.9 } },
    { id: `${id.selected}-inner`, type: 'line', ...hidden(), paint: { 'line-color': '#d4006a', 'line-width': 2.5 } },
    { id: id.hover, type: 'line', ...hidden(), paint: { 'line-color': '#111111', 'line-width': 2.5 } },
  ];
}

// A vector source from the layer's TileJSON when the catalog gave it, else from its URL.
// Data sources (promote) key their features by the id property, for the feature state.
// No source carries an attribution (an empty one overrides the TileJSON's): each layer's names
// some of the same few sources, so MapLibre would list them again and again; the page's own
// attribution line (map.js setAttribution, in the page's language) names each source once.
function vectorSource(tj, url, promote = false) {
  const id = promote ? { promoteId: 'id' } : {};
  const none = { attribution: '' };
  if (!tj) return { type: 'vector', url, ...none, ...id };
  // An archive read through a protocol (the static site's pmtiles://...): its own TileJSON.
  if (typeof tj.url === 'string' && !Array.isArray(tj.tiles)) return { type: 'vector', url: tj.url, ...none, ...id };
  return {
    type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom, maxzoom: tj.maxzoom, bounds: tj.bounds, ...none, ...id,
  };
}

function omiLayer() {
  return {
    id: LAYER_IDS.omi, type: 'line', source: 'omi_zones', 'source-layer': 'omi_zones',
    paint: {
      'line-color': '#6f6f6f',
      'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 15, 1],
      'line-opacity': 0.55,
      'line-dasharray': [3, 2],
    },
  };
}

function boundaryLayer() {
  return {
    id: LAYER_IDS.boundary, type: 'line', source: 'boundary', 'source-layer': 'boundary',
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#2b2b2b', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.2, 15, 2.5] },
  };
}

// The style for the layers in available (a Set), with current (a tile source) shown.
// tileSources: layer -> TileJSON; tileJSONURL(layer): where to read a TileJSON not given.
export function buildStyle({ available, tileSources, current, look, tileJSONURL }) {
  const sources = {};
  for (const name of [...ALL_SOURCES, ...BASE_LAYERS]) {
    if (available.has(name)) sources[name] = vectorSource(tileSources[name], tileJSONURL(name), ALL_SOURCES.includes(name));
  }
  const data = ALL_SOURCES.filter((src) => available.has(src));
  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
    ...data.flatMap((src) => sourceLayers(src, src === current, look)),
    ...(available.has('omi_zones') ? [omiLayer()] : []),
    ...(available.has('boundary') ? [boundaryLayer()] : []),
    ...data.flatMap(outlineLayers),
  ];
  // No fade-in of the first view: the map is idle, and its figures readable, at once.
  return { version: 8, name: 'abitare', sources, layers, transition: { duration: 0, delay: 0 } };
}

// Diagonal hatching for unstable rates (drawn over the fill), as MapLibre's addImage takes it.
export function hatchImage() {
  const size = 16;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = (x + y) % 8;
      if (d < 2) {
        const o = (y * size + x) * 4;
        data[o] = 50; data[o + 1] = 50; data[o + 2] = 50; data[o + 3] = d === 0 ? 150 : 60;
      }
    }
  }
  return { image: { width: size, height: size, data }, options: { pixelRatio: 2 } };
}
