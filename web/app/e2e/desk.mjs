// End-to-end check of the planners' desk features against a running Abitare server:
//   ABITARE_E2E_USER=… ABITARE_E2E_PASSWORD=… node e2e/desk.mjs <baseURL> [screenshot.png]
// The user must be a planner (restricted aggregates). Checks: the public sees no "who is most
// exposed" button; after logging in, the panel renders relative risks (chart, table, reading in
// Italian and English, another domain); compare shows three areas and the city from
// /api/compare with a chart; the area profile's report links answer 200 (XLSX content type, the
// printable page naming the area); the bivariate view draws its 3×3 legend with break values.
// Optional: ABITARE_E2E_AREAS=omi:036023/B3,036023/C7,036023/C8 (the compared areas; district ids carry their comune).
import { launchChromium } from './browser.mjs';

const [baseURL, shotPath] = process.argv.slice(2);
const USER = process.env.ABITARE_E2E_USER || '';
const PASSWORD = process.env.ABITARE_E2E_PASSWORD || '';
if (!baseURL || !USER || !PASSWORD) {
  console.error('usage: ABITARE_E2E_USER=… ABITARE_E2E_PASSWORD=… node e2e/desk.mjs <baseURL> [screenshot.png]');
  process.exit(2);
}
const [geo, idList] = (process.env.ABITARE_E2E_AREAS || 'omi:036023/B3,036023/C7,036023/C8').split(/:(.*)/);
const IDS = idList.split(',');
const TIMEOUT = 20_000;
// Optional: a housing_office account and a section with people in need, for the targeting list.
const HOUSING_USER = process.env.ABITARE_E2E_HOUSING_USER || '';
const HOUSING_PASSWORD = process.env.ABITARE_E2E_HOUSING_PASSWORD || '';
const SECTION = process.env.ABITARE_E2E_SECTION || '360230000565';

