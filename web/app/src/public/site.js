// The static site: the public map served as plain files next to an open-data bundle
// (abitare publish DIR), with no Abitare server. site.json next to the page says so and carries
// the vocabulary; index.json lists the releases; each release's tiles are PMTiles archives
// (releases/r<N>/tiles/<layer>.pmtiles) read by HTTP range requests. Pure: no DOM.
import { parseVocabulary } from '../model/vocabulary.js';

// Whether a site.json (or the boot data) asks for the static mode.
export function isStaticSite(site) {
  return !!site && typeof site === 'object' && site.mode === 'static';
}

// The vocabulary of site.json, which has the shape of the session's: {vocabulary, ok}.
export function siteVocabulary(site) {
  return parseVocabulary(site);
}

// The release to show from the bundle's index.json: the one asked for (?release=N) when the
// bundle has it, else the latest (else the newest listed). null when the index lists none.
export function pickRelease(index, requested) {
  const list = Array.isArray(index?.releases) ? index.releases.filter((r) => Number.isInteger(Number(r?.id)) && typeof r.path === 'string') : [];
  if (!list.length) return null;
  const byId = (id) => list.find((r) => Number(r.id) === Number(id));
  const want = requested === null || requested === undefined || requested === '' ? null : Number(requested);
  return (want !== null && byId(want)) || byId(index.latest) || list.reduce((a, b) => (Number(b.id) > Number(a.id) ? b : a));
}

// The tile layers of a release: the names of its tiles/<layer>.pmtiles files.
export function releaseLayers(release) {
  const out = [];
  for (const f of Array.isArray(release?.files) ? release.files : []) {
    const m = /^tiles\/([a-z][a-z0-9_]*)\.pmtiles$/.exec(typeof f === 'string' ? f : f?.path || '');
    if (m) out.push(m[1]);
  }
  return out;
}

// Where a layer's archive is, as an absolute URL under base (the folder of the page).
export function archiveURL(base, release, layer) {
  const dir = release.path.replace(/^\/+|\/+$/g, '');
  return new URL(`${dir}/tiles/${layer}.pmtiles`, base).href;
}

// The MapLibre source URL of an archive, read through the pmtiles protocol.
export function pmtilesSourceURL(archive) {
  return `pmtiles://${archive}`;
}

// A PMTiles header's bounds as TileJSON bounds [west, south, east, north] (null if absent).
export function headerBounds(h) {
  if (!h) return null;
  const b = [h.minLon, h.minLat, h.maxLon, h.maxLat];
  return b.every((v) => typeof v === 'number' && Number.isFinite(v)) ? b : null;
}

// The releases of the bundle's index.json, for the release picker: [{id, latest}], newest first.
export function releaseChoices(index) {
  const list = Array.isArray(index?.releases) ? index.releases.filter((r) => Number.isInteger(Number(r?.id)) && typeof r.path === 'string') : [];
  const ids = [...new Set(list.map((r) => Number(r.id)))].sort((a, b) => b - a);
  return ids.map((id) => ({ id, latest: Number(index.latest) === id }));
}
