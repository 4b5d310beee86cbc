// The search box of the controls card: a combobox (ARIA 1.2) with a listbox of results from the
// gazetteer, read on the box's first focus. Choosing a result moves the map there (an address:
// zoom 16 and a marker; a zone or a section: its bounds) and opens the area's profile.
import { Marker } from 'maplibre-gl';
import { SOURCES, layerIds, sourceOfGeography } from '../model/catalog.js';
import { loadGazetteer } from './gazetteer.js';
import { t, tf } from '../i18n/i18n.js';
import { map } from '../map/map.js';
import { openProfile, selectionOf } from '../panels/profile.js';
import { resultArea, resultBounds, search } from './search.js';
import { currentSource, renderOn, state } from '../model/state.js';

let input;
let list;
let status;
let results = [];
let active = -1;
let index = null;
let marker = null;
let goSeq = 0;
let timer = 0;

const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);

// The box, at the top of the controls card (after its header).
export function mountSearch(card) {
  const wrap = el('div', { className: 'search', id: 'search' });
  wrap.setAttribute('role', 'search');
  const label = el('label', { id: 'search-label', htmlFor: 'search-input', className: 'search-label' });
  label.dataset.i18n = 'srch_label';
  input = el('input', {
    id: 'search-input', type: 'text', autocomplete: 'off', spellcheck: false, className: 'search-input',
  });
  for (const [k, v] of Object.entries({
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'search-list', autocapitalize: 'none', enterkeyhint: 'search',
  })) input.setAttribute(k, v);
  list = el('ul', { id: 'search-list', className: 'search-list', hidden: true });
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-labelledby', 'search-label');
  status = el('p', { id: 'search-status', className: 'sr-only' });
  status.setAttribute('role', 'status');
  const box = el('div', { className: 'search-box' });
  box.append(input, list);
  wrap.append(label, box, status);
  const head = card.querySelector('.controls-head');
  if (head) head.after(wrap); else card.prepend(wrap);

  input.addEventListener('focus', prepare, { once: true });
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  input.addEventListener('keydown', onKey);
  input.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== input) closeList(); }, 150));
  // A pointer on a result keeps the focus in the box.
  list.addEventListener('mousedown', (e) => e.preventDefault());
  list.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-i]');
    if (li) choose(results[Number(li.dataset.i)]);
  });
  renderOn(['lang'], renderSearchStrings);
  renderSearchStrings();
}

function renderSearchStrings() {
  if (!input) return;
  input.placeholder = t(state.lang, 'srch_placeholder');
  if (results.length) renderList();
}

async function prepare() {
  if (index) return;
  say(t(state.lang, 'srch_loading'));
  try {
    index = await loadGazetteer();
    say('');
    if (input.value.trim()) runSearch();
  } catch {
    say(t(state.lang, 'srch_error'));
    // Try again on the next focus.
    input.addEventListener('focus', prepare, { once: true });
  }
}

function say(text) {
  status.textContent = text;
}

function runSearch() {
  const q = input.value;
  if (!index) { if (q.trim()) prepare(); return; }
  results = q.trim() ? search(index, q) : [];
  active = -1;
  renderList();
  if (!q.trim()) { say(''); return; }
  const n = results.length;
  say(n === 0 ? t(state.lang, 'srch_none') : n === 1 ? t(state.lang, 'srch_count_one') : tf(state.lang, 'srch_count', { n }));
}

function kindText(r) {
  const kind = t(state.lang, `srch_kind_${r.kind}`);
  return r.kind === 'address' && r.exact === false ? `${kind}, ${t(state.lang, 'srch_near')}` : kind;
}

function renderList() {
  list.replaceChildren(...results.map((r, i) => {
    const li = el('li', { id: `search-opt-${i}`, className: 'search-option' });
    li.dataset.i = String(i);
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === active));
    li.append(el('span', { className: 'search-main', textContent: r.label }), el('span', { className: 'search-kind', textContent: kindText(r) }));
    return li;
  }));
  const open = results.length > 0;
  list.hidden = !open;
  input.setAttribute('aria-expanded', String(open));
  if (active >= 0) {
    input.setAttribute('aria-activedescendant', `search-opt-${active}`);
    list.children[active]?.scrollIntoView({ block: 'nearest' });
  } else input.removeAttribute('aria-activedescendant');
}

function closeList() {
  active = -1;
  list.hidden = true;
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
}

function onKey(e) {
  const open = !list.hidden && results.length > 0;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    if (!open) { runSearch(); return; }
    const step = e.key === 'ArrowDown' ? 1 : -1;
    active = (active + step + results.length + 1) % (results.length + 1);
    if (active === results.length) active = -1;
    renderList();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (!index) return;
    if (list.hidden) runSearch();
    const r = results[active >= 0 ? active : 0];
    if (r) choose(r);
  } else if (e.key === 'Escape') {
    // Not the page's Escape (which closes the profile).
    e.preventDefault();
    e.stopPropagation();
    if (open) closeList();
    else if (input.value) { input.value = ''; results = []; say(''); }
  } else if (e.key === 'Tab') {
    closeList();
  }
}

function placeMarker(lonlat) {
  if (!marker) {
    const dot = el('div', { className: 'search-marker' });
    dot.setAttribute('aria-hidden', 'true');
    marker = new Marker({ element: dot, anchor: 'bottom' });
  }
  marker.setLngLat(lonlat).addTo(map);
}

function clearMarker() {
  marker?.remove();
}

// The map moves to a result; the profile of its area opens.
function choose(r) {
  if (!r || !map) return;
  input.value = r.label;
  results = [];
  closeList();
  say(tf(state.lang, 'srch_went', { label: r.label }));
  const seq = ++goSeq;
  const duration = window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 900;
  const small = window.matchMedia('(max-width: 720px)').matches;
  const bounds = resultBounds(r);
  if (r.kind === 'address' || r.kind === 'street') {
    placeMarker(r.center);
    map.flyTo({ center: r.center, zoom: 16, duration });
  } else {
    clearMarker();
    if (bounds) map.fitBounds(bounds, { padding: small ? 30 : 80, maxZoom: 16, duration });
    else map.flyTo({ center: r.center, zoom: 15, duration });
  }
  const area = resultArea(r);
  if (area) {
    const fixed = sourceOfGeography(area.geography);
    const source = fixed || (currentSource().includes('sections') ? currentSource() : SOURCES.overlap.sections);
    openProfile({ ...area, source, ...periodOf() }, { focus: false });
    return;
  }
  // An address: the area under the point, once drawn.
  map.once('idle', () => { if (seq === goSeq) openAt(r.center); });
}

function openAt(lonlat) {
  const src = currentSource();
  const fill = layerIds(src).fill;
  if (!map.getLayer(fill)) return;
  const f = map.queryRenderedFeatures(map.project(lonlat), { layers: [fill] });
  if (!f.length || f[0].properties?.id === undefined) return;
  openProfile({ ...selectionOf({ source: src, props: f[0].properties }), ...periodOf() }, { focus: false });
}

// The period chosen in the time control, if any: the profile's too.
const periodOf = () => (state.period ? { period: state.period } : {});
