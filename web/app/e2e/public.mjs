// End-to-end check of the public map's extras in headless Chromium, against a running server:
// the search (an address from the gazetteer, then an OMI zone), the share dialog and its
// snippet, the print sheet, the embed with interactive=0 and a locked area, the frame guard,
// and the mobile layout (390×844).
//
//   node e2e/public.mjs <baseURL> [screenshot-dir]
//
// Exits 0 on success, 1 with the reason and the browser's console errors otherwise.
import { launchChromium } from './browser.mjs';

const [baseURL, shotDir = ''] = process.argv.slice(2);
if (!baseURL) {
  console.error('usage: node e2e/public.mjs <baseURL> [screenshot-dir]');
  process.exit(2);
}
const TIMEOUT = 60_000;
const errors = [];
const steps = [];
const ok = (what) => { steps.push(what); console.log(`ok  ${what}`); };
const check = (cond, what) => { if (!cond) throw new Error(what); ok(what); };
const shot = async (page, name) => { if (shotDir) await page.screenshot({ path: `${shotDir}/${name}.png` }); };

function watch(page) {
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
}

async function mapReady(page) {
  await page.waitForFunction(() => Object.keys(document.body.dataset).some((k) => Number(document.body.dataset[k]) > 0) || !document.getElementById('error')?.hidden, null, { timeout: TIMEOUT });
  const err = await page.evaluate(() => (document.getElementById('error')?.hidden ? '' : document.getElementById('error')?.textContent));
  if (err) throw new Error(`page error: ${err}`);
}

// An address of the gazetteer: a street with at least three numbers, and its second number.
async function someAddress() {
  const res = await fetch(new URL('/api/gazetteer', baseURL));
  if (!res.ok) throw new Error(`GET /api/gazetteer: HTTP ${res.status}`);
  const g = await res.json();
  const street = g.streets.find((s) => s.numbers.length >= 3 && !/\d/.test(s.name));
  return { street: street.name, number: street.numbers[1][0], zone: g.zones[0] };
}

async function searchAndChoose(page, text) {
  await page.fill('#search-input', '');
  await page.type('#search-input', text, { delay: 5 });
  await page.waitForSelector('#search-list:not([hidden]) li[role="option"]', { timeout: 10_000 });
  await page.keyboard.press('ArrowDown');
  const active = await page.getAttribute('#search-input', 'aria-activedescendant');
  const label = await page.textContent('#search-opt-0 .search-main');
  await page.keyboard.press('Enter');
  return { active, label };
}