const results = [];
function check(ok, what) {
  results.push(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('/#lang=it', baseURL).href);
  await page.waitForFunction(() => !!window.abitare, null, { timeout: TIMEOUT });

  // the public: no button
  const publicBtn = await page.locator('#exposure-button').isVisible();
  check(!publicBtn, 'the public sees no "who is most exposed" button');

  // log in
  await page.click('#login-button');
  await page.fill('#login-user', USER);
  await page.fill('#login-password', PASSWORD);
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('#session-info:not([hidden])', { timeout: TIMEOUT });
  await page.waitForFunction(() => !!window.abitare && window.abitare.state.session.user !== '', null, { timeout: TIMEOUT });

  // who is most exposed
  await page.waitForSelector('#exposure-button:not([hidden])', { timeout: TIMEOUT });
  check((await page.locator('#exposure-button').textContent()).trim() === 'Chi è più esposto', 'button "Chi è più esposto"');
  await page.click('#exposure-button');
  await page.waitForSelector('#exposure-body table.exposure-table', { timeout: TIMEOUT });
  const rows = await page.locator('#exposure-body table.exposure-table tbody tr').count();
  const dots = await page.locator('#exposure-body svg.rr-chart .rr-row').count();
  check(rows > 0 && rows === dots, `relative risks: ${rows} table rows, ${dots} chart rows`);
  check(await page.locator('#exposure-body svg.rr-chart line.rr-ref').count() === 1, 'the chart marks 1 as the reference');
  const readingIt = await page.locator('#exposure-body .exposure-reading li').first().textContent();
  check(/volte quella del resto dei residenti/.test(readingIt), `reading (it): ${readingIt}`);
  const firstRR = (await page.locator('#exposure-body table.exposure-table tbody tr td strong.rr').first().textContent()).trim();
  check(readingIt.includes(firstRR), `the reading quotes the top relative risk ${firstRR}`);
  await page.click('.lang-switch button[data-lang="en"]');
  await page.waitForFunction(() => /times as likely/.test(document.querySelector('#exposure-body .exposure-reading')?.textContent || ''), null, { timeout: TIMEOUT });
  const readingEn = await page.locator('#exposure-body .exposure-reading li').first().textContent();
  check(/times as likely as the rest of the residents/.test(readingEn), `reading (en): ${readingEn}`);
  await page.selectOption('#exposure-domain', 'multi_domain');
  await page.waitForFunction(() => /two or more domains|No category/.test(document.querySelector('#exposure-body .exposure-reading')?.textContent || ''), null, { timeout: TIMEOUT });
  check(true, 'domain multi_domain read');
  await page.click('#exposure-close');
  check(await page.locator('#exposure').isHidden(), 'the panel closes');

  // compare: three areas and the city from /api/compare
  await page.evaluate(({ g, ids }) => window.abitare.update({ compare: ids.map((id) => ({ geography: g, id })) }), { g: geo, ids: IDS });
  await page.waitForSelector('#compare-body table.pc-table', { timeout: TIMEOUT });
  const heads = await page.locator('#compare-body table.pc-table thead th').count();
  check(heads === IDS.length + 2, `compare table: indicator, ${IDS.length} areas and the city (${heads} columns)`);
  const ranks = await page.locator('#compare-body .pc-rank').count();
  const charts = await page.locator('#compare-body svg.cmp-chart').count();
  const cityLines = await page.locator('#compare-body svg.cmp-chart .cmp-city').count();
  check(charts > 0 && cityLines === charts, `compare charts: ${charts}, each with the city's line; ranks shown: ${ranks}`);
  if (shotPath) await page.screenshot({ path: shotPath });

  // custom area: a click on the map adds a hexagon (no profile opens), a second one via
  // window.abitare; Compute shows six indicators and the protection note; the XLSX downloads.
  await page.evaluate(() => window.abitare.update({ compare: [] }));
  await page.waitForSelector('#custom-area-button:not([hidden])', { timeout: TIMEOUT });
  await page.click('#custom-area-button');
  await page.waitForSelector('#custom-area:not([hidden])', { timeout: TIMEOUT });
  const hexes = await page.evaluate(() => {
    const { map } = window.abitare;
    const c = map.getCanvas();
    const [x, y] = [c.clientWidth / 2, c.clientHeight / 2];
    const at = map.queryRenderedFeatures([x, y], { layers: ['hexagons-fill'] })[0];
    const res = at?.properties.resolution;
    const other = map.queryRenderedFeatures({ layers: ['hexagons-fill'] })
      .find((f) => f.properties.resolution === res && f.properties.id !== at.properties.id && Number(f.properties.residents) > 0);
    return { first: at ? String(at.properties.id) : '', second: other ? String(other.properties.id) : '', res };
  });
  const box = await page.locator('#map canvas').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => window.abitare.customArea.selection.ids.length === 1, null, { timeout: TIMEOUT });
  check(!(await page.evaluate(() => window.abitare.state.selected)), 'a map click with the custom area open opens no profile');
  await page.evaluate(({ g, id }) => window.abitare.customArea.toggle(g, id), { g: `h3_${hexes.res}`, id: hexes.second });
  const sel = await page.evaluate(() => window.abitare.customArea.selection);
  check(sel.ids.length === 2 && sel.ids[0] === hexes.first, `custom area selection: ${sel.geography} ${sel.ids.join(', ')}`);
  check(await page.locator('#ca-selection button[data-remove]').count() === 2, 'two remove buttons listed');
  check(await page.evaluate(() => window.abitare.map.getLayoutProperty('custom-area-selected', 'visibility') === 'visible'), 'the selection is outlined on the map');
  await page.click('#ca-actions button[data-action="compute"]');
  await page.waitForSelector('#ca-result table.ca-table, #ca-result [role="alert"]', { timeout: TIMEOUT });
  const alert = await page.locator('#ca-result [role="alert"]').allTextContents();
  check(alert.length === 0, `computed${alert.length ? `: ${alert.join(' ')}` : ''}`);
  const caRows = await page.locator('#ca-result table.ca-table tbody tr').count();
  check(caRows === 6, `custom area table: ${caRows} indicators`);
  const note = (await page.locator('#ca-result .ca-protection').textContent().catch(() => '')) || '';
  check(note.length > 20, `protection note: ${note.slice(0, 90)}…`);
  const outlined = await page.evaluate(() => window.abitare.map.getSource('custom-area-outline')?.serialize().data?.type);
  check(outlined === 'Feature' || outlined === 'FeatureCollection', `the returned outline is drawn (${outlined})`);
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    page.click('#ca-result button[data-action="xlsx"]'),
  ]);
  check(/\.xlsx$/.test(dl.suggestedFilename()), `custom area XLSX: ${dl.suggestedFilename()}`);
  const [tab] = await Promise.all([
    page.context().waitForEvent('page', { timeout: TIMEOUT }),
    page.click('#ca-result button[data-action="html-en"]'),
  ]);
  await tab.waitForURL(/^blob:/, { timeout: TIMEOUT });
  const tabTitle = await tab.title();
  check(tabTitle.length > 0, `custom area printable page (EN) opens from a blob: "${tabTitle}"`);
  await tab.close();
  // an invalid query: the server's message in the panel
  await page.evaluate(() => window.abitare.update({ period: '1900' }));
  await page.click('#ca-actions button[data-action="compute"]');
  await page.waitForSelector('#ca-result [role="alert"]', { timeout: TIMEOUT });
  check(true, `error shown: ${(await page.locator('#ca-result [role="alert"]').textContent()).slice(0, 120)}`);
  await page.evaluate(() => window.abitare.update({ period: '' }));
  await page.click('#custom-area-close');
  check(await page.locator('#custom-area').isHidden(), 'the custom area panel closes');

  // bivariate map: a 3×3 legend naming both indicators with the actual break values
  await page.evaluate(() => window.abitare.update({ compare: [] }));
  await page.evaluate(() => window.abitare.setView('bivariate'));
  await page.waitForFunction(() => document.querySelectorAll('#legend .bv-grid .bv-cell').length === 9
    && [...document.querySelectorAll('#legend .bv-tick-x')].some((e) => /\d/.test(e.textContent)), null, { timeout: TIMEOUT });
  const ticks = await page.locator('#legend .bv-tick-x').allTextContents();
  const axes = await page.locator('#legend .bv-axis').allTextContents();
  check(axes.length === 2, `bivariate legend: 9 classes, axes ${axes.join(' / ')}, breaks ${ticks.join(' | ')}`);
  await page.evaluate(() => window.abitare.setView('overlap'));

  // report links of the area profile
  await page.evaluate(({ g, id }) => window.abitare.openProfile({ geography: g, id, source: 'districts' }), { g: geo, id: IDS[0] });
  await page.waitForSelector('#profile-body .report-links a', { timeout: TIMEOUT });
  const links = await page.locator('#profile-body .report-links a').evaluateAll((as) => as.map((a) => ({ href: a.href, text: a.textContent })));
  check(links.length === 3, `report links: ${links.map((l) => l.text).join(' | ')}`);
  for (const l of links) {
    const got = await page.evaluate(async (href) => {
      const res = await fetch(href, { credentials: 'same-origin' });
      const type = res.headers.get('content-type') || '';
      const body = type.startsWith('text/html') ? await res.text() : '';
      return { status: res.status, type, title: (body.match(/<title>([^<]*)/) || [])[1] || '' };
    }, l.href);
    const xlsx = /format=xlsx/.test(l.href);
    const ok = got.status === 200 && (xlsx ? got.type.includes('spreadsheetml') : got.title.includes(IDS[0]));
    check(ok, `${l.text}: ${got.status} ${got.type}${got.title ? ` "${got.title}"` : ''}`);
  }
  check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
  if (HOUSING_USER && HOUSING_PASSWORD) await checkTargeting();
} catch (err) {
  check(false, err.message);
} finally {
  await browser.close();
}
console.log(results.join('\n'));

