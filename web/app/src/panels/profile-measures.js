// The area profile's composite indices and need without help (restricted profiles): AMPI and
// IMD-style score, and per need the people, those without help and their share.
import { esc, fmtRate } from '../i18n/format.js';
import {
  L, int, withheldSpan,
} from './html.js';
import { t, tf } from '../i18n/i18n.js';
import { rentOfZone } from '../map/map-fields.js';
import { loadRentAnswer, loadedRentAnswer } from '../map/rent-layer.js';
import { PERM } from '../model/session.js';
import { allowed, state, update } from '../model/state.js';

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// The share of people without help, in % with one decimal, or null.
export function unhelpedShare(c) {
  return c && c.status === 'published' && isNum(c.people) && isNum(c.without_help) && c.people > 0
    ? Math.round((1000 * c.without_help) / c.people) / 10 : null;
}

const pct = (v) => `${esc(fmtRate(state.lang, Math.round(v * 1000) / 10))} %`;

// An OMI zone's rent burden (GET /api/rent-burden, rent-layer.js's request): '' for other
// areas, for roles that do not read aggregates, and while the answer is read (the profile is
// drawn again when it arrives).
function rentSection(sel) {
  if (sel?.geography !== 'omi' || !allowed(PERM.aggregates) || state.static) return '';
  const answer = loadedRentAnswer();
  if (answer === undefined) {
    loadRentAnswer().then(() => { if (state.selected === sel) update({ profile: state.profile }); });
    return '';
  }
  const z = rentOfZone(answer, sel.id);
  if (!z) return '';
  const shown = z.status === 'published';
  const v = (x, f) => (x !== null ? f(x) : (shown ? '—' : withheldSpan()));
  const period = answer?.period ? ` <span class="muted small">(${esc(answer.period)})</span>` : '';
  let html = `<h4 class="profile-rent-title">${L('mp_rent_profile_title')}${period}</h4><dl class="figures profile-measures profile-rent">`
    + `<div><dt>${L('mp_rent_profile_median')}</dt><dd>${v(z.median, pct)}</dd></div>`
    + `<div><dt>${L('mp_rent_profile_above_30')}</dt><dd>${v(z.shareAbove30, pct)}</dd></div>`
    + `<div><dt>${L('mp_rent_profile_above_40')}</dt><dd>${v(z.shareAbove40, pct)}</dd></div>`
    + `<div><dt>${L('mp_rent_profile_households')}</dt><dd>${v(z.households, int)}</dd></div>`;
  if (z.rentPerM2 !== null) {
    const band = z.band ? ` <span class="muted small">(${esc(tf(state.lang, 'mp_rent_profile_band', { band: z.band }))})</span>` : '';
    html += `<div><dt>${L('mp_rent_profile_omi_rent')}</dt><dd>${esc(fmtRate(state.lang, z.rentPerM2))} €/m²${band}</dd></div>`;
  }
  html += '</dl>';
  if (!shown) html += `<p class="small muted">${L('mp_rent_profile_withheld')}</p>`;
  return `${html}<p class="small muted">${L('mp_rent_profile_note')}</p>`;
}

// The section's HTML ('' when the profile has neither indices, coverage nor rent burden).
export function measuresSection(d, sel = null) {
  const composite = d?.composite;
  const idise = isNum(d?.idise?.value) ? d.idise : null;
  const coverage = Array.isArray(d?.coverage) ? d.coverage : [];
  const domains = state.vocabulary?.domains || [];
  const inputWithheld = (d?.indicators || []).some((i) => domains.includes(i.indicator) && i.status === 'withheld');
  const rent = rentSection(sel);
  if (!composite && !idise && !coverage.length && !inputWithheld && !rent) return '';
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
  html += rent;
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
