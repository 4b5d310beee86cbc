// The share dialog's links: the URL of the embed for the current view and the <iframe>
// snippet that shows it on another site. Pure: the caller passes the page's URL and state.
import { appFolder } from './embed.js';
import { mergeHash } from '../model/url-state.js';

export const DEFAULT_SIZE = { width: '100%', height: '480' };

// Where the embed is: the live server's /embed, or (static site) embed/ in the page's folder.
export function embedBase(href, { static: isStatic = false } = {}) {
  const u = new URL(href);
  return isStatic ? new URL('embed/', appFolder(href)).href : `${u.origin}/embed`;
}

// The hash of an embed. opts: {lang, view, ind, layer, measure, analysis, map (z/lat/lng),
// area ('geography:id' or null: only when locked), interactive, legend (booleans)}.
export function embedHash(opts) {
  const p = {
    lang: opts.lang,
    view: opts.view,
    layer: opts.layer,
    ind: opts.view === 'indicator' ? opts.ind : null,
    measure: opts.view === 'indicator' && opts.measure && opts.measure !== 'rate' ? opts.measure : null,
    analysis: opts.view === 'hotspot' ? opts.analysis : null,
    area: opts.area || null,
    interactive: opts.interactive === false ? '0' : null,
    legend: opts.legend === false ? '0' : null,
    map: opts.map || null,
  };
  return mergeHash('', p);
}

export function embedURL(href, opts, { static: isStatic = false } = {}) {
  const hash = embedHash(opts);
  return `${embedBase(href, { static: isStatic })}${hash ? `#${hash}` : ''}`;
}

// A width or height for the iframe: a number of pixels (1 to 4000) or a percentage (1% to
// 100%); anything else gives fallback.
export function sizeValue(v, fallback) {
  const s = String(v ?? '').trim().replace(/px$/i, '');
  if (/^\d{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= 4000) return String(Number(s));
  if (/^\d{1,3}%$/.test(s) && Number(s.slice(0, -1)) >= 1 && Number(s.slice(0, -1)) <= 100) return `${Number(s.slice(0, -1))}%`;
  return fallback;
}

// Text made safe inside a double-quoted HTML attribute.
export function escapeAttr(s) {
  return String(s ?? '').replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// The <iframe> element that shows src.
export function iframeSnippet({ src, title, width, height }) {
  const w = sizeValue(width, DEFAULT_SIZE.width);
  const h = sizeValue(height, DEFAULT_SIZE.height);
  return `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}" width="${escapeAttr(w)}" height="${escapeAttr(h)}" loading="lazy" style="border:0"></iframe>`;
}
