// The targeting list of the housing office, in the area profile: /api/targeting for the area
// and a need, with a stated purpose; /api/people/{p}/timeline for a person of the list.
import { apiURL, errorText, fetchData } from '../model/api.js';
import { MIN_PURPOSE, validPurpose } from '../model/catalog.js';
import { dateOnly, esc, fmtAmount, fmtInt, shortPseudonym } from '../i18n/format.js';
import { $, L, LF } from '../panels/html.js';
import { t } from '../i18n/i18n.js';
import { needLabel } from '../i18n/labels.js';
import { PERM } from '../model/session.js';
import { setTargetingFor } from '../panels/profile.js';
import {
  allowed, effectOn, renderOn, state, update,
} from '../model/state.js';
import { domains, needs } from '../model/vocabulary.js';
import {
  householdLabel, targetingFilterFields, targetingFilterParams, targetingTools,
} from './targeting-desk.js';

// The need and purpose typed last, reused for the next area and for the timelines; kept in
// memory only (never in the URL or localStorage) and cleared on login and logout.
let prefs = {
  need: '', purpose: '', withoutHelp: false, householdType: '',
};
let seq = 0;
// Tells a targeting state from an earlier one of the same area (before a logout, say).
let epoch = 0;
// The list drawn in #targeting-results: redrawn only when it changes, so that the focus stays
// on the person just clicked.
let shownList = null;

export function resetTargetingPrefs() {
  prefs = {
    need: '', purpose: '', withoutHelp: false, householdType: '',
  };
}

export function setTargetingPref(name, value) {
  prefs = { ...prefs, [name]: value };
}

// The list's filters (sent with the next request): the "without help" box, the household type.
export function setTargetingFilter(el) {
  if (el.id === 'targeting-without-help') prefs = { ...prefs, withoutHelp: !!el.checked };
  if (el.id === 'targeting-household') prefs = { ...prefs, householdType: el.value };
}

// The targeting state for a newly selected area: kept when the area is the same.
export function targetingFor(sel) {
  const area = `${sel.geography}:${sel.id}`;
  if (state.targeting?.area === area) return state.targeting;
  return { area, epoch: ++epoch, list: null, person: null, timeline: null, formError: null };
}

function targetingAllowed(sel) {
  return allowed(PERM.people) && !!sel && (sel.geography === 'section' || /^h3_(7|8|9|10)$/.test(sel.geography));
}

// Whether the answer to request mySeq, made with tg, still belongs on screen (not when the
// user has since asked again, chosen another area or logged out).
function stillCurrent(tg, mySeq) {
  return mySeq === seq && state.targeting?.epoch === tg.epoch;
}

// The form is rebuilt only when the area or the language changes (not while typing).
export function renderTargeting() {
  const box = $('#targeting');
  const tg = state.targeting;
  const show = !!tg && targetingAllowed(state.selected);
  box.hidden = !show;
  if (!show) {
    box.replaceChildren();
    delete box.dataset.key;
    return;
  }
  const key = `${tg.area}|${state.lang}`;
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.innerHTML = targetingForm();
    shownList = null;
    $('#targeting-purpose').value = prefs.purpose;
  }
  renderTargetingResults();
  renderTimeline();
}

function targetingForm() {
  const opt = (n) => `<option value="${esc(n)}"${n === prefs.need ? ' selected' : ''}>${esc(needLabel(state.lang, n))}</option>`;
  return `<h3 id="targeting-title">${L('targeting_title')}</h3>`
    + '<form id="targeting-form" class="targeting-form" novalidate aria-labelledby="targeting-title">'
    + `<label class="field"><span>${L('targeting_need')}</span><select id="targeting-need">`
    + `<optgroup label="${L('group_domains')}">${domains().map(opt).join('')}</optgroup>`
    + `<optgroup label="${L('group_signals')}">${needs().map(opt).join('')}</optgroup></select></label>`
    + targetingFilterFields(prefs)
    + `<label class="field"><span>${L('targeting_purpose')}</span><input id="targeting-purpose" type="text" required `
    + `minlength="${MIN_PURPOSE}" maxlength="500" autocomplete="off" spellcheck="true" aria-describedby="targeting-purpose-hint" `
    + `placeholder="${L('targeting_purpose_placeholder')}"></label>`
    + `<p id="targeting-purpose-hint" class="small muted">${L('targeting_purpose_hint')}</p>`
    + '<p id="targeting-error" class="small error-text" role="alert" hidden></p>'
    + `<div><button type="submit" class="btn" id="targeting-submit">${L('targeting_submit')}</button></div>`
    + '</form>'
    + '<div id="targeting-results" aria-live="polite"></div>'
    + '<div id="targeting-timeline" aria-live="polite"></div>';
}

