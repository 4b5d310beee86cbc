// Foresight's pure parts: the emerging hot spot categories' colours and legend, the trends
// view's map expressions (evaluated with MapLibre's style-spec), the API addresses, the forecast
// fan's geometry and SVG, the watchlist's sorting, the H3 parent of a cell, the lead-lag
// grouping and chart, the trends domain in the URL, and the strings of it all in both languages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATEGORIES, CATEGORY_COLORS, COLD_CATEGORIES, HOT_CATEGORIES, NO_PATTERN, NO_PATTERN_COLOR, PATTERNS, TREND_GEOGRAPHIES,
  asOfOf, categoryColor, categoryCounts, categoryKey, drawnSteps, fanGeometry, forecastsByArea, forecastsURL, h3Parent,
  h3Resolution, lagsBySignal, leadLagURL, legendEntries, nextQuarter, nextSort, parseLevel, parseTrends, readTrendsUrl,
  sortWatchlist, strongestLead, trendGeography, trendsChoices, trendsColorExpr, trendsLookup, trendsOpacityExpr,
  trendsParams, trendsURL, watchlistURL,
} from '../src/foresight/foresight-data.js';
import {
  fanLabel, fanSVG, lagAxis, lagChartSVG, zSparkSVG,
} from '../src/foresight/foresight-chart.js';
import { STRINGS, t } from '../src/i18n/i18n.js';
import {
  SOURCES, normalizeViewUnit, paintViewOf, viewAvailable, zoomedSource, PUBLIC_LAYERS, RESTRICTED_LAYERS,
} from '../src/model/catalog.js';
import { fillPaint, hatchFilter } from '../src/map/map-style.js';

const base = new URL('https://example.org/api/');

// "#rrggbb" -> [r, g, b]
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('emerging hot spot categories', () => {
  it('are the seventeen of ArcGIS Pro, keyed as the API answers them', () => {
    assert.equal(CATEGORIES.length, 17);
    assert.deepEqual(PATTERNS, ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'sporadic', 'oscillating', 'historical']);
    assert.equal(HOT_CATEGORIES[0], 'new_hot_spot');
    assert.equal(COLD_CATEGORIES[7], 'historical_cold_spot');
    assert.equal(CATEGORIES[0], NO_PATTERN);
  });

  it('colour hot spots in reds, cold spots in blues, no pattern transparent', () => {
    for (const c of HOT_CATEGORIES) {
      const [r, g, b] = rgb(categoryColor(c));
      assert.ok(r > g && r > b, `${c} is red: ${categoryColor(c)}`);
    }
    for (const c of COLD_CATEGORIES) {
      const [r, g, b] = rgb(categoryColor(c));
      assert.ok(b > r && b >= g, `${c} is blue: ${categoryColor(c)}`);
    }
    assert.equal(categoryColor(NO_PATTERN), NO_PATTERN_COLOR);
    assert.equal(categoryColor('whatever'), NO_PATTERN_COLOR);
    assert.match(NO_PATTERN_COLOR, /rgba\(.*,\s*0\)$/);
    // Sixteen different colours.
    assert.equal(new Set(Object.values(CATEGORY_COLORS)).size, 16);
  });

  it('darken with urgency: intensifying and new darker than diminishing and historical', () => {
    const light = (c) => rgb(categoryColor(c)).reduce((a, b) => a + b, 0);
    for (const side of ['hot', 'cold']) {
      assert.ok(light(`intensifying_${side}_spot`) < light(`new_${side}_spot`));
      assert.ok(light(`new_${side}_spot`) < light(`diminishing_${side}_spot`));
      assert.ok(light(`diminishing_${side}_spot`) < light(`historical_${side}_spot`));
    }
  });

  it('legend: each pattern\'s hot and cold spot side by side, no pattern last, with counts', () => {
    const rows = legendEntries({ new_hot_spot: 3, no_pattern: 40, persistent_cold_spot: 2 });
    assert.equal(rows.length, 17);
    assert.deepEqual(rows.slice(0, 4).map((r) => r.category), ['new_hot_spot', 'new_cold_spot', 'consecutive_hot_spot', 'consecutive_cold_spot']);
    assert.equal(rows[16].category, NO_PATTERN);
    assert.equal(rows[0].count, 3);
    assert.equal(rows[1].count, 0);
    assert.equal(rows.find((r) => r.category === 'persistent_cold_spot').count, 2);
    assert.ok(rows[0].hot && !rows[0].cold && rows[1].cold);
    assert.equal(rows[16].color, NO_PATTERN_COLOR);
  });

  it('names every category and pattern in Italian and English', () => {
    for (const c of CATEGORIES) {
      const key = categoryKey(c);
      assert.ok(STRINGS.it[key] && STRINGS.en[key], key);
      assert.notEqual(STRINGS.it[key], STRINGS.en[key], key);
    }
    assert.equal(t('it', categoryKey('new_hot_spot')), 'Area calda nuova');
    assert.equal(t('en', categoryKey('intensifying_cold_spot')), 'Intensifying cold spot');
    assert.equal(categoryKey('bogus'), 'fs_cat_no_pattern');
    for (const p of [...PATTERNS, NO_PATTERN]) assert.ok(STRINGS.it[`fs_pat_${p}`] && STRINGS.en[`fs_pat_${p}`], p);
    assert.match(t('en', 'fs_legend_note'), /ArcGIS Pro's Emerging Hot Spot Analysis.*Gi\* per quarter.*Mann-Kendall/);
    assert.match(t('it', 'fs_legend_note'), /ArcGIS Pro.*Gi\* per trimestre.*Mann-Kendall/);
  });

  it('counts areas per category, unknown ones as no pattern', () => {
    assert.deepEqual(categoryCounts([{ category: 'new_hot_spot' }, { category: 'new_hot_spot' }, { category: 'x' }, {}]), { new_hot_spot: 2, no_pattern: 2 });
  });
});

