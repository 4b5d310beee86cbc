// Whether the page is a static site: site.json next to the page (abitare publish DIR). Read at
// every start; the static mode's own code (static.js, with the PMTiles reader) is loaded only
// when it is there.
import { isStaticSite } from './site.js';

export async function getJSON(url) {
  const res = await fetch(url, { cache: 'no-cache', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`${new URL(url, window.location.href).pathname}: HTTP ${res.status}`);
  return res.json();
}

// site.json next to the page, or null when there is none (the page is served by Abitare).
export async function readSite() {
  try {
    // document.baseURI: the embed/ folder's page has <base href="../"> (the site's folder).
    const site = await getJSON(new URL('site.json', document.baseURI));
    return isStaticSite(site) ? site : null;
  } catch {
    return null;
  }
}
