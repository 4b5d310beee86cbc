// The static mode's requests: the bundle's index.json and the PMTiles archives' headers; and the
// pmtiles protocol that MapLibre reads the tiles through. No /api call. A chunk of its own, with
// static-profile.js (the profile from the figures files), loaded by main.js when site.json says
// so (and by profile.js).
import { addProtocol } from 'maplibre-gl';
import { PMTiles, Protocol } from 'pmtiles';
import { ANONYMOUS } from '../model/session.js';
import { getJSON } from './site-json.js';
import {
  archiveURL, headerBounds, pickRelease, pmtilesSourceURL, releaseChoices, releaseLayers, siteVocabulary,
} from './site.js';
import {
  MUNICIPALITY_SOURCE, isLevelSource, parseTerritory, withTerritoryLevels,
} from '../model/catalog.js';

export { fetchStaticProfile } from './static-profile.js';



let protocol = null;

// The boot of the static mode: the anonymous public, the vocabulary of site.json, the layers
// of the release (latest, or ?release=N) read from its PMTiles archives, and the release's
// manifest for the protection note. Shaped as main.js's readBoot answer.
export async function readStaticBoot(site) {
  const base = new URL('.', document.baseURI);
  const { vocabulary, ok } = siteVocabulary(site);
  const error = ok ? null : { key: 'error_session', detail: 'site.json vocabulary' };
  let release = null;
  let index = null;
  try {
    index = await getJSON(new URL(site.index || 'index.json', base));
    release = pickRelease(index, new URLSearchParams(window.location.search).get('release'));
  } catch (err) {
    console.error('static site: index.json:', err);
  }
  if (!release) return { session: ANONYMOUS, vocabulary, error: error || { key: 'error_tiles', detail: 'index.json' }, catalog: null, release: null, static: true };
  if (!protocol) {
    protocol = new Protocol();
    addProtocol('pmtiles', protocol.tile);
  }
  // The province and region archives of a territory without such areas are empty: not read.
  const territory = parseTerritory(site.territory);
  const layers = await Promise.all([...withTerritoryLevels(releaseLayers(release), territory)].map(async (id) => {
    const url = archiveURL(base, release, id);
    const archive = new PMTiles(url);
    protocol.add(archive);
    let bounds = null;
    let minzoom;
    try {
      const h = await archive.getHeader();
      bounds = headerBounds(h);
      minzoom = Number.isFinite(h?.minZoom) ? h.minZoom : undefined;
    } catch (err) {
      console.error(`static site: ${url}:`, err);
    }
    return [id, { url: pmtilesSourceURL(url), bounds, minzoom }];
  }));
  // A level whose archive has no header to read (an empty layer) is left out too.
  const present = layers.filter(([id, s]) => !isLevelSource(id) || id === MUNICIPALITY_SOURCE || s.bounds);
  let manifest = null;
  try {
    manifest = await getJSON(new URL(`${release.path.replace(/\/+$/, '')}/manifest.json`, base));
  } catch { /* the protection note falls back to its defaults */ }
  return {
    session: ANONYMOUS,
    vocabulary,
    error,
    catalog: present.length ? {
      layers: new Set(present.map(([id]) => id)), sources: Object.fromEntries(present), territory,
    } : null,
    // path: where the release's files are (figures/...); choices: every release of the bundle.
    release: {
      ...(manifest || {}), id: release.id, periods: release.periods, path: release.path, choices: releaseChoices(index),
    },
    releasePage: new URL(`${release.path.replace(/\/+$/, '')}/README.md`, base).href,
    static: true,
  };
}