function renderTargetingResults() {
  const out = $('#targeting-results');
  const tg = state.targeting;
  const err = $('#targeting-error');
  err.hidden = !tg.formError;
  err.textContent = tg.formError ? t(state.lang, tg.formError) : '';
  const purposeEl = $('#targeting-purpose');
  if (tg.formError) purposeEl.setAttribute('aria-invalid', 'true');
  else purposeEl.removeAttribute('aria-invalid');
  const loading = !!tg.list?.loading;
  $('#targeting-submit').disabled = loading;
  out.setAttribute('aria-busy', String(loading));
  if (tg.list !== shownList) {
    out.innerHTML = listHTML(tg.list);
    shownList = tg.list;
  }
  for (const row of out.querySelectorAll('tr[data-person-row]')) {
    const cur = row.dataset.personRow === tg.person;
    row.classList.toggle('current', cur);
    row.querySelector('button[data-person]')?.setAttribute('aria-pressed', String(cur));
  }
}

function listHTML(l) {
  if (!l) return '';
  if (l.loading) return `<p class="hint">${L('targeting_loading')}</p>`;
  if (l.error) return `<p class="hint error-text">${L('targeting_error')} (${esc(l.error)})</p>`;
  const people = Array.isArray(l.data?.people) ? l.data.people : [];
  const tools = targetingTools(l);
  if (!people.length) return `<p class="hint">${L('targeting_empty')}</p>${tools}`;
  const caption = LF('targeting_caption', {
    need: needLabel(state.lang, l.need).toLowerCase(), n: fmtInt(state.lang, people.length), period: l.data?.period ?? '',
  });
  let html = `<p class="small muted">${caption}</p>${tools}`;
  html += `<table class="domains targeting-table"><thead><tr><th scope="col">${L('targeting_person')}</th>`
    + `<th scope="col">${L('targeting_domains')}</th><th scope="col">${L('tx_household')}</th><th scope="col">${L('targeting_helped')}</th>`
    + `<th scope="col">${L('targeting_last')}</th></tr></thead><tbody>`;
  for (const p of people) {
    const id = String(p.person || '');
    const domains = (Array.isArray(p.domains) ? p.domains : []).map((d) => t(state.lang, d)).join(', ');
    html += `<tr data-person-row="${esc(id)}"><td>`
      + `<button type="button" class="linkish" data-person="${esc(id)}" title="${esc(id)}" aria-pressed="false" `
      + `aria-label="${LF('targeting_person_title', { p: id })}"><code>${esc(shortPseudonym(id))}</code></button></td>`
      + `<td>${esc(domains)}</td><td>${esc(householdLabel(state.lang, p.household_type))}</td><td>${L(p.helped ? 'yes' : 'no')}</td><td>${esc(p.last_event ?? '')}</td></tr>`;
  }
  return `${html}</tbody></table>`;
}

function renderTimeline() {
  const out = $('#targeting-timeline');
  const tg = state.targeting;
  const tl = tg.timeline;
  out.setAttribute('aria-busy', String(!!tl?.loading));
  if (!tg.person || !tl) { out.innerHTML = ''; return; }
  const head = `<h4>${L('timeline_title')} <code title="${esc(tg.person)}">${esc(shortPseudonym(tg.person))}</code></h4>`;
  if (tl.loading) { out.innerHTML = `${head}<p class="hint">${L('timeline_loading')}</p>`; return; }
  if (tl.error) { out.innerHTML = `${head}<p class="hint error-text">${L('timeline_error')} (${esc(tl.error)})</p>`; return; }
  const events = (Array.isArray(tl.data?.events) ? tl.data.events : [])
    .map((ev, i) => ({ ev, i }))
    .sort((a, b) => dateOnly(a.ev.date).localeCompare(dateOnly(b.ev.date)) || a.i - b.i)
    .map((x) => x.ev);
  if (!events.length) { out.innerHTML = `${head}<p class="hint">${L('timeline_empty')}</p>`; return; }
  let html = `${head}<table class="domains timeline-table"><caption class="sr-only">${LF('timeline_caption', { p: tg.person })}</caption>`
    + `<thead><tr><th scope="col">${L('tl_date')}</th><th scope="col">${L('tl_kind')} · ${L('tl_source')} · ${L('tl_domain')}</th>`
    + `<th scope="col" class="num">${L('tl_amount')}</th><th scope="col">${L('tl_place')}</th>`
    + `<th scope="col" class="num">${L('tl_batch')}</th></tr></thead><tbody>`;
  for (const ev of events) html += timelineRow(ev);
  out.innerHTML = `${html}</tbody></table>`;
}

