import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  URL_KEYS, mergeHash, parseArea, readUrlState, urlParams, vocabularyChoices,
} from '../src/model/url-state.js';
import { EMPTY_VOCABULARY, parseVocabulary } from '../src/model/vocabulary.js';
import { SESSION_ANSWER } from '../test-helpers/vocabulary-answer.mjs';

const DEFAULTS = {
  lang: 'it', view: 'overlap', unit: 'hexagons', indicator: 'multi_domain', measure: 'rate', analysis: 'moran_multi_domain', area: null,
};

describe('readUrlState', () => {
  it('gives the defaults for an empty hash and nothing stored', () => {
    assert.deepEqual(readUrlState(''), DEFAULTS);
    assert.deepEqual(readUrlState('#'), DEFAULTS);
    assert.deepEqual(readUrlState(undefined), DEFAULTS);
  });

  it('reads every choice from the hash', () => {
    const s = readUrlState('#map=12/44.6/10.9&lang=en&view=indicator&layer=sections&ind=health&measure=eb&analysis=gi_poverty&area=section:360230000001');
    assert.deepEqual(s, {
      lang: 'en', view: 'indicator', unit: 'sections', indicator: 'health', measure: 'eb', analysis: 'gi_poverty',
      area: { geography: 'section', id: '360230000001' },
    });
  });

  it('falls back to the stored choice, then the default, for a missing or invalid value', () => {
    const stored = { view: 'hotspot', layer: 'nonsense', lang: 'en' };
    const s = readUrlState('#view=bogus&ind=health', (p) => stored[p] ?? null);
    assert.equal(s.view, 'hotspot');
    assert.equal(s.unit, 'hexagons');
    assert.equal(s.indicator, 'health');
    assert.equal(s.lang, 'en');
  });

  it('prefers the hash to the stored choice', () => {
    const s = readUrlState('#lang=it&measure=rate', (p) => ({ lang: 'en', measure: 'eb' })[p]);
    assert.equal(s.lang, 'it');
    assert.equal(s.measure, 'rate');
  });

  it('normalises the language and refuses unknown ones', () => {
    assert.equal(readUrlState('#lang=EN-gb').lang, 'en');
    assert.equal(readUrlState('#lang=fr').lang, 'it');
    assert.equal(readUrlState('#lang=fr', () => 'en').lang, 'en');
  });
});

describe('vocabularyChoices', () => {
  const vocab = parseVocabulary(SESSION_ANSWER).vocabulary;

  it('keeps only words for the indicator and the analysis until the vocabulary is read', () => {
    const s = readUrlState('#ind=crime&analysis=moran_crime');
    assert.equal(s.indicator, 'crime');
    assert.equal(s.analysis, 'moran_crime');
    const bad = readUrlState('#ind=Crime%20rate&analysis=<b>', (p) => ({ ind: 'x y' })[p] ?? null);
    assert.equal(bad.indicator, 'multi_domain');
    assert.equal(bad.analysis, 'moran_multi_domain');
  });

  it('keeps the choices the vocabulary has', () => {
    assert.deepEqual(vocabularyChoices(vocab, { indicator: 'health', analysis: 'bivariate_housing_health' }),
      { indicator: 'health', analysis: 'bivariate_housing_health' });
  });

  it('falls back to the stored choice, then the default, then the first word', () => {
    const stored = { ind: 'work', analysis: 'nonsense' };
    assert.deepEqual(vocabularyChoices(vocab, { indicator: 'crime', analysis: 'moran_crime' }, (p) => stored[p] ?? null),
      { indicator: 'work', analysis: 'moran_multi_domain' });
    const small = parseVocabulary({ vocabulary: { ...SESSION_ANSWER.vocabulary, indicators: ['poverty', 'health'], hotspot_indicators: ['health'], bivariate_pairs: [], map_domains: [] } }).vocabulary;
    assert.deepEqual(vocabularyChoices(small, { indicator: 'crime', analysis: 'x' }), { indicator: 'poverty', analysis: 'moran_health' });
  });

  it('chooses nothing from the empty vocabulary', () => {
    assert.deepEqual(vocabularyChoices(EMPTY_VOCABULARY, { indicator: 'health', analysis: 'moran_health' }), { indicator: '', analysis: '' });
  });
});

describe('parseArea', () => {
  it('reads geography:id for the known geographies', () => {
    assert.deepEqual(parseArea('h3_8:881ea63ad3fffff'), { geography: 'h3_8', id: '881ea63ad3fffff' });
    assert.deepEqual(parseArea('omi:D1'), { geography: 'omi', id: 'D1' });
    assert.deepEqual(parseArea('municipality:036023'), { geography: 'municipality', id: '036023' });
    assert.deepEqual(parseArea('province:036'), { geography: 'province', id: '036' });
    assert.deepEqual(parseArea('region:08'), { geography: 'region', id: '08' });
  });

  it('keeps colons inside the id', () => {
    assert.deepEqual(parseArea('omi:D1:x'), { geography: 'omi', id: 'D1:x' });
  });

  it('refuses unknown geographies, H3 resolutions outside 7..10, and empty ids', () => {
    for (const v of ['h3_6:abc', 'h3_11:abc', 'state:1', 'provinces:036', 'region:', 'section:', 'section', '', null, undefined]) {
      assert.equal(parseArea(v), null, String(v));
    }
  });
});

describe('urlParams and mergeHash', () => {
  const state = {
    lang: 'en', view: 'indicator', unit: 'districts', indicator: 'health', measure: 'rate', analysis: 'moran_health', selected: null,
  };

  it('names every choice, and the area only while one is selected', () => {
    assert.deepEqual(urlParams(state), {
      lang: 'en', view: 'indicator', layer: 'districts', ind: 'health', measure: 'rate', analysis: 'moran_health', area: null,
    });
    assert.equal(urlParams({ ...state, selected: { geography: 'omi', id: 'D1', name: 'x' } }).area, 'omi:D1');
  });

  it('keeps MapLibre\'s map= in place and readable', () => {
    assert.equal(mergeHash('#map=11.5/44.645/10.925&lang=it', { lang: 'en', view: 'indicator' }), 'map=11.5/44.645/10.925&lang=en&view=indicator');
  });

  it('removes parameters set to null, undefined or empty', () => {
    assert.equal(mergeHash('#map=9/1/2&area=omi:D1&view=overlap&lang=it', { area: null, view: '', lang: undefined }), 'map=9/1/2');
    assert.equal(mergeHash('', {}), '');
  });

  it('round-trips a state through the hash', () => {
    const selected = { geography: 'h3_9', id: '891ea63ad3fffff' };
    const hash = `#${mergeHash('#map=13/44.6/10.9', urlParams({ ...state, selected }))}`;
    const back = readUrlState(hash);
    assert.deepEqual(back, {
      lang: 'en', view: 'indicator', unit: 'districts', indicator: 'health', measure: 'rate', analysis: 'moran_health', area: selected,
    });
  });

  it('lists the state keys whose change rewrites the hash', () => {
    assert.deepEqual([...URL_KEYS].sort(), ['analysis', 'indicator', 'lang', 'measure', 'selected', 'unit', 'view']);
  });
});
