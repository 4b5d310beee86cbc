// The forecast fan of the area profile (restricted aggregates, live site): for a domain row of
// the profile's table, the next quarters' rates with their 80% and 95% intervals from
// GET /api/forecasts/{geography}?domain=D&as_of=Q, Q the last quarter the row's sparkline shows
// (so that a past year's profile shows the forecasts made then, with what followed). The answer
// covers every area of the geography: it is kept, per geography, domain and quarter, for the
// next areas opened. The profile is redrawn when an answer arrives (state.forecastTick).
import { apiURL, fetchData } from '../model/api.js';
import { PERM } from '../model/session.js';
import { setForecasts } from '../panels/profile.js';
import { allowed, effectOn, state, update } from '../model/state.js';
import { domains } from '../model/vocabulary.js';
import {
  FORECAST_GEOGRAPHIES, asOfOf, drawnSteps, forecastsByArea, forecastsURL,
} from './foresight-data.js';

// "geography|domain|asOf" -> {loading} | {byArea: Map id -> steps} | {error}
const answers = new Map();

const offered = () => allowed(PERM.aggregates) && !state.static;

async function load(key, geography, domain, asOf) {
  answers.set(key, { loading: true });
  let ans;
  try {
    const res = await fetchData(forecastsURL(apiURL('./'), geography, domain, { asOf }));
    ans = res.ok ? { byArea: forecastsByArea(await res.json()) } : { error: res.status };
  } catch (err) {
    ans = { error: err?.message || 'network' };
  }
  answers.set(key, ans);
  update({ forecastTick: state.forecastTick + 1 });
}

// The forecast steps of an area (sel: {geography, id}) for an indicator whose quarters are
// series ([{period, ...}]): the steps drawn (drawnSteps), [] when none (withheld, not
// forecast, failed), null while loading or where no forecast is made (a geography or an
// indicator without forecasts, the public).
export function forecastFor(sel, indicator, series) {
  if (!offered() || !sel || !FORECAST_GEOGRAPHIES.includes(sel.geography) || !domains().includes(indicator)) return null;
  const asOf = asOfOf(series);
  if (!asOf) return null;
  const key = `${sel.geography}|${indicator}|${asOf}`;
  const ans = answers.get(key);
  if (!ans) { load(key, sel.geography, indicator, asOf); return null; }
  if (ans.loading) return null;
  if (ans.error) return [];
  return drawnSteps(ans.byArea.get(String(sel.id)) || []);
}

// Whether an area's forecast of an indicator was made and withheld (its interval wider than the
// range of rates): said under the table.
export function forecastWithheld(sel, indicator, series) {
  const asOf = asOfOf(series);
  const ans = answers.get(`${sel?.geography}|${indicator}|${asOf}`);
  const steps = ans?.byArea?.get(String(sel?.id));
  return !!steps?.length && steps[0].withheld;
}

// For tests and debugging: how many answers are awaited.
export const forecastsAPI = {
  pending: () => [...answers.values()].filter((a) => a.loading).length,
};

export function startForecastFan() {
  effectOn(['session'], () => { if (!offered()) answers.clear(); });
  setForecasts({ forecastFor, forecastWithheld });
  if (state.selected) update({ forecastTick: state.forecastTick + 1 }); // the open profile gains its fans
}
