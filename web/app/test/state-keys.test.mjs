// Every key of the page state that a module reads (state.<key>) or sets (update({key: ...}),
// choose({key: ...}), renderOn/effectOn([... 'key' ...])) is declared, with its default, in
// src/model/state.js's state object.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function modules(dir = SRC, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) modules(path, out);
    else if (name.endsWith('.js')) out.push(path);
  }
  return out;
}

// The keys of the state object literal: its lines "  key: ..." at two spaces' indent.
function declaredKeys() {
  const src = readFileSync(join(SRC, 'model', 'state.js'), 'utf8');
  const body = src.slice(src.indexOf('export const state = {'), src.indexOf('\n};', src.indexOf('export const state = {')));
  return new Set([...body.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]));
}

// Keys of the object literals passed to update(...) and choose(...) (first level only), and the
// keys named in renderOn/effectOn lists.
function usedKeys(code) {
  const keys = new Set();
  for (const m of code.matchAll(/(?<![\w./-])state\.(\w+)(?!\.js)/g)) keys.add(m[1]);
  for (const m of code.matchAll(/\b(?:update|choose)\(\{/g)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    let part = '';
    for (; i < code.length; i++) {
      const c = code[i];
      if ('{[('.includes(c)) depth++;
      if ('}])'.includes(c)) depth--;
      if (depth === 1 && c !== '{') part += c;
      else if (depth === 1 || depth === 0) part += ' ';
      if (depth === 0) break;
    }
    for (const seg of part.split(',')) {
      const k = seg.trim().match(/^(\w+)\s*(?::|$)/); // key: value, or the shorthand key
      if (k) keys.add(k[1]);
    }
  }
  for (const m of code.matchAll(/\b(?:renderOn|effectOn)\(\[([^\]]*)\]/g)) {
    for (const k of m[1].matchAll(/'(\w+)'/g)) keys.add(k[1]);
  }
  return keys;
}

describe('state keys', () => {
  it('every key used is declared with its default in model/state.js', () => {
    const declared = declaredKeys();
    assert.ok(declared.has('lang') && declared.has('session'), 'the state object was not found');
    const missing = [];
    for (const f of modules()) {
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      for (const k of usedKeys(code)) if (!declared.has(k)) missing.push(`${relative(SRC, f)}: ${k}`);
    }
    assert.deepEqual(missing, []);
  });
});
