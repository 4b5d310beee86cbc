// Names of analyses, clusters, roles, needs and geographies in the user's language. Pure: no DOM.
import { t, tf } from './i18n.js';
import { bivariatePairs, domains } from '../model/vocabulary.js';

// The string for key, or fallback when no language has one.
function known(lang, key, fallback) {
  const s = t(lang, key);
  return s === key ? fallback : s;
}

// The two indicators of a bivariate analysis ("bivariate_poverty_health": x here, y around).
export function bivariatePair(a) {
  const rest = String(a).replace(/^bivariate_/, '');
  for (const [x, y] of bivariatePairs()) if (rest === `${x}_${y}`) return [x, y];
  // A pair the vocabulary does not name (or no vocabulary): split at the first underscore.
  const i = rest.indexOf('_');
  return i < 0 ? [rest, ''] : [rest.slice(0, i), rest.slice(i + 1)];
}

export function analysisLabel(lang, a) {
  if (a.startsWith('moran_')) return tf(lang, 'analysis_moran', { ind: t(lang, a.slice(6)) });
  if (a.startsWith('gi_')) return tf(lang, 'analysis_gi', { ind: t(lang, a.slice(3)) });
  const [x, y] = bivariatePair(a);
  return tf(lang, 'analysis_bivariate', { x: t(lang, x), y: t(lang, y) });
}

// Gi* has hot and cold spots where LISA has High-High and Low-Low.
export function clusterLabel(lang, a, code) {
  if (a.startsWith('gi_') && (code === 1 || code === 2)) return t(lang, `gi_${code}`);
  return t(lang, `cluster_${code}`);
}

// The statistic an analysis computes, for the legend.
export function analysisNote(lang, a) {
  if (a.startsWith('moran_')) return tf(lang, 'legend_moran_note', { ind: t(lang, a.slice(6)).toLowerCase() });
  if (a.startsWith('gi_')) return tf(lang, 'legend_gi_note', { ind: t(lang, a.slice(3)).toLowerCase() });
  const [x, y] = bivariatePair(a);
  return tf(lang, 'legend_bivariate_note', { x: t(lang, x).toLowerCase(), y: t(lang, y).toLowerCase() });
}

// A role as the server names it, translated when the page knows it.
export function roleLabel(lang, role) {
  return known(lang, `role_${role}`, String(role));
}

// A status of a published figure (protected, suppressed...), translated when known.
export function statusLabel(lang, status) {
  return known(lang, `status_${status}`, String(status ?? ''));
}

// A need of the targeting list: a domain or a need signal.
export function needLabel(lang, n) {
  return domains().includes(n) ? t(lang, n) : t(lang, `need_${n}`);
}

// An overlap combination ("poverty+health") as "Povertà + Salute".
export function combinationLabel(lang, comb) {
  return String(comb).split('+').map((d) => t(lang, d)).join(t(lang, 'comb_sep'));
}

// A ranking geography (section, omi, h3_8) for the ranking caption.
export function geographyLabel(lang, geography) {
  if (geography === 'section') return t(lang, 'ranking_geo_section');
  if (geography === 'omi') return t(lang, 'ranking_geo_omi');
  return tf(lang, 'ranking_geo_h3', { res: String(geography).replace(/^h3_/, '') });
}

// The kind of area a profile shows (hexagon, section, district, municipality, province, region):
// the key of its name in the string tables.
export function areaKind(geography) {
  return {
    section: 'section', omi: 'district', municipality: 'municipality', province: 'province', region: 'region',
  }[geography] || 'hexagon';
}

// Whether the areas of a geography carry a name worth showing next to their code: the
// districts and the levels (comuni, provinces, regions).
export function namedGeography(geography) {
  return ['omi', 'municipality', 'province', 'region'].includes(geography);
}

// Names of the territory's comuni by ISTAT code (setComuni, from the gazetteer): a district's
// label names its comune when the territory has several.
const comuni = new Map();

// The territory's comuni: [{id: '036023', name: 'Modena'}, ...].
export function setComuni(list) {
  comuni.clear();
  for (const m of Array.isArray(list) ? list : []) if (m && m.id && m.name) comuni.set(String(m.id), String(m.name));
}

// A district id's parts: 036023/B3 is zone B3 of comune 036023; a comune that is its own district
// (036005) is both; any other id is a zone of no known comune.
export function districtParts(id) {
  const s = String(id ?? '');
  const i = s.indexOf('/');
  if (i >= 0) return { comune: s.slice(0, i), zone: s.slice(i + 1) };
  if (/^\d{6}$/.test(s)) return { comune: s, zone: s };
  return { comune: '', zone: s };
}

// The code an area is shown by. Districts carry their comune in their id (036023/B3): they are
// shown by their code within it, and, in a territory of several comuni, the comune's name
// ("B3 · Carpi"); a comune that is its own district by its name. Other ids as they are.
export function areaCode(geography, id) {
  if (geography !== 'omi') return String(id ?? '');
  const { comune, zone } = districtParts(id);
  const name = comuni.get(comune);
  if (comune && zone === comune) return name || zone;
  return name && comuni.size > 1 ? `${zone} · ${name}` : zone;
}
