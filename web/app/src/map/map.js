// The MapLibre map: created from the catalog (style and study area), kept in step with the
// state (visible layers, paint, hover and selection outlines), and read back (features drawn,
// class breaks, hexagon resolution).
import {
  Map as MapLibreMap, AttributionControl, NavigationControl, ScaleControl, setWorkerUrl,
} from 'maplibre-gl';
import { CREDENTIALS, tileJSONURL } from '../model/api.js';
import { withBasemap } from './basemap-layer.js';
import {
  ALL_SOURCES, SOURCES, kindOfGeography, kindOfSource, layerIds, minZoomFor, territoryName, withArea, zoomRange,
} from '../model/catalog.js';
import { DEFAULT_BREAKS, classValues, mostlySuppressed, quintileBreaks } from './classify.js';
import { zeroClasses } from './classes.js';
import { bivariateBreaks } from './bivariate.js';
import { fieldValues } from './map-fields.js';
import { has, num } from '../i18n/format.js';
import { extendBBox, padBounds } from './bounds.js';
import { t } from '../i18n/i18n.js';
import {
  HATCH, buildStyle, fillPaint, hatchFilter, hatchImage,
} from './map-style.js';
import {
  currentSource, effectiveField, effectiveMeasure, look, publishedSource, state, update,
} from '../model/state.js';

// MapLibre's worker is shipped next to app.js by build.mjs.
setWorkerUrl(new URL('worker.js', import.meta.url).href);

export let map = null;
let attribution = null;

const smallScreen = () => window.matchMedia('(max-width: 720px)').matches;
const prefersReducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function currentStyle() {
  // Under the data layers, the basemap when there is one (basemap-layer.js).
  return withBasemap(buildStyle({ available: state.available, tileSources: state.tileSources, current: currentSource(), look: look(), tileJSONURL }));
}

// The map in container, framed on the study area box (from the layers' TileJSON; unless the
// URL says where: map=zoom/lat/lng) and kept near it. on: {select(hit), idle(), error(event)}.
export function createMap(container, box, on) {
  map = new MapLibreMap({
    container,
    style: currentStyle(),
    ...(box ? { bounds: box, maxBounds: padBounds(box, 1) } : {}),
    // A city keeps its zoom 9; a province or region may be zoomed out to see it whole.
    minZoom: minZoomFor(box, window.innerWidth, window.innerHeight),
    maxZoom: 18,
    hash: 'map',
    fadeDuration: 0,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    // Tiles with the page's credentials: none in the embed, which shows the public's layers.
    transformRequest: (url) => ({ url, credentials: CREDENTIALS }),
  });
  map.touchZoomRotate.disableRotation();
  map.on('styleimagemissing', addHatch);
  map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  setAttribution();
  map.on('error', on.error);
  // After a new style (login, logout) the outlines start hidden: show them again. The first
  // style was made before the map had a zoom: below the chosen layer's zooms, the level that
  // stands in for it is shown now.
  map.on('style.load', () => { applyVisibility(); highlightSelected(); showHover(); });
  map.on('idle', () => { onIdle(); on.idle(); });
  // Below the chosen layer's zooms a level (regions, provinces, comuni) is drawn (state.currentSource).
  const trackZoom = () => {
    const z = Math.floor(map.getZoom());
    if (z !== state.mapZoom) update({ mapZoom: z });
  };
  map.on('zoomend', trackZoom);
  trackZoom();
  map.once('idle', foldCompactAttribution);
  listenPointer(on.select);
  return map;
}

function addHatch(e) {
  if (e.id !== HATCH || map.hasImage(HATCH)) return;
  const { image, options } = hatchImage();
  map.addImage(HATCH, image, options);
}

// Pointer: hover describes an area, a click (or tap) opens its profile. Keyboard: after a pan
// or zoom the area at the centre is described; Enter or Space opens its profile.
function listenPointer(select) {
  const canvas = map.getCanvas();
  map.on('mousemove', (e) => {
    const hit = featureAt(e.point);
    canvas.style.cursor = hit ? 'pointer' : '';
    setHovered(hit);
  });
  canvas.addEventListener('mouseleave', () => setHovered(null));
  const selectAt = (point) => {
    const hit = featureAt(point);
    if (!hit || !has(hit.props, 'id')) return;
    setHovered(hit);
    select(hit);
  };
  map.on('click', (e) => selectAt(e.point));
  const centre = () => map.project(map.getCenter());
  map.on('moveend', () => {
    if (document.activeElement === canvas) setHovered(featureAt(centre()));
  });
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); selectAt(centre()); }
  });
}

export function setAttribution() {
  if (!map) return;
  if (attribution) map.removeControl(attribution);
  const text = withArea(t(state.lang, 'attribution'), territoryName(state.territory, state.lang));
  attribution = new AttributionControl({ compact: smallScreen(), customAttribution: text });
  map.addControl(attribution, 'bottom-right');
}

