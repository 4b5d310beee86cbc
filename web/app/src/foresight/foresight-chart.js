// Inline SVG of foresight: the profile's sparkline of quarters with its forecast fan (80% and
// 95% bands), a small line of an area's Gi* z-scores, and the lead-lag chart (r by lag with
// intervals). Each has its text alternative (aria-label and title) in the user's language; the
// lead-lag figures are also in a table. Pure: strings only, no DOM.
import { esc, fmtP, fmtRate } from '../i18n/format.js';
import { t, tf } from '../i18n/i18n.js';
import { drawnSteps, fanGeometry } from './foresight-data.js';

const f1 = (n) => n.toFixed(1);
const shortQuarter = (p) => String(p ?? '').replace(/^\d{4}-/, '');

// The text alternative of a fan: every observed quarter, then every forecast with its intervals
// (and what was observed there, for a forecast from a past quarter).
export function fanLabel(lang, history, steps, gap = () => t(lang, 'suppressed')) {
  const values = (history || []).map((q) => `${shortQuarter(q.period)} ${typeof q.rate === 'number' ? fmtRate(lang, q.rate) : gap(q)}`).join(', ');
  const fc = drawnSteps(steps);
  if (!fc.length) return tf(lang, 'sparkline_label', { values });
  const forecasts = fc.map((s) => tf(lang, s.observed === null ? 'fs_fan_step' : 'fs_fan_step_observed', {
    period: s.period,
    rate: fmtRate(lang, s.rate),
    lo80: fmtRate(lang, s.lo80),
    hi80: fmtRate(lang, s.hi80),
    lo95: fmtRate(lang, s.lo95),
    hi95: fmtRate(lang, s.hi95),
    observed: fmtRate(lang, s.observed),
  })).join('; ');
  return tf(lang, 'fs_fan_label', { values, forecasts });
}

// The sparkline of quarters with the forecast fan after it: history [{period, rate|null, status}]
// (rate null: withheld or not published, a dot on the axis), steps (forecast steps). '' when
// there is nothing to draw.
export function fanSVG(lang, history, steps, { gap } = {}) {
  const g = fanGeometry(history, steps);
  if (!g) return '';
  const label = fanLabel(lang, history, steps, gap);
  let inner = '';
  if (g.band95) inner += `<path class="fan-95" d="${g.band95}"/>`;
  if (g.band80) inner += `<path class="fan-80" d="${g.band80}"/>`;
  if (g.line) inner += `<path class="sp-line" d="${g.line}"/>`;
  if (g.forecast) inner += `<path class="fan-line" d="${g.forecast}"/>`;
  for (const p of g.history) {
    inner += p.y === null ? `<circle cx="${f1(p.x)}" cy="${f1(g.height - 2)}" r="1.6" class="sp-gap"/>` : `<circle cx="${f1(p.x)}" cy="${f1(p.y)}" r="1.6"/>`;
  }
  for (const p of g.points) inner += `<circle class="fan-point" cx="${f1(p.x)}" cy="${f1(p.y)}" r="1.4"/>`;
  for (const p of g.observed) inner += `<circle class="fan-observed" cx="${f1(p.x)}" cy="${f1(p.y)}" r="1.8"/>`;
  return `<svg class="sparkline fan" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-label="${esc(label)}">`
    + `<title>${esc(label)}</title>${inner}</svg>`;
}

