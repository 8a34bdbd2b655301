// M24 in a real browser: installability, the offline shell, offline editing through the
// outbox, conflicts between two devices, and the update prompt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import { BASE_URL, SHOTS, launch, launchPersistent, openPage, screenshot, until, waitForApp } from '../lib/browser.mjs';
import { newOwner, controlled, signIn } from '../lib/flows.mjs';

let browser;
const figures = {};
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(path.join(SHOTS, 'pwa-figures.json'), JSON.stringify(figures, null, 2));
  console.log('PWA figures:', JSON.stringify(figures));
});

const status = (page) => page.getByTestId('sync-status');

/** Bytes on the wire for `url` with the given Accept-Encoding (no decompression). */
function compressedSize(url, encoding) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'Accept-Encoding': encoding } }, (res) => {
        let n = 0;
        res.on('data', (c) => (n += c.length));
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
}

test('Chromium reports the app installable, with no errors', async () => {
  // Installability is judged for a normal profile (never for incognito windows).
  const profile = mkdtempSync(path.join(os.tmpdir(), 'mewayz-profile-'));
  const context = await launchPersistent(profile, { viewport: { width: 1280, height: 800 } });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(BASE_URL + '/');
  await waitForApp(page);
  await controlled(page);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, []);
  const parsed = JSON.parse(manifest.data);
  const sizes = parsed.icons.map((i) => `${i.sizes}/${i.purpose}`);
  for (const want of ['192x192/any', '512x512/any', '192x192/maskable', '512x512/maskable']) assert.ok(sizes.includes(want), `${want} in ${sizes}`);
  // What the worker precached, in bytes.
  figures.precachedBytes = await page.evaluate(async () => {
    let total = 0;
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const req of await cache.keys()) total += (await (await cache.match(req)).arrayBuffer()).byteLength;
    }
    return total;
  });
  assert.ok(figures.precachedBytes > 100_000, `precached ${figures.precachedBytes} bytes`);
  // The wasm as it travels (brotli), and raw.
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.wasm')));
  figures.wasmBrotliBytes = await compressedSize(wasm, 'br');
  figures.wasmRawBytes = await compressedSize(wasm, 'identity');
  assert.ok(figures.wasmBrotliBytes < figures.wasmRawBytes, 'the wasm is served compressed');
  assert.deepEqual(problems, []);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test('offline, the shell opens from the cache and says it is offline', async () => {
  const { context, page, problems } = await openPage(browser, { width: 360, height: 740 });
  await page.goto(BASE_URL + '/');
  await waitForApp(page);
  await controlled(page);
  await context.setOffline(true);
  const started = Date.now();
  await page.reload();
  await waitForApp(page);
  figures.offlineShellLoadMs = Date.now() - started;
  await status(page).getByText('Offline').waitFor();
  await page.getByRole('heading', { name: 'Welcome to Mewayz' }).waitFor();
  // A client route opens from the shell too; a file that was never cached gets the offline page.
  await page.goto(BASE_URL + '/workspace/team');
  await waitForApp(page);
  await page.goto(BASE_URL + '/nothing-here.txt');
  await page.getByRole('heading', { name: 'You are offline' }).waitFor();
  await screenshot(page, 'offline-page-phone');
  await context.setOffline(false);
  // Only the expected failures of a browser with no network.
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR|You appear to be offline/.test(p)), []);
  await context.close();
});

