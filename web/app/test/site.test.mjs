import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  archiveURL, headerBounds, isStaticSite, pickRelease, pmtilesSourceURL, releaseLayers, siteVocabulary,
} from '../src/public/site.js';
import { buildStyle } from '../src/map/map-style.js';

const index = {
  releases: [
    { id: 2, path: 'releases/r2', files: [{ path: 'README.md' }, { path: 'tiles/hexagons.pmtiles' }, { path: 'tiles/boundary.pmtiles' }, { path: 'data/h3_8.csv' }] },
    { id: 1, path: 'releases/r1', files: [{ path: 'tiles/hexagons.pmtiles' }] },
  ],
  latest: 2,
};

describe('static site', () => {
  it('is asked for by site.json or boot data with mode "static"', () => {
    assert.equal(isStaticSite({ mode: 'static' }), true);
    assert.equal(isStaticSite({ mode: 'server' }), false);
    assert.equal(isStaticSite(null), false);
    assert.equal(isStaticSite({ session: {} }), false);
  });

  it('reads the vocabulary of site.json like the session\'s', () => {
    const site = {
      mode: 'static',
      vocabulary: {
        indicators: ['poverty'], domains: ['poverty'], map_domains: ['poverty'], needs: [], geographies: ['h3_8'], hotspot_indicators: [], bivariate_pairs: [],
      },
    };
    const { vocabulary, ok } = siteVocabulary(site);
    assert.equal(ok, true);
    assert.deepEqual([...vocabulary.indicators], ['poverty']);
    assert.equal(siteVocabulary({ mode: 'static' }).ok, false);
  });

  it('picks the release asked for, else the latest', () => {
    assert.equal(pickRelease(index, null).id, 2);
    assert.equal(pickRelease(index, '1').id, 1);
    assert.equal(pickRelease(index, '7').id, 2);
    assert.equal(pickRelease({ releases: index.releases }, null).id, 2);
    assert.equal(pickRelease({ releases: [] }, null), null);
    assert.equal(pickRelease(null, null), null);
  });

  it('lists a release\'s tile layers and their archive URLs', () => {
    assert.deepEqual(releaseLayers(index.releases[0]), ['hexagons', 'boundary']);
    const url = archiveURL('https://example.org/site/', index.releases[0], 'hexagons');
    assert.equal(url, 'https://example.org/site/releases/r2/tiles/hexagons.pmtiles');
    assert.equal(pmtilesSourceURL(url), 'pmtiles://https://example.org/site/releases/r2/tiles/hexagons.pmtiles');
  });

  it('takes the bounds of a PMTiles header', () => {
    assert.deepEqual(headerBounds({ minLon: 10.8, minLat: 44.5, maxLon: 11.1, maxLat: 44.7 }), [10.8, 44.5, 11.1, 44.7]);
    assert.equal(headerBounds({}), null);
    assert.equal(headerBounds(null), null);
  });

  it('builds sources read through the pmtiles protocol', () => {
    const url = 'pmtiles://https://example.org/releases/r2/tiles/hexagons.pmtiles';
    const style = buildStyle({
      available: new Set(['hexagons']),
      tileSources: { hexagons: { url, bounds: [10, 44, 11, 45] } },
      current: 'hexagons',
      look: { indicator: 'poverty', measure: 'rate', breaks: [1, 2, 3, 4], analysis: 'moran_poverty' },
      tileJSONURL: (l) => `/tiles/${l}.json`,
    });
    assert.deepEqual(style.sources.hexagons, { type: 'vector', url, attribution: '', promoteId: 'id' });
  });
});
