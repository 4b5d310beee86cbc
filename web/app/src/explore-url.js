// The explore features' state in the URL hash, next to url-state.js's: the period shown
// (period=2025-Q2; none: the tiles' own) and the areas compared (cmp=h3_9:8a...,omi:D1).
// Parse and serialise; pure.
import { isPeriod } from './figures.js';
import { parseArea } from './url-state.js';

export const MAX_COMPARE = 3;

// State keys whose change rewrites the hash.
export const EXPLORE_URL_KEYS = ['period', 'compare'];

// "geo:id,geo:id" as a list of areas {geography, id}, without duplicates, at most MAX_COMPARE.
export function parseCompare(value) {
  const out = [];
  for (const part of String(value ?? '').split(',')) {
    const a = parseArea(part.trim());
    if (a && !out.some((x) => x.geography === a.geography && x.id === a.id)) out.push(a);
    if (out.length === MAX_COMPARE) break;
  }
  return out;
}

export function compareParam(list) {
  return (Array.isArray(list) ? list : []).map((a) => `${a.geography}:${a.id}`).join(',') || null;
}

// {period, compare} from a hash: an invalid period is '' (the tiles' own).
export function readExploreUrl(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const period = p.get('period');
  return { period: isPeriod(period) ? period : '', compare: parseCompare(p.get('cmp')) };
}

// The hash parameters of the explore state (null removes one).
export function exploreParams(state) {
  return { period: state.period || null, cmp: compareParam(state.compare) };
}

// list with area added (no duplicate; the oldest dropped beyond MAX_COMPARE).
export function addCompared(list, area) {
  const rest = (list || []).filter((a) => !(a.geography === area.geography && a.id === area.id));
  return [...rest, { geography: area.geography, id: String(area.id) }].slice(-MAX_COMPARE);
}

export function removeCompared(list, area) {
  return (list || []).filter((a) => !(a.geography === area.geography && a.id === String(area.id)));
}
