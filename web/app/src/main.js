// Abitare map front end: MapLibre GL JS over our own vector tiles, no basemap.
//
// Modules in rooms: model/state.js holds the state and update(patch); this file says which renderer and
// effect follows which state key, wires the DOM events and starts the page. Pure modules
// (catalog, session, url-state, format, classify, labels, bounds, map-style, i18n) have unit
// tests in test/. Rooms: model/, i18n/, map/, panels/, public/, desk/, foresight/ (README.md).
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
// Every style sheet is the page's (app.css), also those of the parts loaded later: in the order
// of the cascade they were written for.
import './map/maps.css';
import './foresight/foresight.css';
import './desk/explore.css';
import './public/public.css';
import './desk/desk.css';
// First: the embed mode, and its query moved into the hash the state reads.
import {
  EMBED, canSelect, frameBlocked, initPublic, loadBasemap, publicBoot, publicMap, rememberBasemap,
} from './public/public.js';
import {
  readCatalog, readRelease, readSession, readTileJSON, setReleasesURL, setUnauthorizedHandler, takeBoot,
} from './model/api.js';
import {
  closeLogin, logout, openLogin, reloadForSession, renderAuth, sessionExpired, sessionReloading, submitLogin,
} from './panels/auth.js';
import { studyBounds, tileJSONBounds } from './map/bounds.js';
import {
  LAYER_IDS, MEASURES, SOURCES, UNIT_NAMES, VIEWS, parseCatalog,
} from './model/catalog.js';
import {
  renderControls, renderSelects, renderStaticStrings, showError,
} from './panels/controls.js';
import { mountControlsFold, renderControlsFold } from './panels/controls-fold.js';
import { $ } from './panels/html.js';
import { normalizeLang, setArea } from './i18n/i18n.js';
import { renderInfo } from './map/info.js';
import { renderLegend, renderProtection } from './map/legend.js';
import {
  applyPaint, applyVisibility, createMap, highlightSelected, map, setAttribution, showHover, updateBivariateBreaks, updateBreaks,
  updateSuppressedHint,
} from './map/map.js';
import {
  closeProfile, openProfile, renderProfile, selectionOf,
} from './panels/profile.js';
import {
  closeRanking, goToArea, loadRanking, openRanking, renderRanking,
} from './panels/ranking.js';
import { PERM, sessionOrAnonymous } from './model/session.js';
import { isStaticSite } from './public/site.js';
import { readSite } from './public/site-json.js';
import {
  allowed, choose, effectOn, fallbackLayers, initialArea, renderAll, renderOn, state, syncHash, update, viewOffered,
} from './model/state.js';
import { analyses, indicators } from './model/vocabulary.js';
import { startExplore } from './desk/explore.js';
import { startTable } from './desk/table-view.js';
import { startCompare } from './desk/compare.js';
import { startMaps } from './map/maps-controls.js';

// What each state key redraws, in this order.
renderOn(['lang', 'territory'], renderStaticStrings);
renderOn(['lang'], renderControlsFold);
renderOn(['lang', 'vocabulary', 'indicator', 'analysis'], renderSelects);
renderOn(['lang', 'session', 'sessionError', 'loginOpen', 'loginBusy', 'loginError'], renderAuth);
renderOn(['lang', 'view', 'unit', 'measure', 'indicator', 'session', 'available', 'suppressedHere', 'mapZoom'], renderControls);
renderOn(['lang', 'view', 'unit', 'indicator', 'measure', 'analysis', 'breaks', 'session', 'available', 'mapZoom'], renderLegend);
renderOn(['lang', 'session', 'release'], renderProtection);
renderOn(['lang', 'vocabulary', 'hovered', 'view', 'unit', 'indicator', 'analysis', 'available', 'mapZoom'], renderInfo);
renderOn(['lang', 'vocabulary', 'selected', 'profile', 'indicator', 'session', 'available', 'forecastTick'], renderProfile);
renderOn(['lang', 'rankingOpen', 'ranking', 'rankingNote', 'indicator', 'view', 'unit', 'selected'], renderRanking);
renderOn(['selected', 'rankingOpen', 'tableOpen', 'compare', 'exposureOpen', 'customAreaOpen', 'watchlistOpen', 'leadLagOpen'], layoutSide);
renderOn(['lang', 'territory'], setAttribution);
renderOn(['view', 'unit', 'available', 'mapZoom'], applyVisibility);
renderOn(['view', 'unit', 'indicator', 'measure', 'analysis', 'breaks', 'session', 'mapZoom'], applyPaint);
renderOn(['view', 'unit', 'selected', 'mapZoom'], highlightSelected);
renderOn(['view', 'unit', 'hovered', 'mapZoom'], showHover);

