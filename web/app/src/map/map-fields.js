// The planner's derived measures drawn in the indicator view: the composite indices (AMPI, IMD)
// and, per need, the share of people in need without help, which the restricted indicator tiles
// of hexagons and sections carry (tiles/measures.go, withheld with their inputs); and the rent
// burden per OMI zone (GET /api/rent-burden, withheld zones without figures), drawn on the
// district layer through the features' state (rent-layer.js). Pure.
import { has, num } from '../i18n/format.js';

export const COMPOSITE_FIELDS = ['ampi', 'imd'];
const UNHELPED = 'unhelped_';
// Median rent burden (share of ISEE) and share of households whose burden is above 30%.
export const RENT_FIELDS = ['rent_median', 'rent_above_30'];

// The tile fields for the vocabulary's needs, in the select's order.
export function tileFields(needs = []) {
  return [...COMPOSITE_FIELDS, ...needs.map((n) => UNHELPED + n)];
}

// Every derived measure.
export function mapFields(needs = []) {
  return [...tileFields(needs), ...RENT_FIELDS];
}

export const isRentField = (field) => RENT_FIELDS.includes(field);

// The need of a coverage field, or null.
export function needOf(field) {
  return String(field || '').startsWith(UNHELPED) ? field.slice(UNHELPED.length) : null;
}

// How a field's values are read: 'share' (0-1, shown in %), 'index' (AMPI, around 100), 'score'.
export function fieldKind(field) {
  if (needOf(field) || isRentField(field)) return 'share';
  return field === 'ampi' ? 'index' : 'score';
}

// The field's value shown: a share in % (one decimal), an index or score with one decimal.
export function fieldDisplay(field, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return fieldKind(field) === 'share' ? Math.round(v * 1000) / 10 : Math.round(v * 10) / 10;
}

// The values of a field among loaded features to classify: one per area id, at H3 resolution
// `resolution` when given, with residents and the field present (withheld ones are absent).
export function fieldValues(features, { field, resolution = null }) {
  const seen = new Set();
  const out = [];
  for (const p of features) {
    if (!p || seen.has(p.id)) continue;
    seen.add(p.id);
    if (resolution !== null && num(p, 'resolution') !== resolution) continue;
    if (!(num(p, 'residents') > 0) || !has(p, field)) continue;
    const v = num(p, field);
    if (v !== null) out.push(v);
  }
  return out;
}

// Whether the tile fields may be drawn on a layer: restricted figures of hexagons or sections.
export function fieldsOnSource(src, published) {
  return !published && (src === 'indicators' || src === 'indicators_sections');
}

// Whether field may be drawn on src: tile fields where fieldsOnSource, the rent burden on the
// district layer for the roles that read aggregates.
export function fieldOffered(field, src, { published, aggregates }) {
  if (isRentField(field)) return aggregates && src === 'indicators_districts';
  return fieldsOnSource(src, published);
}

// The rent-burden feature states of the answer of GET /api/rent-burden: [{id, state}] per OMI
// zone with figures (withheld zones and the city, zone "", left out), shares 0-1.
export function rentStates(answer) {
  const out = [];
  for (const z of Array.isArray(answer?.zones) ? answer.zones : []) {
    if (!z || !z.zone || z.status !== 'published') continue;
    const st = {};
    if (typeof z.median_burden === 'number') st.rent_median = z.median_burden;
    if (typeof z.share_above_30pct === 'number') st.rent_above_30 = z.share_above_30pct;
    if (Object.keys(st).length) out.push({ id: z.zone, state: st });
  }
  return out;
}

// One OMI zone's rent burden in the answer of GET /api/rent-burden, or null when the answer does
// not list it: {zone, band, status, rentPerM2, households, median, shareAbove30, shareAbove40}
// (shares 0-1; the figures null unless the status is 'published': withheld zones, few
// households, come without them; the OMI rent is public and kept).
export function rentOfZone(answer, zone) {
  if (!zone) return null;
  const z = (Array.isArray(answer?.zones) ? answer.zones : []).find((x) => x && String(x.zone) === String(zone));
  if (!z) return null;
  const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const published = z.status === 'published';
  const fig = (v) => (published ? n(v) : null);
  return {
    zone: String(z.zone),
    band: typeof z.band === 'string' ? z.band : '',
    status: typeof z.status === 'string' && z.status ? z.status : 'withheld',
    rentPerM2: n(z.rent_eur_m2_month),
    households: fig(z.households),
    median: fig(z.median_burden),
    shareAbove30: fig(z.share_above_30pct),
    shareAbove40: fig(z.share_above_40pct),
  };
}