describe('trends answers and the map', () => {
  const answer = {
    geography: 'h3_9',
    domain: 'housing',
    areas: [
      { id: '891ea62348bffff', quarters: ['2024-Q1', '2024-Q2'], z: [1.2, 2.5], p: [0.23, 0.012], mk_s: 1, mk_var: 1, mk_z: 0, mk_p: 1, category: 'new_hot_spot' },
      { id: '891ea631acbffff', quarters: ['2024-Q1', '2024-Q2'], z: [0, 0], p: [1, 1], mk_s: 0, mk_var: 0, mk_z: 0, mk_p: 1, category: 'no_pattern' },
      { id: 7, category: 'odd_category' },
      null,
      { category: 'new_hot_spot' },
    ],
  };

  it('parses the areas, ids as strings, unknown categories as no pattern', () => {
    const list = parseTrends(answer);
    assert.equal(list.length, 3);
    assert.equal(list[0].id, '891ea62348bffff');
    assert.deepEqual(list[0].z, [1.2, 2.5]);
    assert.equal(list[2].id, '7');
    assert.equal(list[2].category, NO_PATTERN);
    assert.deepEqual(parseTrends(null), []);
  });

  it('looks categories up by id, across resolutions, leaving no pattern out', () => {
    const h9 = parseTrends(answer);
    const h8 = parseTrends({ areas: [{ id: '881ea62349fffff', category: 'persistent_cold_spot' }] });
    assert.deepEqual(trendsLookup(h9, h8), { '891ea62348bffff': 'new_hot_spot', '881ea62349fffff': 'persistent_cold_spot' });
  });

  it('paints a feature by its id: the category\'s colour, transparent without a pattern', async (ctx) => {
    let spec;
    try {
      spec = await import('@maplibre/maplibre-gl-style-spec');
    } catch {
      ctx.skip('MapLibre style-spec not installed');
      return;
    }
    const lookup = { '891ea62348bffff': 'new_hot_spot', 360230000565: 'persistent_cold_spot' };
    const color = spec.createPropertyExpression(trendsColorExpr(lookup), 'paint', spec.latest.paint_fill['fill-color']);
    const opacity = spec.createPropertyExpression(trendsOpacityExpr(lookup), 'paint', spec.latest.paint_fill['fill-opacity']);
    assert.equal(color.result, 'success', JSON.stringify(color.value));
    assert.equal(opacity.result, 'success', JSON.stringify(opacity.value));
    const paint = (id) => {
      const c = color.value.evaluate({ zoom: 11 }, { properties: { id } });
      return { rgb: [c.r, c.g, c.b].map((v) => Math.round(v * 255)), a: c.a, opacity: opacity.value.evaluate({ zoom: 11 }, { properties: { id } }) };
    };
    assert.deepEqual(paint('891ea62348bffff'), { rgb: rgb(categoryColor('new_hot_spot')), a: 1, opacity: 0.85 });
    // A numeric id in the tiles matches the lookup's string key.
    assert.deepEqual(paint(360230000565).rgb, rgb(categoryColor('persistent_cold_spot')));
    assert.equal(paint('unknown').a, 0);
    assert.equal(paint('unknown').opacity, 0);
    assert.equal(paint(undefined).opacity, 0);
  });

  it('picks the trend geography of the unit and zoom as the hotspot tiles draw them', () => {
    assert.equal(trendGeography('hexagons', 10), 'h3_8');
    assert.equal(trendGeography('hexagons', 12.7), 'h3_8');
    assert.equal(trendGeography('hexagons', 13), 'h3_9');
    assert.equal(trendGeography('hexagons', 14), null);
    assert.equal(trendGeography('hexagons', null), 'h3_8');
    assert.equal(trendGeography('sections', 16), 'section');
    assert.equal(trendGeography('districts', 9), 'omi');
    assert.deepEqual(TREND_GEOGRAPHIES, ['h3_8', 'h3_9', 'section', 'omi']);
  });

  it('is a view of the restricted catalog only, on the hotspot layers and the districts', () => {
    assert.equal(viewAvailable('trends', new Set(PUBLIC_LAYERS)), false);
    assert.equal(viewAvailable('trends', new Set(RESTRICTED_LAYERS)), true);
    assert.deepEqual(normalizeViewUnit({ view: 'trends', unit: 'districts' }, new Set(PUBLIC_LAYERS)), { view: 'overlap', unit: 'hexagons' });
    assert.deepEqual(normalizeViewUnit({ view: 'trends', unit: 'districts' }, new Set(RESTRICTED_LAYERS)), { view: 'trends', unit: 'districts' });
    assert.deepEqual(normalizeViewUnit({ view: 'trends', unit: 'adaptive' }, new Set(RESTRICTED_LAYERS)), { view: 'trends', unit: 'hexagons' });
    assert.equal(SOURCES.trends.hexagons, 'hotspots');
    assert.equal(paintViewOf('hotspots', 'trends'), 'trends');
    assert.equal(paintViewOf('indicators_districts', 'trends'), 'trends');
    assert.equal(paintViewOf('hotspots', 'hotspot'), 'hotspot');
    assert.equal(paintViewOf('indicators_districts', 'indicator'), 'indicator');
    // No level stands in for the hexagons when zoomed out.
    const available = new Set([...RESTRICTED_LAYERS, 'indicators_municipalities']);
    assert.equal(zoomedSource('hotspots', { zoom: 5, view: 'trends', available, tileSources: {} }), 'hotspots');
  });

  it('fills the layers of the trends view by category, with no hatching', () => {
    const look = {
      view: 'trends', indicator: 'housing', measure: 'rate', breaks: [1, 2, 3, 4], analysis: 'gi_housing', trends: { a: 'new_hot_spot' },
    };
    const paint = fillPaint('hotspots', look);
    assert.deepEqual(paint['fill-color'], trendsColorExpr({ a: 'new_hot_spot' }));
    assert.deepEqual(fillPaint('indicators_districts', look)['fill-opacity'], trendsOpacityExpr({ a: 'new_hot_spot' }));
    assert.deepEqual(hatchFilter(look), ['==', ['get', 'id'], '\u0000none']);
    // Another view paints the hotspot layer as before.
    assert.notDeepEqual(fillPaint('hotspots', { ...look, view: 'hotspot' })['fill-color'], paint['fill-color']);
  });
});