function timelineRow(ev) {
  const end = dateOnly(ev.end_date);
  const date = `<span class="nowrap">${esc(dateOnly(ev.date))}</span>${end ? `<span class="small muted nowrap d-block">→ ${esc(end)}</span>` : ''}`;
  const domain = ev.domain ? esc(t(state.lang, ev.domain)) : '';
  const what = `<span class="ev-kind">${esc(ev.kind ?? '')}</span>${ev.stage ? ` <span class="small muted">(${esc(ev.stage)})</span>` : ''}`
    + `<span class="small muted d-block">${esc(ev.source ?? '')}${domain ? ` · ${domain}` : ''}</span>`;
  const amount = esc(fmtAmount(state.lang, ev.amount));
  const placeId = ev.section || ev.h3_cell || '';
  const place = placeId
    ? `<code title="${esc(placeId)}">${esc(ev.section ? placeId : shortPseudonym(placeId))}</code>${ev.location_quality ? `<span class="small muted d-block">${esc(ev.location_quality)}</span>` : ''}`
    : '';
  return `<tr><td>${date}</td><td>${what}</td><td class="num">${amount}</td><td>${place}</td><td class="num">${esc(ev.batch ?? '')}</td></tr>`;
}

function patchTargeting(patch) {
  update({ targeting: { ...state.targeting, ...patch } });
}

export async function loadTargeting() {
  const tg = state.targeting;
  const sel = state.selected;
  if (!tg || !targetingAllowed(sel)) return;
  const purpose = prefs.purpose.trim();
  if (!validPurpose(purpose)) {
    patchTargeting({ formError: 'targeting_purpose_short' });
    $('#targeting-purpose').focus();
    return;
  }
  // The need chosen, else the first the vocabulary offers; none without a vocabulary.
  const offered = [...domains(), ...needs()];
  const need = offered.includes(prefs.need) ? prefs.need : offered[0];
  if (!need) return;
  // The purpose is reused for the timelines opened from this list.
  const filters = targetingFilterParams(prefs);
  patchTargeting({
    formError: null, purpose, list: { loading: true, need, ...filters }, person: null, timeline: null,
  });
  const u = apiURL('targeting');
  u.searchParams.set('geography', sel.geography);
  u.searchParams.set('id', sel.id);
  u.searchParams.set('need', need);
  u.searchParams.set('purpose', purpose);
  if (filters.withoutHelp) u.searchParams.set('without_help', 'true');
  if (filters.householdType) u.searchParams.set('household_type', filters.householdType);
  const period = state.profile?.data?.period;
  if (period) u.searchParams.set('period', period);
  const mySeq = ++seq;
  let list;
  try {
    const res = await fetchData(u, { cache: 'no-store' });
    list = res.ok ? { need, ...filters, data: await res.json() } : { need, ...filters, error: await errorText(res) };
  } catch (err) {
    list = { need, ...filters, error: err?.message };
  }
  if (stillCurrent(tg, mySeq)) patchTargeting({ list });
}

export async function loadTimeline(person) {
  const tg = state.targeting;
  if (!tg || !tg.purpose || !allowed(PERM.people)) return;
  patchTargeting({ person, timeline: { loading: true } });
  const u = apiURL(`people/${encodeURIComponent(person)}/timeline`);
  u.searchParams.set('purpose', tg.purpose);
  const mySeq = ++seq;
  let timeline;
  try {
    const res = await fetchData(u, { cache: 'no-store' });
    timeline = res.ok ? { data: await res.json() } : { error: await errorText(res) };
  } catch (err) {
    timeline = { error: err?.message };
  }
  if (stillCurrent(tg, mySeq) && state.targeting.person === person) patchTargeting({ timeline });
}

// Started when a role that reads person-level data logs in (main.js loads this module then):
// the form's events, its renderer, the targeting state of the profile opened (now and next),
// and the need and purpose forgotten at every login and logout.
export function startTargeting() {
  const box = $('#targeting');
  box.addEventListener('submit', (e) => { e.preventDefault(); loadTargeting(); });
  box.addEventListener('input', (e) => {
    if (e.target.id === 'targeting-purpose') setTargetingPref('purpose', e.target.value);
  });
  box.addEventListener('change', (e) => {
    if (e.target.id === 'targeting-need') setTargetingPref('need', e.target.value);
    if (e.target.id === 'targeting-without-help' || e.target.id === 'targeting-household') setTargetingFilter(e.target);
  });
  box.addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-person]');
    if (btn) loadTimeline(btn.dataset.person);
  });
  renderOn(['lang', 'vocabulary', 'selected', 'session', 'targeting'], renderTargeting);
  effectOn(['session'], resetTargetingPrefs);
  setTargetingFor(targetingFor);
  if (state.selected && !state.targeting) update({ targeting: targetingFor(state.selected) });
  else renderTargeting();
}
