// The legend card's parts: one item (a swatch and its label) and the card's title, items and
// notes. Shared by legend.js, maps-legend.js and the trends view (foresight/trends-view.js).
import { FILL_OPACITY } from './classify.js';
import { $ } from '../panels/html.js';

export function legendItem(color, label, { opacity = FILL_OPACITY, className = '', data = {} } = {}) {
  const li = document.createElement('li');
  Object.assign(li.dataset, data);
  const sw = document.createElement('span');
  sw.className = `swatch ${className}`.trim();
  if (color) sw.style.background = color;
  sw.style.opacity = String(opacity);
  sw.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
  text.className = 'legend-label';
  text.textContent = label;
  li.append(sw, text);
  return li;
}

export function setLegend(title, items, notes, { twoColumns = true } = {}) {
  $('#legend-title').textContent = title;
  const ul = $('#legend-items');
  ul.className = twoColumns ? 'legend-items two-col' : 'legend-items';
  ul.replaceChildren(...items);
  $('#legend-notes').replaceChildren(...notes.map((txt) => {
    const p = document.createElement('p');
    p.className = 'legend-note';
    p.textContent = txt;
    return p;
  }));
}
