// The observatory's vocabulary: indicators, domains, needs, geographies, hotspot indicators and
// bivariate pairs. The server is its single source (GET /api/session, and the session part of
// the boot data inlined in the page); the page keeps no copy of its own. Until the session is
// read, and whenever it (or its vocabulary) cannot be read, the vocabulary is empty: the page
// then offers no indicator rather than a stale list (fail closed). Pure: no DOM.

export const EMPTY_VOCABULARY = Object.freeze({
  indicators: Object.freeze([]),
  domains: Object.freeze([]),
  mapDomains: Object.freeze([]),
  needs: Object.freeze([]),
  geographies: Object.freeze([]),
  hotspotIndicators: Object.freeze([]),
  bivariatePairs: Object.freeze([]),
  householdTypes: Object.freeze([]),
  analyses: Object.freeze([]),
});

// The words the server uses are snake_case identifiers; the page builds keys and layer fields
// from them (poverty_rate, moran_poverty), so nothing else is accepted.
const WORD = /^[a-z][a-z0-9_]*$/;

function wordList(v) {
  if (!Array.isArray(v) || !v.every((w) => typeof w === 'string' && WORD.test(w))) return null;
  return Object.freeze([...new Set(v)]);
}

// The population register's household types are its own codes (UNIPERSONALE, ...): upper case.
const CODE = /^[A-Z][A-Z0-9_]*$/;

// Optional: a vocabulary without them (an older server or bundle) offers none.
function codeList(v) {
  if (v === undefined) return Object.freeze([]);
  if (!Array.isArray(v) || !v.every((w) => typeof w === 'string' && CODE.test(w))) return null;
  return Object.freeze([...new Set(v)]);
}

function pairList(v) {
  if (!Array.isArray(v)) return null;
  const pairs = [];
  for (const p of v) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((w) => typeof w === 'string' && WORD.test(w))) return null;
    pairs.push(Object.freeze([p[0], p[1]]));
  }
  return Object.freeze(pairs);
}

// The analyses of the hotspot view: global Moran's I and local Gi* of each hotspot indicator,
// then the bivariate Moran's I of each pair.
export function analysesOf(hotspotIndicators, bivariatePairs) {
  return Object.freeze([
    ...hotspotIndicators.map((i) => `moran_${i}`),
    ...hotspotIndicators.map((i) => `gi_${i}`),
    ...bivariatePairs.map(([x, y]) => `bivariate_${x}_${y}`),
  ]);
}

// The vocabulary of a session answer ({..., vocabulary: {...}}): {vocabulary, ok}. A missing or
// malformed vocabulary (any list missing, not a list of words, a pair that is not two words, or
// no indicator at all) gives the empty vocabulary and ok false: never part of one.
export function parseVocabulary(session) {
  const v = session && typeof session === 'object' ? session.vocabulary : null;
  const bad = { vocabulary: EMPTY_VOCABULARY, ok: false };
  if (!v || typeof v !== 'object' || Array.isArray(v)) return bad;
  const lists = {
    indicators: wordList(v.indicators),
    domains: wordList(v.domains),
    mapDomains: wordList(v.map_domains),
    needs: wordList(v.needs),
    geographies: wordList(v.geographies),
    hotspotIndicators: wordList(v.hotspot_indicators),
    bivariatePairs: pairList(v.bivariate_pairs),
    householdTypes: codeList(v.household_types),
  };
  if (Object.values(lists).some((l) => l === null) || !lists.indicators.length) return bad;
  // What the map draws and analyses must be indicators.
  const known = (w) => lists.indicators.includes(w);
  if (!lists.mapDomains.every(known) || !lists.hotspotIndicators.every(known) || !lists.bivariatePairs.flat().every(known)) return bad;
  return {
    vocabulary: Object.freeze({ ...lists, analyses: analysesOf(lists.hotspotIndicators, lists.bivariatePairs) }),
    ok: true,
  };
}

// The vocabulary in use, set when the session is read (setVocabulary) and read at render time.
let current = EMPTY_VOCABULARY;

export function setVocabulary(v) {
  current = v || EMPTY_VOCABULARY;
}

export const vocabulary = () => current;
export const indicators = () => current.indicators;
// The needs a targeting list may ask for: the domains, then the need signals.
export const domains = () => current.domains;
export const needs = () => current.needs;
// The domains whose overlap the overlap view draws.
export const mapDomains = () => current.mapDomains;
export const hotspotIndicators = () => current.hotspotIndicators;
export const bivariatePairs = () => current.bivariatePairs;
export const analyses = () => current.analyses;
// The household types a targeting list may be narrowed to.
export const householdTypes = () => current.householdTypes;

// A choice kept while it is in the vocabulary (allowed), else the first of candidates that is,
// else the first allowed value, else '' (empty vocabulary: nothing to choose).
export function validChoice(allowed, ...candidates) {
  return candidates.find((c) => allowed.includes(c)) ?? allowed[0] ?? '';
}
