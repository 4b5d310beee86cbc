// Names of analyses, clusters, roles, needs and geographies in the user's language. Pure: no DOM.
import { t, tf } from './i18n.js';
import { bivariatePairs, domains } from './vocabulary.js';

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

// The kind of area a profile shows (hexagon, section, district, municipality).
export function areaKind(geography) {
  return { section: 'section', omi: 'district', municipality: 'municipality' }[geography] || 'hexagon';
}
