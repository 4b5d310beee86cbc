// Foresight for planners and the housing office (restricted aggregates): the emerging hot spot
// categories (GET /api/trends), the forecasts with their intervals (GET /api/forecasts), the
// watchlist (GET /api/watchlist) and what tends to come first (GET /api/lead-lag). Their API
// addresses, the categories' colours and legend, the trends view's map expressions, the
// watchlist's sorting and the H3 parent of a cell. Pure: no DOM.

// The geographies of emerging hot spots and of the watchlist (foresight.TrendGeographies), and
// of the lagged association (foresight.LeadLagGeographies).
export const TREND_GEOGRAPHIES = ['h3_8', 'h3_9', 'section', 'omi'];
export const LEAD_LAG_GEOGRAPHIES = ['omi', 'municipality'];
// The geographies forecast (foresight.ForecastGeographies).
export const FORECAST_GEOGRAPHIES = [...TREND_GEOGRAPHIES, 'municipality'];
// The farthest quarter ahead forecast (foresight.MaxHorizon).
export const MAX_HORIZON = 4;

// ArcGIS Pro's Emerging Hot Spot Analysis patterns, in its table's order (geo/trends/category.go).
export const PATTERNS = ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'sporadic', 'oscillating', 'historical'];
export const NO_PATTERN = 'no_pattern';
export const HOT_CATEGORIES = PATTERNS.map((p) => `${p}_hot_spot`);
export const COLD_CATEGORIES = PATTERNS.map((p) => `${p}_cold_spot`);
export const CATEGORIES = [NO_PATTERN, ...HOT_CATEGORIES, ...COLD_CATEGORIES];

// Where the categories are defined: ArcGIS Pro's "How Emerging Hot Spot Analysis works" (the
// rules as implemented, with their sources, are in docs/statistics.md, sections 7 and 9).
export const EHSA_DOCS_URL = 'https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmoreemerging.htm';

// Hot spots in reds, cold spots in blues, the darkest for what calls for attention first: an
// intensifying, new or consecutive run; the palest for what is past (diminishing, historical).
// ColorBrewer's Reds and Blues, nine classes without their palest.
const URGENCY = ['intensifying', 'new', 'consecutive', 'persistent', 'oscillating', 'sporadic', 'diminishing', 'historical'];
const REDS = ['#67000d', '#a50f15', '#cb181d', '#ef3b2c', '#fb6a4a', '#fc9272', '#fcbba1', '#fee0d2'];
const BLUES = ['#08306b', '#08519c', '#2171b5', '#4292c6', '#6baed6', '#9ecae1', '#c6dbef', '#deebf7'];
export const CATEGORY_COLORS = Object.freeze(Object.fromEntries([
  ...URGENCY.map((p, i) => [`${p}_hot_spot`, REDS[i]]),
  ...URGENCY.map((p, i) => [`${p}_cold_spot`, BLUES[i]]),
]));
// No pattern: transparent on the map (the legend shows an empty swatch).
export const NO_PATTERN_COLOR = 'rgba(0, 0, 0, 0)';
// The opacity of a category's fill (as the other views' FILL_OPACITY).
export const TREND_OPACITY = 0.85;

export const isHot = (c) => HOT_CATEGORIES.includes(c);
export const isCold = (c) => COLD_CATEGORIES.includes(c);

// A category's colour: a red or a blue, transparent for no pattern and anything unknown.
export function categoryColor(c) {
  return CATEGORY_COLORS[c] || NO_PATTERN_COLOR;
}

// The key of a category's name in the string tables (strings/foresight.js).
export const categoryKey = (c) => `fs_cat_${CATEGORIES.includes(c) ? c : NO_PATTERN}`;

// The legend's rows: each pattern's hot and cold spot side by side (a two-column legend reads
// hot on the left, cold on the right), then no pattern; counts: category -> areas (optional).
export function legendEntries(counts = {}) {
  const row = (c) => ({
    category: c, color: categoryColor(c), count: Number(counts[c]) || 0, hot: isHot(c), cold: isCold(c),
  });
  return [...PATTERNS.flatMap((p) => [row(`${p}_hot_spot`), row(`${p}_cold_spot`)]), row(NO_PATTERN)];
}