describe('foresight API addresses', () => {
  it('trends and forecasts per geography, with the domain and the quarter', () => {
    assert.equal(trendsURL(base, 'h3_9', 'housing').href, 'https://example.org/api/trends/h3_9?domain=housing');
    assert.equal(forecastsURL(base, 'section', 'poverty').href, 'https://example.org/api/forecasts/section?domain=poverty');
    assert.equal(forecastsURL(base, 'omi', 'health', { asOf: '2024-Q4', horizon: 2 }).href,
      'https://example.org/api/forecasts/omi?domain=health&as_of=2024-Q4&horizon=2');
  });

  it('the watchlist with an optional level, and its workbook in a language', () => {
    assert.equal(watchlistURL(base, { geography: 'h3_9', domain: 'housing' }).href, 'https://example.org/api/watchlist?geography=h3_9&domain=housing');
    assert.equal(watchlistURL(base, { geography: 'omi', domain: 'housing', above: '12,5' }).href,
      'https://example.org/api/watchlist?geography=omi&domain=housing&above=12.5');
    assert.equal(watchlistURL(base, { geography: 'omi', domain: 'work', above: '0' }).href, 'https://example.org/api/watchlist?geography=omi&domain=work');
    assert.equal(watchlistURL(base, {
      geography: 'section', domain: 'housing', above: 3, format: 'xlsx', lang: 'en',
    }).href, 'https://example.org/api/watchlist?geography=section&domain=housing&above=3&format=xlsx&lang=en');
    // A language without the workbook is not sent.
    assert.equal(watchlistURL(base, { geography: 'omi', domain: 'housing', lang: 'en' }).href, 'https://example.org/api/watchlist?geography=omi&domain=housing');
  });

  it('the lead-lag per level', () => {
    assert.equal(leadLagURL(base, 'omi').href, 'https://example.org/api/lead-lag?geography=omi');
    assert.equal(leadLagURL(base, 'municipality').href, 'https://example.org/api/lead-lag?geography=municipality');
  });

  it('reads a level typed with a comma or a point, else none', () => {
    assert.equal(parseLevel('12,5'), 12.5);
    assert.equal(parseLevel(' 3 '), 3);
    assert.equal(parseLevel(''), 0);
    assert.equal(parseLevel('-2'), 0);
    assert.equal(parseLevel('abc'), 0);
    assert.equal(parseLevel(null), 0);
  });
});

