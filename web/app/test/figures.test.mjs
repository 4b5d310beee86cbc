import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  changeBetween, figureOf, figuresCache, geographiesOfSource, isQuarter, parseFigures, previousPeriod, sortPeriods,
  staticFiguresPath, tilesPeriod,
} from '../src/desk/figures.js';
import {
  MAX_COMPARE, addCompared, compareParam, exploreParams, parseCompare, readExploreUrl, removeCompared,
} from '../src/model/explore-url.js';
import { nextSort, sortRows, tableRows, toCSV } from '../src/desk/table-data.js';

export const FILE = {
  geography: 'h3_9',
  period: '2025-Q2',
  release: 3,
  indicators: ['education', 'health', 'housing', 'multi_domain', 'poverty', 'work'],
  columns: ['people', 'rate', 'status'],
  city: { residents: 184000, figures: [[900, 4.9, 'published'], [null, null, 'not_applicable'], [1200, 6.5, 'published'], [3000, 16.3, 'published'], [2000, 10.9, 'published'], [800, 4.3, 'published']] },
  areas: {
    '89a': { name: '', residents: 1234, figures: [[10, 8.1, 'protected'], [null, null, 'suppressed'], [7, 5.7, 'protected'], [20, 16.2, 'protected'], [12, 9.7, 'protected'], [0, 0, 'protected']] },
    '89b': { name: 'Centro', residents: null, figures: [[null, null, 'withheld']] },
  },
};

const PREV = {
  ...FILE,
  period: '2025-Q1',
  areas: { '89a': { name: '', residents: 1200, figures: [[8, 6.6, 'protected'], [null, null, 'suppressed'], [7, 5.8, 'protected'], [18, 15, 'protected'], [12, 10, 'protected'], [1, 0.8, 'protected']] } },
};

describe('parseFigures', () => {
  it('reads the city and the areas as figures per indicator', () => {
    const f = parseFigures(FILE);
    assert.equal(f.geography, 'h3_9');
    assert.equal(f.period, '2025-Q2');
    assert.equal(f.release, 3);
    assert.equal(f.city.residents, 184000);
    assert.deepEqual(f.city.figures.poverty, { people: 2000, rate: 10.9, status: 'published' });
    assert.deepEqual(f.areas.get('89a').figures.health, { people: null, rate: null, status: 'suppressed' });
    assert.equal(f.areas.get('89b').name, 'Centro');
    assert.equal(f.areas.get('89b').residents, null);
    // Figures missing from a row: not applicable.
    assert.deepEqual(f.areas.get('89b').figures.work, { people: null, rate: null, status: 'not_applicable' });
  });

  it('follows the columns order', () => {
    const f = parseFigures({ ...FILE, columns: ['status', 'rate', 'people'], city: { residents: 1, figures: [['published', 2.5, 9]] }, areas: {} });
    assert.deepEqual(f.city.figures.education, { people: 9, rate: 2.5, status: 'published' });
  });

  it('refuses what is not a figures file', () => {
    assert.throws(() => parseFigures(null), /not an object/);
    assert.throws(() => parseFigures({ ...FILE, geography: 'h3_11' }), /geography/);
    assert.throws(() => parseFigures({ ...FILE, period: '2025-Q5' }), /period/);
    assert.throws(() => parseFigures({ ...FILE, indicators: [] }), /indicators/);
    assert.throws(() => parseFigures({ ...FILE, columns: ['people', 'rate'] }), /status/);
  });
});

describe('figureOf and changeBetween', () => {
  const cur = parseFigures(FILE);
  const prev = parseFigures(PREV);

  it('finds an area\'s figure, the city\'s with id null', () => {
    assert.deepEqual(figureOf(cur, '89a', 'poverty'), { people: 12, rate: 9.7, status: 'protected' });
    assert.equal(figureOf(cur, null, 'housing').rate, 6.5);
    assert.equal(figureOf(cur, 'nope', 'poverty'), null);
    assert.equal(figureOf(cur, '89a', 'nope'), null);
    assert.equal(figureOf(null, '89a', 'poverty'), null);
  });

  it('is the rate difference of two published figures', () => {
    assert.equal(changeBetween(figureOf(cur, '89a', 'education'), figureOf(prev, '89a', 'education')), 1.5);
    assert.equal(changeBetween(figureOf(cur, '89a', 'poverty'), figureOf(prev, '89a', 'poverty')), -0.3);
    assert.equal(changeBetween({ rate: 5, status: 'published' }, { rate: 5, status: 'protected' }), 0);
  });

  it('is null when a figure is not published or has no rate', () => {
    assert.equal(changeBetween(figureOf(cur, '89a', 'health'), figureOf(prev, '89a', 'health')), null);
    assert.equal(changeBetween({ rate: 5, status: 'withheld' }, { rate: 4, status: 'published' }), null);
    assert.equal(changeBetween({ rate: null, status: 'published' }, { rate: 4, status: 'published' }), null);
    assert.equal(changeBetween({ rate: '5', status: 'published' }, { rate: 4, status: 'published' }), null);
    assert.equal(changeBetween(null, { rate: 4, status: 'published' }), null);
  });
});

