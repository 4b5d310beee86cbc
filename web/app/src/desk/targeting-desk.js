// The housing office's targeting list, desk additions: the filters GET /api/targeting takes
// (without social-services help, household type of the population register), the household
// column, the list's filters stated, and the XLSX export of the same list (format=xlsx, audited
// by the server as an export with the same purpose).
import { apiURL } from '../model/api.js';
import { esc } from '../i18n/format.js';
import { L } from '../panels/html.js';
import { t } from '../i18n/i18n.js';
import { state } from '../model/state.js';
import { targetingURL } from './desk-urls.js';
import { householdTypes } from '../model/vocabulary.js';

export function householdLabel(lang, type) {
  if (!type) return '';
  const key = `cat_household_type_${String(type).toLowerCase()}`;
  const s = t(lang, key);
  return s === key ? String(type) : s;
}

// The filter fields of the form: prefs {withoutHelp, householdType}.
export function targetingFilterFields(prefs) {
  const opts = [`<option value="">${L('tx_household_any')}</option>`]
    .concat(householdTypes().map((h) => `<option value="${esc(h)}"${h === prefs.householdType ? ' selected' : ''}>${esc(householdLabel(state.lang, h))}</option>`));
  return `<label class="tx-filter"><input type="checkbox" id="targeting-without-help"${prefs.withoutHelp ? ' checked' : ''}> <span>${L('tx_without_help')}</span></label>`
    + `<label class="field"><span>${L('tx_household')}</span><select id="targeting-household">${opts.join('')}</select></label>`;
}

// The query's filters, as sent: l {withoutHelp, householdType}.
export function targetingFilterParams(l) {
  return { withoutHelp: !!l.withoutHelp, householdType: l.householdType || '' };
}

// The list's tools: its filters stated and the export link of the same list. l: {need, data, withoutHelp, householdType}.
export function targetingTools(l) {
  const sel = state.selected;
  const tg = state.targeting;
  const parts = [];
  if (l.withoutHelp) parts.push(t(state.lang, 'tx_filter_without_help'));
  if (l.householdType) parts.push(`${t(state.lang, 'tx_household').toLowerCase()}: ${householdLabel(state.lang, l.householdType)}`);
  let html = '<div class="tx-tools">';
  html += parts.length ? `<p class="small muted tx-count">${L('tx_filters')} ${esc(parts.join('; '))}</p>` : '<span></span>';
  if (sel && tg?.purpose && l?.need) {
    const href = targetingURL(apiURL('./'), {
      geography: sel.geography, id: sel.id, need: l.need, purpose: tg.purpose, period: l.data?.period, ...targetingFilterParams(l), format: 'xlsx', lang: state.lang,
    }).href;
    html += `<a class="btn btn-small" id="targeting-export" href="${esc(href)}" download title="${L('tx_export_title')}">${L('tx_export')}</a>`;
  }
  return `${html}</div>`;
}