describe('forecast fan', () => {
  const step = (period, rate, w80, w95, extra = {}) => ({
    period, rate, lo80: rate - w80, hi80: rate + w80, lo95: rate - w95, hi95: rate + w95, ...extra,
  });
  const history = [{ period: '2025-Q1', rate: 10 }, { period: '2025-Q2', rate: 12 }, { period: '2025-Q3', rate: null }, { period: '2025-Q4', rate: 14 }];
  const steps = [step('2026-Q1', 15, 2, 4), step('2026-Q2', 16, 3, 6), step('2026-Q3', 0, 0, 0, { withheld: true, reason: 'too wide' }), step('2026-Q4', 17, 4, 8)];

  it('reads the answer per area and draws the steps up to the first withheld one', () => {
    const byArea = forecastsByArea({ areas: [{ id: 'a', steps }, { id: 5, steps: [null, { period: 'x' }] }] });
    assert.equal(byArea.get('a').length, 4);
    assert.equal(byArea.get('5').length, 1);
    assert.equal(byArea.get('5')[0].rate, null);
    assert.deepEqual(drawnSteps(byArea.get('a')).map((s) => s.period), ['2026-Q1', '2026-Q2']);
    assert.deepEqual(drawnSteps(byArea.get('5')), []);
  });

  it('asks for the forecasts as of the last quarter shown', () => {
    assert.equal(asOfOf(history), '2025-Q4');
    assert.equal(asOfOf([{ period: '2024' }]), '');
    assert.equal(nextQuarter('2025-Q4'), '2026-Q1');
    assert.equal(nextQuarter('2025-Q2'), '2025-Q3');
    assert.equal(nextQuarter('2025'), '');
  });

  it('opens the bands from the last observed rate, 95% around 80% around the forecast', () => {
    const g = fanGeometry(history, steps, {
      histWidth: 64, stepWidth: 14, height: 22, pad: 2,
    });
    assert.equal(g.width, 64 + 2 * 14);
    assert.equal(g.points.length, 2);
    assert.equal(g.min, 0);
    assert.equal(g.max, 22); // 16 + 6
    // x: the history over 60 pixels, then a step every 14 pixels.
    assert.deepEqual(g.history.map((p) => p.x), [2, 22, 42, 62]);
    assert.equal(g.history[2].y, null);
    assert.deepEqual(g.points.map((p) => p.x), [76, 90]);
    const y = (v) => 22 - 2 - (v / 22) * 18;
    assert.ok(Math.abs(g.points[0].y - y(15)) < 1e-9);
    // The line breaks at the withheld quarter.
    assert.equal((g.line.match(/M/g) || []).length, 2);
    // Bands start at the last observed point and close.
    assert.ok(g.band95.startsWith(`M62.0,${y(14).toFixed(1)}L76.0,${y(19).toFixed(1)}`), g.band95);
    assert.ok(g.band95.endsWith('Z'));
    assert.ok(g.band80.includes(`90.0,${y(19).toFixed(1)}`));
    assert.ok(g.forecast.startsWith(`M62.0,${y(14).toFixed(1)}L76.0`));
    // Every band point inside the box.
    for (const path of [g.band95, g.band80, g.forecast]) {
      for (const [, px, py] of path.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) {
        assert.ok(Number(px) >= 0 && Number(px) <= g.width && Number(py) >= 0 && Number(py) <= g.height, path);
      }
    }
  });

  it('takes the lower end of the axis below zero when an interval goes there', () => {
    const g = fanGeometry([{ period: '2025-Q4', rate: 1 }], [step('2026-Q1', 1, 1, 2)]);
    assert.equal(g.min, -1);
    assert.equal(g.history[0].x, 28); // a single quarter in the middle of its part (56 pixels)
  });

  it('draws observed rates of a forecast from a past quarter', () => {
    const g = fanGeometry(history, [step('2026-Q1', 15, 2, 4, { observed: 13 })]);
    assert.equal(g.observed.length, 1);
    assert.equal(g.observed[0].x, g.points[0].x);
  });

  it('draws nothing without a rate or a forecast', () => {
    assert.equal(fanGeometry([{ period: 'q', rate: null }], []), null);
    assert.equal(fanSVG('it', [{ period: 'q', rate: null }], []), '');
  });

  it('says every quarter and forecast with its intervals in the SVG\'s text alternative', () => {
    const svg = fanSVG('it', history, steps);
    assert.match(svg, /^<svg class="sparkline fan" width="76" height="24"/);
    assert.match(svg, /role="img"/);
    assert.match(svg, /<title>Tasso per trimestre: Q1 10,0, Q2 12,0, Q3 &lt; 5, Q4 14,0\. Previsione: 2026-Q1 15,0 \(80%: 13,0–17,0; 95%: 11,0–19,0\); 2026-Q2 16,0/);
    assert.equal((svg.match(/class="fan-95"/g) || []).length, 1);
    assert.equal((svg.match(/class="fan-80"/g) || []).length, 1);
    assert.equal((svg.match(/class="fan-point"/g) || []).length, 2);
    const en = fanLabel('en', history, [step('2026-Q1', 15, 2, 4, { observed: 13 })]);
    assert.equal(en, 'Rate per quarter: Q1 10.0, Q2 12.0, Q3 < 5, Q4 14.0. Forecast: 2026-Q1 15.0 (80%: 13.0–17.0; 95%: 11.0–19.0; observed 13.0)');
    // Without a forecast, the sparkline's own label.
    assert.equal(fanLabel('en', history, []), 'Rate per quarter: Q1 10.0, Q2 12.0, Q3 < 5, Q4 14.0');
  });

  it('draws an area\'s z-scores with the significant quarters marked', () => {
    const svg = zSparkSVG('en', ['2024-Q1', '2024-Q2', '2024-Q3'], [0.2, 2.1, -1.9], [0.8, 0.03, 0.06]);
    assert.equal((svg.match(/class="z-hot"/g) || []).length, 1);
    assert.equal((svg.match(/class="z-cold"/g) || []).length, 1);
    assert.match(svg, /Gi\* z-score per quarter: 2024-Q1 0.2, 2024-Q2 2.1, 2024-Q3 -1.9/);
    assert.equal(zSparkSVG('en', [], []), '');
  });
});

