import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appFolder, appURL, embedOptions, hashWithQuery, isEmbedPage,
} from '../src/public/embed.js';
import {
  embedBase, embedHash, embedURL, escapeAttr, iframeSnippet, sizeValue,
} from '../src/public/share-link.js';

describe('isEmbedPage', () => {
  it('reads the meta', () => {
    assert.equal(isEmbedPage({ mode: 'embed', pathname: '/' }), true);
    assert.equal(isEmbedPage({ mode: ' Embed ', pathname: '/' }), true);
    assert.equal(isEmbedPage({ mode: 'app', pathname: '/' }), false);
    assert.equal(isEmbedPage({ mode: undefined, pathname: '/' }), false);
  });

  it('reads the path', () => {
    for (const p of ['/embed', '/embed/', '/site/embed.html', '/site/embed/', 'embed']) assert.equal(isEmbedPage({ pathname: p }), true, p);
    for (const p of ['/', '/index.html', '/embedded', '/site/myembed.html', '/embed/x']) assert.equal(isEmbedPage({ pathname: p }), false, p);
  });
});

describe('embedOptions', () => {
  it('defaults to interactive, with legend, no area', () => {
    assert.deepEqual(embedOptions('', ''), { interactive: true, legend: true, area: null });
  });

  it('reads the hash, else the query', () => {
    assert.deepEqual(embedOptions('#interactive=0&legend=false&area=omi:B1', ''), {
      interactive: false, legend: false, area: { geography: 'omi', id: 'B1' },
    });
    assert.deepEqual(embedOptions('', '?interactive=no&area=section:360230000123'), {
      interactive: false, legend: true, area: { geography: 'section', id: '360230000123' },
    });
    assert.equal(embedOptions('#interactive=1', '?interactive=0').interactive, true);
    assert.equal(embedOptions('#interactive=bogus', '').interactive, true);
    assert.equal(embedOptions('#area=nonsense', '').area, null);
  });
});

describe('hashWithQuery', () => {
  it('moves the embed parameters of the query into the hash', () => {
    assert.equal(hashWithQuery('', '?view=indicator&ind=health&interactive=0'), 'view=indicator&ind=health&interactive=0');
    assert.equal(hashWithQuery('#view=overlap&map=12/44.6/10.9', '?view=indicator&ind=health'), 'view=overlap&map=12/44.6/10.9&ind=health');
  });

  it('leaves other parameters and a complete hash alone', () => {
    assert.equal(hashWithQuery('#view=overlap', '?release=3&foo=bar'), null);
    assert.equal(hashWithQuery('#view=overlap', ''), null);
    assert.equal(hashWithQuery('', '?view='), null);
  });
});

describe('appFolder and appURL', () => {
  it('finds the full map next to the embed', () => {
    assert.equal(appFolder('https://x.org/site/embed/#view=overlap'), 'https://x.org/site/');
    assert.equal(appFolder('https://x.org/site/embed.html?x=1'), 'https://x.org/site/');
    assert.equal(appFolder('https://x.org/site/embed/index.html'), 'https://x.org/site/');
    assert.equal(appFolder('https://x.org/site/index.html'), 'https://x.org/site/');
    assert.equal(appFolder('https://x.org/embed'), 'https://x.org/');
  });

  it('keeps the state, drops the embed options', () => {
    assert.equal(appURL('https://abitare.example/embed#view=indicator&ind=health&interactive=0&legend=0&map=13/44.6/10.9'),
      'https://abitare.example/#view=indicator&ind=health&map=13/44.6/10.9');
    assert.equal(appURL('https://x.org/site/embed/?view=hotspot#lang=en', { static: true }), 'https://x.org/site/#lang=en&view=hotspot');
    assert.equal(appURL('https://x.org/embed'), 'https://x.org/');
  });
});

describe('embed URL', () => {
  it('is /embed on the live server, embed/ in the static site\'s folder', () => {
    assert.equal(embedBase('https://abitare.example/#view=overlap'), 'https://abitare.example/embed');
    assert.equal(embedBase('https://abitare.example/some/path?x=1#a'), 'https://abitare.example/embed');
    assert.equal(embedBase('https://x.github.io/open-data/#view=overlap', { static: true }), 'https://x.github.io/open-data/embed/');
    assert.equal(embedBase('https://x.github.io/open-data/index.html', { static: true }), 'https://x.github.io/open-data/embed/');
  });

  it('carries the view and only the options that apply', () => {
    const base = {
      lang: 'it', view: 'indicator', layer: 'sections', ind: 'health', measure: 'rate', analysis: 'moran_poverty', map: '13/44.64/10.92', area: null, interactive: true, legend: true,
    };
    assert.equal(embedHash(base), 'lang=it&view=indicator&layer=sections&ind=health&map=13/44.64/10.92');
    assert.equal(embedHash({ ...base, view: 'overlap', layer: 'hexagons' }), 'lang=it&view=overlap&layer=hexagons&map=13/44.64/10.92');
    assert.equal(embedHash({ ...base, view: 'hotspot' }), 'lang=it&view=hotspot&layer=sections&analysis=moran_poverty&map=13/44.64/10.92');
    assert.equal(embedHash({ ...base, measure: 'eb', area: 'omi:B1', interactive: false, legend: false, map: null }),
      'lang=it&view=indicator&layer=sections&ind=health&measure=eb&area=omi:B1&interactive=0&legend=0');
    assert.equal(embedURL('https://a.example/#x', { ...base, map: null }), 'https://a.example/embed#lang=it&view=indicator&layer=sections&ind=health');
    assert.equal(embedURL('https://a.example/', {}), 'https://a.example/embed');
  });
});

describe('iframe snippet', () => {
  it('escapes attributes', () => {
    assert.equal(escapeAttr('a&b"c\'d<e>f'), 'a&amp;b&quot;c&#39;d&lt;e&gt;f');
    assert.equal(escapeAttr(null), '');
  });

  it('builds the element', () => {
    const s = iframeSnippet({ src: 'https://a.example/embed#view=overlap&lang=it', title: 'Mappa "Abitare" <Modena>', width: '100%', height: '480' });
    assert.equal(s, '<iframe src="https://a.example/embed#view=overlap&amp;lang=it" title="Mappa &quot;Abitare&quot; &lt;Modena&gt;" width="100%" height="480" loading="lazy" style="border:0"></iframe>');
  });

  it('cannot be broken out of by its options', () => {
    const s = iframeSnippet({ src: 'https://a.example/embed#x="><script>alert(1)</script>', title: 't', width: '" onload="alert(1)', height: '300px' });
    assert.doesNotMatch(s, /<script>|onload=/);
    assert.match(s, / width="100%" height="300" /);
    assert.equal((s.match(/"/g) || []).length % 2, 0);
  });

  it('takes pixels or percentages for the size', () => {
    assert.equal(sizeValue('600', 'x'), '600');
    assert.equal(sizeValue(' 600px ', 'x'), '600');
    assert.equal(sizeValue('75%', 'x'), '75%');
    assert.equal(sizeValue('0', 'x'), 'x');
    assert.equal(sizeValue('101%', 'x'), 'x');
    assert.equal(sizeValue('99999', 'x'), 'x');
    assert.equal(sizeValue('12em', 'x'), 'x');
    assert.equal(sizeValue(undefined, '480'), '480');
  });
});
