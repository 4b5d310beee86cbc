// Numbers, dates and HTML text as the page shows them, in the user's language. Pure: no DOM.
import { DEFAULT_LANG, LOCALES } from './i18n.js';

const formatters = new Map();

function formatter(lang, options) {
  const locale = LOCALES[lang] || LOCALES[DEFAULT_LANG];
  const key = `${locale}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.NumberFormat(locale, options));
  return formatters.get(key);
}

// n as a finite number, or null (missing, empty or not a number).
function finite(n) {
  if (n === null || n === undefined || n === '') return null;
  const v = Number(n);
  return Number.isFinite(v) ? v : null;
}

// A number formatted with options, or '' when n is not a finite number (never "NaN").
function format(lang, n, options) {
  const v = finite(n);
  return v === null ? '' : formatter(lang, options).format(v);
}

export function fmtInt(lang, n) {
  return format(lang, n, { maximumFractionDigits: 0 });
}

// Rates per 1,000: one decimal.
export function fmtRate(lang, n) {
  return format(lang, n, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

// A change with its sign: +1.5, −1.5 (minus sign), ±0.0.
export function fmtSigned(lang, n) {
  const v = finite(n);
  if (v === null) return '';
  return (v > 0 ? '+' : v < 0 ? '−' : '±') + fmtRate(lang, Math.abs(v));
}

// p-values: two significant digits.
export function fmtP(lang, n) {
  return format(lang, n, { maximumSignificantDigits: 2 });
}

// Amounts of money: two decimals.
export function fmtAmount(lang, n) {
  return format(lang, n, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

// The date part (YYYY-MM-DD) of an ISO date or timestamp.
export function dateOnly(v) {
  return v === null || v === undefined ? '' : String(v).slice(0, 10);
}

// Long pseudonyms and cell ids, cut for a table cell (the full value goes in a title).
export function shortPseudonym(p) {
  const s = String(p ?? '');
  return s.length > 12 ? `${s.slice(0, 10)}…` : s;
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

// Whether a feature or API property is set (not missing, null or empty).
export function has(props, key) {
  return props != null && Object.prototype.hasOwnProperty.call(props, key) && props[key] !== null && props[key] !== '';
}

// A numeric property, or null when it is missing or not a number.
export function num(props, key) {
  if (!has(props, key)) return null;
  const v = Number(props[key]);
  return Number.isFinite(v) ? v : null;
}

// Tile properties carry booleans as true, "true" or 1.
export function truthy(v) {
  return v === true || v === 'true' || v === 1;
}
