// Shared helpers for the browser tests: launch Debian's Chromium through playwright-core,
// collect console errors and page errors, and save screenshots for people to look at.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:3000';
const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.join(here, '..', 'test-results');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Each test file runs in its own process and gets its own client id. scripts/test.sh tells
// the server to take the client's address from this header (CLIENT_IP_HEADER), so each file
// has its own per-address rate limits (10 sign-ups an hour) instead of sharing one.
export const CLIENT_HEADERS = { 'x-e2e-client': `e2e-${process.pid}` };

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A browser with a real (non-incognito) profile in `dir`, as an installed app has. */
export async function launchPersistent(dir, options = {}) {
  return chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, extraHTTPHeaders: CLIENT_HEADERS, ...options });
}

/** A fresh context and page at the given width, recording every console error. */
export async function openPage(browser, { width = 1280, height = 800, colorScheme } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, extraHTTPHeaders: CLIENT_HEADERS });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { context, page, problems };
}

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the WASM client has replaced the boot placeholder. */
export async function waitForApp(page) {
  await page.getByRole('banner').waitFor({ timeout: 20000 });
}

/** Evaluates `fn(arg)` in the page (it may be async) until it returns something truthy, and
 *  returns that. (page.waitForFunction does not wait for an async predicate's promise.) A check
 *  cut short by a navigation is retried in the new document. */
export async function until(page, fn, arg, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let value;
    try {
      value = await page.evaluate(fn, arg);
    } catch (err) {
      // A navigation (a reload the page asked for) destroys the context mid-check; ask again
      // in the new document. Anything else is a real failure.
      if (!/context was destroyed|navigat/i.test(String(err && err.message))) throw err;
    }
    if (value) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms: ${fn}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