async function main() {
  const browser = await launchChromium();
  try {
    const addr = await someAddress();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
    watch(page);
    await page.goto(new URL('/#lang=it&view=overlap', baseURL).href, { waitUntil: 'domcontentloaded' });
    await mapReady(page);

    // 1. search: an address, its profile
    await page.focus('#search-input');
    check(await page.getAttribute('#search-input', 'role') === 'combobox', 'search box is a combobox');
    const a = await searchAndChoose(page, `${addr.number} ${addr.street.toLowerCase()}`);
    check(a.active === 'search-opt-0', 'arrow down sets aria-activedescendant');
    check(a.label.toLowerCase() === `${addr.street} ${addr.number}`.toLowerCase(), `"${addr.number} ${addr.street}" finds "${a.label}"`);
    await page.waitForFunction(() => window.abitare?.state.selected && !document.getElementById('profile').hidden, null, { timeout: 20_000 });
    const sel = await page.evaluate(() => window.abitare.state.selected);
    check(!!sel.id, `address opens the profile of ${sel.geography}:${sel.id}`);
    check(await page.$('.search-marker') !== null, 'address has a marker');
    check(Math.round(await page.evaluate(() => window.abitare.map.getZoom())) === 16, 'map at zoom 16');
    check((await page.textContent('#search-status')).length > 0, 'status announces the move');
    await shot(page, 'search-address');

    // an OMI zone by id
    await searchAndChoose(page, addr.zone.id);
    await page.waitForFunction((id) => window.abitare.state.selected?.geography === 'omi' && window.abitare.state.selected.id === id, addr.zone.id, { timeout: 10_000 });
    ok(`zone ${addr.zone.id} opens its profile`);
    await page.waitForSelector('#profile-body table', { timeout: 20_000 });

    // 2. share dialog
    await page.click('#share-button');
    check(await page.evaluate(() => document.getElementById('share-dialog').open), 'share dialog opens');
    const link = await page.inputValue('#share-link');
    check(link === await page.evaluate(() => window.location.href), 'link is the current URL');
    let snippet = await page.inputValue('#share-snippet');
    check(/^<iframe src="http:\/\/[^"]+\/embed#[^"]*view=overlap[^"]*" title="[^"]+" width="100%" height="480" loading="lazy" style="border:0"><\/iframe>$/.test(snippet), 'snippet is an iframe of /embed');
    await page.uncheck('#share-interactive');
    await page.check('#share-lock');
    await page.fill('#share-height', '600');
    snippet = await page.inputValue('#share-snippet');
    check(snippet.includes('interactive=0') && snippet.includes(`area=omi:${addr.zone.id}`) && snippet.includes('height="600"'), 'snippet follows the options');
    const embedSrc = snippet.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&');
    await shot(page, 'share-dialog');
    await page.keyboard.press('Escape');
    check(!(await page.evaluate(() => document.getElementById('share-dialog').open)), 'Escape closes the dialog');
    check(await page.evaluate(() => document.activeElement?.id) === 'share-button', 'focus back on the Share button');
    check(await page.evaluate(() => !!window.abitare.state.selected), 'the profile stays open');

    // 3. print sheet
    await page.evaluate(() => { window.print = () => { window.printed = true; }; });
    await page.click('#print-button');
    await page.waitForFunction(() => window.printed === true, null, { timeout: 5000 });
    const sheet = await page.evaluate(() => {
      const s = document.getElementById('print-sheet');
      return s && { table: !!s.querySelector('table'), img: !!s.querySelector('img.prn-map'), text: s.textContent };
    });
    check(sheet && sheet.table, 'print sheet has the figures table');
    ok(`print sheet map image: ${sheet.img ? 'yes' : 'no'}`);
    await page.emulateMedia({ media: 'print' });
    const visible = await page.evaluate(() => [...document.body.children].filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.id));
    check(visible.length === 1 && visible[0] === 'print-sheet', 'print shows the sheet only');
    await shot(page, 'print');
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));

    // 4. embed: locked area, not interactive, no legend
    const embed = await browser.newPage({ viewport: { width: 640, height: 480 }, locale: 'it-IT' });
    watch(embed);
    const posts = [];
    embed.on('request', (r) => { if (r.method() !== 'GET' || /\/api\/session/.test(r.url())) posts.push(`${r.method()} ${r.url()}`); });
    // The embed reads the API and tiles under /embed/, where the server answers as the public.
    const direct = [];
    embed.on('request', (r) => { const p = new URL(r.url()).pathname; if (/^\/(api|tiles)\//.test(p)) direct.push(p); });
    await embed.goto(`${embedSrc.replace(/#.*/, '')}#${embedSrc.split('#')[1]}&legend=0`, { waitUntil: 'domcontentloaded' });
    await mapReady(embed);
    check(await embed.evaluate(() => document.body.classList.contains('embed')), 'embed mode on');
    check(await embed.evaluate(() => !window.abitare.map.dragPan.isEnabled() && !window.abitare.map.scrollZoom.isEnabled()), 'interactive=0 disables pan and zoom');
    check(await embed.evaluate(() => getComputedStyle(document.getElementById('legend')).display === 'none'), 'legend=0 hides the legend');
    check(await embed.evaluate(() => !document.getElementById('login-button').checkVisibility()), 'no login in the embed');
    check(await embed.evaluate(() => document.getElementById('search') === null && document.getElementById('share-button') === null), 'no search, no share in the embed');
    await embed.waitForFunction((id) => window.abitare.state.selected?.id === id, addr.zone.id, { timeout: 10_000 });
    ok('embed opens the locked area');
    const href = await embed.getAttribute('#embed-open', 'href');
    check(/^http:\/\/[^/]+\/#/.test(href) && !href.includes('interactive=') && href.includes(`area=omi:${addr.zone.id}`), `"Open in Abitare" links to ${href}`);
    check(await embed.getAttribute('#embed-open', 'target') === '_blank' && (await embed.getAttribute('#embed-open', 'rel')).includes('noopener'), 'link opens a new tab, noopener');
    await embed.mouse.click(100, 400);
    await embed.keyboard.press('Escape');
    await embed.waitForTimeout(300);
    check(await embed.evaluate((id) => window.abitare.state.selected?.id === id, addr.zone.id), 'clicks and Escape keep the locked area');
    check(posts.length === 0, `embed sends no session request (${posts.join(', ')})`);
    check(direct.length === 0, `embed reads the API and tiles under /embed/ only (${direct.slice(0, 3).join(', ')})`);
    await shot(embed, 'embed');

    // 5. frame guard: the full map framed (the host's frame-ancestors taken away) does not start
    const framer = await browser.newPage();
    watch(framer);
    await framer.route('**/*', async (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/frame-test') return route.fulfill({ contentType: 'text/html', body: `<iframe src="/#lang=en" width="600" height="400"></iframe>` });
      const res = await route.fetch();
      const headers = { ...res.headers() };
      delete headers['content-security-policy'];
      delete headers['x-frame-options'];
      return route.fulfill({ response: res, headers });
    });
    await framer.goto(new URL('/frame-test', baseURL).href);
    const frame = framer.frames().find((f) => f !== framer.mainFrame());
    await frame.waitForSelector('.framed a', { timeout: 10_000 });
    check(await frame.evaluate(() => !document.getElementById('map') && !window.abitare), 'framed full map does not start');
    check(await frame.getAttribute('.framed a', 'target') === '_blank', 'framed message links to a new tab');

    // 6. basemap: a style named by the boot data (basemap_style) drawn under the data layers
    const based = await browser.newPage({ viewport: { width: 800, height: 600 } });
    watch(based);
    const styleURL = new URL('/e2e-basemap.json', baseURL).href;
    await based.route('**/*', async (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/e2e-basemap.json') {
        return route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            version: 8,
            sources: { lines: { type: 'geojson', data: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[10.8, 44.6], [11, 44.7]] } }] } } },
            layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#dde' } }, { id: 'roads', type: 'line', source: 'lines', paint: { 'line-color': '#f00', 'line-width': 4 } }],
          }),
        });
      }
      if (u.pathname !== '/') return route.continue();
      const res = await route.fetch();
      const html = (await res.text()).replace('<script id="abitare-boot" type="application/json">{', `<script id="abitare-boot" type="application/json">{"basemap_style":${JSON.stringify(styleURL)},`);
      return route.fulfill({ response: res, body: html });
    });
    await based.goto(new URL('/#lang=it', baseURL).href, { waitUntil: 'domcontentloaded' });
    await mapReady(based);
    const order = await based.evaluate(() => window.abitare.map.getStyle().layers.map((l) => l.id));
    check(order.indexOf('basemap-roads') > 0 && order.indexOf('basemap-roads') < order.indexOf('hexagons-fill'), 'basemap layers under the data layers');
    check(await based.evaluate(() => document.getElementById('zone-labels-toggle').hidden), 'no zone labels over a basemap');
    await shot(based, 'basemap');

    // 7. mobile layout
    const mobile = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT', isMobile: true, hasTouch: true });
    watch(mobile);
    await mobile.goto(new URL('/#lang=it', baseURL).href, { waitUntil: 'domcontentloaded' });
    await mapReady(mobile);
    // The controls card starts folded to its head and the search box, and unfolds on demand.
    const folded = await mobile.evaluate(() => ({
      bottom: document.querySelector('#controls').getBoundingClientRect().bottom,
      search: document.querySelector('#search-input').getBoundingClientRect().height,
      views: document.querySelector('.view-switch').getBoundingClientRect().height,
      expanded: document.querySelector('#controls-fold').getAttribute('aria-expanded'),
    }));
    check(folded.bottom < 844 / 4 && folded.search > 0 && folded.views === 0 && folded.expanded === 'false',
      `mobile: the controls card starts folded (bottom at ${Math.round(folded.bottom)} px of 844)`);
    await mobile.click('#controls-fold');
    const fits = await mobile.evaluate(() => ['#controls', '#search-input', '#share-button', '.view-switch'].every((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return r.left >= 0 && r.right <= window.innerWidth && r.height > 0;
    }) && document.querySelector('#controls-fold').getAttribute('aria-expanded') === 'true');
    check(fits, 'mobile: unfolded, controls, search and Share fit in 390 px');
    await shot(mobile, 'mobile-unfolded');
    await mobile.click('#controls-fold');
    await shot(mobile, 'mobile');
    const real = errors.filter((e) => !/favicon|ERR_ABORTED/.test(e));
    if (real.length) console.log(`browser errors (not fatal):\n  ${real.slice(0, 20).join('\n  ')}`);
    console.log(`e2e public OK (${steps.length} checks)`);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`e2e public FAIL: ${err.message}`);
  if (errors.length) console.error(`browser errors:\n  ${errors.slice(0, 30).join('\n  ')}`);
  process.exit(1);
});
