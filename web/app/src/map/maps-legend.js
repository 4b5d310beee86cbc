// Legends of the map features: the bivariate view's 3×3 grid with both axes named and their
// tertile breaks, and the derived measures (composite indices, shares without help) of the
// indicator view, in zero-aware classes (classes.js).
import { bivariateCells, tertileLabels } from './bivariate.js';
import { classLegend } from './classes.js';
import { NODATA_COLOR, WITHHELD_COLOR } from './classify.js';
import { fmtRate } from '../i18n/format.js';
import { t, tf } from '../i18n/i18n.js';
import { legendItem, setLegend } from './legend-items.js';
import {
  fieldDisplay, fieldKind, isRentField, needOf,
} from './map-fields.js';
import { bivariateLook, publishedSource, currentSource, state } from '../model/state.js';

// The label of a derived measure (select, legend title).
export function fieldLabel(lang, field) {
  const need = needOf(field);
  if (need) return tf(lang, 'mp_field_unhelped', { need: t(lang, `need_${need}`) });
  return t(lang, `mp_field_${field}`);
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// The 3×3 grid: y tick labels left of the rows (high on top), x tick labels under the columns.
function bivariateGrid(lang, b) {
  const fmt = (v) => fmtRate(lang, v);
  const names = { x: t(lang, state.bivariateX), y: t(lang, state.bivariateY) };
  const cells = bivariateCells(b.breaks, fmt, names);
  const li = el('li', 'bv-legend');
  li.dataset.cls = 'bivariate';
  const grid = el('div', 'bv-grid');
  grid.setAttribute('role', 'table');
  grid.setAttribute('aria-label', tf(lang, 'mp_legend_bivariate_title', names));
  const ly = tertileLabels(b.breaks.y, fmt);
  const lx = tertileLabels(b.breaks.x, fmt);
  for (let row = 0; row < 3; row++) {
    const r = el('div', 'bv-row');
    r.setAttribute('role', 'row');
    const head = el('span', 'bv-tick bv-tick-y', ly[2 - row]);
    head.setAttribute('role', 'rowheader');
    r.append(head);
    for (let col = 0; col < 3; col++) {
      const c = cells[row * 3 + col];
      const cell = el('span', 'bv-cell');
      cell.setAttribute('role', 'cell');
      cell.style.background = c.color;
      cell.dataset.x = String(c.x);
      cell.dataset.y = String(c.y);
      cell.title = c.label;
      cell.setAttribute('aria-label', c.label);
      r.append(cell);
    }
    grid.append(r);
  }
  const foot = el('div', 'bv-row bv-foot');
  foot.setAttribute('role', 'row');
  const corner = el('span', 'bv-tick bv-tick-y');
  corner.setAttribute('role', 'cell');
  const ticks = lx.map((l) => { const e = el('span', 'bv-tick bv-tick-x', l); e.setAttribute('role', 'columnheader'); return e; });
  foot.append(corner, ...ticks);
  grid.append(foot);
  const wrap = el('div', 'bv-wrap');
  wrap.append(el('span', 'bv-axis bv-axis-y', tf(lang, 'mp_axis_y', { ind: names.y })), grid);
  li.append(wrap, el('span', 'bv-axis bv-axis-x', tf(lang, 'mp_axis_x', { ind: names.x })));
  return li;
}

export function bivariateLegend(lang) {
  const names = { x: t(lang, state.bivariateX), y: t(lang, state.bivariateY) };
  const title = tf(lang, 'mp_legend_bivariate_title', names);
  const b = bivariateLook();
  const published = publishedSource(currentSource());
  const items = [];
  const notes = [];
  if (state.bivariateX === state.bivariateY) notes.push(t(lang, 'mp_same_indicator'));
  if (b) items.push(bivariateGrid(lang, b));
  else notes.push(t(lang, 'mp_bivariate_waiting'));
  if (published) items.push(legendItem(NODATA_COLOR, t(lang, 'legend_nodata'), { opacity: 1, className: 'hatched nodata', data: { cls: 'nodata' } }));
  else {
    items.push(legendItem(WITHHELD_COLOR, t(lang, 'legend_withheld'), { data: { cls: 'withheld' } }));
    items.push(legendItem('#a5add3', t(lang, 'legend_unstable'), { opacity: 1, className: 'hatched', data: { cls: 'unstable' } }));
  }
  notes.push(t(lang, published ? 'mp_bivariate_rate' : 'mp_bivariate_eb'), t(lang, 'mp_bivariate_caveat'));
  setLegend(title, items, notes, { twoColumns: false });
}

// The legend of a derived measure: its classes (shares in %), withheld, and what it means.
export function fieldLegend(lang, field) {
  const classes = state.breaks?.classes;
  const kind = fieldKind(field);
  const fmt = (v) => fmtRate(lang, fieldDisplay(field, v)) + (kind === 'share' ? ' %' : '');
  const items = classes ? classLegend(classes, fmt).map((c) => legendItem(c.color, c.label, { data: { cls: c.cls } })) : [];
  items.push(legendItem(WITHHELD_COLOR, t(lang, 'mp_field_withheld'), { data: { cls: 'withheld' } }));
  if (isRentField(field)) {
    setLegend(fieldLabel(lang, field), items, [t(lang, `mp_${field}_note`), t(lang, 'mp_rent_method'), t(lang, 'mp_breaks_note')]);
    return;
  }
  const note = kind === 'share' ? 'mp_unhelped_note' : field === 'ampi' ? 'mp_ampi_note' : 'mp_imd_note';
  setLegend(fieldLabel(lang, field), items, [t(lang, note), t(lang, 'mp_breaks_note'), t(lang, 'mp_field_units')]);
}
