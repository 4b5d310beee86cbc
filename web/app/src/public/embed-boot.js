// Read first (main.js imports it before the state): whether this page is the embed, with its
// options, and the embed's query parameters moved into the hash, where the state reads them.
// Also the frame guard of the full map: it does not run inside another site's page.
import { embedOptions, hashWithQuery, isEmbedPage } from './embed.js';
import { DEFAULT_LANG, normalizeLang, t } from '../i18n/i18n.js';
import { hashParams } from '../model/url-state.js';

export const EMBED = isEmbedPage({
  mode: document.querySelector('meta[name="abitare-mode"]')?.content,
  pathname: window.location.pathname,
});

if (EMBED) {
  const hash = hashWithQuery(window.location.hash, window.location.search);
  if (hash !== null) {
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}#${hash}`);
  }
}

// {interactive, legend, area}: see embed.js. The full map: all on, no locked area.
export const EMBED_OPTIONS = EMBED
  ? embedOptions(window.location.hash, window.location.search)
  : { interactive: true, legend: true, area: null };

function framed() {
  try {
    return window.top !== window.self;
  } catch {
    return true;
  }
}

// The full map framed by another page: it does not start, and says so with a link that opens
// it on its own (defence in depth where the host sends no frame-ancestors). True when blocked.
export function frameBlocked() {
  if (EMBED || !framed()) return false;
  const lang = normalizeLang(hashParams(window.location.hash).get('lang'))
    || normalizeLang(navigator.language) || DEFAULT_LANG;
  const box = document.createElement('div');
  box.className = 'card error framed';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = t(lang, 'emb_framed');
  const a = document.createElement('a');
  a.href = window.location.href;
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = t(lang, 'emb_framed_link');
  box.append(p, a);
  document.body.replaceChildren(box);
  document.body.classList.add('framed');
  return true;
}