describe('watchlist sorting', () => {
  const items = [
    { id: 'b', category: 'new_hot_spot', mk_z: 2.1, mk_p: 0.03, next: { rate: 12 }, reasons: ['rising_trend', 'new_hot_spot'] },
    { id: 'a10', category: 'no_pattern', mk_z: 1.9, mk_p: 0.06, reasons: ['rising_trend'] },
    { id: 'a9', category: 'intensifying_hot_spot', mk_z: 3.4, mk_p: 0.001, next: { rate: 20 }, reasons: ['rising_trend', 'intensifying_hot_spot', 'forecast_above'] },
    { id: 'c', category: 'persistent_cold_spot', mk_z: -0.5, mk_p: 0.6, next: { rate: 4 }, reasons: ['forecast_above'] },
  ];
  const ids = (list) => list.map((x) => x.id);

  it('keeps the server\'s order without a column', () => {
    assert.deepEqual(ids(sortWatchlist(items, {})), ['b', 'a10', 'a9', 'c']);
    assert.notEqual(sortWatchlist(items, {}), items);
  });

  it('sorts by area (numbers in ids in order), category (most urgent hot spot first), z, p, forecast, reasons', () => {
    assert.deepEqual(ids(sortWatchlist(items, { key: 'area', dir: 'asc' })), ['a9', 'a10', 'b', 'c']);
    assert.deepEqual(ids(sortWatchlist(items, { key: 'area', dir: 'desc' })), ['c', 'b', 'a10', 'a9']);
    assert.deepEqual(ids(sortWatchlist(items, { key: 'category', dir: 'asc' })), ['a9', 'b', 'a10', 'c']);
    assert.deepEqual(ids(sortWatchlist(items, { key: 'mk_z', dir: 'desc' })), ['a9', 'b', 'a10', 'c']);
    assert.deepEqual(ids(sortWatchlist(items, { key: 'mk_p', dir: 'asc' })), ['a9', 'b', 'a10', 'c']);
    assert.deepEqual(ids(sortWatchlist(items, { key: 'reasons', dir: 'desc' })), ['a9', 'b', 'a10', 'c']);
  });

  it('puts areas without a forecast last in either direction', () => {
    assert.deepEqual(ids(sortWatchlist(items, { key: 'next', dir: 'desc' })), ['a9', 'b', 'c', 'a10']);
    assert.deepEqual(ids(sortWatchlist(items, { key: 'next', dir: 'asc' })), ['c', 'b', 'a9', 'a10']);
  });

  it('keeps the server\'s order among ties', () => {
    const tied = [{ id: 'x', reasons: ['a'] }, { id: 'y', reasons: ['b'] }, { id: 'z', reasons: ['a', 'b'] }];
    assert.deepEqual(ids(sortWatchlist(tied, { key: 'reasons', dir: 'asc' })), ['x', 'y', 'z']);
  });

  it('a click on a column: its first direction, again: the other', () => {
    assert.deepEqual(nextSort({ key: '', dir: 'asc' }, 'mk_z'), { key: 'mk_z', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'mk_z', dir: 'desc' }, 'mk_z'), { key: 'mk_z', dir: 'asc' });
    assert.deepEqual(nextSort({ key: 'mk_z', dir: 'asc' }, 'area'), { key: 'area', dir: 'asc' });
    assert.deepEqual(nextSort(null, 'next'), { key: 'next', dir: 'desc' });
  });

  it('names every reason the API gives in both languages', () => {
    for (const r of ['rising_trend', 'new_hot_spot', 'intensifying_hot_spot', 'consecutive_hot_spot', 'forecast_above']) {
      assert.ok(STRINGS.it[`fs_reason_${r}`] && STRINGS.en[`fs_reason_${r}`], r);
    }
  });
});

