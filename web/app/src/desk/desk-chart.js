// Scales and inline SVG charts of the desk views: the relative risks of "who is most exposed"
// (dot and whisker, log scale, 1 marked) and the planners' compare (each area's rate with its
// interval, the city's as a line). Pure: strings only, no DOM.
import { esc, fmtRate } from '../i18n/format.js';
import { t, tf } from '../i18n/i18n.js';
import { categoryLabel, fmtRR } from './desk-text.js';

// Ticks of a log axis of relative risks.
export const LOG_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];

const pos = (v) => v !== null && v !== undefined && Number.isFinite(Number(v)) && Number(v) > 0;

// The log axis for a set of relative risks and their bounds: from the largest tick at or below
// the smallest positive value to the smallest tick at or above the largest, always around 1.
// Zeros (no case in the category) have no place on a log scale: they are drawn at the axis'
// start and said "below" it.
export function rrAxis(values) {
  const vals = values.filter(pos).map(Number);
  const lo = Math.min(1, ...vals);
  const hi = Math.max(1, ...vals);
  // 1 is never at an end of the axis: the reference line stays inside the chart.
  const min = Math.min(0.5, [...LOG_TICKS].reverse().find((x) => x <= lo) ?? LOG_TICKS[0]);
  const max = Math.max(2, LOG_TICKS.find((x) => x >= hi) ?? LOG_TICKS[LOG_TICKS.length - 1]);
  return { min, max, ticks: LOG_TICKS.filter((x) => x >= min && x <= max) };
}

// v on a log axis [min, max] mapped to [x0, x1], clamped to the axis.
export function logScale(min, max, x0, x1) {
  const a = Math.log(min);
  const span = Math.log(max) - a || 1;
  return (v) => {
    const c = Math.min(max, Math.max(min, pos(v) ? Number(v) : min));
    return x0 + ((Math.log(c) - a) / span) * (x1 - x0);
  };
}

// A linear axis from 0 to a round maximum at or above every value, with 4 or 5 ticks.
export function linearAxis(values) {
  const vals = values.filter((v) => v !== null && v !== undefined && Number.isFinite(Number(v))).map(Number);
  const top = Math.max(0, ...vals);
  if (top <= 0) return { min: 0, max: 1, ticks: [0, 1] };
  const raw = top / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const max = Math.ceil(top / step) * step;
  const ticks = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min: 0, max, ticks };
}

export function linearScale(min, max, x0, x1) {
  const span = max - min || 1;
  return (v) => x0 + ((Math.min(max, Math.max(min, Number(v))) - min) / span) * (x1 - x0);
}

const f1 = (n) => n.toFixed(1);

// The dot-and-whisker chart of relative risks: one row per category with a relative risk
// (highest first), 1 marked as the reference. The figures are in a table next to it (its text
// alternative); the SVG has a label saying so.
export function exposureChartSVG(lang, cats, { label = '', width = 420 } = {}) {
  const row = 22; const top = 8; const labelW = 170; const right = 14; const axisH = 30;
  const h = top + cats.length * row + axisH;
  // A category with no case (relative risk 0) does not stretch the axis: it is marked below it.
  const axis = rrAxis(cats.filter((c) => pos(c.relative_risk)).flatMap((c) => [c.relative_risk, c.rr_low, c.rr_high]));
  const x = logScale(axis.min, axis.max, labelW, width - right);
  let svg = `<svg class="rr-chart" viewBox="0 0 ${width} ${h}" width="100%" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>`;
  const yEnd = top + cats.length * row;
  // Over many decades only the powers of ten (and 1) are labelled.
  const labelled = (tk) => axis.ticks.length <= 7 || Math.abs(Math.log10(tk) % 1) < 1e-9;
  for (const tk of axis.ticks) {
    const tx = f1(x(tk));
    svg += `<line class="${tk === 1 ? 'rr-ref' : 'rr-grid'}" x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${yEnd}"/>`
      + (labelled(tk) ? `<text class="rr-tick" x="${tx}" y="${yEnd + 13}" text-anchor="middle">${esc(fmtRR(lang, tk))}</text>` : '');
  }
  svg += `<text class="rr-ref-label" x="${f1(x(1))}" y="${yEnd + 26}" text-anchor="middle">${esc(t(lang, 'exp_ref_line'))}</text>`;
  cats.forEach((c, i) => {
    const y = top + i * row + row / 2;
    const rr = Number(c.relative_risk);
    const below = !pos(rr) || rr < axis.min;
    const name = categoryLabel(lang, c);
    const tip = `${name}: ${fmtRR(lang, rr)} (${fmtRR(lang, c.rr_low)}–${fmtRR(lang, c.rr_high)})`;
    svg += `<g class="rr-row${rr > 1 ? ' rr-up' : rr < 1 ? ' rr-down' : ''}"><title>${esc(tip)}</title>`
      + `<text class="rr-label" x="${labelW - 6}" y="${f1(y + 4)}" text-anchor="end">${esc(name)}</text>`;
    if (pos(c.rr_low) || pos(c.rr_high)) {
      svg += `<line class="rr-whisker" x1="${f1(x(c.rr_low))}" y1="${f1(y)}" x2="${f1(x(c.rr_high))}" y2="${f1(y)}"/>`;
    }
    svg += below
      ? `<path class="rr-dot rr-below" d="M${f1(x(axis.min) + 6)},${f1(y - 5)}L${f1(x(axis.min))},${f1(y)}L${f1(x(axis.min) + 6)},${f1(y + 5)}Z"/>`
      : `<circle class="rr-dot" cx="${f1(x(rr))}" cy="${f1(y)}" r="4"/>`;
    svg += '</g>';
  });
  return `${svg}</svg>`;
}

