// Accessibility check of pages of the map with axe-core in headless Chromium.
//
//   node e2e/a11y.mjs <pageURL> [<pageURL> ...] [--shot screenshot.png]
//
// Loads each page at a desktop and a mobile viewport, waits until the map has drawn its first
// hexagons (document.body.dataset.hexagons) or shows an error, and runs axe-core's WCAG 2.0/2.1
// A and AA rules. Fails (exit 1) on any serious or critical violation, listing each with the
// elements it concerns; minor and moderate ones are printed only. With ABITARE_A11Y_OPEN=1 the
// check is repeated with the first area's profile open (a click on the map's centre), then with
// the table view and the share dialog open.
// axe-core is injected as a script, so the page's CSP is bypassed for the check.
// Chromium: $CHROMIUM or /usr/bin/chromium.
import { createRequire } from 'node:module';
import { launchChromium } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 390, height: 844, isMobile: true, hasTouch: true },
];
const TIMEOUT = 60_000;

const args = process.argv.slice(2);
const shotAt = args.indexOf('--shot');
const shotPath = shotAt >= 0 ? args[shotAt + 1] : '';
const pages = shotAt < 0 ? args : args.filter((a, i) => i !== shotAt && i !== shotAt + 1);
if (!pages.length) {
  console.error('usage: node e2e/a11y.mjs <pageURL> [<pageURL> ...] [--shot screenshot.png]');
  process.exit(2);
}

// The violations of the page as it is now, as plain objects.
async function scan(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return res.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ') || ''}`),
    }));
  }, TAGS);
}

async function ready(page) {
  await page.waitForFunction(
    () => Number(document.body.dataset.hexagons) > 0 || (document.getElementById('error') && !document.getElementById('error').hidden),
    null,
    { timeout: TIMEOUT },
  ).catch(() => { throw new Error('the map drew no hexagon within 60 s'); });
}

function report(where, violations) {
  let blocking = 0;
  for (const v of violations) {
    const stop = BLOCKING.has(v.impact);
    if (stop) blocking++;
    console.log(`${stop ? 'FAIL' : 'note'} ${where}: ${v.impact} ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.log(`    ${n}`);
  }
  console.log(`a11y ${where}: ${violations.length} violations, ${blocking} serious or critical`);
  return blocking;
}

async function main() {
  const browser = await launchChromium();
  let blocking = 0;
  try {
    for (const url of pages) {
      for (const vp of VIEWPORTS) {
        const context = await browser.newContext({ bypassCSP: true, viewport: { width: vp.width, height: vp.height }, isMobile: vp.isMobile, hasTouch: vp.hasTouch, locale: 'it-IT' });
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        await ready(page);
        blocking += report(`${url} (${vp.name})`, await scan(page));
        if (process.env.ABITARE_A11Y_OPEN === '1' && vp.name === 'desktop') {
          await page.mouse.click(vp.width / 2, vp.height / 2);
          await page.waitForTimeout(1500);
          blocking += report(`${url} (${vp.name}, area open)`, await scan(page));
          // The table view and the share dialog, where the page offers them (not in the embed).
          for (const [button, what] of [['#table-button', 'table open'], ['#share-button', 'share dialog open']]) {
            if (!(await page.locator(button).isVisible().catch(() => false))) continue;
            await page.click(button);
            await page.waitForTimeout(1000);
            blocking += report(`${url} (${vp.name}, ${what})`, await scan(page));
            await page.keyboard.press('Escape');
          }
        }
        if (shotPath && vp.name === 'desktop' && url === pages[0]) await page.screenshot({ path: shotPath });
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  if (blocking) {
    console.error(`a11y: ${blocking} serious or critical WCAG 2.1 A/AA violations`);
    process.exit(1);
  }
  console.log('a11y: no serious or critical violation');
}

main().catch((err) => {
  console.error(`a11y: ${err.message}`);
  process.exit(1);
});
