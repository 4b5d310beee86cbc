// The modules of src/ import one another without a circle: a module's static imports (import and
// export ... from) never lead back to it. Dynamic import() is not followed (it loads later, as a
// chunk of its own).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

// The static imports of a module's source, as paths; comments and strings in code are not
// parsed, but the source has import and export ... from statements only at the top level.
export function staticImports(path, source = readFileSync(path, 'utf8')) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const specs = [
    ...code.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*'([^']+)'/gms),
    ...code.matchAll(/^\s*import\s*'([^']+)'/gm),
  ].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.') && s.endsWith('.js')).map((s) => resolve(dirname(path), s));
}

// The import circles of a graph (Map path -> [paths]): each as the list of its modules.
export function circles(graph) {
  const found = [];
  const state = new Map(); // path -> 1 on the stack, 2 done
  const stack = [];
  const visit = (p) => {
    state.set(p, 1);
    stack.push(p);
    for (const q of graph.get(p) || []) {
      if (state.get(q) === 1) found.push([...stack.slice(stack.indexOf(q)), q]);
      else if (!state.has(q)) visit(q);
    }
    stack.pop();
    state.set(p, 2);
  };
  for (const p of graph.keys()) if (!state.has(p)) visit(p);
  return found;
}

describe('import graph of src/', () => {
  const files = modules();
  const graph = new Map(files.map((f) => [f, staticImports(f)]));

  it('finds a circle when there is one', () => {
    assert.equal(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])).length, 1);
    assert.equal(circles(new Map([['a', ['b']], ['b', []]])).length, 0);
  });

  it('every relative import names a module that exists', () => {
    for (const [f, targets] of graph) {
      for (const t of targets) assert.ok(graph.has(t), `${relative(SRC, f)} imports ${relative(SRC, t)}, which is not there`);
    }
  });

  it('has no import circle', () => {
    const named = circles(graph).map((c) => c.map((p) => relative(SRC, p)).join(' -> '));
    assert.deepEqual(named, [], `import circles:\n${named.join('\n')}`);
  });
});
