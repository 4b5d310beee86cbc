// The custom area's pure functions (custom-area.js draws the panel): the selection of census
// sections or H3 cells of one resolution, the body of POST /api/custom-area and of its report,
// the answer read back, and the polygon drawn point by point. Pure: no DOM.

// The most areas a selection may name (geo/customarea.MaxIDs).
export const MAX_AREAS = 500;

// The geographies a selection may be made of.
export const CUSTOM_GEOGRAPHIES = ['section', 'h3_7', 'h3_8', 'h3_9', 'h3_10'];

export const EMPTY_SELECTION = Object.freeze({ geography: '', ids: Object.freeze([]) });

// The selection with area ({geography, id}) added, or removed if it was in it. change says what
// happened: added, removed, reset (another geography: the selection starts again with the
// area), full (MAX_AREAS reached: unchanged) or unsupported (a geography a custom area cannot
// be made of: unchanged).
export function toggleArea(sel, area, max = MAX_AREAS) {
  const cur = sel && Array.isArray(sel.ids) ? sel : EMPTY_SELECTION;
  const geography = String(area?.geography ?? '');
  const id = String(area?.id ?? '');
  if (!CUSTOM_GEOGRAPHIES.includes(geography) || !id) return { sel: cur, change: 'unsupported' };
  if (cur.ids.length && cur.geography !== geography) return { sel: { geography, ids: [id] }, change: 'reset' };
  if (cur.ids.includes(id)) {
    const ids = cur.ids.filter((x) => x !== id);
    return { sel: { geography: ids.length ? geography : '', ids }, change: 'removed' };
  }
  if (cur.ids.length >= max) return { sel: cur, change: 'full' };
  return { sel: { geography, ids: [...cur.ids, id] }, change: 'added' };
}

// The selection without id.
export function removeArea(sel, id) {
  const ids = (sel?.ids || []).filter((x) => x !== String(id));
  return { geography: ids.length ? sel.geography : '', ids };
}

// The JSON body of POST /api/custom-area (and of its report): the selection's areas, or a
// polygon (GeoJSON Polygon) when one is given. The period is left out when empty (the server
// takes the latest). null when there is nothing to ask.
export function requestBody({ period, selection, polygon } = {}) {
  const body = {};
  if (period) body.period = String(period);
  if (polygon) {
    if (polygon.type !== 'Polygon' || !Array.isArray(polygon.coordinates)) return null;
    body.polygon = polygon;
    return body;
  }
  if (!selection || !selection.ids?.length || !CUSTOM_GEOGRAPHIES.includes(selection.geography)) return null;
  body.areas = { geography: selection.geography, ids: [...selection.ids] };
  return body;
}

// POST /api/custom-area/report?format=xlsx|html&lang=it|en, from the API's base URL (…/api/).
export function customAreaReportURL(base, { format = 'html', lang = 'it' } = {}) {
  const u = new URL('custom-area/report', base);
  u.searchParams.set('format', format === 'xlsx' ? 'xlsx' : 'html');
  u.searchParams.set('lang', lang === 'en' ? 'en' : 'it');
  return u;
}

const numOrNull = (v) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

// The answer of POST /api/custom-area, checked: {period, geography, ids, label, residents,
// release, protection, indicators: [{indicator, people, residents, rate, ci_low, ci_high,
// status}], outline}, the figures of a withheld indicator blanked. null when it is not one.
export function parseResult(d) {
  if (!d || typeof d !== 'object' || !Array.isArray(d.indicators)) return null;
  const indicators = d.indicators
    .filter((f) => f && typeof f.indicator === 'string')
    .map((f) => {
      const status = f.status === 'protected' ? 'protected' : 'withheld';
      const shown = status === 'protected';
      return {
        indicator: f.indicator,
        status,
        people: shown ? numOrNull(f.people) : null,
        residents: numOrNull(f.residents),
        rate: shown ? numOrNull(f.rate) : null,
        ci_low: shown ? numOrNull(f.ci_low) : null,
        ci_high: shown ? numOrNull(f.ci_high) : null,
      };
    });
  return {
    period: String(d.period ?? ''),
    geography: String(d.geography ?? ''),
    ids: Array.isArray(d.ids) ? d.ids.map(String) : [],
    label: String(d.label ?? ''),
    residents: numOrNull(d.residents),
    release: numOrNull(d.release),
    protection: typeof d.protection === 'string' ? d.protection : '',
    indicators,
    outline: outlineFeature(d.outline),
  };
}

// A GeoJSON object as a Feature or FeatureCollection (what a GeoJSON source is given), or null.
export function outlineFeature(g) {
  if (!g || typeof g !== 'object' || typeof g.type !== 'string') return null;
  if (g.type === 'Feature' || g.type === 'FeatureCollection') return g;
  if (!Array.isArray(g.coordinates) && !Array.isArray(g.geometries)) return null;
  return { type: 'Feature', properties: {}, geometry: g };
}

// The polygon of the points clicked ([lng, lat] each): its ring closed, repeated consecutive
// points dropped; null with fewer than three distinct points.
export function polygonOf(points) {
  const ring = [];
  for (const p of points || []) {
    if (!Array.isArray(p) || p.length < 2 || !p.every(Number.isFinite)) continue;
    const q = [Number(p[0]), Number(p[1])];
    const last = ring[ring.length - 1];
    if (last && last[0] === q[0] && last[1] === q[1]) continue;
    ring.push(q);
  }
  if (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop();
  if (ring.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...ring, [...ring[0]]]] };
}