// On narrow screens MapLibre opens the compact attribution at start; fold it (the (i) button reopens it).
function foldCompactAttribution() {
  map.getContainer().querySelector('.maplibregl-ctrl-attrib.maplibregl-compact-show')?.classList.remove('maplibregl-compact-show');
}

// After login or logout: the role's sources and layers (so that its tiles are fetched).
export function rebuildStyle() {
  if (!map) return;
  for (const src of ALL_SOURCES) delete document.body.dataset[src];
  map.setStyle(currentStyle(), { diff: false });
}

function isShown(layer) {
  return !!map.getLayer(layer) && map.getLayoutProperty(layer, 'visibility') !== 'none';
}

// H3 resolution of the hexagons drawn now (from the drawn features, else from the zoom).
export function currentHexRes() {
  if (!map) return 8;
  const z = Math.floor(map.getZoom());
  if (state.view === 'hotspot' || state.view === 'trends') return z <= 12 ? 8 : 9;
  const fill = layerIds((SOURCES[state.view] || SOURCES.indicator).hexagons).fill;
  if (state.unit !== 'adaptive' && isShown(fill)) {
    const c = map.getCanvas();
    const [x, y] = [c.clientWidth / 2, c.clientHeight / 2];
    const f = map.queryRenderedFeatures([[x - 40, y - 40], [x + 40, y + 40]], { layers: [fill] });
    const r = f.length ? num(f[0].properties, 'resolution') : null;
    if (r !== null) return r;
  }
  return z <= 10 ? 7 : z <= 12 ? 8 : z <= 13 ? 9 : 10;
}

// Show only the layers of the current view and unit.
export function applyVisibility() {
  if (!map) return;
  const cur = currentSource();
  for (const src of ALL_SOURCES) {
    const id = layerIds(src);
    for (const l of [id.fill, id.line, id.hatch]) {
      if (map.getLayer(l)) map.setLayoutProperty(l, 'visibility', src === cur ? 'visible' : 'none');
    }
  }
}

export function applyPaint() {
  if (!map) return;
  const now = look();
  for (const src of Object.values(SOURCES.indicator)) {
    const id = layerIds(src);
    if (!map.getLayer(id.fill)) continue;
    const paint = fillPaint(src, now);
    map.setPaintProperty(id.fill, 'fill-color', paint['fill-color']);
    map.setPaintProperty(id.fill, 'fill-opacity', paint['fill-opacity']);
    if (map.getLayer(id.hatch)) map.setFilter(id.hatch, hatchFilter(now));
  }
  // The hotspot layers: the hotspot view's clusters, or the trends view's categories.
  for (const src of Object.values(SOURCES.hotspot)) {
    const id = layerIds(src);
    if (!map.getLayer(id.fill)) continue;
    const paint = fillPaint(src, now);
    map.setPaintProperty(id.fill, 'fill-color', paint['fill-color']);
    map.setPaintProperty(id.fill, 'fill-opacity', paint['fill-opacity']);
  }
}

// Outline the area whose profile is open, when the current layer draws that kind of area.
export function highlightSelected() {
  if (!map) return;
  const sel = state.selected;
  const cur = currentSource();
  for (const src of ALL_SOURCES) {
    const id = layerIds(src);
    const show = !!sel && src === cur && kindOfGeography(sel.geography) === kindOfSource(src);
    for (const l of [id.selected, `${id.selected}-inner`]) {
      if (!map.getLayer(l)) continue;
      map.setLayoutProperty(l, 'visibility', show ? 'visible' : 'none');
      if (show) map.setFilter(l, ['==', ['get', 'id'], sel.id]);
    }
  }
}

// Outline the hovered area (on the current layer only).
export function showHover() {
  if (!map) return;
  const h = state.hovered;
  const cur = currentSource();
  for (const src of ALL_SOURCES) {
    const hover = layerIds(src).hover;
    if (!map.getLayer(hover)) continue;
    const show = !!h && h.source === src && src === cur;
    if (show) map.setFilter(hover, ['==', ['get', 'id'], h.props.id ?? '\u0000none']);
    map.setLayoutProperty(hover, 'visibility', show ? 'visible' : 'none');
  }
}

function setHovered(hit) {
  if (!hit) {
    if (state.hovered) update({ hovered: null });
    return;
  }
  const prev = state.hovered;
  if (prev && prev.source === hit.source && prev.props?.id !== undefined && prev.props.id === hit.props.id) return;
  update({ hovered: hit });
}

