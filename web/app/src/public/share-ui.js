// The share dialog: the link to the current view and an <iframe> snippet of the embed, with
// its options (indicator, locked area, interactive, legend, size). A native <dialog> opened
// with showModal: the browser traps the focus and closes it on Escape; the focus goes back to
// the button.
import { t, tf } from '../i18n/i18n.js';
import { DEFAULT_SIZE, embedURL, iframeSnippet } from './share-link.js';
import { renderOn, state } from '../model/state.js';
import { hashParams } from '../model/url-state.js';
import { indicators } from '../model/vocabulary.js';

let dialog;
let opener = null;
const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
const q = (sel) => dialog.querySelector(sel);

const TEMPLATE = `
  <div class="panel-head">
    <h2 id="share-title" data-i18n="shr_title"></h2>
    <button type="button" class="close" id="share-close" data-i18n-aria="shr_close">×</button>
  </div>
  <div class="share-section">
    <label class="field" for="share-link"><span data-i18n="shr_link_label"></span></label>
    <div class="share-row">
      <input id="share-link" type="text" readonly>
      <button type="button" class="btn btn-small" data-copy="share-link" data-i18n="shr_copy"></button>
    </div>
  </div>
  <fieldset class="share-section share-embed">
    <legend data-i18n="shr_embed_title"></legend>
    <p id="share-view" class="small muted"></p>
    <label class="field" id="share-ind-field"><span data-i18n="shr_indicator"></span>
      <select id="share-ind"></select></label>
    <label class="check" id="share-lock-field"><input type="checkbox" id="share-lock"> <span id="share-lock-text"></span></label>
    <label class="check"><input type="checkbox" id="share-interactive" checked> <span data-i18n="shr_interactive"></span></label>
    <label class="check"><input type="checkbox" id="share-legend" checked> <span data-i18n="shr_legend"></span></label>
    <div class="share-size">
      <label class="field"><span data-i18n="shr_width"></span>
        <input id="share-width" type="text" inputmode="numeric" value="${DEFAULT_SIZE.width}" size="6"></label>
      <label class="field"><span data-i18n="shr_height"></span>
        <input id="share-height" type="text" inputmode="numeric" value="${DEFAULT_SIZE.height}" size="6"></label>
    </div>
    <label class="field" for="share-snippet"><span data-i18n="shr_snippet_label"></span></label>
    <textarea id="share-snippet" readonly rows="4" spellcheck="false"></textarea>
    <div class="share-row"><button type="button" class="btn btn-small" data-copy="share-snippet" data-i18n="shr_copy"></button></div>
  </fieldset>
  <p id="share-status" class="small share-status" role="status"></p>`;

// The Share button (in the controls' foot) and its dialog (at the end of the page).
export function mountShare(card) {
  const button = el('button', { type: 'button', id: 'share-button', className: 'btn' });
  button.dataset.i18n = 'shr_button';
  button.setAttribute('aria-haspopup', 'dialog');
  const foot = card.querySelector('.controls-foot') || card;
  foot.append(button);
  dialog = el('dialog', { id: 'share-dialog', className: 'card share-dialog' });
  dialog.setAttribute('aria-labelledby', 'share-title');
  dialog.innerHTML = TEMPLATE;
  document.body.append(dialog);

  button.addEventListener('click', () => openShare(button));
  q('#share-close').addEventListener('click', () => dialog.close());
  // Escape closes the dialog only (not the profile behind it).
  dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') e.stopPropagation(); });
  dialog.addEventListener('close', () => {
    const back = opener;
    opener = null;
    if (back && document.contains(back)) back.focus();
  });
  // A click on the backdrop closes it too.
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  dialog.addEventListener('input', renderSnippet);
  dialog.addEventListener('change', renderSnippet);
  for (const b of dialog.querySelectorAll('button[data-copy]')) b.addEventListener('click', () => copy(b.dataset.copy));
  for (const f of dialog.querySelectorAll('textarea, #share-link')) f.addEventListener('focus', () => f.select());
  renderOn(['lang', 'selected', 'indicator', 'view', 'vocabulary'], () => { if (dialog.open) fillDialog(); });
}

function openShare(button) {
  opener = button;
  fillDialog();
  q('#share-status').textContent = '';
  dialog.showModal();
  q('#share-link').focus();
}

const areaParam = (sel) => (sel ? `${sel.geography}:${sel.id}` : null);

function fillDialog() {
  const { lang } = state;
  q('#share-link').value = window.location.href;
  q('#share-view').textContent = tf(lang, 'shr_embed_view', { view: t(lang, `view_${state.view}`) });
  const sel = q('#share-ind');
  const keep = sel.value || state.indicator;
  sel.replaceChildren(...indicators().map((i) => new Option(t(lang, i), i, false, i === keep)));
  sel.value = indicators().includes(keep) ? keep : state.indicator;
  q('#share-ind-field').hidden = state.view !== 'indicator';
  q('#share-lock-field').hidden = !state.selected;
  if (!state.selected) q('#share-lock').checked = false;
  const name = state.selected?.name ? ` ${state.selected.name}` : '';
  q('#share-lock-text').textContent = tf(lang, 'shr_lock', { area: `${state.selected?.id ?? ''}${name}` });
  renderSnippet();
}

// The embed's options from the dialog and the page's state.
export function embedOptionsNow() {
  return {
    lang: state.lang,
    view: state.view,
    layer: state.unit,
    ind: q('#share-ind').value || state.indicator,
    measure: state.measure,
    analysis: state.analysis,
    map: hashParams(window.location.hash).get('map'),
    area: state.selected && q('#share-lock').checked ? areaParam(state.selected) : null,
    interactive: q('#share-interactive').checked,
    legend: q('#share-legend').checked,
  };
}

function renderSnippet() {
  if (!dialog) return;
  const src = embedURL(window.location.href, embedOptionsNow(), { static: state.static });
  q('#share-snippet').value = iframeSnippet({
    src, title: t(state.lang, 'shr_iframe_title'), width: q('#share-width').value, height: q('#share-height').value,
  });
}

async function copy(id) {
  const field = q(`#${id}`);
  const out = q('#share-status');
  try {
    await navigator.clipboard.writeText(field.value);
    out.textContent = t(state.lang, 'shr_copied');
  } catch {
    field.focus();
    field.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { /* not supported */ }
    out.textContent = t(state.lang, ok ? 'shr_copied' : 'shr_copy_failed');
  }
}