test('settings edited offline are kept, shown as pending, and sent when back online', async () => {
  const owner = await newOwner(browser, { width: 360, height: 780 });
  const { context, page, problems } = owner;
  await controlled(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Workspace name').waitFor();
  await status(page).getByText('Synced').waitFor();

  await context.setOffline(true);
  await status(page).getByText('Offline').waitFor();
  await page.getByLabel('Workspace name').fill(`${owner.wsName} (offline)`);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await status(page).getByText('1 change pending').waitFor();
  await page.getByText('Saved on this device.', { exact: false }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `settings overflow by ${overflow}px at 360px while offline`);
  await screenshot(page, 'offline-edit-pending-phone');

  await context.setOffline(false);
  await status(page).getByText('Synced').waitFor();
  await page.getByText('Saved.', { exact: true }).waitFor();
  // The server holds the change: a fresh load shows it.
  await page.reload();
  await waitForApp(page);
  await page.getByLabel('Workspace name').waitFor();
  assert.equal(await page.getByLabel('Workspace name').inputValue(), `${owner.wsName} (offline)`);
  const stored = await page.evaluate(async () => {
    const id = JSON.parse(localStorage.getItem('mewayz.workspace'));
    const res = await fetch('/api/get_workspace', { method: 'POST', body: new URLSearchParams({ workspace: id }) });
    return (await res.json()).name;
  });
  assert.equal(stored, `${owner.wsName} (offline)`);
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR|4(01|22)/.test(p)), []);
  await context.close();
});

test('two devices edit offline; the second sees the conflict and both versions are kept', async () => {
  const a = await newOwner(browser, { width: 1280, height: 900 });
  const b = await openPage(browser, { width: 1280, height: 900 });
  await b.page.goto(BASE_URL + '/login');
  await waitForApp(b.page);
  await signIn(b.page, a.email);
  await b.page.getByRole('heading', { level: 1, name: a.wsName }).waitFor();
  for (const p of [a.page, b.page]) {
    await controlled(p);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await p.getByLabel('Workspace name').waitFor();
  }
  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await a.page.getByLabel('Workspace name').fill('Named on the phone');
  await a.page.getByRole('button', { name: 'Save settings' }).click();
  await b.page.getByLabel('Workspace name').fill('Named on the laptop');
  await b.page.getByRole('button', { name: 'Save settings' }).click();
  await status(a.page).getByText('1 change pending').waitFor();
  await status(b.page).getByText('1 change pending').waitFor();

  await a.context.setOffline(false);
  await status(a.page).getByText('Synced').waitFor();
  await b.context.setOffline(false);
  await status(b.page).getByText('1 conflict').waitFor();
  const panel = b.page.getByRole('alert').filter({ hasText: 'Changed in two places' });
  await panel.getByRole('cell', { name: 'Named on the laptop' }).waitFor();
  await panel.getByRole('cell', { name: 'Named on the phone' }).waitFor();
  await screenshot(b.page, 'conflict-desktop');

  // Keep both: theirs is shown, mine is kept as a copy on this device.
  await panel.getByRole('button', { name: 'Keep both' }).click();
  await status(b.page).getByText('Synced').waitFor();
  await b.page.getByRole('heading', { name: 'Kept copies' }).waitFor();
  await b.page.getByText('Workspace name: Named on the laptop', { exact: false }).waitFor();
  assert.equal(await b.page.getByLabel('Workspace name').inputValue(), 'Named on the phone');
  // The kept copy can be used after all: it becomes the newest version.
  await b.page.getByRole('button', { name: 'Use this version' }).click();
  await status(b.page).getByText('Synced').waitFor();
  try {
    await b.page.getByText('Saved.', { exact: true }).waitFor();
  } catch (e) {
    await screenshot(b.page, 'failure-conflict');
    console.log('EVENTS', await b.page.evaluate(() => JSON.stringify(window.__events || [])));
    throw e;
  }
  await b.page.waitForFunction(() => document.querySelector('#field-name')?.value === 'Named on the laptop');
  assert.equal(await b.page.getByRole('heading', { name: 'Kept copies' }).count(), 0);
  await a.context.close();
  await b.context.close();
});

/** The keys of the reads kept on this device for offline use. */
const keptReads = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mewayz-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const r = open.result.transaction('drafts').objectStore('drafts').getAllKeys();
          r.onsuccess = () => resolve(r.result.filter((k) => k.startsWith('read:')));
          r.onerror = () => reject(r.error);
        };
      }),
  );

