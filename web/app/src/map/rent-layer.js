// The rent burden per OMI zone on the district layer: GET /api/rent-burden (roles that read
// aggregates; zones whose counts are withheld come without figures) set as the district
// features' state (rent_median, rent_above_30), classed like the other derived measures.
import { apiURL, fetchData } from '../model/api.js';
import { DISTRICT_SOURCE } from '../model/catalog.js';
import { zeroClasses } from './classes.js';
import { DEFAULT_BREAKS } from './classify.js';
import { isRentField, rentStates } from './map-fields.js';
import { map } from './map.js';
import { effectiveField, state, update } from '../model/state.js';

let answering = null; // Promise of the answer (null when it cannot be read) for the session that asked
let answer; // the answer once read (undefined while not)
let hooked = false;

// Forget the figures (after login or logout).
export function forgetRent() {
  answering = null;
  answer = undefined;
}

// The answer of GET /api/rent-burden, asked once per session (the profile reads it too).
export function loadRentAnswer() {
  if (!answering) {
    const mine = fetchData(apiURL('rent-burden')).then(async (res) => (res.ok ? res.json() : null))
      .catch(() => null);
    answering = mine;
    mine.then((a) => { if (answering === mine) answer = a; });
  }
  return answering;
}

// The answer when already read (undefined while not, null when it could not be read).
export const loadedRentAnswer = () => answer;

const load = () => loadRentAnswer().then(rentStates);

export async function paintRent() {
  if (!map) return;
  if (!hooked) {
    hooked = true;
    // A new style (login, logout) drops the features' state.
    map.on('style.load', () => { paintRent(); });
  }
  const field = effectiveField();
  if (!isRentField(field)) return;
  const zones = await load();
  if (!map.getSource(DISTRICT_SOURCE) || effectiveField() !== field) return;
  for (const { id, state: st } of zones) map.setFeatureState({ source: DISTRICT_SOURCE, sourceLayer: DISTRICT_SOURCE, id }, st);
  const key = `rent|${field}`;
  if (state.breaks?.key === key) return;
  const classes = zeroClasses(zones.map((z) => z.state[field]));
  if (classes) update({ breaks: { key, values: DEFAULT_BREAKS, classes } });
}