// An area's Gi* z-scores by quarter as a small line around 0, the significant quarters (p ≤
// alpha) marked red (z > 0) or blue (z < 0).
export function zSparkSVG(lang, quarters, z, p, { alpha = 0.1, width = 120, height = 28 } = {}) {
  const vals = (z || []).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
  if (!vals.length) return '';
  const pad = 3;
  const top = Math.max(1.645, ...vals.map(Math.abs));
  const x = (i) => pad + (vals.length > 1 ? (i * (width - 2 * pad)) / (vals.length - 1) : (width - 2 * pad) / 2);
  const y = (v) => height / 2 - (v / top) * (height / 2 - pad);
  const path = vals.map((v, i) => `${i ? 'L' : 'M'}${f1(x(i))},${f1(y(v))}`).join('');
  const dots = vals.map((v, i) => {
    const sig = typeof p?.[i] === 'number' && p[i] <= alpha && v !== 0;
    const cls = sig ? (v > 0 ? 'z-hot' : 'z-cold') : 'z-ns';
    return `<circle class="${cls}" cx="${f1(x(i))}" cy="${f1(y(v))}" r="${sig ? 2 : 1.3}"/>`;
  }).join('');
  const label = tf(lang, 'fs_z_label', {
    values: vals.map((v, i) => `${quarters?.[i] ?? i + 1} ${fmtP(lang, v)}`).join(', '),
  });
  return `<svg class="z-spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>`
    + `<line class="z-zero" x1="${pad}" x2="${width - pad}" y1="${f1(y(0))}" y2="${f1(y(0))}"/><path d="${path}"/>${dots}</svg>`;
}

// The axis of correlations: symmetric around 0, to the first of 0.25, 0.5 and 1 that holds every
// value (short intervals stay readable; the whole -1..1 when needed).
export function lagAxis(lags) {
  // A lag without r (a series that does not change) has the whole -1..1 as its interval: left out.
  const measured = (lags || []).filter((l) => typeof l.r === 'number' && Number.isFinite(l.r));
  const top = Math.max(0, ...measured.flatMap((l) => [l.r, l.lo95, l.hi95]).filter((v) => typeof v === 'number' && Number.isFinite(v)).map(Math.abs));
  const max = [0.25, 0.5, 1].find((m) => top <= m) ?? 1;
  return { max, ticks: [-max, -max / 2, 0, max / 2, max] };
}

// The lead-lag chart of one signal: r by lag (0 to 3 quarters) as dots with their 95% whiskers
// on a symmetric axis (lagAxis of these lags, or axis: the same for every signal, so that the
// charts compare), 0 marked. lags: [{lag, r|null, lo95, hi95}].
export function lagChartSVG(lang, signal, lags, { width = 380, height = 92, axis = lagAxis(lags) } = {}) {
  const left = 34; const right = 10; const top = 8; const bottom = 20;
  const n = Math.max(1, lags.length);
  const x = (i) => left + ((i + 0.5) * (width - left - right)) / n;
  const y = (v) => top + ((1 - Math.max(-1, Math.min(1, v / axis.max))) / 2) * (height - top - bottom);
  let svg = '';
  for (const v of axis.ticks) {
    svg += `<line class="${v === 0 ? 'll-zero' : 'll-grid'}" x1="${left}" x2="${width - right}" y1="${f1(y(v))}" y2="${f1(y(v))}"/>`
      + `<text class="ll-tick" x="${left - 4}" y="${f1(y(v) + 3)}" text-anchor="end">${esc(fmtP(lang, v))}</text>`;
  }
  lags.forEach((l, i) => {
    svg += `<text class="ll-tick" x="${f1(x(i))}" y="${height - 6}" text-anchor="middle">${esc(tf(lang, 'fs_ll_lag_value', { n: l.lag }))}</text>`;
    if (l.r === null) return;
    const cls = l.lo95 !== null && l.lo95 > 0 ? 'll-row ll-pos' : l.hi95 !== null && l.hi95 < 0 ? 'll-row ll-neg' : 'll-row';
    svg += `<g class="${cls}" data-lag="${l.lag}">`;
    if (l.lo95 !== null && l.hi95 !== null) svg += `<line class="ll-whisker" x1="${f1(x(i))}" x2="${f1(x(i))}" y1="${f1(y(l.lo95))}" y2="${f1(y(l.hi95))}"/>`;
    svg += `<circle class="ll-dot" cx="${f1(x(i))}" cy="${f1(y(l.r))}" r="3.5"/></g>`;
  });
  const label = tf(lang, 'fs_ll_chart_label', { signal });
  return `<svg class="ll-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${svg}</svg>`;
}
