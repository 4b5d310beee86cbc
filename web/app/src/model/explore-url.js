// The explore features' state in the URL hash, next to url-state.js's: the period shown
// (period=2025-Q2; none: the tiles' own), what a quarter shows (pm=change) and the areas compared (cmp=h3_9:8a...,omi:D1).
// Parse and serialise; pure.
import { isPeriod, isQuarter } from '../desk/figures.js';
import { parseArea } from './url-state.js';

export const MAX_COMPARE = 3;

// State keys whose change rewrites the hash.
export const EXPLORE_URL_KEYS = ['period', 'periodMeasure', 'compare'];

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

// What a chosen quarter shows: 'change' (on the previous quarter) only when asked and the period
// is a quarter; else 'rate'.
export function periodMeasureOf(period, measure) {
  return measure === 'change' && isQuarter(period) ? 'change' : 'rate';
}

// {period, periodMeasure, compare} from a hash: an invalid period is '' (the tiles' own);
// pm=change asks for the change on the previous quarter.
export function readExploreUrl(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const period = p.get('period');
  return {
    period: isPeriod(period) ? period : '',
    periodMeasure: p.get('pm') === 'change' ? 'change' : 'rate',
    compare: parseCompare(p.get('cmp')),
  };
}

// The hash parameters of the explore state (null removes one).
export function exploreParams(state) {
  return {
    period: state.period || null,
    pm: periodMeasureOf(state.period, state.periodMeasure) === 'change' ? 'change' : null,
    cmp: compareParam(state.compare),
  };
}

// list with area added (no duplicate; the oldest dropped beyond MAX_COMPARE).
export function addCompared(list, area) {
  const rest = (list || []).filter((a) => !(a.geography === area.geography && a.id === area.id));
  return [...rest, { geography: area.geography, id: String(area.id) }].slice(-MAX_COMPARE);
}

export function removeCompared(list, area) {
  return (list || []).filter((a) => !(a.geography === area.geography && a.id === String(area.id)));
}