// The housing office's list with both filters, and its XLSX export.
async function checkTargeting() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(new URL('/#lang=en', baseURL).href);
  await page.waitForFunction(() => !!window.abitare, null, { timeout: TIMEOUT });
  await page.click('#login-button');
  await page.fill('#login-user', HOUSING_USER);
  await page.fill('#login-password', HOUSING_PASSWORD);
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('#session-info:not([hidden])', { timeout: TIMEOUT });
  await page.waitForFunction(() => !!window.abitare && window.abitare.state.session.user !== '', null, { timeout: TIMEOUT });
  await page.evaluate((id) => window.abitare.openProfile({ geography: 'section', id, source: 'sections' }), SECTION);
  await page.waitForSelector('#targeting-form', { timeout: TIMEOUT });
  await page.selectOption('#targeting-need', 'housing');
  await page.check('#targeting-without-help');
  await page.fill('#targeting-purpose', 'e2e desk check: outreach list');
  const want = new Promise((resolve) => {
    page.on('request', (r) => { if (r.url().includes('/api/targeting?')) resolve(r.url()); });
  });
  await page.click('#targeting-submit');
  const asked = new URL(await want);
  check(asked.searchParams.get('without_help') === 'true', `the list is asked without help: ${asked.search}`);
  await page.waitForFunction(() => {
    const out = document.querySelector('#targeting-results');
    return out && out.getAttribute('aria-busy') === 'false' && !!out.querySelector('table.targeting-table, .hint');
  }, null, { timeout: TIMEOUT });
  check(await page.locator('#targeting-results table.targeting-table').count() === 1, 'the list is shown');
  const helped = await page.locator('#targeting-results table.targeting-table tbody td:nth-child(4)').allTextContents();
  check(helped.every((h) => h.trim() === 'no'), `every person listed is without help (${helped.length} people)`);
  const href = await page.locator('#targeting-export').getAttribute('href');
  check(/format=xlsx/.test(href) && /without_help=true/.test(href), `export link: ${href}`);
  const got = await page.evaluate(async (h) => {
    const res = await fetch(h, { credentials: 'same-origin' });
    return { status: res.status, type: res.headers.get('content-type') || '' };
  }, href);
  check(got.status === 200 && got.type.includes('spreadsheetml'), `export: ${got.status} ${got.type}`);
  await ctx.close();
}
