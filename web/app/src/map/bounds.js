// Geographic boxes as MapLibre takes them, [[west, south], [east, north]] in degrees: the
// study area from the layers' TileJSON, and the extent of a feature. Pure: no DOM.

// Web Mercator's latitude limit.
const MAX_LAT = 85.051129;

// A TileJSON "bounds" [west, south, east, north] as a box, or null when it is not a box of
// positive size within longitude and latitude limits.
export function tileJSONBounds(b) {
  if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const [w, s, e, n] = b;
  if (w < -180 || e > 180 || s < -90 || n > 90 || !(w < e) || !(s < n)) return null;
  return [[w, s], [e, n]];
}

// The box around a and b (either may be null).
export function unionBounds(a, b) {
  if (!a) return b;
  if (!b) return a;
  return [
    [Math.min(a[0][0], b[0][0]), Math.min(a[0][1], b[0][1])],
    [Math.max(a[1][0], b[1][0]), Math.max(a[1][1], b[1][1])],
  ];
}

// The study area: the box around the bounds of every layer's TileJSON (layer -> TileJSON),
// or null when none has bounds.
export function studyBounds(tileSources) {
  let box = null;
  for (const tj of Object.values(tileSources || {})) box = unionBounds(box, tileJSONBounds(tj?.bounds));
  return box;
}

// box grown by factor times its width and height on every side, within the world.
export function padBounds(box, factor) {
  const [[w, s], [e, n]] = box;
  const dx = (e - w) * factor;
  const dy = (n - s) * factor;
  return [
    [Math.max(-180, w - dx), Math.max(-MAX_LAT, s - dy)],
    [Math.min(180, e + dx), Math.min(MAX_LAT, n + dy)],
  ];
}

// The box around box and every position of a GeoJSON geometry.
export function extendBBox(box, geometry) {
  let out = box;
  const visit = (c) => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') out = unionBounds(out, [[c[0], c[1]], [c[0], c[1]]]);
    else c.forEach(visit);
  };
  visit(geometry?.coordinates);
  return out;
}