// Areas per category of trends answers' areas ([{id, category}]).
export function categoryCounts(areas) {
  const out = {};
  for (const a of areas || []) {
    const c = CATEGORIES.includes(a?.category) ? a.category : NO_PATTERN;
    out[c] = (out[c] || 0) + 1;
  }
  return out;
}

// The areas of a trends answer ({areas: [...]}) with a valid id and their fields checked; the
// categories outside the seventeen are read as no pattern.
export function parseTrends(answer) {
  const list = Array.isArray(answer?.areas) ? answer.areas : [];
  const out = [];
  for (const a of list) {
    if (!a || (typeof a.id !== 'string' && typeof a.id !== 'number')) continue;
    const numbers = (v) => (Array.isArray(v) ? v.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : null)) : []);
    out.push({
      id: String(a.id),
      quarters: Array.isArray(a.quarters) ? a.quarters.map(String) : [],
      z: numbers(a.z),
      p: numbers(a.p),
      mk_s: Number.isFinite(a.mk_s) ? a.mk_s : null,
      mk_z: Number.isFinite(a.mk_z) ? a.mk_z : null,
      mk_p: Number.isFinite(a.mk_p) ? a.mk_p : null,
      category: CATEGORIES.includes(a.category) ? a.category : NO_PATTERN,
    });
  }
  return out;
}

// id -> category of the areas with a pattern (H3 ids carry their resolution, so the answers of
// several resolutions merge into one lookup).
export function trendsLookup(...lists) {
  const out = {};
  for (const list of lists) for (const a of list || []) if (a.category !== NO_PATTERN) out[a.id] = a.category;
  return out;
}

// The category of a tile feature, as a MapLibre expression: its id looked up in lookup.
function categoryOf(lookup) {
  return ['to-string', ['coalesce', ['get', ['to-string', ['get', 'id']], ['literal', lookup || {}]], NO_PATTERN]];
}

// The trends view's fill colour and opacity: each category's colour, transparent for no pattern
// and areas not analysed (not in lookup).
export function trendsColorExpr(lookup) {
  const expr = ['match', categoryOf(lookup)];
  for (const c of [...HOT_CATEGORIES, ...COLD_CATEGORIES]) expr.push(c, CATEGORY_COLORS[c]);
  expr.push(NO_PATTERN_COLOR);
  return expr;
}

export function trendsOpacityExpr(lookup) {
  return ['match', categoryOf(lookup), NO_PATTERN, 0, TREND_OPACITY];
}

// The trend geography drawn for a unit at a zoom: hexagons as the hotspot tiles carry them (H3 8
// up to zoom 12, 9 at zoom 13; at 14 and beyond, H3 10, which has no trends: null), sections,
// districts.
export function trendGeography(unit, zoom) {
  if (unit === 'sections') return 'section';
  if (unit === 'districts') return 'omi';
  const z = Math.floor(Number(zoom));
  if (!Number.isFinite(z) || z <= 12) return 'h3_8';
  return z <= 13 ? 'h3_9' : null;
}

function withParams(url, params) {
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) url.searchParams.set(k, String(v));
  }
  return url;
}

// GET /api/trends/{geography}?domain=D
export function trendsURL(base, geography, domain) {
  return withParams(new URL(`trends/${encodeURIComponent(geography)}`, base), { domain });
}

// GET /api/forecasts/{geography}?domain=D[&as_of=Q][&horizon=H]
export function forecastsURL(base, geography, domain, { asOf, horizon } = {}) {
  return withParams(new URL(`forecasts/${encodeURIComponent(geography)}`, base), { domain, as_of: asOf, horizon });
}

// GET /api/watchlist?geography=G&domain=D[&above=RATE][&format=xlsx&lang=L]; above only when a
// positive rate (0 or nothing leaves the forecast test out).
export function watchlistURL(base, {
  geography, domain, above, format, lang,
}) {
  const level = parseLevel(above);
  return withParams(new URL('watchlist', base), {
    geography, domain, above: level || '', format: format === 'xlsx' ? 'xlsx' : '', lang: format === 'xlsx' ? lang : '',
  });
}

