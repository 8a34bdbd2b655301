// The app shell in a real browser: loads without console errors at phone and desktop
// widths, has landmarks, navigation in the right place, a remembered theme, a 404 page,
// keyboard access, and a working server-fn round trip.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, waitForApp } from '../lib/browser.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const [label, width, height] of [
  ['phone', 360, 740],
  ['desktop', 1280, 800],
]) {
  test(`shell loads with no console errors at ${width}px (${label})`, async () => {
    const { context, page, problems } = await openPage(browser, { width, height });
    await page.goto(BASE_URL + '/');
    await waitForApp(page);
    await page.getByRole('heading', { level: 1, name: 'Welcome to Mewayz' }).waitFor();

    // Landmarks a screen reader relies on.
    assert.equal(await page.getByRole('banner').count(), 1);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 1);
    assert.equal(await page.getByRole('main').count(), 1);
    // The boot placeholder is gone once the client runs.
    assert.equal(await page.getByText('Loading Mewayz…').count(), 0);

    const nav = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    if (width < 768) {
      assert.ok(nav.y + nav.height >= height - 2, `bottom navigation expected on phones, got ${JSON.stringify(nav)}`);
      assert.ok(nav.width >= width - 2, 'bottom navigation spans the width');
    } else {
      assert.ok(nav.x <= 1 && nav.height > 400, `side navigation expected on desktop, got ${JSON.stringify(nav)}`);
    }
    // Nothing overflows sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page overflows horizontally by ${overflow}px`);

    await screenshot(page, `shell-${label}-dark`);
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await screenshot(page, `shell-${label}-light`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('dark theme by default, light theme remembered across reloads', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/');
  await waitForApp(page);
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
  await page.getByRole('button', { name: 'Switch to dark theme' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('server-fn round trip: the status page reads the live server', async () => {
  const { context, page, problems } = await openPage(browser, { width: 360, height: 740 });
  await page.goto(BASE_URL + '/');
  await waitForApp(page);
  await page.getByRole('link', { name: 'Status' }).click();
  await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
  await page.getByTestId('db-state').waitFor();
  assert.equal(await page.getByTestId('db-state').textContent(), 'Ready');
  assert.equal(new URL(page.url()).pathname, '/status');
  await screenshot(page, 'status-phone');
  assert.deepEqual(problems, []);
  await context.close();
});

test('unknown addresses get the server’s small 404 page, readable in light and dark, with a way home', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await openPage(browser, { colorScheme });
    const res = await page.goto(BASE_URL + '/no/such/page');
    assert.equal(res.status(), 404); // the server says so itself: no app is loaded to say it
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    assert.equal(await page.locator('script').count(), 0);
    const [bg, fg] = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return [s.backgroundColor, s.color];
    });
    const lum = (rgb) => rgb.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0) / 3;
    if (colorScheme === 'dark') assert.ok(lum(bg) < 60 && lum(fg) > 180, `${bg} / ${fg}`);
    else assert.ok(lum(bg) > 200 && lum(fg) < 80, `${bg} / ${fg}`);
    await screenshot(page, `not-found-${colorScheme}`);
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await waitForApp(page);
    await page.getByRole('heading', { level: 1, name: 'Welcome to Mewayz' }).waitFor();
    // The browser reports the 404 document itself; nothing else may fail.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 404')), []);
    await context.close();
  }
});

test('keyboard: the first Tab reaches the skip link, which moves focus to main', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(BASE_URL + '/');
  await waitForApp(page);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert.equal(focused, 'Skip to main content');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#main');
  await context.close();
});
