// The map features' state in the URL hash, next to url-state.js's: the bivariate view's two
// indicators (bx=, by=) and the derived measure drawn in the indicator view (mf=, none: the
// indicator). Each is also remembered (localStorage abitare.<param>). Parse and serialise; pure.
import { mapFields } from '../map/map-fields.js';
import { validChoice } from './vocabulary.js';

export const MAPS_URL_FIELDS = [
  { param: 'bx', key: 'bivariateX', allowed: (v) => v.indicators, fallback: 'poverty' },
  { param: 'by', key: 'bivariateY', allowed: (v) => v.indicators, fallback: 'housing' },
  { param: 'mf', key: 'mapField', allowed: (v) => ['', ...mapFields(v.needs)], fallback: '' },
];

// State keys whose change rewrites the hash.
export const MAPS_URL_KEYS = MAPS_URL_FIELDS.map((f) => f.key);

const WORD = /^[a-z][a-z0-9_]*$/;

// The choices a hash names, else the stored ones, else the defaults. Words only: checked against
// the vocabulary once it is read (mapsChoices).
export function readMapsUrl(hash, stored = () => null) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const ok = (x) => typeof x === 'string' && WORD.test(x);
  const out = {};
  for (const f of MAPS_URL_FIELDS) {
    const fromHash = p.get(f.param);
    const fromStore = stored(f.param);
    out[f.key] = ok(fromHash) ? fromHash : ok(fromStore) ? fromStore : f.fallback;
  }
  return out;
}

// The choices in a vocabulary: each current one if it has it, else the stored one, else the
// default, else its first word.
export function mapsChoices(vocabulary, current, stored = () => null) {
  const out = {};
  for (const f of MAPS_URL_FIELDS) out[f.key] = validChoice(f.allowed(vocabulary), current[f.key], stored(f.param), f.fallback);
  return out;
}

// The hash parameters of the state (null removes one: no mf= without a derived measure).
export function mapsParams(state) {
  const out = {};
  for (const f of MAPS_URL_FIELDS) out[f.param] = state[f.key] || null;
  return out;
}

// The localStorage parameter of a state key, or undefined.
export function mapsParam(key) {
  return MAPS_URL_FIELDS.find((f) => f.key === key)?.param;
}
