// The modules unit-tested here are pure: they import neither MapLibre nor the page modules,
// and touch no DOM, so they load in Node without a browser.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

// By path under src/, without .js.
const PURE = [
  'map/basemap', 'map/bounds', 'model/catalog', 'map/classify', 'public/embed', 'model/errors', 'model/explore-url',
  'desk/figures', 'i18n/format', 'i18n/i18n', 'i18n/labels', 'map/map-style', 'public/search', 'model/session',
  'public/share-link', 'public/site', 'desk/table-data', 'model/url-state', 'model/vocabulary', 'map/classes',
  'map/bivariate', 'map/map-fields', 'model/maps-url', 'desk/custom-area-data', 'map/change-map',
  'foresight/foresight-data', 'foresight/foresight-chart',
];

describe('pure modules', () => {
  for (const name of PURE) {
    it(`${name}.js imports only pure modules and uses no DOM`, async () => {
      const src = await readFile(new URL(`../src/${name}.js`, import.meta.url), 'utf8');
      const imports = [...src.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
      for (const from of imports) {
        assert.match(from, /^\.\.?\/[\w\/-]+\.js$/, `${name}.js imports ${from}`);
        const target = new URL(from, new URL(`../src/${name}.js`, import.meta.url)).pathname.split('/src/')[1].slice(0, -3);
        // Feature strings (i18n/strings/<feature>.js) are plain data.
        if (/^i18n\/strings\/[\w-]+$/.test(target)) continue;
        assert.ok(PURE.includes(target), `${name}.js imports the page module ${from}`);
      }
      const code = src.replace(/(^|\s)\/\/.*$/gm, '$1');
      assert.doesNotMatch(code, /\b(document|window|localStorage|navigator|fetch)\b/, `${name}.js touches the DOM`);
      await import(`../src/${name}.js`);
    });
  }
});
