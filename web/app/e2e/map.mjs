// End-to-end check of the map page in headless Chromium.
//
//   node e2e/map.mjs <baseURL> <screenshot.png>
//
// Needs a running Abitare server at baseURL (UI at "/", tiles under /tiles/).
// Chromium: $CHROMIUM or /usr/bin/chromium (Debian package). Exits 0 on success,
// 1 with the reason and the browser's console errors otherwise.
//
// The page is checked as the anonymous public first: published figures only (no hotspot view,
// no ranking). With ABITARE_E2E_USER and ABITARE_E2E_PASSWORD set (a planner or housing_office
// account), the script then logs in through the header form, checks the header, the hotspot
// view and the ranking (and, for the housing office, a targeting list), and logs out again.
// A server without roles (no /api/session) is checked as before: everything open.
import { launchChromium } from './browser.mjs';

const [baseURL, shotPath] = process.argv.slice(2);
if (!baseURL || !shotPath) {
  console.error('usage: node e2e/map.mjs <baseURL> <screenshot.png>');
  process.exit(2);
}
const TIMEOUT = 60_000;
// First view: how long after navigation the first hexagons are drawn, median of this many
// loads, each in a fresh browser context (nothing cached).
const FIRST_VIEW_RUNS = Number(process.env.ABITARE_E2E_FIRST_VIEW_RUNS || 5);
const E2E_USER = process.env.ABITARE_E2E_USER || '';
const E2E_PASSWORD = process.env.ABITARE_E2E_PASSWORD || '';
const ROLE_LABELS_EN = {
  planner: 'planner', housing_office: 'housing office', linkage_officer: 'linkage officer', administrator: 'administrator',
};

const consoleErrors = [];
const started = Date.now();
let browser;

function fail(reason) {
  console.error(`e2e FAIL: ${reason}`);
  if (consoleErrors.length) {
    console.error(`browser console errors (${consoleErrors.length}):`);
    for (const e of consoleErrors.slice(0, 30)) console.error(`  ${e}`);
  }
}

