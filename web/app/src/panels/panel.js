// The side panels' scaffold (desk/exposure.js, desk/custom-area.js, foresight/watchlist.js,
// foresight/lead-lag.js): a button in the controls card's foot that opens and closes the panel
// (aria-expanded, aria-controls; shown only to whom the panel is offered), and a card in #side
// with a title, a close button and the panel's own body. Escape closes it (unless a profile is
// open above it, or the panel says not now); on closing, the focus goes back where it was.
//
// Element ids: the panel #<id>, its title #<id>-title, its close button #<id>-close, its
// button #<id>-button. The state key (declared in model/state.js) says whether it is open.
import { $ } from './html.js';
import { t } from '../i18n/i18n.js';
import { state, update } from '../model/state.js';

export function sidePanel({
  id, key, className, body, offered, texts, after = null, escape = () => true,
  beforeOpen = () => {}, afterOpen = () => {}, beforeClose = () => {}, notOffered = () => {},
}) {
  let returnFocus = null;
  const buttonId = `${id}-button`;

  function open() {
    if (!offered()) return;
    returnFocus = document.activeElement;
    beforeOpen();
    update({ [key]: true });
    $(`#${id}`).focus({ preventScroll: true });
    afterOpen();
  }

  function close() {
    beforeClose();
    update({ [key]: false });
    const back = returnFocus || $(`#${buttonId}`);
    returnFocus = null;
    if (back && document.contains(back) && typeof back.focus === 'function') back.focus();
  }

  // Makes the button and the panel once; returns the panel, or null when it was there already
  // (or the page has no side column).
  function build() {
    const foot = document.querySelector('#controls .controls-foot');
    if (foot && !$(`#${buttonId}`)) {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = buttonId;
      b.className = 'btn';
      b.hidden = true;
      b.setAttribute('aria-expanded', 'false');
      b.setAttribute('aria-controls', id);
      const prev = after && $(after);
      if (prev) prev.after(' ', b); else foot.append(' ', b);
      b.addEventListener('click', () => (state[key] ? close() : open()));
    }
    const side = $('#side');
    if (!side || $(`#${id}`)) return null;
    const panel = document.createElement('section');
    panel.id = id;
    panel.className = `card panel ${className}`;
    panel.tabIndex = -1;
    panel.hidden = true;
    panel.setAttribute('aria-labelledby', `${id}-title`);
    panel.innerHTML = `<div class="panel-head"><h2 id="${id}-title"></h2>`
      + `<button type="button" class="close" id="${id}-close">×</button></div>${body}`;
    side.append(panel);
    $(`#${id}-close`).addEventListener('click', () => close());
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !state.selected && escape()) { e.preventDefault(); e.stopPropagation(); close(); }
    });
    return panel;
  }

  // The button and the panel as the state says: null when not built or when closing (the
  // update that closes renders again), false when the panel is hidden, true when it is shown
  // (its title and close label set; the caller fills in the rest).
  function render() {
    const btn = $(`#${buttonId}`);
    const panel = $(`#${id}`);
    if (!btn || !panel) return null;
    const show = offered();
    btn.hidden = !show;
    btn.textContent = t(state.lang, texts.button);
    btn.setAttribute('aria-expanded', String(!!state[key] && show));
    if (!show) notOffered();
    if (!show && state[key]) { update({ [key]: false }); return null; }
    panel.hidden = !state[key];
    if (panel.hidden) return false;
    $(`#${id}-title`).textContent = t(state.lang, texts.title);
    $(`#${id}-close`).setAttribute('aria-label', t(state.lang, texts.close));
    return true;
  }

  return {
    open, close, build, render,
  };
}
