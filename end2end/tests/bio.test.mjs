// The link-in-bio builder (M05) in Chromium: blocks dragged in with the mouse, one block
// reordered by touch, fields filled, the page published; a visitor with script turned off
// opens /{handle}, follows a link, and the click is counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLIENT_HEADERS, launch, openPage, screenshot, until } from '../lib/browser.mjs';
import { newOwner, unique } from '../lib/flows.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The centre of an element. */
async function centre(locator) {
  const box = await locator.boundingBox();
  assert.ok(box, 'element is on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the mouse, in small steps, as a person does. */
async function mouseDrag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  }
  await page.mouse.up();
}

/** Drags with a finger, through the DevTools protocol's touch events. */
async function touchDrag(cdp, from, to) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }] });
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** The kinds of the blocks in the builder's list, in order. */
async function order(page) {
  return page.locator('ol.bio-blocks > li .bio-block-kind').allTextContents();
}

test('build a page by drag and drop, publish it, and a visitor without script follows a counted link', async () => {
  const owner = await newOwner(browser);
  const { page, problems } = owner;
  const handle = `bio.${unique()}`.slice(0, 30);

  await page.goto(`${BASE_URL}/bio`);
  await page.getByRole('heading', { name: 'Create a page' }).waitFor();
  await page.getByLabel('Handle').fill('Login');
  await page.getByRole('button', { name: 'Create page' }).click();
  await page.getByText('That handle is reserved', { exact: false }).or(page.getByText('lowercase', { exact: false })).first().waitFor();
  await page.getByLabel('Handle').fill(handle);
  await page.getByRole('button', { name: 'Create page' }).click();
  await page.getByRole('heading', { level: 1, name: `@${handle}` }).waitFor();
  await page.getByText('No blocks yet.', { exact: false }).waitFor();

  // Mouse: drag a link button, then a header above it, then a divider below.
  const list = page.locator('ol.bio-blocks');
  await mouseDrag(page, await centre(page.getByRole('button', { name: 'Add Link button' })), await centre(list));
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 1);
  const first = page.locator('ol.bio-blocks > li').first();
  const top = await first.boundingBox();
  await mouseDrag(page, await centre(page.getByRole('button', { name: 'Add Header' })), { x: top.x + top.width / 2, y: top.y + 4 });
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 2);
  const last = await page.locator('ol.bio-blocks > li').last().boundingBox();
  await mouseDrag(page, await centre(page.getByRole('button', { name: 'Add Divider' })), { x: last.x + last.width / 2, y: last.y + last.height - 3 });
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 3);
  assert.deepEqual(await order(page), ['Header', 'Link button', 'Divider']);

  // Fill the blocks. The link leads back to this server, so no outside network is needed.
  const target = `${BASE_URL}/health`;
  await page.locator('ol.bio-blocks > li').nth(0).locator('.bio-block-toggle').click();
  await page.getByLabel('Text', { exact: true }).fill('Hello from the test');
  await page.locator('ol.bio-blocks > li').nth(1).locator('.bio-block-toggle').click();
  await page.getByLabel('Title', { exact: true }).fill('Visit my health page');
  await page.getByLabel('URL', { exact: true }).fill('javascript:alert(1)');
  await page.getByText('Only web (https://), mailto: and tel: addresses are allowed', { exact: false }).first().waitFor();
  await page.getByLabel('URL', { exact: true }).fill(target);
  await until(page, () => !document.querySelector('.bio-block.has-error'));
  // One click gives the link a short link that redirects to the same address.
  await page.getByRole('button', { name: 'Make short link' }).click();
  const shortLink = page.getByText('Short link:').getByRole('link');
  await shortLink.waitFor();
  const shortUrl = await shortLink.getAttribute('href');
  assert.match(shortUrl, /\/s\/[a-z0-9]+$/);
  const followed = await fetch(shortUrl, { redirect: 'manual' });
  assert.equal(followed.status, 302);
  assert.equal(followed.headers.get('location'), target);

  // Undo and redo: remove the divider, bring it back, remove it again, bring it back.
  const count = () => page.locator('ol.bio-blocks > li').count();
  await page.getByRole('button', { name: /^Remove Divider/ }).click();
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 2);
  await page.getByRole('button', { name: 'Undo' }).click();
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 3);
  await page.getByRole('button', { name: 'Redo' }).click();
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 2);
  await page.keyboard.press('Control+z');
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 3);
  assert.equal(await count(), 3);
  assert.deepEqual(await order(page), ['Header', 'Link button', 'Divider']);
  await page.getByTestId('bio-save-status').filter({ hasText: /Saved/ }).waitFor({ timeout: 15000 });

  // The image library opens as a modal dialog that keeps the keyboard inside it: Tab and
  // Shift+Tab cycle through its controls, Escape closes it and returns focus to the opener.
  const chooser = page.getByRole('button', { name: 'Choose thumbnail' });
  await chooser.click();
  const dialog = page.getByRole('dialog', { name: 'Choose an image' });
  await dialog.getByText('No images yet.', { exact: false }).waitFor();
  const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
  assert.equal(await dialog.getByRole('button', { name: 'Close' }).evaluate((b) => b === document.activeElement), true, 'focus starts on Close');
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await focusInDialog(), `Tab ${i + 1} left the dialog`);
  }
  await dialog.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('Shift+Tab');
  assert.ok(await focusInDialog(), 'Shift+Tab from the first control left the dialog');
  assert.equal(await dialog.getByRole('button', { name: 'Close' }).evaluate((b) => b === document.activeElement), false, 'Shift+Tab went to the last control');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await chooser.evaluate((b) => b === document.activeElement), true, 'focus is back on the opener');

  // Touch: move the divider to the top by dragging its handle with a finger.
  const phone = await browser.newContext({ viewport: { width: 1280, height: 900 }, hasTouch: true, storageState: await owner.context.storageState(), extraHTTPHeaders: CLIENT_HEADERS });
  const touchPage = await phone.newPage();
  await touchPage.goto(page.url());
  await touchPage.getByRole('heading', { level: 1, name: `@${handle}` }).waitFor();
  await until(touchPage, () => document.querySelectorAll('ol.bio-blocks > li').length === 3, undefined, 20000);
  const cdp = await phone.newCDPSession(touchPage);
  const handleBtn = touchPage.getByRole('button', { name: /^Drag Divider/ });
  const headerBox = await touchPage.locator('ol.bio-blocks > li').first().boundingBox();
  await touchDrag(cdp, await centre(handleBtn), { x: headerBox.x + headerBox.width / 2, y: headerBox.y + 3 });
  await until(touchPage, () => document.querySelector('ol.bio-blocks > li .bio-block-kind')?.textContent === 'Divider');
  assert.deepEqual(await order(touchPage), ['Divider', 'Header', 'Link button']);
  // The keyboard path: move the divider back down with its button.
  await touchPage.getByRole('button', { name: /^Move Divider 1 down/ }).click();
  assert.deepEqual(await order(touchPage), ['Header', 'Divider', 'Link button']);
  await touchPage.getByTestId('bio-save-status').filter({ hasText: /Saved/ }).waitFor({ timeout: 15000 });
  await touchPage.getByRole('button', { name: 'Publish' }).click();
  await touchPage.getByText('Published. Visitors see this version now.').waitFor();
  await screenshot(touchPage, 'bio-builder-desktop');

  // A visitor, with script turned off, opens the page.
  const visitorContext = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 780 }, extraHTTPHeaders: CLIENT_HEADERS });
  const visitor = await visitorContext.newPage();
  const visitorProblems = [];
  visitor.on('console', (m) => m.type() === 'error' && visitorProblems.push(m.text()));
  const res = await visitor.goto(`${BASE_URL}/${handle}`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  await visitor.getByRole('heading', { level: 2, name: 'Hello from the test' }).waitFor();
  assert.equal(await visitor.locator('script').count(), 0, 'the public page has no script');
  assert.equal(await visitor.locator('hr').count(), 1);
  const overflow = await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth).catch(() => 0);
  assert.ok(overflow <= 0);
  await screenshot(visitor, 'bio-public-phone');
  await Promise.all([visitor.waitForURL(target), visitor.getByRole('link', { name: 'Visit my health page' }).click()]);
  assert.deepEqual(visitorProblems, []);

  // The click is counted.
  const stats = await until(touchPage, async (h) => {
    const workspace = JSON.parse(localStorage.getItem('mewayz.workspace'));
    const id = location.pathname.split('/').pop();
    const day = new Date().toISOString().slice(0, 10);
    const res = await fetch('/api/get_bio_stats', { method: 'POST', body: new URLSearchParams({ workspace, page: id, from: day, to: day }) });
    const s = await res.json();
    return s.clicks >= 1 && s.views >= 1 ? s : null;
  }, handle, 15000);
  assert.equal(stats.clicks, 1);
  assert.equal(stats.links[0][1], 'Visit my health page');
  await touchPage.getByRole('tab', { name: 'Analytics' }).click();
  await touchPage.getByText('Unique visitors', { exact: false }).first().waitFor();
  await screenshot(touchPage, 'bio-analytics-desktop');

  // The builder at phone width, with its preview toggle.
  await page.setViewportSize({ width: 360, height: 780 });
  await page.reload();
  await page.getByRole('heading', { level: 1, name: `@${handle}` }).waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `builder overflows by ${wide}px at 360px`);
  await screenshot(page, 'bio-builder-phone');
  assert.deepEqual(problems, []);
  await visitorContext.close();
  await phone.close();
  await owner.context.close();
});
