// Login and logout through the header form (POST and DELETE /api/session, session cookie), and
// the reload of the session, the role's catalog and the map after either.
import { apiFetch, apiURL, errorText, readCatalog, readSession } from '../model/api.js';
import { $ } from './html.js';
import { t, tf } from '../i18n/i18n.js';
import { roleLabel } from '../i18n/labels.js';
import { rebuildStyle } from '../map/map.js';
import { openProfile } from './profile.js';
import { loadRanking } from './ranking.js';
import { PERM, can } from '../model/session.js';
import { fallbackLayers, state, update } from '../model/state.js';

let sessionSeq = 0;
let reloading = false;

export const sessionReloading = () => reloading;

// A 401 while logged in: the session expired or was revoked; go back to the public view.
export function sessionExpired() {
  if (!state.session.user || reloading) return;
  update({ loginOpen: true, loginError: { key: 'session_expired' } });
  reloadForSession();
}

// After login or logout: read the session and the role's catalog again, rebuild the map's
// sources and layers (so that the role's tiles are fetched) and reload the open panels.
export async function reloadForSession() {
  const seq = ++sessionSeq;
  reloading = true;
  const [{ session, vocabulary, error }, catalog] = await Promise.all([readSession(), readCatalog()]);
  if (seq !== sessionSeq) return;
  reloading = false;
  update({
    session,
    vocabulary,
    sessionError: error,
    available: catalog?.layers || fallbackLayers(session),
    tileSources: catalog?.sources || {},
    ...(session.user ? { loginOpen: false, loginError: null } : {}),
    ...(can(session, PERM.aggregates) ? {} : { rankingOpen: false }),
    targeting: null,
    ranking: null,
    breaks: null,
    hovered: null,
    suppressedHere: false,
  });
  rebuildStyle();
  if (state.selected) openProfile(state.selected, { focus: false });
  if (state.rankingOpen) loadRanking(true);
}

export function renderAuth() {
  const s = state.session;
  const logged = !!s.user;
  document.body.dataset.role = s.role;
  const info = $('#session-info');
  info.hidden = !logged;
  info.dataset.role = s.role;
  info.textContent = logged ? tf(state.lang, 'session_as', { user: s.user, role: roleLabel(state.lang, s.role) }) : '';
  const loginBtn = $('#login-button');
  // A static site has no server to log in to.
  loginBtn.hidden = logged || state.static;
  loginBtn.setAttribute('aria-expanded', String(state.loginOpen && !logged));
  $('#logout-button').hidden = !logged;
  const formOpen = state.loginOpen && !logged;
  $('#login-form').hidden = !formOpen;
  const submit = $('#login-submit');
  submit.disabled = state.loginBusy;
  submit.textContent = t(state.lang, state.loginBusy ? 'login_busy' : 'login_submit');
  document.body.classList.toggle('login-open', formOpen);
  renderAuthMessage(formOpen);
}

// The message goes in the form when it is open (role=alert), else under the buttons. A login
// error comes first; else a session that could not be read.
function renderAuthMessage(formOpen) {
  const e = state.loginError || state.sessionError;
  const text = e ? t(state.lang, e.key) + (e.detail ? ` (${e.detail})` : '') : '';
  const formMsg = $('#login-error');
  formMsg.hidden = !e || !formOpen;
  formMsg.textContent = formOpen ? text : '';
  const msg = $('#auth-message');
  msg.hidden = !e || formOpen;
  msg.textContent = formOpen ? '' : text;
  const bad = !!state.loginError && ['login_wrong', 'login_missing'].includes(state.loginError.key);
  for (const el of [$('#login-user'), $('#login-password')]) {
    if (bad) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
  }
}

export function openLogin() {
  update({ loginOpen: true, loginError: null });
  $('#login-user').focus();
}

export function closeLogin({ focus = true } = {}) {
  $('#login-password').value = '';
  update({ loginOpen: false, loginError: null });
  if (focus && !$('#login-button').hidden) $('#login-button').focus();
}

async function postLogin(username, password) {
  try {
    const res = await apiFetch(apiURL('session'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.ok) return null;
    if (res.status === 401) return { key: 'login_wrong' };
    return { key: 'login_failed', detail: await errorText(res) };
  } catch (err) {
    return { key: 'login_failed', detail: err?.message };
  }
}

export async function submitLogin(e) {
  e.preventDefault();
  if (state.loginBusy) return;
  const userEl = $('#login-user');
  const pwEl = $('#login-password');
  const username = userEl.value.trim();
  if (!username || !pwEl.value) {
    update({ loginError: { key: 'login_missing' } });
    (username ? pwEl : userEl).focus();
    return;
  }
  update({ loginBusy: true, loginError: null });
  const error = await postLogin(username, pwEl.value);
  pwEl.value = '';
  update({ loginBusy: false, loginError: error });
  if (error) {
    pwEl.focus();
    return;
  }
  await reloadForSession();
  if (state.session.user) {
    $('#logout-button').focus();
  } else {
    // The server accepted the password but the browser kept no session cookie (a Secure
    // cookie over plain HTTP, or cookies blocked).
    update({ loginOpen: true, loginError: { key: 'login_no_session' } });
    userEl.focus();
  }
}

export async function logout() {
  try {
    const res = await apiFetch(apiURL('session'), { method: 'DELETE' });
    if (!res.ok && res.status !== 401) update({ loginError: { key: 'logout_failed', detail: await errorText(res) } });
  } catch (err) {
    update({ loginError: { key: 'logout_failed', detail: err?.message } });
  }
  await reloadForSession();
  if (!$('#login-button').hidden) $('#login-button').focus();
}
