import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fieldDisplay, fieldKind, fieldOffered, fieldValues, fieldsOnSource, isRentField, mapFields, needOf, rentOfZone, rentStates, tileFields,
} from '../src/map/map-fields.js';
import {
  MAPS_URL_KEYS, mapsChoices, mapsParam, mapsParams, readMapsUrl,
} from '../src/model/maps-url.js';
import { zeroClasses } from '../src/map/classes.js';
import { WITHHELD_COLOR } from '../src/map/classify.js';
import {
  fieldColor, hatchFilter, indicatorColor, indicatorOpacity,
} from '../src/map/map-style.js';
import { parseVocabulary } from '../src/model/vocabulary.js';
import { SESSION_ANSWER } from '../test-helpers/vocabulary-answer.mjs';

const vocab = parseVocabulary(SESSION_ANSWER).vocabulary;

describe('map fields', () => {
  it('lists the composite indices and a share per need', () => {
    assert.deepEqual(tileFields(['eviction', 'job_seeker']), ['ampi', 'imd', 'unhelped_eviction', 'unhelped_job_seeker']);
    assert.equal(needOf('unhelped_eviction'), 'eviction');
    assert.equal(needOf('ampi'), null);
    assert.equal(fieldKind('ampi'), 'index');
    assert.equal(fieldKind('imd'), 'score');
    assert.equal(fieldKind('unhelped_disability'), 'share');
  });
  it('shows shares in %, indices with one decimal', () => {
    assert.equal(fieldDisplay('unhelped_eviction', 0.4567), 45.7);
    assert.equal(fieldDisplay('ampi', 103.26), 103.3);
    assert.equal(fieldDisplay('ampi', null), null);
  });
  it('reads one value per area with residents, withheld ones left out', () => {
    const f = [
      { id: 'a', residents: 10, ampi: 98, resolution: 8 }, { id: 'a', residents: 10, ampi: 98, resolution: 8 },
      { id: 'b', residents: 10, resolution: 8 }, { id: 'c', residents: 0, ampi: 120, resolution: 8 },
      { id: 'd', residents: 5, ampi: 104, resolution: 9 },
    ];
    assert.deepEqual(fieldValues(f, { field: 'ampi' }), [98, 104]);
    assert.deepEqual(fieldValues(f, { field: 'ampi', resolution: 8 }), [98]);
  });
  it('are drawn on restricted hexagons and sections only', () => {
    assert.equal(fieldsOnSource('indicators', false), true);
    assert.equal(fieldsOnSource('indicators_sections', false), true);
    assert.equal(fieldsOnSource('indicators_districts', false), false);
    assert.equal(fieldsOnSource('indicators', true), false);
  });
});

describe('rent burden by district', () => {
  it('is a derived measure of the district layer, for the roles that read aggregates', () => {
    assert.deepEqual(mapFields(['eviction']).slice(-2), ['rent_median', 'rent_above_30']);
    assert.deepEqual(tileFields(['eviction']), ['ampi', 'imd', 'unhelped_eviction']);
    assert.equal(isRentField('rent_median'), true);
    assert.equal(fieldKind('rent_above_30'), 'share');
    assert.equal(fieldOffered('rent_median', 'indicators_districts', { published: true, aggregates: true }), true);
    assert.equal(fieldOffered('rent_median', 'indicators_districts', { published: true, aggregates: false }), false);
    assert.equal(fieldOffered('rent_median', 'indicators', { published: false, aggregates: true }), false);
    assert.equal(fieldOffered('ampi', 'indicators_districts', { published: true, aggregates: true }), false);
    assert.equal(fieldOffered('ampi', 'indicators_sections', { published: false, aggregates: true }), true);
  });
  it('takes the published zones of the answer, never the withheld ones or the city', () => {
    const answer = {
      zones: [
        { zone: '', status: 'published', median_burden: 0.7, share_above_30pct: 0.9 },
        { zone: 'B3', status: 'withheld', median_burden: null, share_above_30pct: null },
        { zone: 'C1', status: 'published', median_burden: 0.42, share_above_30pct: 0.8 },
        { zone: 'D2', status: 'published', median_burden: 0, share_above_30pct: 0 },
      ],
    };
    assert.deepEqual(rentStates(answer), [
      { id: 'C1', state: { rent_median: 0.42, rent_above_30: 0.8 } },
      { id: 'D2', state: { rent_median: 0, rent_above_30: 0 } },
    ]);
    assert.deepEqual(rentStates(null), []);
  });
  it('is painted from the features\' state, withheld without it', () => {
    const expr = fieldColor({ field: 'rent_median', classes: zeroClasses([0.2, 0.5, 0.9]) });
    assert.deepEqual(expr.slice(0, 3), ['case', ['!=', ['typeof', ['feature-state', 'rent_median']], 'number'], WITHHELD_COLOR]);
  });
});

