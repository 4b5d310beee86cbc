// End-to-end check of the map page in headless Chromium.
//
//   node e2e/map.mjs <baseURL> <screenshot.png>
//
// Needs a running Abitare server at baseURL (UI at "/", tiles under /tiles/).
// Chromium: $CHROMIUM or /usr/bin/chromium (Debian package). Exits 0 on success,
// 1 with the reason and the browser's console errors otherwise.
import { chromium } from 'playwright-core';

const [baseURL, shotPath] = process.argv.slice(2);
if (!baseURL || !shotPath) {
  console.error('usage: node e2e/map.mjs <baseURL> <screenshot.png>');
  process.exit(2);
}
const TIMEOUT = 60_000;

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
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Software WebGL (SwiftShader) so MapLibre can render without a GPU.
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
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

  // 2. Italian legend
  const lang0 = await page.evaluate(() => document.documentElement.lang);
  if (lang0 !== 'it') throw new Error(`<html lang> is "${lang0}", want "it"`);
  const legend = page.locator('#legend');
  if (!(await legend.isVisible())) throw new Error('legend #legend not visible');
  const itItems = await page.locator('#legend-items li').count();
  if (itItems !== 4) throw new Error(`legend has ${itItems} classes, want 4`);
  const itLabel = 'Nessun ambito sopra la media cittadina';
  if (!(await legend.textContent()).includes(itLabel)) throw new Error(`Italian legend label "${itLabel}" missing`);

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
  if (!/Multi-domain need/.test(indLegend) || !/Unstable rate/.test(indLegend)) {
    throw new Error(`indicator legend lacks the indicator name or the unstable note: "${indLegend}"`);
  }

  // 7. Hotspot view
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
  await page.keyboard.press('Escape');
  await page.waitForSelector('#profile', { state: 'hidden', timeout: 5000 })
    .catch(() => { throw new Error('Escape did not close the profile panel'); });

  // 9. ranking: at least one row; a row opens that area's profile
  await page.click('#ranking-button');
  await page.waitForSelector('#ranking-body tbody tr', { timeout: TIMEOUT })
    .catch(() => { throw new Error('the ranking panel shows no row within 60 s'); });
  const rows = await page.locator('#ranking-body tbody tr').count();
  const csvHref = await page.locator('#ranking-csv').getAttribute('href');
  if (!/format=csv/.test(csvHref || '')) throw new Error(`ranking CSV link is "${csvHref}"`);
  await page.locator('#ranking-body tbody tr button[data-area]').first().click();
  await page.waitForFunction(
    () => [...document.querySelectorAll('#profile:not([hidden]) #profile-body .rate')].some((e) => /\d/.test(e.textContent)),
    null, { timeout: TIMEOUT },
  ).catch(() => { throw new Error('clicking a ranking row did not open the profile with a rate'); });
  // let the fly-to finish, so the screenshot shows the selected area
  await page.waitForFunction(() => !window.abitare.map.isMoving(), null, { timeout: 10_000 }).catch(() => {});
  await page.waitForTimeout(800);

  await page.screenshot({ path: shotPath, fullPage: true });
  const pageErrors = consoleErrors.filter((e) => e.startsWith('pageerror'));
  if (pageErrors.length) throw new Error(`uncaught page errors: ${pageErrors.join(' | ')}`);

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`e2e ok: ${hexagons} hexagons, ${sections} sections, ${indicators} indicator and ${hotspots} hotspot areas rendered; legend it/en ok; hover ok; profile ok; ranking ${rows} rows; screenshot ${shotPath} (${secs}s)`);
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
