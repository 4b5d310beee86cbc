// Requests to the Abitare server: the API under /api/, the tile catalog, and the boot data
// inlined into the page.
import { parseCatalog } from './catalog.js';
import { EMBED } from '../public/embed-boot.js';
import { parseErrorBody } from './errors.js';
import { sessionOrAnonymous } from './session.js';

// The embed reads the public API and tiles under /embed/: there the server drops whatever
// credentials arrive and answers as the anonymous public, so the embed shows the public's
// figures even in a logged-in user's browser (it also sends none: CREDENTIALS).
const prefix = EMBED ? '/embed' : '';
const apiBase = new URL(`${prefix}/api/`, window.location.href);
const tilesPath = document.querySelector('meta[name="abitare-tiles-base"]')?.content || '/tiles/';
// A root-relative base is the server's own: the embed reads it under its prefix.
const tilesBase = new URL(tilesPath.startsWith('/') ? `${prefix}${tilesPath}` : tilesPath, window.location.href);

export function apiURL(path) {
  return new URL(path, apiBase);
}

export function tileJSONURL(layer) {
  return new URL(`${layer}.json`, tilesBase).href;
}

let releasesPage = '';

// Where the protection note links to: the releases API, or (static site) the release's README.
export const releasesURL = () => releasesPage || apiURL('releases').href;

export function setReleasesURL(url) {
  releasesPage = url || '';
}

// Every API call sends the session cookie (same origin only) and asks for JSON. The embed
// sends none: it shows the public's figures even to a logged-in user.
export const CREDENTIALS = EMBED ? 'omit' : 'same-origin';

export function apiFetch(url, opts = {}) {
  return fetch(url, { credentials: CREDENTIALS, ...opts, headers: { Accept: 'application/json', ...(opts.headers || {}) } });
}

let onUnauthorized = () => {};

// What to do when a data request is refused with 401 (the session expired).
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

// A request for data the role may read: a 401 means the session expired or was revoked.
export async function fetchData(url, opts) {
  const res = await apiFetch(url, opts);
  if (res.status === 401) onUnauthorized();
  return res;
}

// The reason of a refused request: the "error" message of the JSON every API failure answers
// ({"error": ..., "code": ...}); see errors.js.
export async function errorText(res) {
  let text = '';
  try { text = await res.text(); } catch { /* body unreadable */ }
  return parseErrorBody(text, res.status);
}

// What the server inlined in the page for the first view: the session, the catalog with each
// layer's TileJSON and the latest release (absent when the page is served as a static file).
export function takeBoot() {
  const el = document.getElementById('abitare-boot');
  if (!el) return null;
  el.remove(); // read once: after a login the session and catalog are asked for again
  try { return JSON.parse(el.textContent); } catch { return null; }
}

// GET /api/session: {session, vocabulary, error}.
export async function readSession() {
  try {
    const res = await apiFetch(apiURL('session'), { cache: 'no-store' });
    if (!res.ok) return sessionOrAnonymous(null, await errorText(res));
    return sessionOrAnonymous(await res.json(), 'invalid answer');
  } catch (err) {
    return sessionOrAnonymous(null, err?.message);
  }
}

// The latest public release, for the protection note (threshold, health geographies).
export async function readRelease() {
  try {
    const res = await apiFetch(apiURL('releases'));
    if (!res.ok) return null;
    const list = (await res.json()).releases || [];
    return list.reduce((a, b) => (a === null || Number(b.id) > Number(a.id) ? b : a), null);
  } catch {
    return null;
  }
}

// A layer's TileJSON (null if it cannot be read), for when the catalog does not carry it.
export async function readTileJSON(layer) {
  try {
    const res = await apiFetch(tileJSONURL(layer));
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

// Ask the catalog which layers the caller's role may see (null if it cannot be read).
export async function readCatalog() {
  try {
    const res = await apiFetch(new URL('catalog.json', tilesBase), { cache: 'no-store' });
    if (!res.ok) return null;
    return parseCatalog(await res.json());
  } catch {
    return null;
  }
}
