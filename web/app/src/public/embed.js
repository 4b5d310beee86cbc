// The embed mode of the public map (a page with <meta name="abitare-mode" content="embed">, or
// served at /embed, embed.html or embed/) and the URLs between the embed and the full map.
// Pure: the caller passes window.location's parts and the meta's content.
import { mergeHash, parseArea } from '../model/url-state.js';

// Parameters an embed URL may carry in its query as well as in its hash (the hash wins).
export const EMBED_PARAMS = ['lang', 'view', 'ind', 'layer', 'measure', 'analysis', 'area', 'map', 'interactive', 'legend'];
// Parameters only the embed reads: not passed on to the full map.
const EMBED_ONLY = ['interactive', 'legend'];

// Whether the page is the embed: its meta says so, or its path ends in /embed, embed.html or embed/.
export function isEmbedPage({ mode, pathname }) {
  if (String(mode ?? '').trim().toLowerCase() === 'embed') return true;
  return /(^|\/)embed(\.html)?\/?$/.test(String(pathname ?? ''));
}

const params = (s) => new URLSearchParams(String(s ?? '').replace(/^[#?]/, ''));

const off = (v) => v !== null && /^(0|false|no|off)$/i.test(v.trim());

// The embed's options: interactive (default on), legend (default on) and the locked area
// (area=geography:id, or null), each from the hash, else the query.
export function embedOptions(hash, search) {
  const h = params(hash);
  const q = params(search);
  const get = (k) => (h.has(k) ? h.get(k) : q.get(k));
  return { interactive: !off(get('interactive')), legend: !off(get('legend')), area: parseArea(get('area')) };
}

// The hash with the embed parameters of the query that it lacks, or null when it lacks none:
// "embed?view=indicator&ind=health" reads as "embed#view=indicator&ind=health".
export function hashWithQuery(hash, search) {
  const h = params(hash);
  const q = params(search);
  const add = {};
  for (const k of EMBED_PARAMS) if (q.has(k) && !h.has(k) && q.get(k) !== '') add[k] = q.get(k);
  return Object.keys(add).length ? mergeHash(hash, add) : null;
}

// The folder of the full map: the page's folder, without a trailing embed.html or embed/.
export function appFolder(href) {
  const u = new URL(href);
  u.hash = '';
  u.search = '';
  u.pathname = u.pathname.replace(/\/embed(\.html|\/(index\.html)?)?$/, '/').replace(/[^/]*$/, '');
  return u.href;
}

// The full map showing what an embed shows: the map's folder with the embed's hash, less the
// embed's own options. query: the embed's query (its parameters are moved to the hash).
export function appURL(href, { static: isStatic = false } = {}) {
  const u = new URL(href);
  const merged = hashWithQuery(u.hash, u.search) ?? u.hash.replace(/^#/, '');
  const p = params(merged);
  for (const k of EMBED_ONLY) p.delete(k);
  const base = isStatic ? appFolder(href) : `${u.origin}/`;
  const hash = decodeURIComponent(p.toString());
  return hash ? `${base}#${hash}` : base;
}
