// Issue 16 in a real browser: the client is split by route. A module's page fetches its own
// chunk the first time it opens, says so plainly if the chunk cannot be fetched (with a way to
// try again), opens offline even if it was never visited online (the service worker fetched
// every chunk), and the download sizes stay within their budgets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLIENT_HEADERS, launch, openPage, screenshot, waitForApp } from '../lib/browser.mjs';
import { newOwner, controlled } from '../lib/flows.mjs';
import { clientSize, formatSize, FIRST_LOAD_BUDGET, ROUTE_BUDGET, FIRST_LOAD_CEILING, routeCeiling } from '../lib/client-size.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the first load and every route chunk stay within their sizes (brotli)', () => {
  const dist = process.env.DIST_DIR;
  assert.ok(dist, 'DIST_DIR is not set');
  const size = clientSize(dist);
  console.log(formatSize(size));
  const routes = new Map(size.routes.map((r) => [r.name, r]));
  // Every page of a module is split off: the shell keeps only sign-in and the dashboard.
  for (const name of ['builder_page', 'bio_pages_page', 'bio_stats_tab_part', 'bio_settings_tab_part', 'billing_page', 'team_page', 'settings_page', 'media_page', 'links_page', 'forms_page', 'form_page', 'notifications_page', 'account_page', 'sign_up_page']) {
    assert.ok(routes.has(name), `no split for ${name}: ${[...routes.keys()]}`);
  }
  assert.ok(size.firstTotal <= FIRST_LOAD_CEILING, `first load ${size.firstTotal} bytes > ${FIRST_LOAD_CEILING} (goal ${FIRST_LOAD_BUDGET})`);
  for (const r of size.routes) {
    assert.ok(r.total <= routeCeiling(r.name), `route ${r.name} (${r.file}) needs ${r.total} bytes > ${routeCeiling(r.name)} (goal ${ROUTE_BUDGET})`);
  }
});

test('a page whose chunk fails to load says so and loads on "Try again"', async () => {
  // No service worker here: it would answer from its cache, where the route cannot reach.
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block', extraHTTPHeaders: CLIENT_HEADERS });
  const page = await context.newPage();
  const crashes = [];
  page.on('pageerror', (err) => crashes.push(err.message));
  let refused = 0;
  await page.route(/\/split_[^/]*status[^/]*\.wasm$/, (route) => {
    refused += 1;
    return route.abort('connectionreset');
  });
  await page.goto(BASE_URL + '/status');
  await waitForApp(page);
  const alert = page.getByRole('alert').filter({ hasText: 'This page could not be loaded' });
  await alert.waitFor();
  assert.ok(refused >= 1, 'the status chunk was never requested');
  // The shell is still there and working: the navigation and the theme toggle.
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).waitFor();
  await screenshot(page, 'chunk-failed-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(page, 'chunk-failed-desktop');
  await page.unroute(/\/split_[^/]*status[^/]*\.wasm$/);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
  assert.equal(await alert.count(), 0);
  assert.deepEqual(crashes, []);
  await context.close();
});

test('a module page never opened online opens offline', async () => {
  const owner = await newOwner(browser, { width: 1280, height: 800 });
  const { context, page, problems } = owner;
  await controlled(page);
  const split = [];
  page.on('request', (r) => /\/split_[^/]*media[^/]*\.wasm$/.test(r.url()) && split.push(r.url()));
  await context.setOffline(true);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media' }).click();
  await page.getByRole('heading', { level: 1, name: 'Media library' }).waitFor();
  assert.equal(split.length, 1, `the media chunk was fetched ${split.length} times`);
  await context.setOffline(false);
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR|You appear to be offline/.test(p)), []);
  await context.close();
});

test('opening a module page the first time shows it with no console errors (phone)', async () => {
  const { context, page, problems } = await openPage(browser, { width: 360, height: 740 });
  await page.goto(BASE_URL + '/signup');
  await waitForApp(page);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.getByLabel('E-mail address').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
