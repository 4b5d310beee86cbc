// Search of the public map: comuni (name or ISTAT code), addresses (street and house number, with
// the comune in a territory of several), OMI zones (name or id) and census sections (code), in the gazetteer the server (GET /api/gazetteer) or the static bundle
// (gazetteer.json) ships. Normalisation, parsing and ranking; pure: no DOM, no MapLibre.
//
// Gazetteer: {streets: [{name, numbers: [[number, lon, lat], ...]}],
//             zones: [{id, name, center: [lon, lat], bbox: [w, s, e, n]}],
//             sections: [{id, center, bbox}]}

import { areaCode } from '../i18n/labels.js';

// Abbreviations of Italian street types, as typed (lower case, accents removed, dots kept).
const ABBREVIATIONS = {
  'v.': 'via',
  v: 'via',
  'p.za': 'piazza',
  'p.zza': 'piazza',
  'p.zetta': 'piazzetta',
  pza: 'piazza',
  pzza: 'piazza',
  'p.le': 'piazzale',
  ple: 'piazzale',
  'c.so': 'corso',
  cso: 'corso',
  'v.le': 'viale',
  vle: 'viale',
  'l.go': 'largo',
  lgo: 'largo',
  'str.': 'strada',
  'vic.': 'vicolo',
  'v.lo': 'vicolo',
  'c.da': 'contrada',
  'b.go': 'borgo',
  'p.te': 'ponte',
};

// Words that only say the kind of street: a query may leave them out ("emilia est 12").
export const STREET_TYPES = new Set([
  'via', 'viale', 'piazza', 'piazzale', 'piazzetta', 'corso', 'largo', 'strada', 'stradello', 'vicolo',
  'contrada', 'borgo', 'galleria', 'rotonda', 'ponte', 'calle', 'vico', 'salita', 'lungo', 'parco',
]);

export const MAX_RESULTS = 8;

// Lower case, accents and apostrophes removed ("Sant'Agnese" → "sant agnese").
function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´']/g, ' ');
}

// The words of a text, normalised: accents, case and punctuation removed, abbreviations
// of street types expanded. "P.zza Grande, 3/A" → ['piazza', 'grande', '3a'].
export function tokens(text) {
  const out = [];
  for (let w of fold(text).split(/[\s,;:()"]+/)) {
    if (!w) continue;
    const expanded = ABBREVIATIONS[w];
    if (expanded) { out.push(expanded); continue; }
    // An abbreviation glued to the next word: "v.emilia" → "via emilia".
    const glued = /^(v\.|p\.zza|p\.za|c\.so|v\.le|str\.|l\.go)([a-z].*)$/.exec(w);
    if (glued) { out.push(ABBREVIATIONS[glued[1]]); w = glued[2]; }
    // "12/a", "12-a", "12 a" stay one house number; other punctuation separates words.
    if (/^\d/.test(w)) {
      const n = w.replace(/[^a-z0-9]/g, '');
      if (n) out.push(n);
      continue;
    }
    for (const part of w.split(/[^a-z0-9]+/)) if (part) out.push(part);
  }
  return out;
}

// A text as one normalised string ("Via Emilia Est" → "via emilia est").
export function normalize(text) {
  return tokens(text).join(' ');
}

// A house number as compared: lower case, no spaces or punctuation ("12 / A" → "12a").
export function normalizeNumber(n) {
  return fold(n).replace(/[^a-z0-9]/g, '');
}

const isNumberToken = (w) => /^\d+[a-z]{0,3}$/.test(w);
const isFinitePair = (p) => Array.isArray(p) && p.length >= 2 && p.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v));
const isBBox = (b) => Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v));

// The readings of a query: street words and house number. "via emilia est 12" and
// "12 via emilia est" both read as (via emilia est, 12); a query without a number as a street
// (its words may still hold numbers: "via 25 aprile").
export function parseQuery(q) {
  const words = tokens(q);
  const readings = [{ street: words, number: null }];
  if (words.length > 1 && isNumberToken(words[words.length - 1])) {
    readings.unshift({ street: words.slice(0, -1), number: words[words.length - 1] });
  }
  if (words.length > 1 && isNumberToken(words[0])) {
    readings.unshift({ street: words.slice(1), number: words[0] });
  }
  // "via emilia est 12 a": a letter after the number.
  if (words.length > 2 && /^[a-z]$/.test(words[words.length - 1]) && /^\d+$/.test(words[words.length - 2])) {
    readings.unshift({ street: words.slice(0, -2), number: words.slice(-2).join('') });
  }
  return readings;
}

// A zone's label: its name, and its comune's in a territory of several (two comuni's B3 apart).
function zoneLabel(index, z) {
  const label = displayName(z.name) || areaCode('omi', z.id);
  const ms = index.municipalities || [];
  const slash = z.id.indexOf('/');
  if (ms.length < 2 || slash < 0) return label;
  const m = ms.find((x) => x.id === z.id.slice(0, slash));
  return m ? `${label} (${m.name})` : label;
}