// GET /api/lead-lag?geography=omi|municipality
export function leadLagURL(base, geography) {
  return withParams(new URL('lead-lag', base), { geography });
}

// A forecast level typed by the user ("12,5", "12.5", " 3 "): a rate per 1,000 above 0, else 0
// (no level).
export function parseLevel(v) {
  const n = Number(String(v ?? '').trim().replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

// A forecast step with numbers where the API gives them, or null.
export function parseStep(s) {
  if (!s || typeof s.period !== 'string') return null;
  const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    period: s.period,
    rate: n(s.rate),
    lo80: n(s.lo80),
    hi80: n(s.hi80),
    lo95: n(s.lo95),
    hi95: n(s.hi95),
    withheld: !!s.withheld,
    reason: typeof s.reason === 'string' ? s.reason : '',
    observed: n(s.observed),
  };
}

// id -> forecast steps of a forecasts answer.
export function forecastsByArea(answer) {
  const out = new Map();
  for (const a of Array.isArray(answer?.areas) ? answer.areas : []) {
    if (!a || a.id === undefined || a.id === null) continue;
    out.set(String(a.id), (Array.isArray(a.steps) ? a.steps : []).map(parseStep).filter(Boolean));
  }
  return out;
}

// The steps a fan draws: the forecasts up to the first withheld one (a forecast whose interval
// is wider than the range of rates is not made, nor any after it).
export function drawnSteps(steps) {
  const out = [];
  for (const s of steps || []) {
    if (!s || s.withheld || [s.rate, s.lo80, s.hi80, s.lo95, s.hi95].some((v) => typeof v !== 'number' || !Number.isFinite(v))) break;
    out.push({ ...s, observed: typeof s.observed === 'number' && Number.isFinite(s.observed) ? s.observed : null });
  }
  return out;
}

// The next quarter (YYYY-QN) after a quarter, or ''.
export function nextQuarter(q) {
  const m = /^(\d{4})-Q([1-4])$/.exec(String(q ?? ''));
  if (!m) return '';
  const y = Number(m[1]); const n = Number(m[2]);
  return n === 4 ? `${y + 1}-Q1` : `${y}-Q${n + 1}`;
}

// The forecast as of the last quarter of a series: the as_of to ask for ('' when the series
// names no quarter).
export function asOfOf(series) {
  const qs = (series || []).map((x) => String(x?.period ?? '')).filter((p) => /^\d{4}-Q[1-4]$/.test(p)).sort();
  return qs.length ? qs[qs.length - 1] : '';
}

// The geometry of a sparkline with its forecast fan: the observed quarters (history: [{period,
// rate|null}]) then the forecast steps (drawnSteps) with their 80% and 95% bands, which open from
// the last observed rate. width and height in pixels; the history takes histWidth of them.
// Returns {width, height, xs, y, history: [{x, y|null}], line (history path), band95, band80
// (closed paths), forecast (dashed path), points: [{x, y, period}], observed: [{x, y}], min, max},
// or null when there is nothing to draw.
export function fanGeometry(history, steps, {
  histWidth = 56, stepWidth = 10, height = 24, pad = 2,
} = {}) {
  const hist = (history || []).map((q) => (q && typeof q.rate === 'number' && Number.isFinite(q.rate) ? q.rate : null));
  const fc = drawnSteps(steps);
  if (!hist.some((v) => v !== null) && !fc.length) return null;
  const values = [...hist.filter((v) => v !== null), ...fc.flatMap((s) => [s.lo95, s.hi95, s.rate]), ...fc.map((s) => s.observed).filter((v) => v !== null)];
  const min = Math.min(0, ...values);
  const max = Math.max(...values);
  const nh = hist.length;
  const width = histWidth + (fc.length ? fc.length * stepWidth : 0);
  const hx = (i) => pad + (nh > 1 ? (i * (histWidth - 2 * pad)) / (nh - 1) : (histWidth - 2 * pad) / 2);
  const lastHX = nh ? hx(nh - 1) : pad;
  const fx = (j) => lastHX + (j + 1) * stepWidth;
  const y = (v) => height - pad - ((v - min) / (max - min || 1)) * (height - 2 * pad);
  const f1 = (v) => v.toFixed(1);
  const historyPts = hist.map((v, i) => ({ x: hx(i), y: v === null ? null : y(v) }));
  let line = '';
  let pen = false;
  for (const p of historyPts) {
    if (p.y === null) { pen = false; continue; }
    line += `${pen ? 'L' : 'M'}${f1(p.x)},${f1(p.y)}`;
    pen = true;
  }
  const last = nh && hist[nh - 1] !== null ? { x: lastHX, y: y(hist[nh - 1]) } : null;
  const band = (lo, hi) => {
    if (!fc.length) return '';
    const upper = fc.map((s, j) => `${f1(fx(j))},${f1(y(s[hi]))}`);
    const lower = fc.map((s, j) => `${f1(fx(j))},${f1(y(s[lo]))}`).reverse();
    const start = last ? [`${f1(last.x)},${f1(last.y)}`] : [];
    return `M${[...start, ...upper, ...lower].join('L')}Z`;
  };
  const points = fc.map((s, j) => ({ x: fx(j), y: y(s.rate), period: s.period }));
  const forecast = points.length ? `M${[...(last ? [last] : []), ...points].map((p) => `${f1(p.x)},${f1(p.y)}`).join('L')}` : '';
  const observed = fc.map((s, j) => (s.observed === null ? null : { x: fx(j), y: y(s.observed) })).filter(Boolean);
  return {
    width, height, history: historyPts, line, band95: band('lo95', 'hi95'), band80: band('lo80', 'hi80'), forecast, points, observed, min, max,
  };
}

// The watchlist's columns that sort: the area, the category (hot spots first, the most urgent
// first), the trend's z and p, the next quarter's forecast and the number of reasons.
export const WATCH_SORTS = ['area', 'category', 'mk_z', 'mk_p', 'next', 'reasons'];
const URGENCY_RANK = Object.fromEntries([
  ...URGENCY.map((p, i) => [`${p}_hot_spot`, i]),
  [NO_PATTERN, URGENCY.length],
  ...URGENCY.map((p, i) => [`${p}_cold_spot`, URGENCY.length + 1 + i]),
]);

function sortValue(item, key) {
  switch (key) {
    case 'area': return String(item.id);
    case 'category': return URGENCY_RANK[item.category] ?? URGENCY.length;
    case 'mk_z': return Number.isFinite(item.mk_z) ? item.mk_z : null;
    case 'mk_p': return Number.isFinite(item.mk_p) ? item.mk_p : null;
    case 'next': return Number.isFinite(item.next?.rate) ? item.next.rate : null;
    case 'reasons': return Array.isArray(item.reasons) ? item.reasons.length : 0;
    default: return null;
  }
}

// The direction a column sorts in first: the strongest first for z, forecast and reasons, the
// smallest first for p, the area and the category (most urgent first).
export function defaultDirection(key) {
  return ['mk_z', 'next', 'reasons'].includes(key) ? 'desc' : 'asc';
}

// The watchlist sorted by a column ({key, dir: 'asc'|'desc'}); missing values last whatever the
// direction, then the API's order (most reasons, strongest trend) for ties. A copy.
export function sortWatchlist(items, { key, dir } = {}) {
  const list = (items || []).map((item, i) => ({ item, i }));
  if (!WATCH_SORTS.includes(key)) return list.map((x) => x.item);
  const sign = dir === 'desc' ? -1 : 1;
  list.sort((a, b) => {
    const va = sortValue(a.item, key);
    const vb = sortValue(b.item, key);
    if (va === null || vb === null) return va === vb ? a.i - b.i : va === null ? 1 : -1;
    const c = typeof va === 'string' ? va.localeCompare(vb, undefined, { numeric: true }) : va - vb;
    return c !== 0 ? sign * c : a.i - b.i;
  });
  return list.map((x) => x.item);
}

// The sort after a click on a column's header: the other direction on the same column, the
// column's first direction on another.
export function nextSort(current, key) {
  if (current?.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: defaultDirection(key) };
}

// The parent of an H3 cell (its id in hexadecimal) at a coarser resolution, or '' when id is not
// a cell or res is not coarser: the resolution field (bits 52-55) set to res and the digits of
// the finer resolutions (3 bits each, resolution r at bit 3 * (15 - r)) set to 7 (unused).
export function h3Parent(id, res) {
  const s = String(id ?? '').toLowerCase();
  if (!/^[0-9a-f]{15,16}$/.test(s) || !Number.isInteger(res) || res < 0) return '';
  let h = BigInt(`0x${s}`);
  if (((h >> 59n) & 0xfn) !== 1n) return ''; // mode 1: a cell
  const r = Number((h >> 52n) & 0xfn);
  if (res >= r) return '';
  h = (h & ~(0xfn << 52n)) | (BigInt(res) << 52n);
  for (let d = res + 1; d <= r; d++) h |= 7n << BigInt(3 * (15 - d));
  return h.toString(16);
}

// The resolution of an H3 cell id, or null.
export function h3Resolution(id) {
  const s = String(id ?? '').toLowerCase();
  if (!/^[0-9a-f]{15,16}$/.test(s)) return null;
  return Number((BigInt(`0x${s}`) >> 52n) & 0xfn);
}

// The lagged associations of a lead-lag answer grouped by leading signal, in the answer's
// order: [{leading, lags: [{lag, r|null, lo95, hi95, pairs}]}].
export function lagsBySignal(answer) {
  const out = [];
  for (const l of Array.isArray(answer?.lags) ? answer.lags : []) {
    if (!l || typeof l.leading !== 'string' || !Number.isInteger(l.lag)) continue;
    let g = out.find((x) => x.leading === l.leading);
    if (!g) { g = { leading: l.leading, lags: [] }; out.push(g); }
    const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    g.lags.push({
      lag: l.lag, r: n(l.r), lo95: n(l.lo95), hi95: n(l.hi95), pairs: Number.isInteger(l.pairs) ? l.pairs : 0,
    });
  }
  for (const g of out) g.lags.sort((a, b) => a.lag - b.lag);
  return out;
}

// The lag with the strongest positive association whose interval excludes 0, or null.
export function strongestLead(lags) {
  let best = null;
  for (const l of lags || []) {
    if (l.r === null || l.lo95 === null || l.lo95 <= 0) continue;
    if (!best || l.r > best.r) best = l;
  }
  return best;
}

// The trends view's domain in the URL hash (td=, written in the trends view only) and remembered
// (localStorage abitare.td): a word here, checked against the vocabulary's domains once it is read.
const TD = 'td';
export const TRENDS_URL_KEYS = ['trendsDomain'];
const WORD = /^[a-z][a-z0-9_]*$/;

export function readTrendsUrl(hash, stored = () => null) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const ok = (x) => typeof x === 'string' && WORD.test(x);
  const fromHash = p.get(TD);
  const fromStore = stored(TD);
  return { trendsDomain: ok(fromHash) ? fromHash : ok(fromStore) ? fromStore : 'housing' };
}

// The domain in a vocabulary: the current one if it has it, else the stored one, else housing,
// else its first domain ('' when it has none).
export function trendsChoices(vocabulary, current, stored = () => null) {
  const allowed = vocabulary?.domains || [];
  const domain = [current?.trendsDomain, stored(TD), 'housing'].find((c) => allowed.includes(c)) ?? allowed[0] ?? '';
  return { trendsDomain: domain };
}

export function trendsParams(state) {
  return { [TD]: state.view === 'trends' && state.trendsDomain ? state.trendsDomain : null };
}

// The localStorage parameter of a state key, or undefined.
export function trendsParam(key) {
  return key === 'trendsDomain' ? TD : undefined;
}