// One small chart per indicator: each area's rate with its 95% interval, and the city's rate as
// a vertical line. areas: [{label, rate, ci_low, ci_high}]; city: {rate}.
export function compareChartSVG(lang, indicatorName, areas, city, { label = '', width = 380 } = {}) {
  const row = 18; const top = 18; const labelW = 110; const right = 14; const axisH = 16;
  const h = top + areas.length * row + axisH;
  const axis = linearAxis([...areas.flatMap((a) => [a.rate, a.ci_high]), city?.rate]);
  const x = linearScale(axis.min, axis.max, labelW, width - right);
  const yEnd = top + areas.length * row;
  let svg = `<svg class="cmp-chart" viewBox="0 0 ${width} ${h}" width="100%" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>`
    + `<text class="cmp-chart-title" x="0" y="12">${esc(indicatorName)}</text>`;
  for (const tk of axis.ticks) {
    svg += `<line class="rr-grid" x1="${f1(x(tk))}" y1="${top - 2}" x2="${f1(x(tk))}" y2="${yEnd}"/>`
      + `<text class="rr-tick" x="${f1(x(tk))}" y="${yEnd + 12}" text-anchor="middle">${esc(fmtRate(lang, tk).replace(/[,.]0$/, ''))}</text>`;
  }
  areas.forEach((a, i) => {
    const y = top + i * row + row / 2;
    svg += `<text class="rr-label" x="${labelW - 6}" y="${f1(y + 4)}" text-anchor="end">${esc(a.label)}</text>`;
    if (a.rate === null || a.rate === undefined) {
      svg += `<text class="rr-tick" x="${labelW + 4}" y="${f1(y + 4)}">${esc(t(lang, 'exp_withheld'))}</text>`;
      return;
    }
    if (a.ci_low != null && a.ci_high != null) {
      svg += `<line class="rr-whisker" x1="${f1(x(a.ci_low))}" y1="${f1(y)}" x2="${f1(x(a.ci_high))}" y2="${f1(y)}"/>`;
    }
    svg += `<circle class="rr-dot" cx="${f1(x(a.rate))}" cy="${f1(y)}" r="3.5"><title>${esc(`${a.label}: ${fmtRate(lang, a.rate)}`)}</title></circle>`;
  });
  if (city && city.rate !== null && city.rate !== undefined) {
    const cx = f1(x(city.rate));
    svg += `<line class="rr-ref cmp-city" x1="${cx}" y1="${top - 4}" x2="${cx}" y2="${yEnd}"><title>${esc(`${t(lang, 'cmp_city')}: ${fmtRate(lang, city.rate)}`)}</title></line>`;
  }
  return `${svg}</svg>`;
}

// The label of a compare chart (its text alternative points to the table).
export function compareChartLabel(lang, indicatorName, cityRate) {
  return tf(lang, 'pc_chart_label', { ind: indicatorName, city: fmtRate(lang, cityRate) || '—' });
}