async function main() {
  browser = await launchChromium();
  const firstView = await measureFirstView(browser, new URL('/', baseURL).href, FIRST_VIEW_RUNS);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) consoleErrors.push(`http ${res.status()}: ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(why)) consoleErrors.push(`requestfailed: ${req.url()} ${why}`);
  });

  const url = new URL('/', baseURL).href;
  const resp = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: TIMEOUT });
  if (!resp || !resp.ok()) throw new Error(`GET ${url} answered ${resp ? resp.status() : 'nothing'}`);

  const webgl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') || c.getContext('webgl'));
  });
  if (!webgl) throw new Error('WebGL is not available in this headless Chromium');

  // 1. hexagons render (or the page reports an error: fail fast)
  await page.waitForFunction(
    () => Number(document.body.dataset.hexagons) > 0 || !document.getElementById('error')?.hidden,
    null, { timeout: TIMEOUT },
  ).catch(() => { throw new Error('no hexagon feature rendered within 60 s (document.body.dataset.hexagons unset)'); });
  const pageError = await page.evaluate(() => {
    const el = document.getElementById('error');
    return el && !el.hidden ? el.textContent : '';
  });
  if (pageError) throw new Error(`the page shows an error: ${pageError}`);
  const hexagons = Number(await page.evaluate(() => document.body.dataset.hexagons));

  // What the server gave the anonymous visitor: the role and the catalog.
  const anon = await page.evaluate(() => ({
    session: window.abitare.state.session,
    layers: [...window.abitare.state.available],
  }));
  const legacy = !!anon.session.legacy; // server without roles: everything open, no login
  if (!legacy && anon.session.role !== 'public') throw new Error(`anonymous session has role "${anon.session.role}", want "public"`);
  const restricted = anon.layers.includes('hotspots'); // restricted catalog (legacy servers only)
  if (!legacy && restricted) throw new Error(`the anonymous catalog lists hotspots: ${anon.layers.join(', ')}`);
  // A city has no provinces nor regions: their (empty) layers are neither drawn nor offered.
  const levels = anon.layers.filter((l) => l === 'indicators_provinces' || l === 'indicators_regions');
  if (levels.length) throw new Error(`a city's map offers the layers ${levels.join(', ')}`);

  // 2. Italian legend
  const lang0 = await page.evaluate(() => document.documentElement.lang);
  if (lang0 !== 'it') throw new Error(`<html lang> is "${lang0}", want "it"`);
  const legend = page.locator('#legend');
  if (!(await legend.isVisible())) throw new Error('legend #legend not visible');
  const itItems = await page.locator('#legend-items li').count();
  if (itItems !== 4) throw new Error(`legend has ${itItems} classes, want 4`);
  const itLabel = 'Nessun ambito sopra la media cittadina';
  if (!(await legend.textContent()).includes(itLabel)) throw new Error(`Italian legend label "${itLabel}" missing`);
  if (!legacy) {
    // the protection note, linking to the release manifest, for everyone
    const note = page.locator('#protection .protection-note');
    if (!(await note.isVisible())) throw new Error('the protection note (#protection) is not visible in the legend');
    if (!/cell-key/.test(await note.textContent())) throw new Error(`protection note lacks "cell-key": ${await note.textContent()}`);
    const href = await note.locator('a').getAttribute('href');
    if (!/\/api\/releases$/.test(href || '')) throw new Error(`protection note links to "${href}", want /api/releases`);
    if (!(await page.locator('#login-button').isVisible())) throw new Error('the login button is not visible in the header');
  }

  // 3. hover shows the info panel (probe the map centre region)
  const box = await page.locator('#map canvas').boundingBox();
  let hovered = false;
  for (const [dx, dy] of [[0, 0], [30, 10], [-40, 20], [10, -30], [60, 40]]) {
    await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    try {
      await page.waitForSelector('#info-body table.domains, #info-body .no-residents', { timeout: 1500 });
      hovered = true;
      break;
    } catch { /* try another point */ }
  }
  if (!hovered) throw new Error('hovering the map did not fill the info panel');
  const infoText = await page.locator('#info-body').textContent();
  if (/undefined|NaN/.test(infoText)) throw new Error(`info panel shows "undefined"/"NaN": ${infoText}`);

  // 4. English switch
  await page.click('#lang-en');
  const enLabel = 'No domain above the city rate';
  await page.waitForFunction((l) => document.querySelector('#legend')?.textContent.includes(l), enLabel, { timeout: 5000 })
    .catch(() => { throw new Error(`English legend label "${enLabel}" did not appear after clicking EN`); });
  const lang1 = await page.evaluate(() => document.documentElement.lang);
  if (lang1 !== 'en') throw new Error(`<html lang> is "${lang1}" after the switch, want "en"`);
  const hash = await page.evaluate(() => window.location.hash);
  if (!/lang=en/.test(hash) || !/map=/.test(hash)) throw new Error(`URL hash "${hash}" lacks map= or lang=en`);
  const attrib = await page.locator('.maplibregl-ctrl-attrib').textContent();
  if (!attrib.includes('Agenzia Entrate - OMI') || !attrib.includes('Boundaries: ISTAT')) {
    throw new Error(`attribution lacks the English fixed string: "${attrib}"`);
  }

  // 5. census sections
  await page.check('#layer-sections');
  await page.waitForFunction(() => Number(document.body.dataset.sections) > 0, null, { timeout: TIMEOUT })
    .catch(() => { throw new Error('no census section rendered within 60 s after switching'); });
  const sections = Number(await page.evaluate(() => document.body.dataset.sections));
  const hexVisible = await page.evaluate(() => window.abitare.map.getLayoutProperty(window.abitare.layerIds.hexFill, 'visibility'));
  if (hexVisible !== 'none') throw new Error('hexagon layer still visible after switching to sections');

  // 6. Indicator view (multi-domain need) on H3 hexagons
  await page.check('#layer-hexagons');
  await page.check('#view-indicator');
  await page.selectOption('#indicator-select', 'multi_domain');
  await page.waitForFunction(() => Number(document.body.dataset.indicators) > 0, null, { timeout: TIMEOUT })
    .catch(() => { throw new Error('no indicator feature rendered within 60 s after switching to the indicator view'); });
  const indicators = Number(await page.evaluate(() => document.body.dataset.indicators));
  const indLegend = await legend.textContent();
  // restricted figures: unstable rates hatched; published ones: suppressed figures as "no data"
  const indNote = restricted ? /Unstable rate/ : /No data/;
  if (!/Multi-domain need/.test(indLegend) || !indNote.test(indLegend)) {
    throw new Error(`indicator legend lacks the indicator name or the ${indNote} note: "${indLegend}"`);
  }

  // 6b. Published figures: health is suppressed below district level; the hint switches to districts
  let districts = 0;
  if (!legacy) {
    if (await page.locator('#measure-eb').isEnabled()) throw new Error('the EB measure is enabled for the public (no EB rate is published)');
    await page.selectOption('#indicator-select', 'health');
    await page.waitForSelector('#district-hint:not([hidden]) #district-switch', { timeout: TIMEOUT })
      .catch(() => { throw new Error('health on hexagons: the "only by district" hint did not appear'); });
    await page.click('#district-switch');
    await page.waitForFunction(() => Number(document.body.dataset.indicators_districts) > 0, null, { timeout: TIMEOUT })
      .catch(() => { throw new Error('no district rendered within 60 s after the district switch'); });
    districts = Number(await page.evaluate(() => document.body.dataset.indicators_districts));
    if (!(await page.locator('#layer-districts').isChecked())) throw new Error('the district radio is not checked after the switch');
    if (!(await page.locator('#district-hint').isHidden())) throw new Error('the district hint is still shown on the district layer');
    // districts have published health rates: some feature must have a health rate
    const healthRates = await page.evaluate(() => window.abitare.map
      .queryRenderedFeatures({ layers: ['indicators_districts-fill'] })
      .filter((f) => Number.isFinite(Number(f.properties.health_rate)) && f.properties.health_status === 'protected').length);
    if (healthRates === 0) throw new Error('no district feature has a published (protected) health rate');
    await page.check('#layer-hexagons');
    await page.selectOption('#indicator-select', 'multi_domain');
    await mapSettled(page);
  }

  // 7. Hotspot view: only with the restricted catalog
  let hotspots = 0;
  if (restricted) {
    hotspots = await checkHotspots(page, legend);
  } else {
    if (await page.locator('#view-hotspot').isVisible()) throw new Error('the hotspot view is offered to the public');
    if (await page.locator('#ranking-button').isVisible()) throw new Error('the ranking button is offered to the public');
  }

  // 8. click an area: the profile panel shows rates; Escape closes it
  let profiled = false;
  for (const [dx, dy] of [[0, 0], [30, 10], [-40, 20], [10, -30], [60, 40], [-80, -40]]) {
    await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    try {
      await page.waitForFunction(
        () => [...document.querySelectorAll('#profile:not([hidden]) #profile-body .rate')].some((e) => /\d/.test(e.textContent)),
        null, { timeout: 10_000 },
      );
      profiled = true;
      break;
    } catch { /* no area there (or no published rate): try another point */ }
  }
  if (!profiled) throw new Error('clicking the map did not open a profile panel with a rate');
  const profileText = await page.locator('#profile-body').textContent();
  if (/undefined|NaN/.test(profileText)) throw new Error(`profile panel shows "undefined"/"NaN": ${profileText.slice(0, 300)}`);
  if (!legacy) {
    // published figures: a status per indicator and the protection note
    if (!/protected/.test(profileText) || !/cell-key/.test(profileText)) {
      throw new Error(`public profile lacks the "protected" status or the protection note: ${profileText.slice(0, 300)}`);
    }
    if (await page.locator('#targeting').isVisible()) throw new Error('the targeting list is offered to the public');
  }
  await page.keyboard.press('Escape');
  await page.waitForSelector('#profile', { state: 'hidden', timeout: 5000 })
    .catch(() => { throw new Error('Escape did not close the profile panel'); });

  // 9. ranking (restricted catalog only): at least one row; a row opens that area's profile
  let rows = 0;
  if (restricted) rows = await checkRanking(page);
  // let the fly-to finish, so the screenshot shows the selected area
  await mapSettled(page);

  await page.screenshot({ path: shotPath, fullPage: true });

  // 10. log in through the header form, check the restricted views, log out
  let loginSummary = 'login not tested (ABITARE_E2E_USER/ABITARE_E2E_PASSWORD unset)';
  if (legacy) loginSummary = 'server without roles: login not tested';
  else if (E2E_USER && E2E_PASSWORD) loginSummary = await checkLogin(page, legend);

  const pageErrors = consoleErrors.filter((e) => e.startsWith('pageerror'));
  if (pageErrors.length) throw new Error(`uncaught page errors: ${pageErrors.join(' | ')}`);

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`e2e first view: first hexagons ${firstView.median} ms after navigation, median of ${firstView.runs.length} loads (${firstView.runs.join(', ')} ms)`);
  console.log(`e2e ok: ${hexagons} hexagons, ${sections} sections, ${indicators} indicator, ${districts} district and ${hotspots} hotspot areas rendered; `
    + `legend it/en ok; hover ok; profile ok; ranking ${restricted ? `${rows} rows` : 'hidden for the public'}; ${loginSummary}; screenshot ${shotPath} (${secs}s)`);
}

