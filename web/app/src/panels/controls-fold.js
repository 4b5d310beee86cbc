// On a phone the controls card folds away to its head (title, language, login) and the search
// box, so that the map shows; a button in the head unfolds it. Folded at start; on wider
// screens the fold does nothing and its button is not shown (style.css, max-width 720px).
import { $ } from './html.js';
import { t } from '../i18n/i18n.js';
import { state } from '../model/state.js';

let button = null;

export function mountControlsFold() {
  const card = $('#controls');
  const tools = card?.querySelector('.head-tools');
  if (!tools || button) return;
  button = document.createElement('button');
  button.type = 'button';
  button.id = 'controls-fold';
  button.className = 'btn btn-small controls-fold';
  button.setAttribute('aria-controls', 'controls');
  tools.append(button);
  card.classList.add('folded');
  button.addEventListener('click', () => {
    card.classList.toggle('folded');
    renderControlsFold();
  });
}

export function renderControlsFold() {
  if (!button) return;
  const folded = $('#controls').classList.contains('folded');
  button.setAttribute('aria-expanded', String(!folded));
  button.textContent = t(state.lang, folded ? 'controls_unfold' : 'controls_fold');
}
