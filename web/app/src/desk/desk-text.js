// The words of the planners' "who is most exposed" view: category names, and a plain-language
// reading of the top relative risks made from the figures of GET /api/categories. Pure: no DOM.
import { LOCALES, t, tf } from '../i18n/i18n.js';

// The string for key, or null when no language has one.
function known(lang, key) {
  const s = t(lang, key);
  return s === key ? null : s;
}

const rrFormatters = new Map();

// A relative risk as the text and the chart show it: up to two decimals, as the server rounds.
export function fmtRR(lang, n) {
  if (n === null || n === undefined || n === '' || !Number.isFinite(Number(n))) return '';
  const locale = LOCALES[lang] || LOCALES.it;
  if (!rrFormatters.has(locale)) rrFormatters.set(locale, new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }));
  return rrFormatters.get(locale).format(Number(n));
}

// An age band as the register names it ("00-14", "80+") for a sentence: "0–14", "80+".
function band(cat) {
  return String(cat).replace(/^0(\d)/, '$1').replace('-', '–');
}

// A category's name for a table or chart label: "single-parent households", "aged 25–44".
export function categoryLabel(lang, { dimension, category }) {
  if (dimension === 'age') return tf(lang, 'cat_age', { band: band(category) });
  return known(lang, `cat_${dimension}_${category}`) ?? String(category);
}

// A category as the subject of a sentence: "Single-parent households", "Residents aged 80+".
export function categoryWho(lang, { dimension, category }) {
  if (dimension === 'age') return tf(lang, 'who_age', { band: band(category) });
  return known(lang, `who_${dimension}_${category}`)
    ?? tf(lang, 'who_other', { cat: String(category), dim: dimensionLabel(lang, dimension) });
}

export function dimensionLabel(lang, dimension) {
  return known(lang, `dim_${dimension}`) ?? String(dimension);
}

// A domain (or multi_domain) as what one is: "in housing need".
export function domainPredicate(lang, domain) {
  return known(lang, `in_${domain}`) ?? t(lang, domain).toLowerCase();
}

const isNum = (v) => v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v));

// The categories of an answer, split: with a relative risk (drawn, highest first), published
// without one (its dimension's relative risks withheld) and withheld.
export function splitCategories(answer) {
  const list = Array.isArray(answer?.categories) ? answer.categories : [];
  const shown = [];
  const noRR = [];
  const withheld = [];
  for (const c of list) {
    if (c.status !== 'published') withheld.push(c);
    else if (isNum(c.relative_risk)) shown.push(c);
    else noRR.push(c);
  }
  shown.sort((a, b) => Number(b.relative_risk) - Number(a.relative_risk));
  return { shown, noRR, withheld };
}

// One sentence for one category, its numbers taken from its figures.
export function categorySentence(lang, domain, c) {
  const rr = Number(c.relative_risk);
  const params = {
    who: categoryWho(lang, c),
    domain: domainPredicate(lang, domain),
    rr: fmtRR(lang, rr),
    lo: fmtRR(lang, c.rr_low),
    hi: fmtRR(lang, c.rr_high),
  };
  if (rr < 1) return tf(lang, 'exp_less', params);
  const certain = isNum(c.rr_low) && Number(c.rr_low) > 1;
  return tf(lang, certain ? 'exp_more' : 'exp_more_uncertain', params);
}

// The plain-language reading of the top categories: up to `top` sentences, for the categories
// with the highest relative risks above 1 (their interval above 1 first: those are clear), or
// one sentence saying no category stands out.
export function exposureReading(lang, answer, { top = 3 } = {}) {
  const domain = answer?.domain ?? '';
  const above = splitCategories(answer).shown.filter((c) => Number(c.relative_risk) > 1);
  const clear = above.filter((c) => isNum(c.rr_low) && Number(c.rr_low) > 1);
  const picked = (clear.length ? clear : above).slice(0, top);
  if (!picked.length) return [t(lang, 'exp_reading_none')];
  return picked.map((c) => categorySentence(lang, domain, c));
}
