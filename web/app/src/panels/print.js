// The area sheet for printing: the open profile's area (kind, id, name), a snapshot of the map,
// its figures table with period, release and protection note, the licence, the link and the
// date. Built into #print-sheet (shown by the print stylesheet only), then window.print().
import { esc } from '../i18n/format.js';
import { $ } from './html.js';
import { LOCALES, t, tf } from '../i18n/i18n.js';
import { areaKind } from '../i18n/labels.js';
import { map } from '../map/map.js';
import { renderOn, state } from '../model/state.js';

let button;

// The Print button in the profile panel's head (before the close button).
export function mountPrint() {
  const head = $('#profile .panel-head');
  if (!head) return;
  button = document.createElement('button');
  button.type = 'button';
  button.id = 'print-button';
  button.className = 'btn btn-small print-button';
  button.dataset.i18n = 'prn_button';
  head.querySelector('.close')?.before(button);
  button.addEventListener('click', () => printSheet());
  // Printed another way (Ctrl+P) with a profile open: the sheet, without the map snapshot.
  window.addEventListener('beforeprint', () => { if (state.selected && !$('#print-sheet')) buildSheet(null); });
  window.addEventListener('afterprint', removeSheet);
  renderOn(['profile', 'selected'], () => { button.disabled = !state.profile?.data; });
}

// The map as a PNG data URL, read right after a repaint (no preserveDrawingBuffer needed);
// null when it cannot be read within a second.
function snapshot() {
  if (!map) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 1000);
    map.once('render', () => {
      clearTimeout(timer);
      try { resolve(map.getCanvas().toDataURL('image/png')); } catch { resolve(null); }
    });
    map.triggerRepaint();
  });
}

function licenceText(release) {
  const l = release?.licence ?? release?.license;
  if (!l) return '';
  if (typeof l === 'string') return l;
  return String(l.name || l.title || l.id || l.url || '');
}

function buildSheet(image) {
  removeSheet();
  const { lang } = state;
  const sel = state.selected;
  const sheet = document.createElement('article');
  sheet.id = 'print-sheet';
  sheet.className = 'print-sheet';
  const kind = t(lang, areaKind(sel.geography));
  const name = sel.name ? ` · ${esc(sel.name)}` : '';
  const date = new Date().toLocaleDateString(LOCALES[lang] || 'it-IT', { year: 'numeric', month: 'long', day: 'numeric' });
  const licence = licenceText(state.release);
  // The profile as shown (figures, table, notes), without its buttons.
  const body = $('#profile-body').cloneNode(true);
  body.removeAttribute('id');
  body.removeAttribute('aria-live');
  for (const b of body.querySelectorAll('button')) b.closest('p')?.remove();
  sheet.innerHTML = `<header><p class="prn-app">${esc(t(lang, 'title'))}</p>`
    + `<h1>${esc(t(lang, 'prn_title'))}: ${esc(kind)} <code>${esc(sel.id)}</code>${name}</h1></header>`
    + (image ? `<img class="prn-map" src="${esc(image)}" alt="${esc(t(lang, 'prn_map_alt'))}">` : '')
    + '<div class="prn-body"></div>'
    + `<footer><p>${esc(t(lang, 'prn_source'))}. ${esc(t(lang, 'attribution'))}</p>`
    + (licence ? `<p>${esc(tf(lang, 'prn_licence', { licence }))}</p>` : '')
    + `<p>${esc(tf(lang, 'prn_link', { url: window.location.href }))}</p>`
    + `<p>${esc(tf(lang, 'prn_date', { date }))}</p></footer>`;
  sheet.querySelector('.prn-body').append(body);
  document.body.append(sheet);
  document.body.classList.add('printing');
}

function removeSheet() {
  $('#print-sheet')?.remove();
  document.body.classList.remove('printing');
}

export async function printSheet() {
  if (!state.selected) return;
  buildSheet(await snapshot());
  window.print();
}
