// The hover card's line for the map features: the bivariate cell of the area (both classes, with
// their values) or the derived measure drawn (AMPI, IMD, share without help).
import { BIVARIATE_COLORS, bivariateCellOf, tertileLabels } from './bivariate.js';
import { esc, fmtRate, num } from '../i18n/format.js';
import { L, swatch } from '../panels/html.js';
import { t, tf } from '../i18n/i18n.js';
import { fieldDisplay, fieldKind, isRentField } from './map-fields.js';
import { fieldLabel } from './maps-legend.js';
import { bivariateLook, effectiveField, state } from '../model/state.js';

export function mapsInfo(p) {
  const { lang } = state;
  const b = bivariateLook();
  if (state.view === 'bivariate') {
    const cell = b && bivariateCellOf(p, b);
    if (!cell) return `<p class="small muted">${L('legend_withheld')}</p>`;
    const fmt = (v) => fmtRate(lang, v);
    const text = tf(lang, 'mp_cell_label', {
      x: t(lang, b.x), cx: tertileLabels(b.breaks.x, fmt)[cell.x], y: t(lang, b.y), cy: tertileLabels(b.breaks.y, fmt)[cell.y],
    });
    return `<p class="cluster-line">${swatch(BIVARIATE_COLORS[cell.y][cell.x])} ${esc(text)}</p>`;
  }
  const field = effectiveField();
  if (!field || isRentField(field)) return '';
  const v = fieldDisplay(field, num(p, field));
  const shown = v === null ? L('suppressed') : `${esc(fmtRate(lang, v))}${fieldKind(field) === 'share' ? ' %' : ''}`;
  return `<p class="cluster-line"><strong>${esc(fieldLabel(lang, field))}</strong>: ${shown}</p>`;
}
