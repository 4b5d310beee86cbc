// The desk features' pure functions: the plain-language reading of relative risks, the chart
// scales and SVG, the API addresses. Fixture figures have the shape of GET /api/categories.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  categoryLabel, categorySentence, categoryWho, domainPredicate, exposureReading, fmtRR, splitCategories,
} from '../src/desk/desk-text.js';
import {
  LOG_TICKS, compareChartSVG, exposureChartSVG, linearAxis, linearScale, logScale, rrAxis,
} from '../src/desk/desk-chart.js';
import {
  categoriesURL, compareURL, comparedByGeography, reportURL, targetingURL,
} from '../src/desk/desk-urls.js';

const cat = (dimension, category, rr, lo, hi, extra = {}) => ({
  dimension, category, residents: 1000, people: 40, rate: 40, ci_low: 30, ci_high: 50, relative_risk: rr, rr_low: lo, rr_high: hi, status: 'published', ...extra,
});

const FIXTURE = {
  domain: 'housing',
  period: '2025',
  against: 'residents outside the category',
  unclassified_people: 12,
  categories: [
    cat('household_type', 'monogenitore', 2.4, 1.9, 3.0),
    cat('citizenship', 'non_eu', 4.05, 3.8, 4.32),
    cat('age', '80+', 1.3, 0.9, 1.8),
    cat('sex', 'M', 0.84, 0.78, 0.9),
    cat('age', '00-14', 0, 0, 0.01),
    { dimension: 'disability', category: 'yes', residents: 30, people: null, rate: null, status: 'withheld' },
    cat('sex', 'F', null, null, null),
  ],
};

