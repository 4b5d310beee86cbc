// End-to-end check of the static site (abitare publish DIR) in headless Chromium.
//
//   node e2e/static.mjs <siteURL> [screenshot.png]
//
// Needs DIR served by any static web server with Range requests at siteURL (the folder with
// index.html, site.json and index.json). Checks that the map draws hexagons from the PMTiles
// archives, that the page asks nothing of an Abitare server (no /api/ or /tiles/ request) and
// shows no login, that hovering a hexagon shows its figures in the info card, that a click
// opens the area profile (from the figures files) and that the table view lists areas.
// Chromium: $CHROMIUM or /usr/bin/chromium. Exits 0 on success, 1 with the reason otherwise.
import { launchChromium } from './browser.mjs';

const [siteURL, shotPath] = process.argv.slice(2);
if (!siteURL) {
  console.error('usage: node e2e/static.mjs <siteURL> [screenshot.png]');
  process.exit(2);
}
const TIMEOUT = 60_000;
const problems = [];
const requests = [];

async function main() {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('request', (req) => requests.push(req.url()));
    page.on('response', (res) => { if (res.status() >= 400) problems.push(`http ${res.status()}: ${res.url()}`); });
    const started = Date.now();
    await page.goto(siteURL, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(
      () => Number(document.body.dataset.hexagons) > 0 || !document.getElementById('error')?.hidden,
      null,
      { timeout: TIMEOUT },
    ).catch(() => { throw new Error('no hexagon feature rendered within 60 s (document.body.dataset.hexagons unset)'); });
    const error = await page.evaluate(() => (document.getElementById('error').hidden ? '' : document.getElementById('error').textContent));
    if (error) throw new Error(`the page shows an error: ${error}`);
    const hexagons = Number(await page.evaluate(() => document.body.dataset.hexagons));
    console.log(`e2e static: ${hexagons} hexagons drawn ${Date.now() - started} ms after navigation`);
    const st = await page.evaluate(() => ({ static: window.abitare.state.static, role: window.abitare.state.session.role, indicators: window.abitare.state.vocabulary.indicators.length }));
    if (!st.static || st.role !== 'public' || !st.indicators) throw new Error(`state: ${JSON.stringify(st)}, want the static public with a vocabulary`);
    if (!(await page.locator('#login-button').isHidden())) throw new Error('the static site offers a login');
    // Hover the centre until a populated hexagon's figures show in the info card.
    let shown = false;
    for (const [dx, dy] of [[0, 0], [30, 0], [0, 30], [-30, 0], [0, -30], [60, 60], [-60, -60], [60, -60], [-60, 60]]) {
      await page.mouse.move(640 + dx, 400 + dy);
      shown = await page.waitForFunction(() => !!document.querySelector('#info-body table.domains'), null, { timeout: 1500 }).then(() => true, () => false);
      if (shown) break;
    }
    if (!shown) throw new Error('hovering the map shows no figures in the info card');
    // A click opens the area's profile from the release's figures files (no /api).
    await page.mouse.click(640, 400);
    await page.waitForFunction(() => !!document.querySelector('#profile-body table.profile-table, #profile-body .error-text'), null, { timeout: 20_000 })
      .catch(() => { throw new Error('clicking an area opens no profile'); });
    if (await page.locator('#profile-body .error-text').count()) throw new Error(`static profile: ${await page.locator('#profile-body').textContent()}`);
    // The table view lists the areas on screen.
    await page.locator('#table-button').click();
    await page.waitForFunction(() => document.querySelectorAll('#table-body tbody tr').length > 0, null, { timeout: 20_000 })
      .catch(() => { throw new Error('the table view lists no area'); });
    console.log(`e2e static: profile shown, table lists ${await page.locator('#table-body tbody tr').count()} areas`);
    if (shotPath) await page.screenshot({ path: shotPath });
    const serverPaths = ['/api/', '/tiles/', new URL('api/', siteURL).pathname, new URL('tiles/', siteURL).pathname];
    const server = requests.filter((u) => serverPaths.some((p) => new URL(u).pathname.startsWith(p)));
    if (server.length) throw new Error(`requests to an Abitare server: ${server.slice(0, 5).join(', ')}`);
    if (!requests.some((u) => u.endsWith('.pmtiles'))) throw new Error('no PMTiles archive read');
    if (problems.length) throw new Error(`browser errors:\n  ${problems.slice(0, 20).join('\n  ')}`);
    console.log(`e2e static OK: ${requests.filter((u) => u.endsWith('.pmtiles')).length} archive range requests`);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`e2e static FAIL: ${err.message}`);
  process.exit(1);
});