test('reloaded with no signal, the builder and settings open from this device; the edit is sent when back online', async () => {
  const owner = await newOwner(browser, { width: 1280, height: 900 });
  const { context, page, problems } = owner;
  await controlled(page);
  const handle = `off.${Date.now().toString(36)}`;
  await page.goto(BASE_URL + '/bio');
  await page.getByLabel('Handle').fill(handle);
  await page.getByRole('button', { name: 'Create page' }).click();
  const builderHeading = page.getByRole('heading', { level: 1, name: `@${handle}` });
  await builderHeading.waitFor();
  const builderUrl = page.url();
  await page.getByRole('button', { name: 'Add Header' }).click();
  await page.getByLabel('Text', { exact: true }).fill('Written online');
  await page.getByTestId('bio-save-status').filter({ hasText: /Saved/ }).waitFor({ timeout: 15000 });
  // Settings, opened once online, are kept for later too.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Workspace name').waitFor();
  await page.goto(builderUrl);
  await builderHeading.waitFor();
  await status(page).getByText('Synced').waitFor();

  // No signal, and the app is reloaded: the person stays signed in and the builder opens
  // with the latest saved version, not the sign-in page.
  await context.setOffline(true);
  await page.reload();
  await waitForApp(page);
  await builderHeading.waitFor();
  await status(page).getByText('Offline').waitFor();
  assert.ok(!page.url().endsWith('/login'), page.url());
  await page.locator('ol.bio-blocks > li').first().locator('.bio-block-toggle').click();
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'Written online');
  await page.getByLabel('Text', { exact: true }).fill('Written offline');
  await status(page).getByText('1 change pending').waitFor({ timeout: 15000 });
  await screenshot(page, 'offline-builder-reloaded-desktop');

  // Settings open offline from the kept copy too.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Workspace name').waitFor();
  assert.equal(await page.getByLabel('Workspace name').inputValue(), owner.wsName);

  // Back online: the change is sent, and the server holds it.
  await context.setOffline(false);
  await status(page).getByText('Synced').waitFor({ timeout: 20000 });
  const id = builderUrl.split('/').pop();
  const draft = await page.evaluate(async (page) => {
    const workspace = JSON.parse(localStorage.getItem('mewayz.workspace'));
    const res = await fetch('/api/get_bio_page', { method: 'POST', body: new URLSearchParams({ workspace, page }) });
    return JSON.stringify((await res.json()).draft);
  }, id);
  assert.match(draft, /Written offline/);

  // Signing out forgets who was signed in here and every read kept for offline use.
  assert.ok((await keptReads(page)).length >= 3, 'reads were kept');
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('E-mail address').waitFor();
  await until(page, () => localStorage.getItem('mewayz.me') === null);
  for (let i = 0; i < 50 && (await keptReads(page)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await keptReads(page), []);
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR|4(01|22)/.test(p)), []);
  await context.close();
});

test('a rebuilt shell with a new version shows "Update available — reload"', async () => {
  const dist = process.env.DIST_DIR;
  assert.ok(dist, 'DIST_DIR must point at the served dist/ folder');
  const swPath = path.join(dist, 'sw.js');
  const original = readFileSync(swPath, 'utf8');
  const version = original.match(/const VERSION = '([^']+)'/)[1];
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(BASE_URL + '/');
    await waitForApp(page);
    await controlled(page);
    assert.equal(await page.getByRole('button', { name: 'Update available — reload' }).count(), 0);
    // "Rebuild": the same files under a new version, as a new build would produce.
    writeFileSync(swPath, original.replace(`const VERSION = '${version}'`, `const VERSION = '${version}n'`));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const button = page.getByRole('button', { name: 'Update available — reload' });
    await button.waitFor();
    await screenshot(page, 'update-prompt-desktop');
    await button.click();
    await until(page, async (v) => (await caches.keys()).includes(`mewayz-shell-${v}n`) && !(await caches.keys()).includes(`mewayz-shell-${v}`), version);
    await waitForApp(page);
    assert.equal(await page.getByRole('button', { name: 'Update available — reload' }).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    writeFileSync(swPath, original);
    await context.close();
  }
});