describe('desk pure modules', () => {
  for (const name of ['desk-text', 'desk-chart', 'desk-urls']) {
    it(`${name}.js imports only pure modules and uses no DOM`, async () => {
      const src = await readFile(new URL(`../src/desk/${name}.js`, import.meta.url), 'utf8');
      const imports = [...src.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
      for (const from of imports) assert.ok(['../i18n/i18n.js', '../i18n/format.js', './desk-text.js'].includes(from), `${name}.js imports ${from}`);
      const code = src.replace(/(^|\s)\/\/.*$/gm, '$1');
      assert.doesNotMatch(code, /\b(document|window|localStorage|navigator|fetch)\b/);
    });
  }
});

describe('relative risks in words', () => {
  it('formats relative risks with up to two decimals, the Italian and English way', () => {
    assert.equal(fmtRR('en', 2.4), '2.4');
    assert.equal(fmtRR('it', 2.4), '2,4');
    assert.equal(fmtRR('en', 4.05), '4.05');
    assert.equal(fmtRR('en', 1), '1');
    assert.equal(fmtRR('en', null), '');
  });

  it('writes the brief\'s example from its figures', () => {
    const s = categorySentence('en', 'housing', cat('household_type', 'monogenitore', 2.4, 1.9, 3.0));
    assert.equal(s, 'Single-parent households are 2.4 times as likely as the rest of the residents to be in housing need (95% interval 1.9–3).');
    const it = categorySentence('it', 'housing', cat('household_type', 'monogenitore', 2.4, 1.9, 3.0));
    assert.equal(it, 'I residenti in famiglie monogenitore hanno una probabilità 2,4 volte quella del resto dei residenti di essere in disagio abitativo (intervallo al 95% 1,9–3).');
  });

  it('takes every number of the text from the figures', () => {
    for (const lang of ['it', 'en']) {
      for (const c of FIXTURE.categories.filter((x) => x.relative_risk)) {
        const s = categorySentence(lang, 'poverty', c);
        const nums = s.replace(/(comprende|includes) 1:/, '').match(/\d+(?:[.,]\d+)?/g).filter((n) => n !== '95');
        const want = [c.relative_risk, c.rr_low, c.rr_high].map((v) => fmtRR(lang, v));
        // age bands are part of the name, not figures
        const words = c.dimension === 'age' ? String(c.category).match(/\d+/g).map((n) => String(Number(n))) : [];
        assert.deepEqual(nums.filter((n) => !words.includes(n)), want, `${lang} ${c.category}: ${s}`);
      }
    }
  });

  it('says when the interval includes 1, and words a lower risk as such', () => {
    assert.match(categorySentence('en', 'housing', cat('age', '80+', 1.3, 0.9, 1.8)), /which includes 1: the difference may be chance/);
    assert.match(categorySentence('en', 'housing', cat('sex', 'M', 0.84, 0.78, 0.9)), /^Men are less likely than the rest of the residents to be in housing need: 0\.84 times as likely \(95% interval 0\.78–0\.9\)\.$/);
    assert.match(categorySentence('it', 'housing', cat('sex', 'M', 0.84, 0.78, 0.9)), /^Gli uomini hanno una probabilità minore .* 0,84 volte \(intervallo al 95% 0,78–0,9\)\.$/);
  });

  it('reads the top categories with a clear excess, highest first', () => {
    const en = exposureReading('en', FIXTURE);
    assert.equal(en.length, 2);
    assert.match(en[0], /^Non-EU citizens are 4\.05 times as likely .* \(95% interval 3\.8–4\.32\)\.$/);
    assert.match(en[1], /^Single-parent households are 2\.4 times/);
    assert.equal(exposureReading('en', FIXTURE, { top: 1 }).length, 1);
    // only unclear excesses: those are read, saying so
    const unclear = exposureReading('en', { domain: 'health', categories: [cat('age', '80+', 1.3, 0.9, 1.8)] });
    assert.match(unclear[0], /^Residents aged 80\+ are 1\.3 times as likely .* to be in health need .*includes 1/);
    assert.deepEqual(exposureReading('it', { domain: 'health', categories: [cat('sex', 'M', 0.8, 0.7, 0.9)] }), ['Nessuna categoria ha un rischio chiaramente più alto del gruppo di riferimento.']);
    assert.deepEqual(exposureReading('en', null), ['No category is clearly more at risk than its reference group.']);
  });

  it('names categories, unknown ones as they are', () => {
    assert.equal(categoryLabel('en', { dimension: 'age', category: '00-14' }), 'aged 0–14');
    assert.equal(categoryLabel('it', { dimension: 'household_type', category: 'unipersonale' }), 'persone che vivono sole');
    assert.equal(categoryLabel('en', { dimension: 'household_type', category: 'nuovo' }), 'nuovo');
    assert.equal(categoryWho('en', { dimension: 'household_type', category: 'nuovo' }), 'Residents in the category “nuovo” (Household type)');
    assert.equal(domainPredicate('en', 'multi_domain'), 'in need in two or more domains');
    assert.equal(domainPredicate('it', 'poverty'), 'in povertà');
  });

  it('splits the categories: drawn, without relative risk, withheld', () => {
    const { shown, noRR, withheld } = splitCategories(FIXTURE);
    assert.deepEqual(shown.map((c) => c.category), ['non_eu', 'monogenitore', '80+', 'M', '00-14']);
    assert.deepEqual(noRR.map((c) => c.category), ['F']);
    assert.deepEqual(withheld.map((c) => c.category), ['yes']);
  });
});

describe('chart scales', () => {
  it('spans the relative risks on log ticks, always around 1', () => {
    assert.deepEqual(rrAxis([2.4, 1.9, 3.0]), { min: 0.5, max: 5, ticks: [0.5, 1, 2, 5] });
    assert.deepEqual(rrAxis([0.27, 7.47, 8.27, 0.13]), { min: 0.1, max: 10, ticks: [0.1, 0.2, 0.5, 1, 2, 5, 10] });
    // zeros and missing values do not stretch the axis
    assert.deepEqual(rrAxis([0, null, 0.5, 1.5]), { min: 0.5, max: 2, ticks: [0.5, 1, 2] });
    assert.deepEqual(rrAxis([1]), { min: 0.5, max: 2, ticks: [0.5, 1, 2] });
    assert.ok(rrAxis([1e-6, 1e6]).ticks.every((x) => LOG_TICKS.includes(x)));
  });

  it('maps a log scale, 1 in the middle of 0.1–10, clamped at the ends', () => {
    const x = logScale(0.1, 10, 0, 200);
    assert.ok(Math.abs(x(1) - 100) < 1e-9);
    assert.equal(x(0.1), 0);
    assert.equal(x(10), 200);
    assert.ok(Math.abs(x(Math.sqrt(10)) - 150) < 1e-9);
    assert.equal(x(0), 0);
    assert.equal(x(1000), 200);
  });

  it('rounds a linear axis up from 0', () => {
    assert.deepEqual(linearAxis([12.98, 62.92, 20.9]), { min: 0, max: 80, ticks: [0, 20, 40, 60, 80] });
    assert.deepEqual(linearAxis([3.2]), { min: 0, max: 4, ticks: [0, 1, 2, 3, 4] });
    assert.deepEqual(linearAxis([null, undefined]), { min: 0, max: 1, ticks: [0, 1] });
    const x = linearScale(0, 80, 100, 300);
    assert.equal(x(40), 200);
    assert.equal(x(-5), 100);
  });

  it('draws one row per category with a whisker, the reference line at 1', () => {
    const { shown } = splitCategories(FIXTURE);
    const svg = exposureChartSVG('en', shown, { label: 'Relative risk <test>' });
    assert.match(svg, /^<svg class="rr-chart"[^>]* role="img" aria-label="Relative risk &lt;test&gt;">/);
    assert.equal((svg.match(/class="rr-row/g) || []).length, shown.length);
    assert.equal((svg.match(/class="rr-whisker"/g) || []).length, shown.length);
    assert.equal((svg.match(/class="rr-ref"/g) || []).length, 1);
    assert.match(svg, /1 = reference/);
    // a zero is drawn as a mark at the start of the axis, not as a dot
    assert.equal((svg.match(/rr-below/g) || []).length, 1);
    assert.match(svg, /single-parent households: 2\.4 \(1\.9–3\)/);
    assert.doesNotMatch(svg, />0\.01</, 'a zero does not stretch the axis');
  });

  it('draws the compare chart with the city as a line', () => {
    const svg = compareChartSVG('en', 'Housing', [
      { label: 'District B3', rate: 20, ci_low: 18, ci_high: 22 },
      { label: 'District C7', rate: null },
    ], { rate: 21 }, { label: 'chart' });
    assert.equal((svg.match(/class="rr-dot"/g) || []).length, 1);
    assert.match(svg, /class="rr-ref cmp-city"/);
    assert.match(svg, /City: 21\.0/);
    assert.match(svg, /withheld/);
  });
});

describe('desk API addresses', () => {
  const base = 'https://example.org/api/';
  it('builds categories and compare queries, leaving out what is not set', () => {
    assert.equal(categoriesURL(base, 'housing', '').href, 'https://example.org/api/categories?domain=housing');
    assert.equal(categoriesURL(base, 'multi_domain', '2025-Q1').href, 'https://example.org/api/categories?domain=multi_domain&period=2025-Q1');
    assert.equal(categoriesURL(base, 'housing', '2025', 'B1').href, 'https://example.org/api/categories?domain=housing&period=2025&geography=omi&id=B1');
    assert.equal(categoriesURL(base, 'housing', '2025', '').href, 'https://example.org/api/categories?domain=housing&period=2025');
    assert.equal(compareURL(base, 'omi', ['B3', 'C7', 'C8'], '2025').href, 'https://example.org/api/compare?geography=omi&ids=B3%2CC7%2CC8&period=2025');
  });

  it('builds report links with escaped area codes', () => {
    assert.equal(reportURL(base, 'omi', 'B3', { format: 'xlsx', lang: 'it', period: '2025' }).href,
      'https://example.org/api/areas/omi/B3/report?format=xlsx&lang=it&period=2025');
    assert.equal(reportURL(base, 'section', 'a/b', { lang: 'en' }).href, 'https://example.org/api/areas/section/a%2Fb/report?format=html&lang=en');
  });

  it('builds the targeting export with the list\'s filters, each only when set', () => {
    const u = targetingURL(base, {
      geography: 'section', id: '360230000001', need: 'eviction', purpose: 'bando affitto 2025', period: '2025',
      withoutHelp: true, householdType: 'MONOGENITORE', format: 'xlsx', lang: 'en',
    });
    assert.equal(u.pathname, '/api/targeting');
    assert.equal(u.searchParams.get('purpose'), 'bando affitto 2025');
    assert.equal(u.searchParams.get('without_help'), 'true');
    assert.equal(u.searchParams.get('household_type'), 'MONOGENITORE');
    assert.equal(u.searchParams.get('format'), 'xlsx');
    assert.equal(u.searchParams.get('lang'), 'en');
    const plain = targetingURL(base, {
      geography: 'section', id: 'x', need: 'n', purpose: 'p', withoutHelp: false, householdType: '',
    }).searchParams;
    assert.deepEqual([...plain.keys()], ['geography', 'id', 'need', 'purpose']);
  });

  it('names each of the server\'s household types in both languages', async () => {
    const { t } = await import('../src/i18n/i18n.js');
    const { VOCABULARY } = await import('../test-helpers/vocabulary-answer.mjs');
    const householdTypes = VOCABULARY.household_types;
    assert.ok(householdTypes?.length, 'the recorded vocabulary has household types');
    for (const h of householdTypes) {
      for (const lang of ['it', 'en']) assert.notEqual(t(lang, `cat_household_type_${h.toLowerCase()}`), `cat_household_type_${h.toLowerCase()}`);
    }
  });

  it('groups the compared areas by geography, leaving the city out', () => {
    const g = comparedByGeography([{ geography: 'omi', id: 'B3' }, { geography: 'section', id: '1' }, { geography: 'omi', id: 'C7' }, { geography: 'municipality', id: '036023' }]);
    assert.deepEqual([...g], [['omi', ['B3', 'C7']], ['section', ['1']]]);
  });
});