// measureFirstView loads the page runs times, each in a new context (an empty cache, as a first
// visit), and returns the milliseconds from navigation to the first hexagons drawn, as the page
// reports them (document.body.dataset.hexagons is set when the map is idle with hexagons).
async function measureFirstView(browser, url, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    const at = await page.waitForFunction(
      () => Number(document.body.dataset.hexagons) > 0 && performance.now(),
      null, { timeout: TIMEOUT, polling: 'raf' },
    ).catch(() => { throw new Error(`first-view run ${i + 1}: no hexagons within 60 s`); });
    times.push(Math.round(await at.jsonValue()));
    await context.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { runs: times, median: sorted[Math.floor(sorted.length / 2)] };
}

// The map has loaded the tiles of what it shows (best effort: never fails the test).
async function mapSettled(page) {
  await page.waitForFunction(() => {
    const m = window.abitare.map;
    return m.isStyleLoaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: TIMEOUT }).catch(() => {});
}

const profileWithRate = () => [...document.querySelectorAll('#profile:not([hidden]) #profile-body .rate')].some((e) => /\d/.test(e.textContent));

// The view switch of a role with every view: each label inside the switch's box, whole, on a
// desktop card and on a phone's (the box hides what runs out of it).
async function checkViewSwitch(page) {
  const cut = () => {
    const box = document.querySelector('.seg').getBoundingClientRect();
    return [...document.querySelectorAll('.seg label:not([hidden]) span')]
      .filter((s) => { const r = s.getBoundingClientRect(); return r.right > box.right + 0.5 || r.left < box.left - 0.5 || s.scrollWidth > s.clientWidth; })
      .map((s) => s.textContent);
  };
  const size = page.viewportSize();
  for (const width of [size.width, 320]) {
    await page.setViewportSize({ width, height: size.height });
    await page.evaluate(() => document.querySelector('#controls').classList.remove('folded'));
    const labels = await page.evaluate(() => document.querySelectorAll('.seg label:not([hidden])').length);
    const out = await page.evaluate(cut);
    if (out.length) throw new Error(`view switch at ${width} px: ${out.join(', ')} cut`);
    if (labels < 4) throw new Error(`view switch at ${width} px: ${labels} views offered after login`);
  }
  await page.setViewportSize(size);
}