// The gazetteer made ready to search: normalised names, valid entries only.
export function buildIndex(gazetteer) {
  const g = gazetteer && typeof gazetteer === 'object' ? gazetteer : {};
  const streets = [];
  for (const s of Array.isArray(g.streets) ? g.streets : []) {
    if (!s || typeof s.name !== 'string' || !s.name.trim()) continue;
    const numbers = [];
    for (const n of Array.isArray(s.numbers) ? s.numbers : []) {
      if (!Array.isArray(n) || n.length < 3) continue;
      const lonlat = [Number(n[1]), Number(n[2])];
      if (!isFinitePair(lonlat)) continue;
      numbers.push({ number: String(n[0]), key: normalizeNumber(n[0]), lonlat });
    }
    if (!numbers.length) continue;
    const words = tokens(s.name);
    const comune = typeof s.municipality === 'string' ? s.municipality : '';
    streets.push({ name: s.name, comune, words, core: words.filter((w) => !STREET_TYPES.has(w)), numbers });
  }
  const zones = [];
  for (const z of Array.isArray(g.zones) ? g.zones : []) {
    if (!z || (typeof z.id !== 'string' && typeof z.id !== 'number') || !isFinitePair(z.center)) continue;
    const name = typeof z.name === 'string' ? z.name : '';
    // A district's id carries its comune (036023/B3): it is found by its code within it too.
    const local = String(z.id).slice(String(z.id).indexOf('/') + 1);
    zones.push({ id: String(z.id), idKey: normalizeNumber(z.id), localKey: normalizeNumber(local), name, words: tokens(name), center: z.center.slice(0, 2), bbox: isBBox(z.bbox) ? z.bbox : null });
  }
  const sections = [];
  for (const s of Array.isArray(g.sections) ? g.sections : []) {
    if (!s || (typeof s.id !== 'string' && typeof s.id !== 'number') || !isFinitePair(s.center)) continue;
    sections.push({ id: String(s.id), idKey: normalizeNumber(s.id), center: s.center.slice(0, 2), bbox: isBBox(s.bbox) ? s.bbox : null });
  }
  const municipalities = [];
  for (const m of Array.isArray(g.municipalities) ? g.municipalities : []) {
    if (!m || typeof m.id !== 'string' || typeof m.name !== 'string' || !isFinitePair(m.center)) continue;
    municipalities.push({ id: m.id, name: m.name, words: tokens(m.name), center: m.center.slice(0, 2), bbox: isBBox(m.bbox) ? m.bbox : null });
  }
  return { streets, zones, sections, municipalities };
}

// How well the query words q match the words of a name (0: no match). Every query word must
// start a word of the name (the last one may be unfinished); the street type may be left out.
// Whole-name matches beat prefixes, prefixes beat words in any order.
export function nameScore(q, words, core = words) {
  if (!q.length || !words.length) return 0;
  const qs = q.join(' ');
  const full = words.join(' ');
  const coreFull = core.join(' ');
  if (qs === full) return 100;
  if (coreFull && qs === coreFull) return 96;
  if (full.startsWith(qs)) return 90 - Math.min(10, full.length - qs.length) / 2;
  if (coreFull && coreFull.startsWith(qs)) return 85 - Math.min(10, coreFull.length - qs.length) / 2;
  // Each query word starts a distinct word of the name.
  const used = new Set();
  for (const w of q) {
    const i = words.findIndex((x, k) => !used.has(k) && (x === w || x.startsWith(w)));
    if (i < 0) return 0;
    used.add(i);
  }
  const exact = q.filter((w) => words.includes(w)).length;
  return 50 + (20 * exact) / q.length - Math.min(10, words.length - q.length);
}

// The entry of a street's numbers for a house number: the same number, else the same number
// without its letter (or with one), else the nearest number. null when the street has none.
export function findNumber(street, number) {
  const list = street.numbers;
  if (!list.length) return null;
  const key = normalizeNumber(number);
  const exact = list.find((n) => n.key === key);
  if (exact) return { ...exact, exact: true };
  const digits = Number.parseInt(key, 10);
  const base = list.find((n) => Number.parseInt(n.key, 10) === digits && /^\d+$/.test(n.key));
  if (base) return { ...base, exact: false };
  if (!Number.isFinite(digits)) return null;
  let best = null;
  for (const n of list) {
    const v = Number.parseInt(n.key, 10);
    if (!Number.isFinite(v)) continue;
    // nearest, the same side of the street (parity) first
    const d = Math.abs(v - digits) + (v % 2 === digits % 2 ? 0 : 0.5);
    if (!best || d < best.d) best = { n, d };
  }
  return best ? { ...best.n, exact: false } : null;
}

// The number that stands for a whole street: the middle one of its numbers in numeric order
// (the first when there are one or two).
export function streetNumber(street) {
  const sorted = [...street.numbers].sort((a, b) => (Number.parseInt(a.key, 10) || 0) - (Number.parseInt(b.key, 10) || 0) || a.key.localeCompare(b.key));
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
}

