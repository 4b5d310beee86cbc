import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_LANG, LANGS, LOCALES, STRINGS, normalizeLang, t, tf,
} from '../src/i18n/i18n.js';
import {
  analysisLabel, analysisNote, areaKind, bivariatePair, clusterLabel, combinationLabel, geographyLabel, namedGeography, needLabel,
  roleLabel, statusLabel,
} from '../src/i18n/labels.js';
import { parseVocabulary, setVocabulary } from '../src/model/vocabulary.js';
import { SESSION_ANSWER, VOCABULARY } from '../test-helpers/vocabulary-answer.mjs';

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('string tables', () => {
  it('has Italian and English, Italian first', () => {
    assert.deepEqual(LANGS, ['it', 'en']);
    assert.equal(DEFAULT_LANG, 'it');
    assert.deepEqual(Object.keys(LOCALES).sort(), ['en', 'it']);
  });

  it('translates every key both ways, none empty, with the same placeholders', () => {
    assert.deepEqual(Object.keys(STRINGS.en).sort(), Object.keys(STRINGS.it).sort());
    for (const [key, it_] of Object.entries(STRINGS.it)) {
      const en = STRINGS.en[key];
      assert.ok(it_.trim() && en.trim(), `empty string for ${key}`);
      assert.deepEqual(placeholders(en), placeholders(it_), `placeholders of ${key}`);
    }
  });

  it('has the messages this page shows on failure, in both languages', () => {
    for (const key of ['error_session', 'error_tiles', 'error_webgl', 'session_expired', 'map_label']) {
      assert.notEqual(t('it', key), key);
      assert.notEqual(t('en', key), t('it', key), key);
    }
  });
});

describe('normalizeLang', () => {
  it('keeps the language part of a known tag', () => {
    assert.equal(normalizeLang('it'), 'it');
    assert.equal(normalizeLang('EN'), 'en');
    assert.equal(normalizeLang('it-IT'), 'it');
    assert.equal(normalizeLang('en_GB'), 'en');
  });

  it('refuses unknown and empty values', () => {
    for (const v of ['fr', 'e', '', null, undefined, 42]) assert.equal(normalizeLang(v), null, String(v));
  });
});

describe('t and tf', () => {
  it('looks a key up in the language asked', () => {
    assert.equal(t('it', 'view_indicator'), 'Indicatore');
    assert.equal(t('en', 'view_indicator'), 'Indicator');
  });

  it('falls back to Italian for an unknown language or a key English lacks, then to the key', () => {
    assert.equal(t('fr', 'view_indicator'), 'Indicatore');
    assert.equal(t(undefined, 'view_indicator'), 'Indicatore');
    STRINGS.it.__test_only = 'solo italiano';
    try {
      assert.equal(t('en', '__test_only'), 'solo italiano');
    } finally {
      delete STRINGS.it.__test_only;
    }
    assert.equal(t('en', 'no_such_key'), 'no_such_key');
  });

  it('fills {placeholders}, keeping those without a value', () => {
    assert.equal(tf('en', 'analysis_gi', { ind: 'Health' }), 'Gi*: Health');
    assert.equal(tf('en', 'analysis_gi'), 'Gi*: {ind}');
    assert.equal(tf('en', 'analysis_gi', { ind: 0 }), 'Gi*: 0');
    assert.equal(tf('it', 'ranking_geo_h3', { res: 8, extra: 'x' }), 'esagoni H3 risoluzione 8');
  });
});

describe('labels', () => {
  before(() => setVocabulary(parseVocabulary(SESSION_ANSWER).vocabulary));
  after(() => setVocabulary(null));

  it('has a label for every word of the server\'s vocabulary', () => {
    for (const lang of LANGS) {
      for (const w of [...VOCABULARY.indicators, ...VOCABULARY.domains]) assert.ok(w in STRINGS[lang], `${lang}: ${w}`);
      for (const n of VOCABULARY.needs) assert.ok(`need_${n}` in STRINGS[lang], `${lang}: need_${n}`);
    }
  });

  it('names analyses in both languages', () => {
    assert.equal(analysisLabel('it', 'moran_health'), 'Moran locale: Salute');
    assert.equal(analysisLabel('en', 'gi_poverty'), 'Gi*: Poverty');
    assert.equal(analysisLabel('it', 'bivariate_poverty_health'), 'Povertà qui → Salute intorno');
    assert.match(analysisNote('en', 'moran_multi_domain'), /multi-domain need/);
  });

  it('splits bivariate analyses, including multi-word indicators', () => {
    assert.deepEqual(bivariatePair('bivariate_housing_health'), ['housing', 'health']);
    assert.deepEqual(bivariatePair('bivariate_poverty_housing'), ['poverty', 'housing']);
    setVocabulary(null);
    assert.deepEqual(bivariatePair('bivariate_poverty_housing'), ['poverty', 'housing']);
    assert.deepEqual(bivariatePair(''), ['', '']);
    assert.equal(typeof analysisNote('en', ''), 'string');
    setVocabulary(parseVocabulary(SESSION_ANSWER).vocabulary);
  });

  it('names Gi* hot and cold spots, and LISA clusters otherwise', () => {
    assert.equal(clusterLabel('en', 'gi_health', 1), t('en', 'gi_1'));
    assert.equal(clusterLabel('en', 'gi_health', 0), t('en', 'cluster_0'));
    assert.equal(clusterLabel('it', 'moran_health', 1), 'Alto-Alto');
  });

  it('names known roles and statuses, and shows unknown ones as they are', () => {
    assert.equal(roleLabel('en', 'housing_office'), 'housing office');
    assert.equal(roleLabel('it', 'auditor'), 'auditor');
    assert.notEqual(statusLabel('it', 'protected'), 'protected');
    assert.equal(statusLabel('en', 'mystery'), 'mystery');
    assert.equal(statusLabel('en', undefined), '');
  });

  it('names needs, combinations, geographies and kinds of area', () => {
    assert.equal(needLabel('en', 'poverty'), 'Poverty');
    assert.equal(needLabel('en', 'eviction'), 'Eviction');
    assert.equal(combinationLabel('en', 'poverty+health'), 'Poverty + Health');
    assert.equal(combinationLabel('it', 'housing'), 'Disagio abitativo');
    assert.equal(geographyLabel('en', 'h3_9'), t('en', 'ranking_geo_h3').replace('{res}', '9'));
    assert.equal(geographyLabel('it', 'section'), 'sezioni di censimento');
    assert.equal(areaKind('omi'), 'district');
    assert.equal(areaKind('h3_8'), 'hexagon');
  });

  it('names the levels of a territory in both languages: kinds of area and layers', () => {
    const kinds = { municipality: ['Comune', 'Municipality'], province: ['Provincia', 'Province'], region: ['Regione', 'Region'] };
    for (const [g, [it_, en]] of Object.entries(kinds)) {
      assert.equal(areaKind(g), g);
      assert.equal(t('it', areaKind(g)), it_);
      assert.equal(t('en', areaKind(g)), en);
      assert.ok(namedGeography(g), g);
    }
    assert.equal(t('it', 'layer_provinces'), 'Province');
    assert.equal(t('en', 'layer_provinces'), 'Provinces');
    assert.equal(t('it', 'layer_regions'), 'Regioni');
    assert.equal(t('en', 'layer_regions'), 'Regions');
    assert.ok(namedGeography('omi'));
    assert.ok(!namedGeography('section') && !namedGeography('h3_9'));
  });
});