// Hotspot view: Moran's multi-domain clusters render, with the significance note and the hash.
async function checkHotspots(page, legend) {
  await page.check('#view-hotspot');
  await page.selectOption('#analysis-select', 'moran_multi_domain');
  await page.waitForFunction(() => Number(document.body.dataset.hotspots) > 0, null, { timeout: TIMEOUT })
    .catch(() => { throw new Error('no hotspot feature rendered within 60 s after switching to the hotspot view'); });
  const hotspots = Number(await page.evaluate(() => document.body.dataset.hotspots));
  const hotLegend = await legend.textContent();
  if (!/false-discovery-rate/.test(hotLegend) || !/permutation/.test(hotLegend)) {
    throw new Error(`hotspot legend lacks the significance note: "${hotLegend}"`);
  }
  const hash2 = await page.evaluate(() => window.location.hash);
  if (!/view=hotspot/.test(hash2) || !/analysis=moran_multi_domain/.test(hash2) || !/ind=multi_domain/.test(hash2)) {
    throw new Error(`URL hash "${hash2}" lacks view/analysis/ind`);
  }
  return hotspots;
}

// Ranking panel: rows, a CSV link, and a row opening that area's profile with a rate.
async function checkRanking(page) {
  if (!(await page.locator('#ranking-button').isVisible())) throw new Error('the ranking button is not visible');
  if ((await page.locator('#ranking-button').getAttribute('aria-expanded')) !== 'true') await page.click('#ranking-button');
  await page.waitForSelector('#ranking-body tbody tr', { timeout: TIMEOUT })
    .catch(async () => { throw new Error(`the ranking panel shows no row within 60 s: ${await page.locator('#ranking-body').textContent()}`); });
  const rows = await page.locator('#ranking-body tbody tr').count();
  const csvHref = await page.locator('#ranking-csv').getAttribute('href');
  if (!/format=csv/.test(csvHref || '')) throw new Error(`ranking CSV link is "${csvHref}"`);
  await page.locator('#ranking-body tbody tr button[data-area]').first().click();
  await page.waitForFunction(profileWithRate, null, { timeout: TIMEOUT })
    .catch(() => { throw new Error('clicking a ranking row did not open the profile with a rate'); });
  return rows;
}

