// End-to-end check of foresight against a running Abitare server:
//   ABITARE_E2E_USER=… ABITARE_E2E_PASSWORD=… node e2e/foresight.mjs <baseURL> [screenshot-prefix]
// The user must be a planner or the housing office (restricted aggregates). Checks: the public
// sees no "Trends" view, no watchlist and no "what comes first", and the four APIs refuse it;
// after logging in, the Trends view draws its legend (seventeen categories, the ArcGIS note) and
// paints the categories it loaded; the watchlist panel answers (a table with sortable columns and
// an XLSX link that downloads a workbook, or says no area qualifies); "what comes first" shows
// its caution in Italian and English; the profile of a watched area shows the forecast fan when
// its forecasts are made. With a screenshot prefix, it writes <prefix>-trends.png,
// <prefix>-watchlist.png, <prefix>-profile.png and <prefix>-leadlag.png.
// ABITARE_E2E_REQUIRE_TRENDS=1: fail when no trends are computed (a database with 10 quarters or
// more of history and `abitare trends` run); otherwise the empty answers are checked instead.
import { createRequire } from 'node:module';
import { launchChromium } from './browser.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const [baseURL, shotPrefix] = process.argv.slice(2);
const USER = process.env.ABITARE_E2E_USER || '';
const PASSWORD = process.env.ABITARE_E2E_PASSWORD || '';
const REQUIRE = process.env.ABITARE_E2E_REQUIRE_TRENDS === '1';
if (!baseURL || !USER || !PASSWORD) {
  console.error('usage: ABITARE_E2E_USER=… ABITARE_E2E_PASSWORD=… node e2e/foresight.mjs <baseURL> [screenshot-prefix]');
  process.exit(2);
}
const TIMEOUT = 30_000;

const results = [];
function check(ok, what) {
  results.push(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
}
const shot = async (page, name) => { if (shotPrefix) await page.screenshot({ path: `${shotPrefix}-${name}.png` }); };

// axe-core's WCAG 2.1 A and AA rules on the page as it is: no serious or critical violation.
async function accessible(page, where) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(found.length === 0, `no serious or critical accessibility violation with ${where}${found.length ? `: ${found.join('; ')}` : ''}`);
}

