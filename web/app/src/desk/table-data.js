// The table view's rows, their order and their CSV. Pure: no DOM.
import { changeBetween, figureOf } from './figures.js';

// A row per area: {id, geography, name, residents, people, rate, status, change}.
// areas: [{id, geography, name}] (the drawn features, deduplicated); files: geography -> file;
// prevFiles: geography -> file of the previous period (or empty).
export function tableRows(areas, indicator, files, prevFiles = {}) {
  const seen = new Set();
  const rows = [];
  for (const a of areas) {
    const key = `${a.geography}:${a.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const file = files[a.geography];
    const area = file?.areas.get(String(a.id));
    const fig = figureOf(file, a.id, indicator);
    const prev = figureOf(prevFiles[a.geography], a.id, indicator);
    rows.push({
      id: String(a.id),
      geography: a.geography,
      name: area?.name || a.name || '',
      residents: area ? area.residents : (a.residents ?? null),
      people: fig ? fig.people : (a.people ?? null),
      rate: fig ? fig.rate : (a.rate ?? null),
      status: fig ? fig.status : (a.status ?? ''),
      change: fig && prev ? changeBetween(fig, prev) : null,
    });
  }
  return rows;
}

const TEXT_KEYS = ['id', 'name', 'status', 'geography'];

// rows sorted by key ('asc' or 'desc'); missing values last whatever the direction; ties by id.
export function sortRows(rows, key, dir = 'asc') {
  const sign = dir === 'desc' ? -1 : 1;
  const text = TEXT_KEYS.includes(key);
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const xm = x === null || x === undefined || x === '';
    const ym = y === null || y === undefined || y === '';
    if (xm !== ym) return xm ? 1 : -1;
    let c = 0;
    if (!xm) c = text ? String(x).localeCompare(String(y), 'it', { numeric: true }) : Number(x) - Number(y);
    if (c === 0) c = a.id.localeCompare(b.id, 'it', { numeric: true });
    return sign * c;
  });
}

// The next sort after a click on key's header: the same key flips, a new key starts ascending
// (descending for numbers, highest first).
export function nextSort(sort, key) {
  if (sort?.key === key) return { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: TEXT_KEYS.includes(key) ? 'asc' : 'desc' };
}

function csvCell(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// CSV text (CRLF lines, with a header row) of header and rows (arrays of cells), with a BOM.
export function toCSV(header, rows) {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