// Log in through the header form (a wrong password first), check the header, the hotspot view
// and the ranking, the targeting list for the housing office, then log out.
async function checkLogin(page, legend) {
  // wrong password: an error in the form, still anonymous
  await page.click('#login-button');
  await page.waitForSelector('#login-form:not([hidden]) #login-user', { timeout: 5000 })
    .catch(() => { throw new Error('the login button did not open the login form'); });
  const focused = await page.evaluate(() => document.activeElement?.id);
  if (focused !== 'login-user') throw new Error(`the login form did not focus the user name field (focus on "${focused}")`);
  await page.fill('#login-user', E2E_USER);
  await page.fill('#login-password', `${E2E_PASSWORD}-wrong`);
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('#login-error:not([hidden])', { timeout: 10_000 })
    .catch(() => { throw new Error('a wrong password showed no error message'); });
  const wrongText = await page.locator('#login-error').textContent();
  if (!/wrong/i.test(wrongText)) throw new Error(`wrong-password message is "${wrongText}"`);
  // Escape closes the form
  await page.press('#login-password', 'Escape');
  await page.waitForSelector('#login-form', { state: 'hidden', timeout: 5000 })
    .catch(() => { throw new Error('Escape did not close the login form'); });

  // the right password (Enter submits)
  await page.click('#login-button');
  await page.fill('#login-user', E2E_USER);
  await page.fill('#login-password', E2E_PASSWORD);
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('#session-info:not([hidden])', { timeout: TIMEOUT })
    .catch(async () => {
      const msg = await page.locator('#login-error, #auth-message').allTextContents().then((a) => a.join(' ').trim()).catch(() => '');
      throw new Error(`after logging in the header does not show the user${msg ? `: ${msg}` : ''}`);
    });
  const session = await page.evaluate(async () => (await fetch('/api/session', { credentials: 'same-origin' })).json());
  if (session.user !== E2E_USER) throw new Error(`/api/session says user "${session.user}", want "${E2E_USER}"`);
  const header = await page.locator('#session-info').textContent();
  const roleLabel = ROLE_LABELS_EN[session.role] || session.role;
  if (!header.includes(E2E_USER) || !header.includes(roleLabel)) {
    throw new Error(`the header shows "${header}", want the user "${E2E_USER}" and the role "${roleLabel}"`);
  }
  if (!(await page.locator('#logout-button').isVisible())) throw new Error('no logout button after logging in');
  if (!(session.permissions || []).includes('read restricted aggregates')) {
    throw new Error(`the e2e user's role "${session.role}" may not read restricted aggregates: use a planner or housing_office account`);
  }

  // the role's catalog: the hotspot view appears and renders; the ranking works
  await page.waitForFunction(() => window.abitare.state.available.has('hotspots'), null, { timeout: TIMEOUT })
    .catch(() => { throw new Error('after logging in the catalog has no hotspots layer'); });
  await page.waitForSelector('#view-hotspot', { state: 'visible', timeout: 10_000 })
    .catch(() => { throw new Error('after logging in the hotspot view is not offered'); });
  const legendAfter = await legend.textContent();
  if (!/restricted figures/.test(legendAfter)) throw new Error(`the legend lacks the restricted-figures note: "${legendAfter}"`);
  await checkViewSwitch(page);
  const hotspots = await checkHotspots(page, legend);
  const rows = await checkRanking(page);

  // housing office: a targeting list for the open area, and a person's timeline
  let targeting = '';
  if ((session.permissions || []).includes('read person-level data')) targeting = await checkTargeting(page);
  await page.screenshot({ path: shotPath.replace(/(\.png)?$/, '-login.png'), fullPage: true });

  // log out: back to the public catalog, no hotspot view, no ranking
  await page.click('#logout-button');
  await page.waitForSelector('#login-button', { state: 'visible', timeout: TIMEOUT })
    .catch(() => { throw new Error('after logging out the login button did not come back'); });
  await page.waitForFunction(() => !window.abitare.state.available.has('hotspots'), null, { timeout: TIMEOUT })
    .catch(() => { throw new Error('after logging out the catalog still has hotspots'); });
  await page.waitForSelector('#view-hotspot', { state: 'hidden', timeout: 10_000 })
    .catch(() => { throw new Error('after logging out the hotspot view is still offered'); });
  if (await page.locator('#ranking-button').isVisible()) throw new Error('after logging out the ranking button is still visible');
  if (await page.locator('#ranking').isVisible()) throw new Error('after logging out the ranking panel is still open');
  if (await page.locator('#targeting').isVisible()) throw new Error('after logging out the targeting list is still shown');
  const view = await page.evaluate(() => window.abitare.state.view);
  if (view === 'hotspot') throw new Error('after logging out the page is still in the hotspot view');
  const after = await page.evaluate(async () => (await fetch('/api/session', { credentials: 'same-origin' })).json());
  if (after.user) throw new Error(`after logging out /api/session still says "${after.user}"`);
  // the public map draws again
  await page.waitForFunction(() => {
    const { abitare } = window;
    const src = abitare.sources[abitare.state.view][abitare.state.unit];
    return Number(document.body.dataset[src]) > 0;
  }, null, { timeout: TIMEOUT }).catch(() => { throw new Error('after logging out the map did not draw the public layer'); });

  return `login as ${E2E_USER} (${session.role}) ok: ${hotspots} hotspot areas, ranking ${rows} rows${targeting}; logout ok`;
}