const browser = await launchChromium();
try {
  // axe-core is injected as a script: the page's CSP is bypassed for it.
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 } })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('/#lang=it', baseURL).href);
  await page.waitForFunction(() => !!window.abitare, null, { timeout: TIMEOUT });

  // the public: no view, no panels, the APIs refused
  check(!(await page.locator('#view-trends').isVisible()), 'the public has no "Tendenze" view');
  check(!(await page.locator('#watchlist-button').isVisible()), 'the public sees no watchlist button');
  check(!(await page.locator('#leadlag-button').isVisible()), 'the public sees no "what comes first" button');
  const refused = await page.evaluate(async () => {
    const out = [];
    for (const p of ['trends/omi?domain=housing', 'forecasts/omi?domain=housing', 'lead-lag?geography=omi', 'watchlist?geography=omi&domain=housing']) {
      out.push((await fetch(`/api/${p}`, { credentials: 'same-origin' })).status);
    }
    return out;
  });
  check(refused.every((s) => s === 401 || s === 403), `the public is refused the foresight APIs: ${refused.join(' ')}`);
  await page.evaluate(() => window.abitare.setView('trends'));
  check(await page.evaluate(() => window.abitare.state.view) !== 'trends', 'the public cannot switch to the trends view');

  // log in
  await page.click('#login-button');
  await page.fill('#login-user', USER);
  await page.fill('#login-password', PASSWORD);
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('#session-info:not([hidden])', { timeout: TIMEOUT });
  await page.waitForFunction(() => !!window.abitare && window.abitare.state.session.user !== '', null, { timeout: TIMEOUT });

  // the trends view
  await page.waitForSelector('#view-trends:visible', { timeout: TIMEOUT });
  check((await page.locator('label:has(#view-trends)').textContent()).trim() === 'Tendenze', 'the "Tendenze" view is offered');
  await page.click('label:has(#view-trends)');
  await page.waitForSelector('#trends-options:not([hidden])', { timeout: TIMEOUT });
  await page.selectOption('#trends-domain', 'housing');
  await page.waitForFunction(() => {
    const a = window.abitare.trends.answer('h3_8', 'housing');
    return a && !a.loading;
  }, null, { timeout: TIMEOUT });
  const trend = await page.evaluate(() => {
    const a = window.abitare.trends.answer('h3_8', 'housing');
    return { error: a.error || '', areas: a.areas?.length || 0, quarters: a.quarters?.length || 0, lookup: Object.keys(window.abitare.state.trends?.lookup || {}).length };
  });
  check(!trend.error, `trends of H3 8 read${trend.error ? `: ${trend.error}` : ''}: ${trend.areas} areas, ${trend.quarters} quarters, ${trend.lookup} with a pattern`);
  if (REQUIRE) check(trend.areas > 0 && trend.quarters >= 10, 'trends are computed (10 quarters or more)');
  const legendRows = await page.locator('#legend-items li[data-trend]').count();
  check(legendRows === 17, `the legend lists the 17 categories (${legendRows})`);
  const legendTitle = await page.locator('#legend-title').textContent();
  check(/Aree calde e fredde emergenti/.test(legendTitle), `legend title: ${legendTitle}`);
  const notes = (await page.locator('#legend-notes').textContent()) || '';
  check(/ArcGIS Pro/.test(notes) && /Mann-Kendall/.test(notes), 'the legend names ArcGIS Pro\'s Emerging Hot Spot Analysis, Gi* and Mann-Kendall');
  check(await page.locator('#trends-docs[href^="https://pro.arcgis.com/"]').count() === 1, 'the view links the categories\' definition');
  const painted = await page.evaluate(() => JSON.stringify(window.abitare.map.getPaintProperty('hotspots-fill', 'fill-color')).includes('new_hot_spot'));
  check(painted, 'the hotspot hexagons are painted by category');
  if (trend.lookup > 0) {
    // a hexagon with a pattern is drawn in its colour: it is among the rendered features
    const drawn = await page.evaluate(() => {
      const { lookup } = window.abitare.state.trends;
      return window.abitare.map.queryRenderedFeatures({ layers: ['hotspots-fill'] }).filter((f) => lookup[String(f.properties.id)]).length;
    });
    check(drawn > 0, `hexagons with a pattern on the map: ${drawn}`);
  }
  await page.click('.lang-switch button[data-lang="en"]');
  await page.waitForFunction(() => /Emerging hot and cold spots/.test(document.querySelector('#legend-title')?.textContent || ''), null, { timeout: TIMEOUT });
  check(true, 'legend in English');
  await page.click('.lang-switch button[data-lang="it"]');
  await page.waitForTimeout(300);
  await shot(page, 'trends');

  // the watchlist
  await page.waitForSelector('#watchlist-button:not([hidden])', { timeout: TIMEOUT });
  await page.click('#watchlist-button');
  await page.waitForSelector('#watchlist:not([hidden])', { timeout: TIMEOUT });
  await page.selectOption('#wl-geo', 'h3_9');
  await page.waitForSelector('#wl-body table.wl-table, #wl-body .hint:not(:empty)', { timeout: TIMEOUT });
  await page.waitForFunction(() => !/Caricamento/.test(document.querySelector('#wl-body')?.textContent || ''), null, { timeout: TIMEOUT });
  const wlError = await page.locator('#wl-body .error-text').count();
  check(wlError === 0, `the watchlist answers${wlError ? `: ${await page.locator('#wl-body').textContent()}` : ''}`);
  const rows = await page.locator('#wl-body table.wl-table tbody tr').count();
  check(rows > 0 || !REQUIRE, `watchlist rows: ${rows}`);
  if (rows > 1) {
    await page.click('#wl-body button[data-sort="mk_z"]');
    const zs = await page.locator('#wl-body table.wl-table tbody tr td:nth-child(3)').allTextContents();
    const nums = zs.map((s) => Number(s.replace('−', '-').replace(',', '.').replace('±', '')));
    check(nums.every((v, i) => i === 0 || v <= nums[i - 1]), `sorted by trend z, strongest first: ${zs.slice(0, 4).join(' ')}`);
    check(await page.locator('#wl-body th[aria-sort="descending"] button[data-sort="mk_z"]').count() === 1, 'the sorted column says so (aria-sort)');
  }
  const xlsx = await page.locator('#wl-xlsx').getAttribute('href');
  check(/format=xlsx/.test(xlsx) && /lang=it/.test(xlsx), `XLSX link: ${xlsx}`);
  const got = await page.evaluate(async (h) => {
    const res = await fetch(h, { credentials: 'same-origin' });
    return { status: res.status, type: res.headers.get('content-type') || '', disposition: res.headers.get('content-disposition') || '' };
  }, xlsx);
  check(got.status === 200 && got.type.includes('spreadsheetml'), `watchlist XLSX: ${got.status} ${got.type} ${got.disposition}`);
  await shot(page, 'watchlist');
  await accessible(page, 'the trends view and the watchlist');
  if (rows > 0) {
    const first = await page.locator('#wl-body button[data-area]').first().getAttribute('data-area');
    await page.click('#wl-body button[data-area]');
    await page.waitForFunction((id) => window.abitare.state.selected?.id === id && !!window.abitare.state.profile?.data, first, { timeout: TIMEOUT });
    check(true, `a watched area opens its profile: ${first}`);
    // the forecast fan in the profile (when the area's forecasts are made)
    await page.waitForFunction(() => window.abitare.state.forecastTick > 0 && window.abitare.forecasts.pending() === 0, null, { timeout: 60_000 });
    const fans = await page.locator('#profile-body svg.sparkline.fan').count();
    const label = fans ? await page.locator('#profile-body svg.sparkline.fan').first().getAttribute('aria-label') : '';
    // Forecasts are withheld where no method beats last value in the backtest: the profile says
    // for which domains.
    const withheld = (await page.locator('#profile-body .fan-note').textContent().catch(() => '')) || '';
    check(fans > 0 || /Nessuna previsione per/.test(withheld) || !REQUIRE,
      `forecast fans in the profile: ${fans}${label ? ` (${label.slice(0, 140)}…)` : ''}${/Nessuna previsione per: ([^.]*)/.exec(withheld)?.[0] ? `; ${/Nessuna previsione per: ([^.]*)/.exec(withheld)[0]}` : ''}`);
    if (fans) check(/Previsione: \d{4}-Q\d .*80%.*95%/.test(label), 'the fan says its forecasts with both intervals');
    await shot(page, 'profile');
    await page.click('#profile-close');
  }
  await page.click('#watchlist-close');
  check(await page.locator('#watchlist').isHidden(), 'the watchlist closes');

  // what comes first
  await page.click('#leadlag-button');
  await page.waitForSelector('#ll-body .ll-caution, #ll-body .error-text', { timeout: TIMEOUT });
  const llError = await page.locator('#ll-body .error-text').count();
  check(llError === 0, `the lagged association answers${llError ? `: ${await page.locator('#ll-body').textContent()}` : ''}`);
  if (!llError) {
    check(/^Attenzione: Associazione, non causa/.test((await page.locator('#ll-body .ll-caution').textContent()).trim()), 'the caution in Italian');
    const signals = await page.locator('#ll-body table.ll-table tbody tr').count();
    const charts = await page.locator('#ll-body svg.ll-chart').count();
    check(signals === 4 && charts === 4, `four signals, each with its chart (${signals} rows, ${charts} charts)`);
    await shot(page, 'leadlag');
    await accessible(page, '"what comes first"');
    await page.click('.lang-switch button[data-lang="en"]');
    await page.waitForFunction(() => /Association, not cause/.test(document.querySelector('#ll-body .ll-caution')?.textContent || ''), null, { timeout: TIMEOUT });
    check(true, 'the caution in English');
  }
  await page.click('#leadlag-close');
  check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
} catch (err) {
  check(false, err.message);
} finally {
  await browser.close();
}
console.log(results.join('\n'));
