import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  EMPTY_VOCABULARY, analyses, analysesOf, bivariatePairs, domains, hotspotIndicators, indicators, mapDomains, needs,
  parseVocabulary, setVocabulary, validChoice, vocabulary,
} from '../src/model/vocabulary.js';
import { SESSION_ANSWER, VOCABULARY } from '../test-helpers/vocabulary-answer.mjs';

const ANALYSES = [
  'moran_poverty', 'moran_housing', 'moran_health', 'moran_multi_domain',
  'gi_poverty', 'gi_housing', 'gi_health', 'gi_multi_domain',
  'bivariate_poverty_health', 'bivariate_poverty_housing', 'bivariate_housing_health',
];

describe('parseVocabulary', () => {
  it('reads the vocabulary of a session answer', () => {
    const { vocabulary: v, ok } = parseVocabulary(SESSION_ANSWER);
    assert.equal(ok, true);
    assert.deepEqual(v.indicators, VOCABULARY.indicators);
    assert.deepEqual(v.domains, VOCABULARY.domains);
    assert.deepEqual(v.mapDomains, ['poverty', 'housing', 'health']);
    assert.deepEqual(v.needs, VOCABULARY.needs);
    assert.deepEqual(v.geographies, VOCABULARY.geographies);
    assert.deepEqual(v.hotspotIndicators, VOCABULARY.hotspot_indicators);
    assert.deepEqual(v.bivariatePairs, VOCABULARY.bivariate_pairs);
    assert.deepEqual(v.analyses, ANALYSES);
    assert.ok(Object.isFrozen(v) && Object.isFrozen(v.indicators) && Object.isFrozen(v.bivariatePairs[0]));
  });

  it('gives the empty vocabulary and ok false for a missing one', () => {
    for (const answer of [undefined, null, 'x', 42, [], {}, { ...SESSION_ANSWER, vocabulary: undefined },
      { ...SESSION_ANSWER, vocabulary: null }, { ...SESSION_ANSWER, vocabulary: [] }, { ...SESSION_ANSWER, vocabulary: 'words' }]) {
      const { vocabulary: v, ok } = parseVocabulary(answer);
      assert.equal(ok, false, JSON.stringify(answer));
      assert.equal(v, EMPTY_VOCABULARY);
    }
  });

  it('gives the empty vocabulary for a malformed one, never a part of it', () => {
    const bad = [
      { indicators: undefined },
      { indicators: [] },
      { indicators: 'poverty' },
      { indicators: ['poverty', 7] },
      { indicators: ['Poverty'] },
      { indicators: ['poverty rate'] },
      { domains: null },
      { map_domains: undefined },
      { needs: [null] },
      { geographies: {} },
      { hotspot_indicators: ['poverty', ''] },
      { bivariate_pairs: undefined },
      { bivariate_pairs: [['poverty']] },
      { bivariate_pairs: [['poverty', 'health', 'housing']] },
      { bivariate_pairs: ['poverty_health'] },
      { bivariate_pairs: [['poverty', 3]] },
      // What the map draws and analyses must be indicators.
      { map_domains: ['poverty', 'crime'] },
      { hotspot_indicators: ['crime'] },
      { bivariate_pairs: [['poverty', 'crime']] },
    ];
    for (const patch of bad) {
      const { vocabulary: v, ok } = parseVocabulary({ ...SESSION_ANSWER, vocabulary: { ...VOCABULARY, ...patch } });
      assert.equal(ok, false, JSON.stringify(patch));
      assert.equal(v, EMPTY_VOCABULARY, JSON.stringify(patch));
    }
  });

  it('drops repeated words', () => {
    const { vocabulary: v } = parseVocabulary({ vocabulary: { ...VOCABULARY, needs: ['eviction', 'eviction'] } });
    assert.deepEqual(v.needs, ['eviction']);
  });

  it('accepts empty lists other than the indicators', () => {
    const { vocabulary: v, ok } = parseVocabulary({ vocabulary: { ...VOCABULARY, hotspot_indicators: [], bivariate_pairs: [] } });
    assert.equal(ok, true);
    assert.deepEqual(v.analyses, []);
  });
});

describe('analysesOf', () => {
  it('derives Moran, Gi* and bivariate analyses, in that order', () => {
    assert.deepEqual(analysesOf(VOCABULARY.hotspot_indicators, VOCABULARY.bivariate_pairs), ANALYSES);
    assert.deepEqual(analysesOf(['work'], [['work', 'education']]), ['moran_work', 'gi_work', 'bivariate_work_education']);
    assert.deepEqual(analysesOf([], []), []);
  });
});

describe('the vocabulary in use', () => {
  afterEach(() => setVocabulary(null));

  it('is empty until set, and again when set to nothing', () => {
    assert.equal(vocabulary(), EMPTY_VOCABULARY);
    for (const get of [indicators, domains, needs, mapDomains, hotspotIndicators, bivariatePairs, analyses]) assert.deepEqual(get(), []);
    setVocabulary(parseVocabulary(SESSION_ANSWER).vocabulary);
    assert.deepEqual(indicators(), VOCABULARY.indicators);
    assert.deepEqual(mapDomains(), VOCABULARY.map_domains);
    assert.deepEqual(domains(), VOCABULARY.domains);
    assert.deepEqual(needs(), VOCABULARY.needs);
    assert.deepEqual(analyses(), ANALYSES);
    setVocabulary(undefined);
    assert.equal(vocabulary(), EMPTY_VOCABULARY);
  });

  it('has no word of its own: the empty vocabulary is empty', () => {
    for (const [k, list] of Object.entries(EMPTY_VOCABULARY)) assert.deepEqual(list, [], k);
  });
});

describe('validChoice', () => {
  it('keeps the first candidate allowed, else the first allowed, else nothing', () => {
    assert.equal(validChoice(['a', 'b', 'c'], 'x', 'b', 'c'), 'b');
    assert.equal(validChoice(['a', 'b'], 'x', null, undefined), 'a');
    assert.equal(validChoice([], 'a', 'b'), '');
  });
});
