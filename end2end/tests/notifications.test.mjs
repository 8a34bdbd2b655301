// M22 in a real browser: a sign-in from a new device appears in the notification centre
// live (Server-Sent Events), with the unread count on the bell; mark read; push preferences.
// (Push delivery itself is proven in server/tests/notifications.rs against a local push
// service: headless Chromium has no push service to subscribe to.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, waitForApp } from '../lib/browser.mjs';
import { newOwner, signIn } from '../lib/flows.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a sign-in on a new device shows up live in the notification centre', async () => {
  const owner = await newOwner(browser, { width: 360, height: 780 });
  const { page } = owner;
  await page.getByRole('link', { name: 'Notifications', exact: true }).click();
  await page.getByRole('heading', { name: 'All read' }).waitFor();
  await page.getByText('Nothing yet.', { exact: false }).waitFor();

  // Another device signs in to the same account.
  const other = await openPage(browser, { width: 1280, height: 900 });
  await other.page.goto(BASE_URL + '/login');
  await waitForApp(other.page);
  await signIn(other.page, owner.email);
  await other.page.getByRole('heading', { level: 1, name: owner.wsName }).waitFor();

  // Without reloading, the first device sees it.
  await page.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor({ timeout: 15000 });
  await page.getByRole('heading', { name: '1 unread' }).waitFor();
  const item = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem').first();
  await item.getByText(/^(Unread: )?New sign-in on /).waitFor();
  await screenshot(page, 'notifications-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `notifications overflow by ${overflow}px at 360px`);

  await item.getByRole('button', { name: /^Mark read\s*:\s*New sign-in on/ }).click();
  await page.getByRole('heading', { name: 'All read' }).waitFor();
  await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();

  // Preferences per kind are kept.
  const pref = page.getByRole('checkbox', { name: 'Sign-in from a new device' });
  assert.ok(await pref.isChecked());
  await pref.uncheck();
  await page.waitForTimeout(300);
  await page.reload();
  await waitForApp(page);
  await page.getByRole('checkbox', { name: 'Sign-in from a new device' }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: 'Sign-in from a new device' }).isChecked(), false);
  assert.ok(await page.getByRole('checkbox', { name: 'Invitations to a workspace' }).isChecked());

  assert.deepEqual(owner.problems.filter((p) => !/4(01|22)/.test(p)), []);
  await other.context.close();
  await owner.context.close();
});