function featureAt(point) {
  const src = currentSource();
  const layer = layerIds(src).fill;
  if (!map.getLayer(layer)) return null;
  const f = map.queryRenderedFeatures(point, { layers: [layer] });
  return f.length ? { source: src, props: f[0].properties } : null;
}

// The properties of the current source's features drawn now (null when its layer is hidden).
function drawnProperties() {
  const fill = layerIds(currentSource()).fill;
  if (!map || !isShown(fill)) return null;
  return map.queryRenderedFeatures({ layers: [fill] }).map((f) => f.properties);
}

// For tests and debugging: how many features of the current source are drawn.
function countDrawn(props) {
  if (props && props.length > 0) document.body.dataset[currentSource()] = String(props.length);
}

// Whether the chosen indicator is mostly "suppressed" (not published) in the drawn areas.
export function updateSuppressedHint(props = drawnProperties()) {
  const here = !!props && state.view === 'indicator' && state.unit !== 'districts' && mostlySuppressed(props, state.indicator);
  if (here !== state.suppressedHere) update({ suppressedHere: here });
}

// Class breaks from the features loaded for the current source, once per source, measure (or
// derived measure) and hexagon resolution (sections too are reclassified when the zoom crosses
// one): zero apart, then ckmeans classes (classes.js); the quintiles kept for older readers.
export function updateBreaks() {
  // Another period than the tiles': breaks from its figures files (explore.js).
  if (!map || state.view !== 'indicator' || state.period) return;
  const src = currentSource();
  const field = effectiveField();
  const key = field || `${state.indicator}_${effectiveMeasure()}`;
  const hexRes = currentHexRes();
  const breaksKey = `${src}|${key}|${hexRes}`;
  if (state.breaks?.key === breaksKey) return;
  if (!map.getSource(src) || !map.isSourceLoaded(src)) return;
  const features = map.querySourceFeatures(src, { sourceLayer: src }).map((f) => f.properties);
  const resolution = kindOfSource(src) === 'h3' ? hexRes : null;
  const vals = field ? fieldValues(features, { field, resolution }) : classValues(features, { indicator: state.indicator, key, resolution });
  const classes = zeroClasses(vals);
  if (classes) update({ breaks: { key: breaksKey, values: quintileBreaks(vals) || DEFAULT_BREAKS, classes } });
}

// Tertile breaks of the bivariate view's two indicators among the areas drawn now: "relative to
// this map's areas", recomputed when the drawn areas change them.
export function updateBivariateBreaks(props = drawnProperties()) {
  if (!map || state.view !== 'bivariate' || !props) return;
  const src = currentSource();
  const resolution = kindOfSource(src) === 'h3' ? currentHexRes() : null;
  const opts = { x: state.bivariateX, y: state.bivariateY, eb: !publishedSource(src), resolution };
  const b = bivariateBreaks(props, opts);
  const key = `${src}|${opts.x}|${opts.y}|${opts.eb}|${resolution}`;
  const now = state.bivariate;
  if (!b) {
    if (now && now.key !== key) update({ bivariate: null });
    return;
  }
  if (now && now.key === key && String(now.x) === String(b.x) && String(now.y) === String(b.y)) return;
  update({ bivariate: { key, ...b } });
}

function onIdle() {
  const props = drawnProperties();
  countDrawn(props);
  updateSuppressedHint(props);
  updateBreaks();
  updateBivariateBreaks(props);
}

// Where an area is among the loaded tiles of srcs: {bbox, name, source}, bbox null if nowhere.
export function findArea(geography, id, srcs) {
  let bbox = null;
  let name;
  let source = null;
  for (const src of [...new Set(srcs)]) {
    if (!src || !map.getSource(src)) continue;
    for (const f of map.querySourceFeatures(src, { sourceLayer: src, filter: ['==', ['get', 'id'], id] })) {
      if (geography.startsWith('h3_') && `h3_${f.properties.resolution}` !== geography) continue;
      bbox = extendBBox(bbox, f.geometry);
      if (has(f.properties, 'name')) name = String(f.properties.name);
      source = src;
    }
    if (bbox) break;
  }
  return { bbox, name, source };
}

// Fly to bbox, within the zoom range that shows the geography (an H3 resolution's zooms, a
// level's: catalog.js zoomRange).
export function flyToArea(geography, bbox) {
  const { min: minZoom, max: maxZoom } = zoomRange(geography, map.getMinZoom());
  const cam = map.cameraForBounds(bbox, { padding: smallScreen() ? 30 : 80, maxZoom });
  const zoom = Math.max(minZoom, Math.min(maxZoom, cam?.zoom ?? map.getZoom()));
  const center = cam?.center ?? [(bbox[0][0] + bbox[1][0]) / 2, (bbox[0][1] + bbox[1][1]) / 2];
  map.flyTo({ center, zoom, duration: prefersReducedMotion() ? 0 : 900 });
}
