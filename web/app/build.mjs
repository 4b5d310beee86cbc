// Bundles the map page into ../../ui/dist (embedded by the Go package ui).
// Output names are fixed: index.html, embed.html (the same page for framing in other sites),
// accessibility.html (the accessibility statement), app.js, app.css and worker.js (MapLibre's
// web worker); and chunk-<hash>.js, the code app.js imports or loads later.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'ui', 'dist');
const require = createRequire(import.meta.url);

await mkdir(dist, { recursive: true });
// Clear the previous build but keep dist/.gitkeep (needed by go:embed in a clean checkout).
for (const name of await readdir(dist)) {
  if (name !== '.gitkeep') await rm(join(dist, name), { recursive: true, force: true });
}

await build({
  // app.js is the page's entry; CSS imported by main.js goes to app.css.
  entryPoints: { app: join(here, 'src', 'main.js') },
  outdir: dist,
  // The code loaded later (the logged-in roles' desk and foresight, the static site's PMTiles
  // reader: dynamic import() in main.js) and the code app.js shares with it go to chunk-*.js,
  // next to app.js (map.js finds worker.js next to itself).
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});

await copyFile(join(here, 'src', 'index.html'), join(dist, 'index.html'));
// The embed page is index.html that tells the script so, first thing in the head; the Go server
// (GET /embed) and abitare publish (embed.html, embed/index.html) serve it.
const charset = '<meta charset="utf-8">';
const index = await readFile(join(here, 'src', 'index.html'), 'utf8');
if (!index.includes(charset)) throw new Error(`src/index.html has no ${charset} to put the embed meta after`);
await writeFile(join(dist, 'embed.html'),
  index.replace(charset, `${charset}\n  <meta name="abitare-mode" content="embed">`));
await copyFile(join(here, 'src', 'accessibility.html'), join(dist, 'accessibility.html'));
// MapLibre >= 6 runs its tile parsing in a separate ES-module worker file.
const workerSrc = join(dirname(require.resolve('maplibre-gl/package.json')), 'dist', 'maplibre-gl-worker.mjs');
await copyFile(workerSrc, join(dist, 'worker.js'));

console.log(`built ${(await readdir(dist)).filter((n) => n !== '.gitkeep').sort().join(', ')} in ${dist}`);