describe('periods', () => {
  const periods = ['2025-Q2', '2025', '2025-Q1', '2025-Q4', '2025-Q3', 'bogus'];

  it('orders a release\'s periods: the year, then its quarters', () => {
    assert.deepEqual(sortPeriods(periods), ['2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    assert.deepEqual(sortPeriods(null), []);
  });

  it('knows the tiles\' period: the latest year', () => {
    assert.equal(tilesPeriod(periods), '2025');
    assert.equal(tilesPeriod(['2024', '2025', '2025-Q1']), '2025');
    assert.equal(tilesPeriod(['2025-Q1', '2025-Q2']), '2025-Q2');
    assert.equal(tilesPeriod([]), '');
  });

  it('finds the previous quarter or year within the release', () => {
    assert.equal(previousPeriod('2025-Q3', periods), '2025-Q2');
    assert.equal(previousPeriod('2025-Q1', periods), null);
    assert.equal(previousPeriod('2025-Q1'), '2024-Q4');
    assert.equal(previousPeriod('2025'), '2024');
    assert.equal(previousPeriod('2025', periods), null);
    assert.equal(previousPeriod('x'), null);
    assert.equal(isQuarter('2025-Q1'), true);
    assert.equal(isQuarter('2025'), false);
  });
});

describe('where the figures are', () => {
  it('names a static site\'s file', () => {
    assert.equal(staticFiguresPath('/releases/r3/', 'h3_9', '2025-Q1'), 'releases/r3/figures/h3_9/2025-Q1.json');
  });

  it('knows the geographies of a tile source', () => {
    assert.deepEqual(geographiesOfSource('indicators'), ['h3_7', 'h3_8', 'h3_9', 'h3_10']);
    assert.deepEqual(geographiesOfSource('indicators_sections'), ['section']);
    assert.deepEqual(geographiesOfSource('indicators_municipalities'), ['municipality']);
    assert.deepEqual(geographiesOfSource('indicators_districts'), ['omi']);
    assert.deepEqual(geographiesOfSource('indicators_provinces'), ['province']);
    assert.deepEqual(geographiesOfSource('indicators_regions'), ['region']);
    assert.deepEqual(geographiesOfSource('adaptive'), []);
  });

  it('reads the figures files of the provinces and regions (a territory of several comuni or provinces)', () => {
    const f = parseFigures({ ...FILE, geography: 'province', areas: { '036': { name: 'Modena', residents: 686000, figures: FILE.city.figures } } });
    assert.equal(f.geography, 'province');
    assert.equal(f.areas.get('036').name, 'Modena');
    assert.equal(parseFigures({ ...FILE, geography: 'region', areas: {} }).geography, 'region');
    assert.deepEqual(staticFiguresPath('releases/r2', 'province', '2025'), 'releases/r2/figures/province/2025.json');
  });

  it('fetches a file once, and answers null for a missing one', async () => {
    const asked = [];
    const cache = figuresCache((g, p) => `f/${g}/${p}.json`, async (url) => {
      asked.push(url);
      return url.includes('2025-Q2') ? { status: 200, json: FILE } : { status: 404, json: null };
    });
    assert.equal(cache.loaded('h3_9', '2025-Q2'), undefined);
    const [a, b] = await Promise.all([cache.load('h3_9', '2025-Q2'), cache.load('h3_9', '2025-Q2')]);
    assert.equal(a, b);
    assert.equal(a.areas.size, 2);
    assert.equal(cache.loaded('h3_9', '2025-Q2'), a);
    assert.equal(await cache.load('h3_9', '2024-Q1'), null);
    assert.deepEqual(asked, ['f/h3_9/2025-Q2.json', 'f/h3_9/2024-Q1.json']);
  });

  it('answers null after a failed request, without asking again', async () => {
    let n = 0;
    const origError = console.error;
    console.error = () => {};
    try {
      const cache = figuresCache(() => 'u', async () => { n++; if (n === 1) throw new Error('offline'); return { status: 200, json: FILE }; });
      assert.equal(await cache.load('h3_9', '2025-Q2'), null);
      assert.equal(await cache.load('h3_9', '2025-Q2'), null);
      assert.equal(cache.loaded('h3_9', '2025-Q2'), null);
      assert.equal(n, 1);
    } finally {
      console.error = origError;
    }
  });
});

describe('explore URL (period, cmp)', () => {
  it('reads the period and the compared areas', () => {
    assert.deepEqual(readExploreUrl('#map=12/44/10&period=2025-Q2&cmp=h3_9:89a,omi:D1,h3_9:89a'), {
      period: '2025-Q2', periodMeasure: 'rate', compare: [{ geography: 'h3_9', id: '89a' }, { geography: 'omi', id: 'D1' }],
    });
    assert.deepEqual(readExploreUrl(''), { period: '', periodMeasure: 'rate', compare: [] });
    assert.deepEqual(readExploreUrl('#period=2025-Q9&cmp=bogus:1,,h3_11:x'), { period: '', periodMeasure: 'rate', compare: [] });
    assert.equal(readExploreUrl('#period=2025-Q2&pm=change').periodMeasure, 'change');
    assert.equal(readExploreUrl('#period=2025-Q2&pm=bogus').periodMeasure, 'rate');
  });

  it('keeps at most three areas', () => {
    assert.equal(parseCompare('h3_9:a,h3_9:b,h3_9:c,h3_9:d').length, MAX_COMPARE);
  });

  it('writes them back (null removes them)', () => {
    const list = [{ geography: 'section', id: '36023000001' }, { geography: 'municipality', id: '036023' }];
    assert.deepEqual(exploreParams({ period: '2025-Q1', compare: list }), { period: '2025-Q1', pm: null, cmp: 'section:36023000001,municipality:036023' });
    assert.deepEqual(exploreParams({ period: '', compare: [] }), { period: null, pm: null, cmp: null });
    // pm=change only with a quarter chosen.
    assert.equal(exploreParams({ period: '2025-Q2', periodMeasure: 'change', compare: [] }).pm, 'change');
    assert.equal(exploreParams({ period: '2025', periodMeasure: 'change', compare: [] }).pm, null);
    assert.equal(exploreParams({ period: '', periodMeasure: 'change', compare: [] }).pm, null);
    assert.deepEqual(readExploreUrl(`#cmp=${compareParam(list)}`).compare, list);
  });

  it('adds without duplicates and drops the oldest beyond three', () => {
    let l = addCompared([], { geography: 'omi', id: 'D1' });
    l = addCompared(l, { geography: 'omi', id: 'D1' });
    assert.equal(l.length, 1);
    for (const id of ['a', 'b', 'c']) l = addCompared(l, { geography: 'h3_8', id });
    assert.deepEqual(l.map((a) => a.id), ['a', 'b', 'c']);
    assert.deepEqual(removeCompared(l, { geography: 'h3_8', id: 'b' }).map((a) => a.id), ['a', 'c']);
  });
});

describe('table rows', () => {
  const files = { h3_9: parseFigures(FILE) };
  const prev = { h3_9: parseFigures(PREV) };
  const areas = [{ geography: 'h3_9', id: '89a' }, { geography: 'h3_9', id: '89b' }, { geography: 'h3_9', id: '89a' }, { geography: 'h3_9', id: '89c', residents: 5 }];

  it('gives one row per area with the indicator\'s figures and change', () => {
    const rows = tableRows(areas, 'poverty', files, prev);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], {
      id: '89a', geography: 'h3_9', name: '', residents: 1234, people: 12, rate: 9.7, status: 'protected', change: -0.3,
    });
    assert.equal(rows[1].name, 'Centro');
    assert.equal(rows[1].status, 'not_applicable');
    assert.equal(rows[1].change, null);
    // An area the file lacks keeps what the tile says.
    assert.equal(rows[2].residents, 5);
  });

  it('sorts, missing values last in both directions', () => {
    const rows = [{ id: 'a', rate: 3 }, { id: 'b', rate: null }, { id: 'c', rate: 10 }, { id: 'd', rate: 3 }];
    assert.deepEqual(sortRows(rows, 'rate', 'asc').map((r) => r.id), ['a', 'd', 'c', 'b']);
    assert.deepEqual(sortRows(rows, 'rate', 'desc').map((r) => r.id), ['c', 'd', 'a', 'b']);
    assert.deepEqual(sortRows([{ id: 'x2', name: 'b' }, { id: 'x10', name: 'a' }], 'id').map((r) => r.id), ['x2', 'x10']);
    assert.deepEqual(nextSort(null, 'rate'), { key: 'rate', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'rate', dir: 'desc' }, 'rate'), { key: 'rate', dir: 'asc' });
    assert.deepEqual(nextSort({ key: 'rate', dir: 'desc' }, 'name'), { key: 'name', dir: 'asc' });
  });

  it('writes CSV with a BOM, a header and quoted cells', () => {
    const csv = toCSV(['area', 'name', 'rate'], [['89a', 'Via "Emilia", 1', 9.7], ['89b', null, '']]);
    assert.equal(csv, '\uFEFFarea,name,rate\r\n89a,"Via ""Emilia"", 1",9.7\r\n89b,,\r\n');
  });
});

describe('releaseChoices', async () => {
  const { releaseChoices } = await import('../src/public/site.js');
  it('lists the bundle\'s releases, newest first', () => {
    const index = { latest: 2, releases: [{ id: 1, path: 'releases/r1' }, { id: 3, path: 'releases/r3' }, { id: 2, path: 'releases/r2' }, { id: 'x', path: 'y' }, { id: 4 }] };
    assert.deepEqual(releaseChoices(index), [{ id: 3, latest: false }, { id: 2, latest: true }, { id: 1, latest: false }]);
    assert.deepEqual(releaseChoices(null), []);
  });
});
