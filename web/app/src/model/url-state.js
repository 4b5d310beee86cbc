// The page state kept in the URL hash, next to MapLibre's map=zoom/lat/lng: language, view,
// unit kind, indicator, measure, analysis and the open area. Parse and serialise; pure: the
// caller reads and writes window.location and localStorage.
import { MEASURES, UNIT_NAMES, VIEWS } from './catalog.js';
import { DEFAULT_LANG, normalizeLang } from '../i18n/i18n.js';
import { validChoice } from './vocabulary.js';

// Hash parameter, state key, allowed values and default of each choice. The parameter is also
// the localStorage key (abitare.<param>) that remembers the last choice. The indicator and the
// analysis are words of the server's vocabulary (allowed(vocabulary)): checked once it is read.
export const URL_FIELDS = [
  { param: 'view', key: 'view', allowed: VIEWS, fallback: 'overlap' },
  { param: 'layer', key: 'unit', allowed: UNIT_NAMES, fallback: 'hexagons' },
  { param: 'ind', key: 'indicator', allowed: (v) => v.indicators, vocabulary: true, fallback: 'multi_domain' },
  { param: 'measure', key: 'measure', allowed: MEASURES, fallback: 'rate' },
  { param: 'analysis', key: 'analysis', allowed: (v) => v.analyses, vocabulary: true, fallback: 'moran_multi_domain' },
];

// State keys whose change rewrites the hash.
export const URL_KEYS = ['lang', ...URL_FIELDS.map((f) => f.key), 'selected'];

export function hashParams(hash) {
  return new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
}

// The area a URL names (area=geography:id), or null.
export function parseArea(value) {
  const v = String(value ?? '');
  if (!/^(h3_(7|8|9|10)|section|omi|municipality|province|region):./.test(v)) return null;
  const i = v.indexOf(':');
  return { geography: v.slice(0, i), id: v.slice(i + 1) };
}

const WORD = /^[a-z][a-z0-9_]*$/;

// The choices a hash names; each missing or invalid one comes from stored(param) (the last
// choice), else its default. The language: hash, stored, else Italian. The indicator and the
// analysis, whose vocabulary is not known yet, are only checked to be words (see vocabularyChoices).
export function readUrlState(hash, stored = () => null) {
  const p = hashParams(hash);
  const out = { lang: normalizeLang(p.get('lang')) || normalizeLang(stored('lang')) || DEFAULT_LANG };
  for (const f of URL_FIELDS) {
    const ok = f.vocabulary ? (x) => typeof x === 'string' && WORD.test(x) : (x) => f.allowed.includes(x);
    const fromHash = p.get(f.param);
    const fromStore = stored(f.param);
    out[f.key] = ok(fromHash) ? fromHash : ok(fromStore) ? fromStore : f.fallback;
  }
  out.area = parseArea(p.get('area'));
  return out;
}

// The indicator and the analysis in a vocabulary: each current choice if the vocabulary has it,
// else the stored one, else the default, else the vocabulary's first ('' when it is empty).
export function vocabularyChoices(vocabulary, current, stored = () => null) {
  const out = {};
  for (const f of URL_FIELDS.filter((x) => x.vocabulary)) {
    out[f.key] = validChoice(f.allowed(vocabulary), current[f.key], stored(f.param), f.fallback);
  }
  return out;
}

// The hash parameters of a state (area only while a profile is open).
export function urlParams(state) {
  const params = { lang: state.lang };
  for (const f of URL_FIELDS) params[f.param] = state[f.key];
  params.area = state.selected ? `${state.selected.geography}:${state.selected.id}` : null;
  return params;
}

// hash with params set (null, undefined or '' removes one), other parameters kept in place.
// Decoded as MapLibre writes its own map= parameter, so "map=z/lat/lng" stays readable.
export function mergeHash(hash, params) {
  const p = hashParams(hash);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') p.delete(k);
    else p.set(k, v);
  }
  return decodeURIComponent(p.toString());
}
