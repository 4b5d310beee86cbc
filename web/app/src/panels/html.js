// DOM lookup and the HTML snippets the panels share, in the current language.
import { releasesURL } from '../model/api.js';
import { isSuppressed } from '../map/classify.js';
import { esc, fmtInt, fmtRate, has, num } from '../i18n/format.js';
import { t, tf } from '../i18n/i18n.js';
import { state } from '../model/state.js';
import { indicators } from '../model/vocabulary.js';

export const $ = (sel) => document.querySelector(sel);

// A string of the current language, HTML-escaped (LF: with {placeholders}).
export const L = (k) => esc(t(state.lang, k));
export const LF = (k, p) => esc(tf(state.lang, k, p));

export const int = (n) => esc(fmtInt(state.lang, n));
export const rate = (n) => esc(fmtRate(state.lang, n));

// Below the disclosure threshold (restricted figures).
export function withheldSpan() {
  return `<span class="suppressed" title="${L('suppressed_title')}">${L('suppressed')}</span>`;
}

export function naSpan() {
  return `<span class="suppressed" title="${L('suppressed_title')}">${L('not_available')}</span>`;
}

function notPublishedTitle(ind) {
  return ind === 'health' ? L('not_published_health_title') : L('not_published_title');
}

// Not published at this level (published figures, status "suppressed").
function notPublishedSpan(ind) {
  return `<span class="suppressed not-published" title="${notPublishedTitle(ind)}">${L('not_published')}</span>`;
}

// A dash for the other cells of a figure whose "not published" is said once, elsewhere.
export function notPublishedDash(ind) {
  return `<span class="suppressed" title="${notPublishedTitle(ind)}">—</span>`;
}

// Published figures carry a status per indicator; restricted ones do not.
export function isPublishedFeature(props) {
  return indicators().some((i) => has(props, `${i}_status`));
}

// A count missing from the properties was withheld (restricted figures, below the disclosure
// threshold) or not published at this level (published figures).
export function countCell(props, key) {
  if (num(props, key) !== null) return int(num(props, key));
  if (isSuppressed(props, key) || (isPublishedFeature(props) && indicators().includes(key))) return notPublishedSpan(key);
  return withheldSpan();
}

export function rateCell(props, key) {
  if (num(props, key) !== null) return rate(num(props, key));
  const ind = key.replace(/_(rate|eb|low|high)$/, '');
  // the count cell next to it already says "not published"
  return isSuppressed(props, ind) ? notPublishedDash(ind) : naSpan();
}

export function unstableMark(flag) {
  return flag ? `<abbr class="unstable" title="${L('unstable_title')}">*</abbr>` : '';
}

export function swatch(color) {
  return `<span class="swatch" style="background:${color}" aria-hidden="true"></span>`;
}

export function releasesLink() {
  return `<a href="${esc(releasesURL())}" target="_blank" rel="noopener">${L('protection_link')}</a>`;
}

// A rate with its unstable mark and 95% interval (restricted figures; r has rate, unstable,
// ci_low and ci_high), or the withheld sign.
export function rateWithInterval(r, withheld) {
  if (withheld || r.rate === null || r.rate === undefined) return withheldSpan();
  let html = `<span class="rate">${rate(r.rate)}${unstableMark(r.unstable)}</span>`;
  if (r.ci_low != null && r.ci_high != null) html += `<span class="ci">${rate(r.ci_low)}–${rate(r.ci_high)}</span>`;
  return html;
}

export function ebCell(v) {
  return v === null || v === undefined ? naSpan() : rate(v);
}