// What each state key sets going. Breaks of a new view or unit wait for its tiles (map idle).
effectOn(['indicator', 'measure'], updateBreaks);
effectOn(['indicator'], () => updateSuppressedHint());
effectOn(['indicator', 'unit', 'rankingOpen'], () => loadRanking());
effectOn(['session'], loadRoleCode);

// Side column (profile, ranking) on the right; the hover card moves left of it.
function layoutSide() {
  document.body.classList.toggle('side-open', !!state.selected || state.rankingOpen || state.tableOpen || state.compare.length > 0 || !!state.exposureOpen
    || !!state.customAreaOpen || !!state.watchlistOpen || !!state.leadLagOpen);
}

function setView(view) {
  if (VIEWS.includes(view) && viewOffered(view)) choose({ view, hovered: null, suppressedHere: false });
}

function setUnit(unit) {
  if (UNIT_NAMES.includes(unit)) choose({ unit, hovered: null, suppressedHere: false });
}

function setIndicator(indicator) {
  if (indicators().includes(indicator)) choose({ indicator });
}

function setMeasure(measure) {
  if (MEASURES.includes(measure)) choose({ measure });
}

function setAnalysis(analysis) {
  if (analyses().includes(analysis)) choose({ analysis });
}

function setLang(lang) {
  const l = normalizeLang(lang);
  if (l) choose({ lang: l });
}

function listenControls() {
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  const radios = { view: setView, layer: setUnit, measure: setMeasure };
  for (const [name, set] of Object.entries(radios)) {
    for (const r of document.querySelectorAll(`input[name="${name}"]`)) {
      r.addEventListener('change', () => { if (r.checked) set(r.value); });
    }
  }
  $('#indicator-select').addEventListener('change', (e) => setIndicator(e.target.value));
  $('#ranking-indicator').addEventListener('change', (e) => setIndicator(e.target.value));
  $('#analysis-select').addEventListener('change', (e) => setAnalysis(e.target.value));
  // "Health figures only by district": one click to the district layer.
  $('#district-switch').addEventListener('click', () => setUnit('districts'));
}

function listenPanels() {
  $('#ranking-button').addEventListener('click', () => (state.rankingOpen ? closeRanking() : openRanking()));
  $('#ranking-close').addEventListener('click', () => closeRanking());
  $('#profile-close').addEventListener('click', closeProfile);
  $('#ranking-body').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-area]');
    if (btn) goToArea(btn.dataset.area);
  });
  $('#profile-body').addEventListener('click', (e) => {
    if (!e.target.closest('button[data-action="districts-health"]')) return;
    setView('indicator');
    setIndicator('health');
    setUnit('districts');
  });
}

function listenLogin() {
  $('#login-button').addEventListener('click', () => (state.loginOpen ? closeLogin() : openLogin()));
  $('#login-cancel').addEventListener('click', () => closeLogin());
  $('#login-form').addEventListener('submit', submitLogin);
  $('#login-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeLogin(); }
  });
  $('#logout-button').addEventListener('click', logout);
  // A click outside the login popover closes it (focus stays where the click put it).
  document.addEventListener('pointerdown', (e) => {
    if (state.loginOpen && !state.loginBusy && !$('#login-form').hidden && !e.target.closest('#auth')) closeLogin({ focus: false });
  });
  // Back to the tab: the session may have expired, or changed in another tab.
  document.addEventListener('visibilitychange', async () => {
    if (document.visibilityState !== 'visible' || !map || state.static || EMBED || sessionReloading()) return;
    const { session } = await readSession();
    if (session.user !== state.session.user || session.role !== state.session.role) reloadForSession();
  });
}

function listenEscape() {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (state.loginOpen && !state.session.user) { e.preventDefault(); closeLogin(); return; }
    if (state.selected) { e.preventDefault(); closeProfile(); } else if (state.rankingOpen) { e.preventDefault(); closeRanking(); }
  });
}

// The static mode's code (with the PMTiles reader) is a chunk of its own, loaded only for it.
async function readStaticBoot(site) {
  return (await import('./public/static.js')).readStaticBoot(site);
}

// The code of the logged-in roles (roles.js) is loaded when such a role is (at start or after a
// login), once the map is made: a chunk of its own, never in the public's first view.
let mapMade = false;
let roles = null; // Promise of roles.js
const started = { restricted: false, people: false };
let customAreaSelect = () => false; // the custom area's panel takes a map click (desk/custom-area.js)

