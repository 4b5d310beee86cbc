// End-to-end check of the explore features on the static site (abitare publish DIR), in
// headless Chromium:
//
//   node e2e/explore.mjs <siteURL> [screenshot-prefix]
//
// Checks the period selector and the release picker, the table view (rows of the areas on
// screen, sortable, CSV link, keyboard opening of a row's profile), the static profile from
// the figures files, the compare panel (URL cmp=), the map painted with another period
// (feature state), and the layout at a 390×844 viewport. Exits 0 on success, 1 otherwise.
import { readFile } from 'node:fs/promises';
import { launchChromium } from './browser.mjs';

const [siteURL, shotPrefix] = process.argv.slice(2);
if (!siteURL) {
  console.error('usage: node e2e/explore.mjs <siteURL> [screenshot-prefix]');
  process.exit(2);
}
const TIMEOUT = 60_000;
const problems = [];

function check(ok, what) {
  if (!ok) throw new Error(what);
  console.log(`  ok: ${what}`);
}

async function ready(page, url) {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => Number(document.body.dataset.hexagons) > 0 || Number(document.body.dataset.indicators) > 0
    || !document.getElementById('error')?.hidden, null, { timeout: TIMEOUT });
  const error = await page.evaluate(() => (document.getElementById('error').hidden ? '' : document.getElementById('error').textContent));
  if (error) throw new Error(`the page shows an error: ${error}`);
}

async function desktop(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'it-IT', acceptDownloads: true });
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`http ${res.status()}: ${res.url()}`); });
  await ready(page, `${siteURL}#view=indicator&ind=poverty&map=13/44.645/10.925`);

  // Period selector and release picker.
  const periods = await page.$$eval('#period-select option', (os) => os.map((o) => o.value));
  check(periods.length >= 2 && periods.includes('2025-Q2'), `period options ${JSON.stringify(periods)}`);
  const releases = await page.$$eval('#release-select option', (os) => os.map((o) => o.value));
  const releaseShown = await page.locator('#release-field').isVisible();
  check(releases.length < 2 || releaseShown, `release picker (${releases.length} releases, shown ${releaseShown})`);

  // Table view by keyboard: the button, rows, sorting, CSV.
  await page.locator('#table-button').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#table-body tbody tr').length > 0, null, { timeout: 20_000 });
  const rows = await page.locator('#table-body tbody tr').count();
  const caption = await page.locator('#table-body caption').textContent();
  check(rows > 0, `table lists ${rows} rows: "${caption}"`);
  check(await page.locator('#table-body th[scope="col"]').count() >= 5, 'table has column headers with scope');
  await page.locator('#table-body button[data-sort="residents"]').focus();
  await page.keyboard.press('Enter');
  const sorted = await page.locator('#table-body th[aria-sort]').getAttribute('aria-sort');
  const focusedSort = await page.evaluate(() => document.activeElement?.dataset.sort);
  check(sorted === 'descending' && focusedSort === 'residents', `sorted by residents (${sorted}), focus kept on the header`);
  // The download itself (a fetch of the blob: URL would be refused by the server's CSP).
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#table-csv').click()]);
  const bytes = await readFile(await download.path());
  const csv = { bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, lines: bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n') };
  check(csv.bom && csv.lines.length === rows + 1, `CSV has a BOM, a header and ${csv.lines.length - 1} rows: ${csv.lines[0]}`);

  // A row opens the static profile (from the figures files).
  await page.locator('#table-body tbody button[data-open]').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !!document.querySelector('#profile-body table.profile-table'), null, { timeout: 20_000 });
  const statuses = await page.$$eval('#profile-body tr[data-status]', (trs) => trs.map((tr) => tr.dataset.status));
  check(statuses.length >= 5, `static profile shows ${statuses.length} indicators (${[...new Set(statuses)].join(', ')})`);

  // Add to compare; the URL keeps it.
  await page.locator('#profile-body button[data-action="compare-add"]').click();
  await page.waitForFunction(() => !!document.querySelector('#compare-body table.compare-table'), null, { timeout: 20_000 });
  const hash = await page.evaluate(() => window.location.hash);
  check(/cmp=[a-z0-9_]+:/.test(hash), `compare panel shown, hash ${hash.match(/cmp=[^&]*/)?.[0]}`);
  const cols = await page.locator('#compare-body thead th').count();
  check(cols === 3, `compare table: indicator, area and city columns (${cols})`);

  // Another period painted through the feature state.
  await page.selectOption('#period-select', '2025-Q2');
  await page.waitForFunction(() => {
    const { map, state } = window.abitare;
    if (state.period !== '2025-Q2') return false;
    const f = map.queryRenderedFeatures({ layers: ['indicators-fill'] });
    return f.some((x) => x.state && x.state.status);
  }, null, { timeout: 30_000 });
  const legend = await page.locator('.legend-period').textContent();
  check(/2025/.test(legend), `legend says "${legend}"`);
  const change = await page.locator('#table-body th.col-change').count();
  check(change === 1, 'table shows the change on the previous quarter');
  check((await page.evaluate(() => window.location.hash)).includes('period=2025-Q2'), 'period in the URL hash');
  if (shotPrefix) await page.screenshot({ path: `${shotPrefix}-desktop.png` });
  // The release picker reloads the page with ?release=N.
  if (releaseShown) {
    const current = String(await page.evaluate(() => window.abitare.state.release.id));
    const other = releases.find((r) => r !== current);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('release') === other), page.selectOption('#release-select', other)]);
    await page.waitForFunction((id) => window.abitare?.state?.release?.id === Number(id), other, { timeout: TIMEOUT });
    check(true, `release picker reloaded with release ${other}`);
  }
  await page.close();
}

async function mobile(browser) {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-GB', isMobile: true, hasTouch: true });
  page.on('pageerror', (err) => problems.push(`pageerror (mobile): ${err.message}`));
  await ready(page, `${siteURL}#view=indicator&ind=poverty&map=13/44.645/10.925&lang=en`);
  const state = await page.evaluate(() => window.abitare.state.compare.length);
  await page.evaluate(() => {
    const { update } = window.abitare;
    update({ compare: [{ geography: 'municipality', id: '036023' }] });
  });
  await page.waitForFunction(() => !document.getElementById('compare').hidden, null, { timeout: 10_000 });
  const box = await page.locator('#compare').boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844, `compare panel fits 390×844 (${JSON.stringify(box)}, ${state} before)`);
  if (shotPrefix) await page.screenshot({ path: `${shotPrefix}-mobile.png` });
  await page.close();
}

async function main() {
  const browser = await launchChromium();
  try {
    await desktop(browser);
    await mobile(browser);
    const real = problems.filter((p) => !/favicon/.test(p));
    if (real.length) throw new Error(`browser errors:\n  ${real.slice(0, 20).join('\n  ')}`);
    console.log('e2e explore OK');
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`e2e explore FAIL: ${err.message}`);
  process.exit(1);
});
