// M02 and M03 in a real browser: the owner signs up and goes through the setup wizard
// (resumed on a second device halfway), invites a second person, who signs up through the
// e-mailed link, accepts, and sees the workspace as a viewer: no edit controls, and a
// direct edit call is refused by the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, waitForApp } from '../lib/browser.mjs';
import { waitForLink } from '../lib/mail.mjs';
import { signIn, signUpAndConfirm, unique } from '../lib/flows.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});




// A 1×1 PNG, for the logo and the media library.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');

const currentStep = (page) => page.getByRole('list', { name: 'Setup progress' }).locator('[aria-current="step"]');

// Pages open in the running test, photographed if it fails.
const open = new Set();
async function photographOnFailure(body) {
  try {
    await body();
  } catch (e) {
    let i = 0;
    for (const p of open) await screenshot(p, `failure-workspaces-${i++}`).catch(() => {});
    throw e;
  }
}

test('owner sets up a workspace and invites a viewer, who joins without edit rights', () => photographOnFailure(async () => {
  const owner = await openPage(browser, { width: 360, height: 780 });
  const page = owner.page;
  open.add(page);
  const ownerEmail = `owner-${unique()}@example.com`;
  const guestEmail = `guest-${unique()}@example.com`;
  const wsName = `Lena's Ceramics ${unique()}`;

  // Sign up, confirm, sign in: the wizard opens at step 1.
  await page.goto(BASE_URL + '/signup');
  await waitForApp(page);
  await signUpAndConfirm(page, 'Lena Owner', ownerEmail);
  await page.goto(BASE_URL + '/login');
  await signIn(page, ownerEmail);
  await page.getByRole('heading', { name: "Let's set up your workspace" }).waitFor();
  assert.match(await currentStep(page).textContent(), /Step 1/);

  // Step 1: an empty name is refused next to the field.
  await page.getByRole('radio', { name: 'Shop or brand' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('Enter a workspace name.').waitFor();
  assert.equal(await page.getByLabel('Workspace name').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Workspace name').fill(wsName);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Step 2: goals. Back keeps step 1's answers; forward again keeps nothing lost.
  await page.getByRole('group', { name: 'Main goals' }).waitFor();
  assert.match(await currentStep(page).textContent(), /Step 2/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('Choose at least one goal.', { exact: false }).waitFor();
  await page.getByRole('checkbox', { name: 'Online store' }).check();
  await page.getByRole('checkbox', { name: 'Link in bio' }).check();
  await screenshot(page, 'setup-goals-phone');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Invite your team' }).waitFor();
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('checkbox', { name: 'Online store' }).waitFor();
  assert.ok(await page.getByRole('checkbox', { name: 'Online store' }).isChecked(), 'saved goals come back');
  await page.getByRole('button', { name: 'Back' }).click();
  assert.equal(await page.getByLabel('Workspace name').inputValue(), wsName);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Invite your team' }).waitFor();

  // Another device signed in as the owner resumes at the same step.
  const laptop = await openPage(browser, { width: 1280, height: 900 });
  await laptop.page.goto(BASE_URL + '/login');
  await waitForApp(laptop.page);
  await signIn(laptop.page, ownerEmail);
  await laptop.page.getByRole('heading', { name: 'Invite your team' }).waitFor();
  assert.match(await currentStep(laptop.page).textContent(), /Step 3/);
  await screenshot(laptop.page, 'setup-team-desktop');
  await laptop.context.close();

  // Step 3: a bad address is refused next to the field, then the guest is invited as viewer.
  await page.getByLabel('E-mail address').fill('not-an-address');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText('Enter an e-mail address like name@example.com.').waitFor();
  await page.getByLabel('E-mail address').fill(guestEmail);
  await page.getByLabel('Role').selectOption('viewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByRole('heading', { name: 'Invited' }).waitFor();
  await page.getByText(guestEmail).waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();

  // Step 4: prices come from the plans collection. The browser tests' server has payment
  // set up (a local fake of Stripe), so Pro can be chosen; billing.test.mjs pays for it.
  // Here Free finishes the wizard.
  await page.getByRole('heading', { name: 'Choose a plan' }).waitFor();
  assert.equal(await page.getByRole('radio', { name: /^Pro/ }).isDisabled(), false);
  await page.getByRole('radio', { name: 'Yearly' }).check();
  await page.getByText('$190 a year').waitFor();
  await screenshot(page, 'setup-plan-phone');
  await page.getByRole('radio', { name: /^Free/ }).check();
  await page.getByRole('button', { name: 'Finish setup' }).click();

  // The dashboard: the workspace, its goals, and only modules that exist.
  await page.getByRole('heading', { level: 1, name: wsName }).waitFor();
  await page.getByText('Free plan · you are owner').waitFor();
  const goals = page.getByRole('list', { name: 'Your goals' }).getByRole('listitem');
  assert.deepEqual((await goals.allTextContents()).sort(), ['Link in bio', 'Online store']);
  await page.getByRole('link', { name: 'Team', exact: true }).first().waitFor();
  // The phone's bottom bar: the modules that exist, six places at most; the rest (Media,
  // Forms, Billing, Notifications, Account, Status...) are behind "More".
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  const navLinks = mainNav.getByRole('link');
  const shown = [];
  for (const l of await navLinks.all()) if (await l.isVisible()) shown.push((await l.textContent()).trim());
  assert.deepEqual(shown, ['Home', 'Bio', 'Links', 'Team', 'Settings']);
  await mainNav.getByRole('button', { name: 'More' }).waitFor();
  await screenshot(page, 'dashboard-owner-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `dashboard overflows by ${overflow}px at 360px`);

  // The workspace selector at 360px shows the whole name, wrapped rather than cut mid-word;
  // the real select lies over it, still named "Workspace", with the workspace chosen.
  const switcher = page.getByRole('combobox', { name: 'Workspace' });
  assert.equal((await switcher.locator('option:checked').textContent()).trim(), `${wsName} (Owner)`);
  const face = page.getByTestId('ws-current');
  assert.equal((await face.textContent()).replace(/\s+/g, ' ').trim(), `${wsName} (Owner)`);
  const faceFit = await face.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { clipped: el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight, right: r.right, height: r.height, width: window.innerWidth };
  });
  assert.ok(!faceFit.clipped && faceFit.right <= faceFit.width && faceFit.height >= 44, `the workspace name does not fit: ${JSON.stringify(faceFit)}`);
  const [faceBox, selectBox] = [await face.boundingBox(), await switcher.boundingBox()];
  assert.ok(Math.abs(faceBox.width - selectBox.width) < 2 && Math.abs(faceBox.height - selectBox.height) < 2, 'the select covers the name it shows');

  // "Getting started" follows the goals: Link in bio brings its bio page steps; the online
  // store, which Mewayz does not have yet, gets no step and is named as not available.
  const start = page.getByRole('region', { name: 'Getting started' });
  const bioStep = start.getByRole('link', { name: 'Create your bio page' });
  await bioStep.waitFor();
  assert.equal(await bioStep.getAttribute('href'), '/bio');
  await start.getByRole('link', { name: 'Publish your bio page' }).waitFor();
  await start.getByText('Not in Mewayz yet: Online store.', { exact: false }).waitFor();
  assert.equal(await start.getByRole('link', { name: /store/i }).count(), 0);

  // The team page at 360px with an invitation pending: the buttons that name the address
  // wrap, and nothing is wider than the screen.
  await mainNav.getByRole('link', { name: 'Team' }).click();
  await page.getByRole('button', { name: `Withdraw invitation to ${guestEmail}` }).waitFor();
  await page.getByRole('button', { name: `Resend to ${guestEmail}` }).waitFor();
  const teamWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(teamWidth <= 360, `the team page is ${teamWidth}px wide at 360px`);
  await screenshot(page, 'team-pending-phone');
  await mainNav.getByRole('link', { name: 'Home' }).click();
  await page.getByRole('heading', { level: 1, name: wsName }).waitFor();

  // The guest opens the e-mailed link signed out, creates an account, confirms it, signs in,
  // comes back to the invitation and accepts.
  const link = await waitForLink(guestEmail, '/invite\\?token=');
  const guest = await openPage(browser, { width: 1280, height: 900 });
  const g = guest.page;
  open.add(g);
  await g.goto(link);
  await waitForApp(g);
  await g.getByRole('heading', { name: `Join ${wsName}` }).waitFor();
  await g.getByText(`Lena Owner invited ${guestEmail}`, { exact: false }).waitFor();
  await g.getByRole('link', { name: 'Create an account' }).click();
  assert.equal(await g.getByLabel('E-mail address').inputValue(), guestEmail, 'the invited address is filled in');
  await signUpAndConfirm(g, 'Gus Guest', guestEmail);
  await g.goto(BASE_URL + '/login');
  await signIn(g, guestEmail);
  await g.getByRole('button', { name: 'Accept and join' }).click();
  await g.getByRole('heading', { level: 1, name: wsName }).waitFor();
  await g.getByText('Free plan · you are viewer').waitFor();
  await screenshot(g, 'dashboard-viewer-desktop');

  // As a viewer: settings are read-only and the team has no edit controls.
  await g.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await g.getByRole('heading', { name: 'About this workspace' }).waitFor();
  assert.equal(await g.getByRole('button', { name: 'Save settings' }).count(), 0);
  assert.equal(await g.getByLabel('Workspace name').count(), 0);
  assert.equal(await g.getByRole('button', { name: 'Delete workspace' }).count(), 0);
  await g.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await g.getByRole('heading', { name: 'Members' }).waitFor();
  await g.getByRole('button', { name: 'Switch to light theme' }).click();
  await g.getByText('Lena Owner', { exact: true }).waitFor();
  assert.equal(await g.getByRole('button', { name: 'Send invitation' }).count(), 0);
  assert.equal(await g.getByRole('button', { name: /^Remove/ }).count(), 0);
  assert.equal(await g.getByRole('combobox', { name: /^Role of/ }).count(), 0);
  await screenshot(g, 'team-viewer-desktop-light');

  // A direct edit call, made from the viewer's own signed-in page, is refused.
  const direct = await g.evaluate(async (name) => {
    const id = JSON.parse(localStorage.getItem('mewayz.workspace'));
    const body = new URLSearchParams({ workspace: id, name: 'Hijacked', slug: 'hijacked', brand_color: '#000000', time_zone: 'UTC', currency: 'USD', version: '1' });
    const res = await fetch('/api/update_workspace', { method: 'POST', body });
    return { status: res.status, body: await res.json(), id };
  });
  assert.equal(direct.status, 403, JSON.stringify(direct.body));
  assert.equal(direct.body.kind, 'forbidden');

  // The owner still sees the original name, and the guest as a viewer member.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await page.getByText('Gus Guest', { exact: true }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  assert.equal(await page.getByLabel('Workspace name').inputValue(), wsName);
  const settingsOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(settingsOverflow <= 0, `settings overflow by ${settingsOverflow}px at 360px`);
  await screenshot(page, 'settings-owner-phone');

  // The logo's file picker: a styled button and the chosen file's name, over the real file
  // input, which keeps its label, is reached with Tab and takes files.
  const logoInput = page.getByLabel('Upload a logo');
  assert.equal(await logoInput.getAttribute('type'), 'file');
  const chooseButton = page.locator('label', { hasText: 'Choose a file' });
  assert.ok(await chooseButton.isVisible(), 'the styled button is shown');
  assert.ok((await chooseButton.boundingBox()).height >= 40, 'the button is large enough to tap');
  await page.getByText('No file chosen', { exact: true }).waitFor();
  const inputBox = await logoInput.boundingBox();
  assert.ok(inputBox.width <= 1 && inputBox.height <= 1, `the native input is visually hidden: ${JSON.stringify(inputBox)}`);
  await page.getByRole('button', { name: 'Save settings' }).focus();
  let reached = false;
  for (let i = 0; i < 6 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'field-logo');
  }
  assert.ok(reached, 'Tab reaches the file input');
  const ring = await chooseButton.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.notEqual(ring, 'none', 'the focused picker shows a focus ring on its button');
  await logoInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await page.getByText('notes.txt', { exact: true }).waitFor();
  await page.getByText('Choose a PNG, JPEG, WebP or GIF image.').first().waitFor();
  assert.equal(await logoInput.getAttribute('aria-invalid'), 'true');
  await logoInput.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('img', { name: `Logo of ${wsName}` }).waitFor();
  await screenshot(page, 'settings-logo-phone');

  // The media library uses the same picker.
  await page.goto(BASE_URL + '/media');
  await waitForApp(page);
  const mediaInput = page.getByLabel('Upload an image');
  assert.equal(await mediaInput.getAttribute('type'), 'file');
  await mediaInput.setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('img', { name: 'pixel.png' }).waitFor();
  await page.getByText('No file chosen', { exact: true }).waitFor();
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, 'the media page fits at 360px');

  assert.deepEqual(owner.problems.filter((p) => !/4(01|22)/.test(p)), []);
  assert.deepEqual(guest.problems.filter((p) => !/4(01|03|22)/.test(p)), []);
  await guest.context.close();
  await owner.context.close();
}));