// Results for a query, best first (at most limit). Each: {kind: 'address'|'street'|'zone'|
// 'section', id, label, number?, exact?, center: [lon, lat], bbox?: [w, s, e, n], score}.
export function search(index, query, limit = MAX_RESULTS) {
  const words = tokens(query);
  if (!index || !words.length) return [];
  const results = [];
  const raw = normalizeNumber(query);
  // Addresses and streets.
  const best = new Map(); // street name -> best result
  for (const reading of parseQuery(query)) {
    if (!reading.street.length) continue;
    for (const s of index.streets) {
      const score = nameScore(reading.street, s.words, s.core);
      if (!score) continue;
      let r;
      // In a territory of several comuni every comune has its Via Roma: the comune is part of
      // the street's name and label.
      const where = s.comune ? ` (${s.comune})` : '';
      if (reading.number) {
        const n = findNumber(s, reading.number);
        if (!n) continue;
        r = {
          kind: 'address', id: `${s.name} ${n.number}${where}`, label: `${displayName(s.name)} ${n.number}${where}`, street: s.name, number: n.number,
          exact: n.exact, center: n.lonlat, score: score + (n.exact ? 8 : 2),
        };
      } else {
        const n = streetNumber(s);
        r = { kind: 'street', id: s.name + where, label: displayName(s.name) + where, street: s.name, number: n.number, center: n.lonlat, score };
      }
      const key = `${s.name}\u0000${s.comune}`;
      const prev = best.get(key);
      if (!prev || r.score > prev.score) best.set(key, r);
    }
  }
  results.push(...best.values());
  // Comuni: by name or ISTAT code.
  for (const m of index.municipalities || []) {
    let score = 0;
    if (raw && m.id === raw) score = 112;
    else score = nameScore(words, m.words) * 1.02;
    if (score) results.push({ kind: 'municipality', id: m.id, label: m.name, center: m.center, bbox: m.bbox, score });
  }
  // OMI zones: by id or by name.
  for (const z of index.zones) {
    let score = 0;
    if (raw && (z.idKey === raw || z.localKey === raw)) score = 110;
    else score = nameScore(words, z.words) * 0.98;
    if (score) results.push({ kind: 'zone', id: z.id, label: zoneLabel(index, z), center: z.center, bbox: z.bbox, score });
  }
  // Census sections: by code (the whole code, its start or its end; 3 characters at least).
  if (raw.length >= 3 && /\d/.test(raw)) {
    for (const s of index.sections) {
      let score = 0;
      if (s.idKey === raw) score = 105;
      else if (s.idKey.startsWith(raw)) score = 60 + (20 * raw.length) / s.idKey.length;
      else if (s.idKey.endsWith(raw)) score = 55 + (20 * raw.length) / s.idKey.length;
      if (score) results.push({ kind: 'section', id: s.id, label: s.id, center: s.center, bbox: s.bbox, score });
    }
  }
  const kindOrder = { municipality: 0, address: 1, zone: 2, street: 3, section: 4 };
  results.sort((a, b) => b.score - a.score || kindOrder[a.kind] - kindOrder[b.kind] || a.label.localeCompare(b.label, 'it'));
  return results.slice(0, limit);
}

// Small words kept in lower case when a name in capitals is written for reading.
const SMALL_WORDS = new Set(['a', 'al', 'alla', 'alle', 'ai', 'agli', 'd', 'da', 'dal', 'dalla', 'de', 'dei', 'del', 'della', 'delle', 'degli', 'di', 'e', 'ed', 'in', 'l', 'la', 'le', 'lo', 'per', 'sul', 'sulla', 'tra']);

// A name for reading: one written in capitals ("VIA DELLA PACE") in title case ("Via della
// Pace"); roman numerals stay in capitals; other names as they are.
export function displayName(name) {
  const s = String(name ?? '');
  if (!/[A-Z]/.test(s) || s !== s.toUpperCase()) return s;
  let first = true;
  return s.toLowerCase().replace(/[\p{L}\p{N}]+/gu, (w, at) => {
    const afterApostrophe = at > 0 && /['’]/.test(s[at - 1]);
    let out;
    if (w.length > 1 && /^(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/.test(w)) out = w.toUpperCase();
    else if (!first && SMALL_WORDS.has(w) && !afterApostrophe) out = w;
    else out = w[0].toUpperCase() + w.slice(1);
    first = false;
    return out;
  });
}

// The profile to open for a result, where it is known without the map: a zone's (OMI zone
// geography) or a section's. Addresses: null (the area under the point, once the map is there).
export function resultArea(r) {
  if (r?.kind === 'municipality') return { geography: 'municipality', id: r.id, name: r.label };
  if (r?.kind === 'zone') return { geography: 'omi', id: r.id, name: r.label };
  if (r?.kind === 'section') return { geography: 'section', id: r.id };
  return null;
}

// A MapLibre bounds ([[w, s], [e, n]]) for a result with a bbox, else null.
export function resultBounds(r) {
  return r && isBBox(r.bbox) ? [[r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[3]]] : null;
}