describe('maps URL state', () => {
  it('reads bx, by and mf from the hash, else stored, else defaults', () => {
    assert.deepEqual(readMapsUrl(''), { bivariateX: 'poverty', bivariateY: 'housing', mapField: '' });
    assert.deepEqual(readMapsUrl('#bx=health&by=work&mf=ampi'), { bivariateX: 'health', bivariateY: 'work', mapField: 'ampi' });
    assert.deepEqual(readMapsUrl('#bx=<b>', (p) => ({ bx: 'income' })[p] ?? null).bivariateX, 'income');
  });
  it('checks the choices against the vocabulary', () => {
    assert.deepEqual(mapsChoices(vocab, { bivariateX: 'health', bivariateY: 'crime', mapField: 'unhelped_eviction' }),
      { bivariateX: 'health', bivariateY: 'housing', mapField: 'unhelped_eviction' });
    assert.equal(mapsChoices(vocab, { mapField: 'unhelped_nothing' }).mapField, '');
  });
  it('writes the parameters, none for no derived measure', () => {
    assert.deepEqual(mapsParams({ bivariateX: 'poverty', bivariateY: 'health', mapField: '' }), { bx: 'poverty', by: 'health', mf: null });
    assert.deepEqual(MAPS_URL_KEYS, ['bivariateX', 'bivariateY', 'mapField']);
    assert.equal(mapsParam('mapField'), 'mf');
    assert.equal(mapsParam('indicator'), undefined);
  });
});

describe('map style of the new classes', () => {
  const classes = zeroClasses([0, 0, 0, 1, 2, 3, 10, 11, 30]);
  const look = { indicator: 'health', measure: 'rate', breaks: [10, 20, 30, 40], classes, view: 'indicator' };
  it('paints indicator rates with a zero class', () => {
    const expr = indicatorColor(look);
    const inner = expr[expr.length - 1];
    assert.equal(inner[0], 'case');
    assert.deepEqual(inner[1], ['==', ['to-number', ['get', 'health_rate']], 0]);
  });
  it('paints a derived measure, withheld where absent, without hatching', () => {
    const expr = indicatorColor({ ...look, field: 'ampi' });
    assert.deepEqual(expr, fieldColor({ field: 'ampi', classes }));
    assert.deepEqual(expr.slice(0, 3), ['case', ['!', ['has', 'ampi']], WITHHELD_COLOR]);
    assert.match(JSON.stringify(hatchFilter({ ...look, field: 'ampi' })), /none/);
    assert.doesNotMatch(JSON.stringify(indicatorOpacity({ ...look, field: 'ampi' })), /unstable/);
  });
  it('paints the bivariate view with the matrix, grey before its breaks', () => {
    const bv = { x: 'poverty', y: 'housing', breaks: { x: [1, 2], y: [3, 4] } };
    assert.equal(indicatorColor({ ...look, view: 'bivariate', bivariate: null }), WITHHELD_COLOR);
    assert.match(JSON.stringify(indicatorColor({ ...look, view: 'bivariate', bivariate: bv })), /#3b4994/);
    assert.match(JSON.stringify(hatchFilter({ ...look, view: 'bivariate', bivariate: bv })), /housing_unstable/);
  });
});

describe('rentOfZone', () => {
  const answer = {
    period: '2025',
    zones: [
      { zone: '', band: '', rent_eur_m2_month: 9, households: 900, median_burden: 0.31, above_30pct: 470, above_40pct: 300, share_above_30pct: 0.52, share_above_40pct: 0.33, status: 'published' },
      { zone: 'D1', band: 'D', rent_eur_m2_month: 8.5, households: 120, median_burden: 0.28, above_30pct: 50, above_40pct: 30, share_above_30pct: 0.417, share_above_40pct: 0.25, status: 'published' },
      { zone: 'B2', band: 'B', rent_eur_m2_month: 12.25, households: null, median_burden: null, share_above_30pct: null, status: 'withheld' },
      // A withheld zone that carried figures all the same: not shown.
      { zone: 'C3', band: 'C', rent_eur_m2_month: 10, households: 4, median_burden: 0.5, share_above_30pct: 1, status: 'withheld' },
    ],
  };

  it('reads a published zone', () => {
    assert.deepEqual(rentOfZone(answer, 'D1'), {
      zone: 'D1', band: 'D', status: 'published', rentPerM2: 8.5, households: 120, median: 0.28, shareAbove30: 0.417, shareAbove40: 0.25,
    });
  });

  it('keeps only the OMI rent of a withheld zone', () => {
    assert.deepEqual(rentOfZone(answer, 'B2'), {
      zone: 'B2', band: 'B', status: 'withheld', rentPerM2: 12.25, households: null, median: null, shareAbove30: null, shareAbove40: null,
    });
    const c3 = rentOfZone(answer, 'C3');
    assert.equal(c3.median, null);
    assert.equal(c3.households, null);
  });

  it('is null for a zone not listed, the city and no answer', () => {
    assert.equal(rentOfZone(answer, 'Z9'), null);
    assert.equal(rentOfZone(answer, ''), null);
    assert.equal(rentOfZone(null, 'D1'), null);
    assert.equal(rentOfZone({ zones: 'x' }, 'D1'), null);
  });
});
