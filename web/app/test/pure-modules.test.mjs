// The modules unit-tested here are pure: they import neither MapLibre nor the page modules,
// and touch no DOM, so they load in Node without a browser.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

const PURE = ['basemap', 'bounds', 'catalog', 'classify', 'embed', 'errors', 'explore-url', 'figures', 'format', 'i18n', 'labels', 'map-style', 'search', 'session', 'share-link', 'site', 'table-data', 'url-state', 'vocabulary', 'classes', 'bivariate', 'map-fields', 'maps-url', 'custom-area-data', 'change-map', 'foresight-data', 'foresight-chart'];

describe('pure modules', () => {
  for (const name of PURE) {
    it(`${name}.js imports only pure modules and uses no DOM`, async () => {
      const src = await readFile(new URL(`../src/${name}.js`, import.meta.url), 'utf8');
      const imports = [...src.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
      for (const from of imports) {
        // Feature strings (strings/<feature>.js) are plain data.
        if (/^\.\/strings\/[\w-]+\.js$/.test(from)) continue;
        assert.match(from, /^\.\/[\w-]+\.js$/, `${name}.js imports ${from}`);
        assert.ok(PURE.includes(from.slice(2, -3)), `${name}.js imports the page module ${from}`);
      }
      const code = src.replace(/(^|\s)\/\/.*$/gm, '$1');
      assert.doesNotMatch(code, /\b(document|window|localStorage|navigator|fetch)\b/, `${name}.js touches the DOM`);
      await import(`../src/${name}.js`);
    });
  }
});
