// The published figures of one geography and one period (a "figures file"): live from
// GET /api/figures/{geography}?period=P, on the static site from
// releases/r<N>/figures/<geography>/<period>.json. Parse, validate and read them (pure), and a
// cache that fetches each file once (the caller gives the URL of a file: see explore.js).
//
// File: {geography, period, release, indicators: [...], columns: ["people","rate","status"],
//        city: {residents, figures: [[people, rate, status], ...]},
//        areas: {"<id>": {name, residents, figures: [[...], ...]}}}
// Figures are in the order of indicators; the columns say where people, rate and status are.

// The province and the region have figures files when the territory spans several comuni or
// several provinces (publish writes figures/province/<period>.json only then).
export const FIGURE_GEOGRAPHIES = ['h3_7', 'h3_8', 'h3_9', 'h3_10', 'section', 'omi', 'municipality', 'province', 'region'];
export const HEX_GEOGRAPHIES = ['h3_7', 'h3_8', 'h3_9', 'h3_10'];

// Statuses whose rate may be shown and compared.
export const PUBLISHABLE = ['published', 'protected'];

export const isPublishable = (status) => PUBLISHABLE.includes(status);

const PERIOD = /^\d{4}(-Q[1-4])?$/;

export const isPeriod = (p) => typeof p === 'string' && PERIOD.test(p);
export const isQuarter = (p) => isPeriod(p) && p.length === 7;