// The profile of the area opened from the ranking has a targeting form (housing office).
async function checkTargeting(page) {
  const form = page.locator('#targeting:not([hidden]) #targeting-form');
  await form.waitFor({ state: 'visible', timeout: TIMEOUT })
    .catch(() => { throw new Error('the housing office sees no targeting form in the profile'); });
  // a purpose too short is refused in the page
  await page.fill('#targeting-purpose', 'short');
  await page.click('#targeting-submit');
  await page.waitForSelector('#targeting-error:not([hidden])', { timeout: 5000 })
    .catch(() => { throw new Error('a too short purpose showed no error'); });
  await page.fill('#targeting-purpose', 'e2e check of the targeting list (automated test)');
  await page.selectOption('#targeting-need', 'poverty');
  await page.click('#targeting-submit');
  await page.waitForSelector('#targeting-results[aria-busy="false"] > *', { timeout: TIMEOUT })
    .catch(() => { throw new Error('the targeting list did not load'); });
  const resultText = await page.locator('#targeting-results').textContent();
  if (/Could not|Impossibile/.test(resultText)) throw new Error(`the targeting list failed: ${resultText}`);
  const people = await page.locator('#targeting-results button[data-person]').count();
  if (people === 0) return ', targeting list empty';
  const first = page.locator('#targeting-results button[data-person]').first();
  const full = await first.getAttribute('title');
  if (!/^[0-9a-f]{64}$/.test(full || '')) throw new Error(`pseudonym title is "${full}", want 64 hex characters`);
  await first.click();
  await page.waitForSelector('#targeting-timeline[aria-busy="false"] > *', { timeout: TIMEOUT })
    .catch(() => { throw new Error('the timeline did not load'); });
  if (!(await page.locator('#targeting-timeline table tbody tr').count())) {
    throw new Error(`the timeline shows no event: ${await page.locator('#targeting-timeline').textContent()}`);
  }
  const events = await page.locator('#targeting-timeline tbody tr').count();
  return `, targeting list ${people} people, timeline ${events} events`;
}

try {
  await main();
  await browser?.close();
  process.exit(0);
} catch (err) {
  fail(err && err.message ? err.message : String(err));
  try { await browser?.close(); } catch { /* ignore */ }
  process.exit(1);
}