describe('H3 parents', () => {
  // Pairs from uber/h3-go (Cell.Parent).
  it('finds the parent of a cell at a coarser resolution', () => {
    assert.equal(h3Parent('8a1ea623489ffff', 9), '891ea62348bffff');
    assert.equal(h3Parent('8a1ea623489ffff', 8), '881ea62349fffff');
    assert.equal(h3Parent('8a1ea623489ffff', 7), '871ea6234ffffff');
    assert.equal(h3Parent('891ea631acbffff', 8), '881ea631adfffff');
    assert.equal(h3Parent('891EA631ACBFFFF', 8), '881ea631adfffff');
  });

  it('refuses what is not a cell or not a coarser resolution', () => {
    assert.equal(h3Parent('891ea631acbffff', 9), '');
    assert.equal(h3Parent('891ea631acbffff', 10), '');
    assert.equal(h3Parent('360230000565', 8), '');
    assert.equal(h3Parent('not hex at all!', 8), '');
    assert.equal(h3Resolution('891ea631acbffff'), 9);
    assert.equal(h3Resolution('8a1ea623489ffff'), 10);
    assert.equal(h3Resolution('omi'), null);
  });
});

describe('lead-lag', () => {
  const answer = {
    geography: 'omi',
    led: 'housing_support',
    quarters: ['2022-Q1', '2025-Q4'],
    lags: [
      { leading: 'eviction', lag: 1, r: 0.3, lo95: 0.2, hi95: 0.4, pairs: 200 },
      { leading: 'eviction', lag: 0, r: 0.1, lo95: -0.05, hi95: 0.25, pairs: 210 },
      { leading: 'job_loss', lag: 0, r: null, lo95: -1, hi95: 1, pairs: 3 },
      { leading: 'job_loss', lag: 2, r: -0.2, lo95: -0.3, hi95: -0.1, pairs: 190 },
      { leading: 'bad' },
    ],
    caution: 'Association, not cause: ...',
  };

  it('groups the lags by signal in the answer\'s order, lags ascending', () => {
    const g = lagsBySignal(answer);
    assert.deepEqual(g.map((x) => x.leading), ['eviction', 'job_loss']);
    assert.deepEqual(g[0].lags.map((l) => l.lag), [0, 1]);
    assert.equal(g[1].lags[0].r, null);
    assert.deepEqual(lagsBySignal(null), []);
  });

  it('finds the strongest positive association whose interval excludes 0', () => {
    const [ev, job] = lagsBySignal(answer);
    assert.equal(strongestLead(ev.lags).lag, 1);
    assert.equal(strongestLead(job.lags), null);
  });

  it('draws r by lag with whiskers, 0 marked, and says what it shows', () => {
    const [ev, job] = lagsBySignal(answer);
    const svg = lagChartSVG('it', 'Sfratti', ev.lags);
    assert.equal((svg.match(/class="ll-dot"/g) || []).length, 2);
    assert.equal((svg.match(/class="ll-row ll-pos"/g) || []).length, 1);
    assert.equal((svg.match(/class="ll-zero"/g) || []).length, 1);
    assert.match(svg, /aria-label="Sfratti: correlazione con il sostegno abitativo per ritardo/);
    // No dot where r is undefined.
    assert.equal((lagChartSVG('en', 'Jobs', job.lags).match(/class="ll-dot"/g) || []).length, 1);
    // A common axis: its ticks, whatever the signal's own values.
    assert.match(lagChartSVG('en', 'Jobs', job.lags, { axis: lagAxis([{ r: 0.9, lo95: 0.8, hi95: 0.95 }]) }), />1<\/text>/);
    assert.doesNotMatch(lagChartSVG('en', 'Jobs', job.lags), />1<\/text>/);
  });

  it('scales the chart to the intervals: 0.25, 0.5 or the whole -1..1', () => {
    assert.deepEqual(lagAxis([{ r: 0.1, lo95: -0.05, hi95: 0.2 }]), { max: 0.25, ticks: [-0.25, -0.125, 0, 0.125, 0.25] });
    assert.equal(lagAxis([{ r: 0.3, lo95: 0.2, hi95: 0.4 }]).max, 0.5);
    assert.equal(lagAxis([{ r: -0.7, lo95: -0.8, hi95: -0.6 }]).max, 1);
    assert.equal(lagAxis([{ r: null, lo95: -1, hi95: 1 }, { r: 0.1, lo95: 0, hi95: 0.2 }]).max, 0.25);
    assert.equal(lagAxis([]).max, 0.25);
  });

  it('has the caution in Italian and English, and every signal\'s name', () => {
    assert.match(t('it', 'fs_ll_caution'), /^Associazione, non causa/);
    assert.match(t('en', 'fs_ll_caution'), /^Association, not cause/);
    for (const s of ['eviction', 'job_loss', 'health', 'work']) assert.ok(STRINGS.it[`fs_ll_signal_${s}`] && STRINGS.en[`fs_ll_signal_${s}`], s);
  });
});

describe('the trends domain in the URL', () => {
  it('reads td= from the hash, else the stored choice, else housing', () => {
    assert.deepEqual(readTrendsUrl('#view=trends&td=poverty'), { trendsDomain: 'poverty' });
    assert.deepEqual(readTrendsUrl('#view=trends', () => 'health'), { trendsDomain: 'health' });
    assert.deepEqual(readTrendsUrl('#td=Bad!'), { trendsDomain: 'housing' });
  });

  it('keeps a domain of the vocabulary only', () => {
    const v = { domains: ['poverty', 'housing', 'health'] };
    assert.deepEqual(trendsChoices(v, { trendsDomain: 'health' }), { trendsDomain: 'health' });
    assert.deepEqual(trendsChoices(v, { trendsDomain: 'multi_domain' }), { trendsDomain: 'housing' });
    assert.deepEqual(trendsChoices({ domains: ['work'] }, { trendsDomain: 'x' }), { trendsDomain: 'work' });
    assert.deepEqual(trendsChoices({ domains: [] }, {}), { trendsDomain: '' });
  });

  it('writes td= in the trends view only', () => {
    assert.deepEqual(trendsParams({ view: 'trends', trendsDomain: 'work' }), { td: 'work' });
    assert.deepEqual(trendsParams({ view: 'indicator', trendsDomain: 'work' }), { td: null });
  });
});