function finiteOrNull(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

// One figure row as {people, rate, status}, columns giving the positions.
function readFigure(row, cols) {
  if (!Array.isArray(row)) return { people: null, rate: null, status: 'not_applicable' };
  const status = row[cols.status];
  return {
    people: finiteOrNull(row[cols.people]),
    rate: finiteOrNull(row[cols.rate]),
    status: typeof status === 'string' && status ? status : 'not_applicable',
  };
}

function readFigures(list, indicators, cols) {
  const out = {};
  indicators.forEach((ind, i) => { out[ind] = readFigure(Array.isArray(list) ? list[i] : null, cols); });
  return out;
}

// A figures file, checked and made easy to read: {geography, period, release, periods,
// indicators, city: {residents, figures: {indicator: {people, rate, status}}}, areas: Map(id ->
// {id, name, residents, figures})}. Throws an Error saying what is wrong with the answer.
export function parseFigures(json) {
  if (!json || typeof json !== 'object') throw new Error('figures: not an object');
  const { geography, period } = json;
  if (!FIGURE_GEOGRAPHIES.includes(geography)) throw new Error(`figures: unknown geography ${geography}`);
  if (!isPeriod(period)) throw new Error(`figures: bad period ${period}`);
  const indicators = Array.isArray(json.indicators) ? json.indicators.filter((x) => typeof x === 'string' && x) : [];
  if (!indicators.length) throw new Error('figures: no indicators');
  const columns = Array.isArray(json.columns) ? json.columns : ['people', 'rate', 'status'];
  const cols = { people: columns.indexOf('people'), rate: columns.indexOf('rate'), status: columns.indexOf('status') };
  if (cols.status < 0) throw new Error('figures: no status column');
  const city = json.city && typeof json.city === 'object' ? json.city : {};
  const areas = new Map();
  for (const [id, a] of Object.entries(json.areas && typeof json.areas === 'object' ? json.areas : {})) {
    if (!a || typeof a !== 'object') continue;
    areas.set(String(id), {
      id: String(id),
      name: typeof a.name === 'string' && a.name ? a.name : '',
      residents: finiteOrNull(a.residents),
      figures: readFigures(a.figures, indicators, cols),
    });
  }
  const release = finiteOrNull(json.release);
  return {
    geography,
    period,
    release,
    periods: Array.isArray(json.periods) ? json.periods.filter(isPeriod) : [],
    indicators,
    city: { residents: finiteOrNull(city.residents), figures: readFigures(city.figures, indicators, cols) },
    areas,
  };
}

// The figure {people, rate, status} of an area (id null: the city) for an indicator, or null
// when the file has no such area or indicator.
export function figureOf(file, id, indicator) {
  if (!file) return null;
  const figures = id === null || id === undefined ? file.city?.figures : file.areas.get(String(id))?.figures;
  return figures?.[indicator] || null;
}

// The rate difference cur − prev, when both figures are published and have a rate; else null.
export function changeBetween(cur, prev) {
  if (!cur || !prev || !isPublishable(cur.status) || !isPublishable(prev.status)) return null;
  if (typeof cur.rate !== 'number' || typeof prev.rate !== 'number') return null;
  if (!Number.isFinite(cur.rate) || !Number.isFinite(prev.rate)) return null;
  return Math.round((cur.rate - prev.rate) * 1e6) / 1e6;
}

// The period before p (the previous quarter, or year), when periods (if given) has it; else null.
export function previousPeriod(p, periods = null) {
  if (!isPeriod(p)) return null;
  const year = Number(p.slice(0, 4));
  let prev;
  if (isQuarter(p)) {
    const q = Number(p.slice(6));
    prev = q > 1 ? `${year}-Q${q - 1}` : `${year - 1}-Q4`;
  } else {
    prev = String(year - 1);
  }
  return !periods || periods.includes(prev) ? prev : null;
}

// Periods in order for a selector: each year, then its quarters; unknown words dropped.
export function sortPeriods(periods) {
  const list = [...new Set((Array.isArray(periods) ? periods : []).filter(isPeriod))];
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// The period the tiles draw: the latest year of the release (else the latest period).
export function tilesPeriod(periods) {
  const list = sortPeriods(periods);
  const years = list.filter((p) => !isQuarter(p));
  return (years.length ? years : list).at(-1) || '';
}

// Where a static site keeps a figures file, relative to the page.
export function staticFiguresPath(releasePath, geography, period) {
  const dir = String(releasePath || '').replace(/^\/+|\/+$/g, '');
  return `${dir}/figures/${encodeURIComponent(geography)}/${encodeURIComponent(period)}.json`;
}

// The geographies behind a tile source: hexagon sources mix H3 resolutions by zoom.
export function geographiesOfSource(src) {
  if (!src) return [];
  if (src.includes('sections')) return ['section'];
  if (src === 'indicators_districts') return ['omi'];
  if (src === 'indicators_municipalities') return ['municipality'];
  if (src === 'indicators_provinces') return ['province'];
  if (src === 'indicators_regions') return ['region'];
  if (src === 'adaptive') return [];
  return HEX_GEOGRAPHIES;
}

// A cache of figures files: load(geography, period) fetches urlFor(geography, period) once,
// answering the parsed file, or null when there is none (HTTP 404) or it cannot be read;
// loaded(geography, period) answers the file already read (undefined while not). A file that
// could not be read is null until the page is loaded again.
// fetchJSON(url) answers {status, json}.
export function figuresCache(urlFor, fetchJSON) {
  const files = new Map(); // url -> {promise, value}
  return {
    load(geography, period) {
      const url = urlFor(geography, period);
      if (!url) return Promise.resolve(null);
      const key = String(url);
      if (!files.has(key)) {
        const entry = { value: undefined };
        entry.promise = (async () => {
          try {
            const { status, json } = await fetchJSON(url);
            if (status !== 200) {
              if (status !== 404) console.error(`figures ${geography} ${period}: HTTP ${status}`);
              entry.value = null;
              return null;
            }
            entry.value = parseFigures(json);
            return entry.value;
          } catch (err) {
            // Not asked again (a page reload does): no request loop while offline.
            console.error(`figures ${geography} ${period}:`, err?.message || err);
            entry.value = null;
            return null;
          }
        })();
        files.set(key, entry);
      }
      return files.get(key).promise;
    },
    loaded(geography, period) {
      const url = urlFor(geography, period);
      return url ? files.get(String(url))?.value : null;
    },
  };
}
