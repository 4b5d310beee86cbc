// The optional basemap: its style URL from the boot data or site.json (basemap_style), read
// once before the map is made, and merged under the data layers of every style the map gets.
// A basemap that cannot be read is logged and left out: the map is drawn without it.
import { basemapParts, basemapURL, mergeBasemap } from './basemap.js';

let url = null;
let parts = null;

// Note the basemap_style of the boot data or of site.json.
export function rememberBasemap(boot) {
  url = basemapURL(boot?.basemap_style);
}

export const hasBasemap = () => !!parts;

// Read the basemap's style (within timeout ms); null when there is none or it failed.
export async function loadBasemap(timeout = 5000) {
  if (!url) return null;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  try {
    const res = await fetch(url, { signal: abort.signal, headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    parts = basemapParts(await res.json(), { styleURL: url });
    if (!parts) throw new Error('not a MapLibre style');
  } catch (err) {
    console.error(`basemap ${url}:`, err?.message || err);
    parts = null;
  } finally {
    clearTimeout(timer);
  }
  return parts;
}

// The page's style with the basemap under its data layers (as it is without a basemap).
export function withBasemap(style) {
  return mergeBasemap(style, parts);
}
