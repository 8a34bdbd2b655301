// Two languages and the shell, in a real browser (which starts in English, like a browser
// set to en-US): the profile's language switches the app and the device keeps it after
// signing out; a signed-out page shows no sync pill; the logo link has a name; the phone's
// bottom bar has "More" for the pages it has no room for (Media, Billing, Notifications,
// the audit log), which the side bar lists on wide screens; the offline pill fits at 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, until, waitForApp } from '../lib/browser.mjs';
import { controlled, newOwner, signIn, signUpAndConfirm, unique } from '../lib/flows.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Waits until the client knows whether someone is signed in (the banner shows Sign in or Sign out). */
async function authKnown(page) {
  await page.getByRole('banner').getByRole('link', { name: /^(Sign in|Se connecter)$/ }).or(page.getByRole('banner').getByRole('button', { name: /^(Sign out|Se déconnecter)$/ })).waitFor();
}

for (const [label, width, height] of [
  ['phone', 360, 740],
  ['desktop', 1280, 800],
]) {
  test(`signed out at ${width}px: the logo link has a name, and there is no sync pill`, async () => {
    const { context, page, problems } = await openPage(browser, { width, height });
    await page.goto(BASE_URL + '/');
    await waitForApp(page);
    await authKnown(page);
    // On a phone only the "M" mark shows: the link is named all the same.
    const home = page.getByRole('banner').getByRole('link', { name: 'Mewayz, home' });
    await home.waitFor();
    assert.equal(await home.getAttribute('href'), '/');
    assert.equal(await page.getByTestId('sync-status').count(), 0, 'no "Synced" for someone with nothing to sync');
    await page.goto(BASE_URL + '/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(await page.getByTestId('sync-status').count(), 0);
    await screenshot(page, `signed-out-topbar-${label}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('choosing Français in the profile switches the app, and the device keeps it after signing out', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 900 });
  const email = `i18n-${unique()}@example.com`;
  await page.goto(BASE_URL + '/signup');
  await waitForApp(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await signUpAndConfirm(page, 'Zoé Lang', email);
  await page.goto(BASE_URL + '/login');
  await signIn(page, email);
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  // The languages are offered each in its own name; the old "English only" hint is gone.
  const language = page.getByLabel('Language');
  assert.deepEqual(await language.locator('option').allTextContents(), ['English', 'Français']);
  assert.equal(await page.getByText('The interface is in English for now', { exact: false }).count(), 0);

  await language.selectOption('fr');
  await page.getByRole('button', { name: 'Save profile' }).click();
  // The app reloads in French.
  await page.waitForFunction(() => document.documentElement.lang === 'fr', null, { timeout: 20000 });
  await waitForApp(page);
  await page.getByRole('heading', { level: 1, name: 'Votre compte' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Principale' });
  await nav.getByRole('link', { name: 'Accueil', exact: true }).waitFor();
  await nav.getByRole('link', { name: 'Compte', exact: true }).waitFor();
  await nav.getByRole('link', { name: 'État', exact: true }).waitFor();
  assert.equal(await page.getByLabel('Langue').inputValue(), 'fr');
  await page.getByRole('button', { name: 'Enregistrer le profil' }).waitFor();
  await page.getByText(`Connecté avec l’adresse ${email}`).waitFor();
  await page.getByRole('heading', { name: 'Journal de sécurité' }).waitFor();
  await page.getByText('Profil mis à jour').first().waitFor();
  await page.getByRole('banner').getByRole('link', { name: 'Mewayz, accueil' }).waitFor();
  await screenshot(page, 'account-french-desktop');

  // Signed out, the device still speaks French, after a reload too.
  await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
  await page.reload();
  await waitForApp(page);
  await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
  await page.getByLabel('Adresse e-mail').waitFor();
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Accueil', exact: true }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.getByTestId('sync-status').count(), 0, 'signed out: no sync pill');
  await screenshot(page, 'signed-out-french-desktop');
  assert.deepEqual(problems.filter((p) => !/4(01|22)/.test(p)), []);
  await context.close();
});

test('phones: six places in the bottom bar, "More" opens the rest and Escape closes it; wide screens list every page', async () => {
  const owner = await newOwner(browser, { width: 360, height: 780 });
  const { page, context, problems } = owner;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const more = nav.getByRole('button', { name: 'More' });
  await more.waitFor();
  const inBar = async () => {
    const shown = [];
    // innerText: what shows (the closed sheet inside "More" does not).
    for (const item of await nav.locator(':scope > ul > li').all()) if (await item.isVisible()) shown.push((await item.innerText()).trim());
    return shown;
  };
  const bar = await inBar();
  assert.ok(bar.length <= 6, `the bar holds ${bar.length}: ${bar}`);
  assert.equal(bar.at(-1), 'More');
  for (const name of ['Media', 'Billing', 'Notifications', 'Audit log']) {
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 0, `${name} is not shown before More is opened`);
  }

  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await more.focus();
  await page.keyboard.press('Enter');
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  const sheet = nav.getByRole('list', { name: 'More pages' });
  for (const name of ['Media', 'Billing', 'Notifications', 'Audit log', 'Account', 'Status']) await sheet.getByRole('link', { name, exact: true }).waitFor();
  // The sheet sits above the bar, inside the screen.
  const box = await sheet.boundingBox();
  const barBox = await more.boundingBox();
  assert.ok(box.y + box.height <= barBox.y + 1 && box.x >= 0 && box.x + box.width <= 360, `sheet at ${JSON.stringify(box)}`);
  await screenshot(page, 'nav-more-open-phone');
  // Tab goes into the sheet; Escape closes it and gives the focus back to the button.
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('#nav-more-sheet')), 'focus moved into the sheet');
  await page.keyboard.press('Escape');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.ok(await more.evaluate((b) => b === document.activeElement), 'focus is back on More');
  assert.equal(await sheet.count(), 0);
  // A page opened from the sheet closes it.
  await more.click();
  await sheet.getByRole('link', { name: 'Media', exact: true }).click();
  await page.waitForURL(/\/media$/);
  await nav.locator('.nav-more-button[aria-expanded="false"]').waitFor();
  assert.equal(await sheet.count(), 0);
  await more.click();
  await sheet.getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.waitForURL(/\/workspace\/audit$/);

  // Wide: no More; every page in the side bar.
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal(await more.isVisible(), false);
  for (const name of ['Home', 'Bio', 'Forms', 'Links', 'Team', 'Settings', 'Media', 'Billing', 'Audit log', 'Notifications', 'Account', 'Status']) {
    assert.ok(await nav.getByRole('link', { name, exact: true }).isVisible(), `${name} in the side bar`);
  }
  await nav.getByRole('link', { name: 'Billing', exact: true }).click();
  await page.waitForURL(/\/billing$/);
  await screenshot(page, 'nav-side-desktop');

  // Another device switches the profile to French: this one follows on its next load (it
  // switches once, keeping the choice), and the French labels fit the phone's bar.
  await page.evaluate(async () => {
    const body = new URLSearchParams({ name: 'Pat Owner', locale: 'fr', time_zone: 'UTC' });
    const res = await fetch('/api/update_profile', { method: 'POST', body });
    if (!res.ok) throw new Error(await res.text());
  });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.reload();
  const frNav = page.getByRole('navigation', { name: 'Principale' });
  await frNav.getByRole('link', { name: 'Réglages', exact: true }).waitFor({ timeout: 20000 });
  await until(page, () => document.documentElement.lang === 'fr' && localStorage.getItem('mewayz.lang') === 'fr');
  await frNav.getByRole('button', { name: 'Plus' }).waitFor();
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll('.mainnav > ul > li')]
      .filter((li) => li.offsetParent !== null)
      .map((li) => li.querySelector('.nav-label'))
      .filter((l) => l.scrollWidth > l.clientWidth + 1 || l.getBoundingClientRect().right > l.closest('li').getBoundingClientRect().right + 1)
      .map((l) => l.textContent),
  );
  assert.deepEqual(cut, [], 'labels cut in the bottom bar');
  await screenshot(page, 'nav-french-phone');
  assert.deepEqual(problems.filter((p) => !/4(01|03|22)/.test(p)), []);
  await context.close();
});

test('at 360px the offline pill fits, with the count and what it counts', async () => {
  const owner = await newOwner(browser, { width: 360, height: 780 });
  const { page, context, problems } = owner;
  await controlled(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Workspace name').waitFor();
  const pill = page.getByTestId('sync-status');
  await pill.getByText('Synced').waitFor();
  await context.setOffline(true);
  await page.getByLabel('Workspace name').fill(`${owner.wsName} (offline)`);
  await page.getByRole('button', { name: 'Save settings' }).click();
  // Screen readers get the whole sentence.
  await pill.getByText('Offline · 1 change pending').waitFor();
  const shown = await pill.locator('.sync-short').evaluate((el) => {
    const part = (p) => getComputedStyle(el, p).content.replace(/^"|"$/g, '');
    return [part('::before'), part('::after')];
  });
  assert.deepEqual(shown, ['Offline', '1 pending']);
  // Nothing in the top bar is cut or pushed out of the screen.
  const fit = await page.evaluate(() => {
    const p = document.querySelector('[data-testid="sync-status"]');
    const items = [...document.querySelectorAll('.topbar-actions > *')].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
    return { pillClipped: p.scrollWidth > p.clientWidth + 1, right: Math.max(...items.map((r) => r.right)), overlap: items.some((r, i) => i > 0 && r.left < items[i - 1].right - 0.5) };
  });
  assert.deepEqual(fit.pillClipped, false);
  assert.equal(fit.overlap, false);
  assert.ok(fit.right <= 360, `the top bar's last control ends at ${fit.right}px`);
  await screenshot(page, 'offline-pill-phone');
  await context.setOffline(false);
  await pill.getByText('Synced').waitFor({ timeout: 20000 });
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR|4(01|22)/.test(p)), []);
  await context.close();
});
