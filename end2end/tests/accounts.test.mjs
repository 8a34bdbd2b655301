// M01 in a real browser: sign up, confirm the e-mail from the captured message, sign in,
// turn on two-factor authentication, sign out, and sign in again with a code. Also: field
// errors appear next to their fields, and the form keeps what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, waitForApp } from '../lib/browser.mjs';
import { waitForLink, totp } from '../lib/mail.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test('sign-up shows field errors next to the fields and keeps the input', async () => {
  const { context, page, problems } = await openPage(browser, { width: 360, height: 740 });
  await page.goto(BASE_URL + '/signup');
  await waitForApp(page);
  await page.getByLabel('Your name').fill('Ana');
  await page.getByLabel('E-mail address').fill('not-an-address');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('Enter an e-mail address like name@example.com.').waitFor();
  await page.getByText('This password is too common', { exact: false }).waitFor();
  assert.equal(await page.getByLabel('E-mail address').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Your name').inputValue(), 'Ana', 'typed input is kept');
  await screenshot(page, 'signup-errors-phone');
  // Network errors during a failed request are expected (422); nothing else.
  assert.deepEqual(problems.filter((p) => !p.includes('422')), []);
  await context.close();
});

test('sign up, confirm by e-mail, sign in, enrol TOTP, sign out, sign in with a code', async () => {
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 900 });
  const email = `e2e-${unique()}@example.com`;
  const password = 'velvet orchard lantern 42';

  await page.goto(BASE_URL + '/');
  await waitForApp(page);
  await page.getByRole('link', { name: 'Create your account' }).click();
  await page.getByLabel('Your name').fill('Ana Tester');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

  const link = await waitForLink(email, '/verify-email\\?token=');
  await page.goto(link);
  await page.getByText('Your e-mail address is confirmed.').waitFor();
  await page.getByRole('link', { name: 'Sign in' }).last().click();

  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // A new account has no workspace yet: signing in opens the setup wizard.
  await page.getByRole('heading', { name: "Let's set up your workspace" }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  await page.getByText(`Signed in as ${email}`).waitFor();

  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  await page.getByLabel('Code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await codes.first().waitFor();
  assert.equal(await codes.count(), 10);
  await screenshot(page, 'account-recovery-codes-desktop');
  await page.getByRole('button', { name: 'I have saved them' }).click();

  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
  // A wrong code is refused next to the field.
  await page.getByLabel('Authentication code').fill('000000');
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await page.getByText('That code is not right.', { exact: false }).waitFor();
  // The next 30-second window's code is fresh (the current one was used to enrol).
  await page.getByLabel('Authentication code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await page.getByRole('heading', { name: "Let's set up your workspace" }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();

  // The security log shows the real events.
  await page.getByText('Two-factor authentication turned on').waitFor();
  await screenshot(page, 'account-desktop');
  // The same page on a phone, in the light theme: nothing overflows sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `account page overflows by ${overflow}px at 360px`);
  await screenshot(page, 'account-phone-light');
  assert.deepEqual(problems.filter((p) => !/4(01|22)/.test(p)), []);
  await context.close();
});
