// An optional basemap (basemap_style in the boot data or site.json: the absolute URL of a
// MapLibre style) drawn under the page's data layers. Its sources and layers get prefixed ids
// so that they cannot clash with the page's; its glyphs and sprite are used. Pure.

export const BASEMAP_PREFIX = 'basemap-';

// Whether basemap_style names a style the page may fetch: an absolute http(s) URL.
export function basemapURL(value) {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    const u = new URL(value.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

// A URL of the style resolved against the style's own URL; {placeholders} kept as they are.
function resolve(url, base) {
  if (typeof url !== 'string' || !base || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  const marks = [];
  const safe = url.replace(/\{[^}]*\}/g, (m) => { marks.push(m); return `__ph${marks.length - 1}__`; });
  return new URL(safe, base).href.replace(/__ph(\d+)__/g, (m, i) => marks[Number(i)]);
}

function resolveSource(src, base) {
  const out = { ...src };
  if (typeof out.url === 'string') out.url = resolve(out.url, base);
  if (Array.isArray(out.tiles)) out.tiles = out.tiles.map((t) => resolve(t, base));
  if (typeof out.data === 'string') out.data = resolve(out.data, base);
  return out;
}

function resolveSprite(sprite, base) {
  if (typeof sprite === 'string') return resolve(sprite, base);
  if (Array.isArray(sprite)) return sprite.map((s) => ({ ...s, url: resolve(s?.url, base) }));
  return undefined;
}

// The parts of a basemap style to merge: {sources, layers, glyphs, sprite}, ids prefixed.
// null when the style is not a MapLibre style (no layers list).
export function basemapParts(style, { prefix = BASEMAP_PREFIX, styleURL = null } = {}) {
  if (!style || typeof style !== 'object' || !Array.isArray(style.layers)) return null;
  const sources = {};
  for (const [id, src] of Object.entries(style.sources && typeof style.sources === 'object' ? style.sources : {})) {
    if (src && typeof src === 'object') sources[prefix + id] = resolveSource(src, styleURL);
  }
  const layers = [];
  for (const l of style.layers) {
    if (!l || typeof l !== 'object' || typeof l.id !== 'string') continue;
    if (l.source !== undefined && !(prefix + l.source in sources)) continue;
    const copy = { ...l, id: prefix + l.id };
    if (l.source !== undefined) copy.source = prefix + l.source;
    delete copy.ref; // old style spec
    layers.push(copy);
  }
  return {
    sources, layers, glyphs: resolve(style.glyphs, styleURL), sprite: resolveSprite(style.sprite, styleURL),
  };
}

// The page's style with a basemap's parts under its data layers: right after its background
// layer (or at the bottom when it has none). The page's sources and layers are kept as they are.
export function mergeBasemap(style, parts) {
  if (!parts) return style;
  const layers = [...style.layers];
  const at = layers.findIndex((l) => l.type === 'background') + 1;
  layers.splice(at, 0, ...parts.layers);
  const out = { ...style, sources: { ...parts.sources, ...style.sources }, layers };
  if (parts.glyphs && !style.glyphs) out.glyphs = parts.glyphs;
  if (parts.sprite && !style.sprite) out.sprite = parts.sprite;
  return out;
}
