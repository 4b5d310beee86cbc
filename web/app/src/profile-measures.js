// The area profile's composite indices and need without help (restricted profiles): AMPI and
// IMD-style score, and per need the people, those without help and their share.
import { esc, fmtRate } from './format.js';
import {
  L, int, withheldSpan,
} from './html.js';
import { t } from './i18n.js';
import { state } from './state.js';

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// The share of people without help, in % with one decimal, or null.
export function unhelpedShare(c) {
  return c && c.status === 'published' && isNum(c.people) && isNum(c.without_help) && c.people > 0
    ? Math.round((1000 * c.without_help) / c.people) / 10 : null;
}

// The section's HTML ('' when the profile has neither indices nor coverage).
export function measuresSection(d) {
  const composite = d?.composite;
  const idise = isNum(d?.idise?.value) ? d.idise : null;
  const coverage = Array.isArray(d?.coverage) ? d.coverage : [];
  const domains = state.vocabulary?.domains || [];
  const inputWithheld = (d?.indicators || []).some((i) => domains.includes(i.indicator) && i.status === 'withheld');
  if (!composite && !idise && !coverage.length && !inputWithheld) return '';
  let html = `<h3>${L('mp_profile_measures')}</h3>`;
  if (composite) {
    const v = (x) => (isNum(x) ? esc(fmtRate(state.lang, x)) : withheldSpan());
    html += `<dl class="figures profile-measures"><div><dt>${L('mp_profile_ampi')}</dt><dd>${v(composite.ampi)}</dd></div>`
      + `<div><dt>${L('mp_profile_imd')}</dt><dd>${v(composite.imd)}</dd></div></dl>`;
  } else if (inputWithheld) {
    html += `<p class="small muted">${L('mp_profile_composite_withheld')}</p>`;
  }
  // ISTAT's index of the section, beside the AMPI (same method, other indicators: docs/idise.md).
  if (idise) {
    const area = idise.area ? ` <span class="muted small">(${esc(idise.area)})</span>` : '';
    html += `<dl class="figures profile-measures"><div><dt>${L('mp_profile_idise')}</dt><dd>${esc(fmtRate(state.lang, idise.value))}${area}</dd></div></dl>`;
  }
  if (coverage.length) {
    html += `<table class="domains profile-coverage"><thead><tr><th scope="col">${L('mp_profile_need')}</th><th scope="col" class="num">${L('mp_profile_people')}</th>`
      + `<th scope="col" class="num">${L('mp_profile_without')}</th><th scope="col" class="num">${L('mp_profile_share')}</th></tr></thead><tbody>`;
    for (const c of coverage) {
      const shown = c.status === 'published';
      const share = unhelpedShare(c);
      html += `<tr><th scope="row">${esc(t(state.lang, `need_${c.need}`))}</th>`
        + `<td class="num">${shown && isNum(c.people) ? int(c.people) : withheldSpan()}</td>`
        + `<td class="num">${shown && isNum(c.without_help) ? int(c.without_help) : withheldSpan()}</td>`
        + `<td class="num">${share === null ? (shown ? '—' : withheldSpan()) : `${esc(fmtRate(state.lang, share))} %`}</td></tr>`;
    }
    html += '</tbody></table>';
  }
  return html;
}