async function loadRoleCode() {
  if (!mapMade || state.static || EMBED) return;
  const restricted = !started.restricted && allowed(PERM.aggregates);
  const people = !started.people && allowed(PERM.people);
  if (!restricted && !people) return;
  let code;
  try {
    roles ||= import('./roles.js');
    code = await roles;
  } catch (err) {
    roles = null;
    console.error('loading the role\'s code:', err);
    showError('error_tiles', err?.message);
    return;
  }
  if (restricted && !started.restricted && allowed(PERM.aggregates)) {
    started.restricted = true;
    const { customAreaSelect: select, api } = code.startRestricted();
    customAreaSelect = select;
    Object.assign(window.abitare, api);
  }
  if (people && !started.people && allowed(PERM.people)) {
    started.people = true;
    code.startPeople();
  }
}

// Who is asking decides the catalog (and so the views) and the panels: inlined in the page by
// the server, else asked for. A static site (site.json next to the page, or boot data with
// mode "static") reads the bundle's files instead: the anonymous public, no /api call.
async function readBoot() {
  const boot = takeBoot();
  rememberBasemap(boot);
  if (isStaticSite(boot)) return readStaticBoot(boot);
  const site = boot ? null : await readSite();
  if (site) { rememberBasemap(site); return readStaticBoot(site); }
  if (!boot) {
    const [{ session, vocabulary, error }, catalog, release] = await Promise.all([readSession(), readCatalog(), readRelease()]);
    return { session, vocabulary, error, catalog, release };
  }
  const { session, vocabulary, error } = sessionOrAnonymous(boot.session, 'boot data');
  return { session, vocabulary, error, catalog: parseCatalog(boot.catalog), release: boot.release || null };
}

// The study area: the bounds of the layers' TileJSON in the catalog, else of the boundary's
// (or another layer's) TileJSON asked for.
async function studyArea() {
  const box = studyBounds(state.tileSources) || tileJSONBounds(state.territory?.bounds);
  if (box || !state.available.size || state.static) return box;
  const layer = state.available.has('boundary') ? 'boundary' : [...state.available][0];
  return tileJSONBounds((await readTileJSON(layer))?.bounds);
}

let tileErrors = 0;

function onMapError(e) {
  console.error('map error:', e?.error ? e.error.message || e.error : e);
  // A restricted tile refused (401): the session has expired.
  if (e?.error?.status === 401) sessionExpired();
  // A TileJSON that cannot be read leaves a layer empty: tell the user. Single tile errors
  // (e.tile set) are only logged.
  if (e?.sourceId && !e.tile && ++tileErrors === 1) showError('error_tiles', e.sourceId);
}

async function start() {
  if (frameBlocked()) return;
  setUnauthorizedHandler(sessionExpired);
  initPublic();
  mountControlsFold();
  startMaps({
    applyPaint, renderLegend, updateBreaks, updateBivariateBreaks, renderOn, effectOn,
  });
  renderAll();
  listenControls();
  listenPanels();
  listenLogin();
  listenEscape();
  // Keep the state in the hash too (MapLibre adds map=).
  syncHash();

  const {
    session, vocabulary, error, catalog, release, releasePage, static: isStatic = false,
  } = publicBoot(await readBoot());
  if (releasePage) setReleasesURL(releasePage);
  setArea(catalog?.territory || null);
  update({
    static: isStatic,
    session,
    vocabulary,
    sessionError: error,
    release,
    available: catalog?.layers || (isStatic ? new Set() : fallbackLayers(session)),
    tileSources: catalog?.sources || {},
    territory: catalog?.territory || null,
  });

  const [box] = await Promise.all([studyArea(), loadBasemap()]);
  try {
    createMap('map', box, {
      // The static site's profile comes from the figures files (static-profile.js); a chosen
      // period is the profile's too.
      select: (hit) => {
        if (!canSelect() || customAreaSelect(selectionOf(hit))) return; // the custom area's panel takes the click
        openProfile({ ...selectionOf(hit), ...(state.period ? { period: state.period } : {}) });
      },
      idle: () => { if (state.rankingOpen) loadRanking(); },
      error: onMapError,
    });
  } catch (err) {
    console.error(err);
    showError('error_webgl', err?.message);
    return;
  }
  startExplore();
  startTable();
  startCompare();
  // For tests and debugging (the roles' code adds customArea, trends, watchlist and forecasts).
  window.abitare = {
    map, state, update, layerIds: LAYER_IDS, sources: SOURCES, openProfile, setView, setUnit, setIndicator, setAnalysis, reloadForSession,
  };
  mapMade = true;
  loadRoleCode();
  publicMap(map);
  if (initialArea) openProfile({ ...initialArea, ...(state.period ? { period: state.period } : {}) }, { focus: false });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
