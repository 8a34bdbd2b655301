// Longer flows several browser tests share: an account with a finished workspace setup.
import { BASE_URL, openPage, waitForApp } from './browser.mjs';
import { waitForLink } from './mail.mjs';

export const PASSWORD = 'juniper canal whistle 77';
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function signIn(page, email, password = PASSWORD) {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Fills the open sign-up form, then confirms the address from the captured e-mail. */
export async function signUpAndConfirm(page, name, email, password = PASSWORD) {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  await page.goto(await waitForLink(email, '/verify-email\\?token='));
  await page.getByText('Your e-mail address is confirmed.').waitFor();
}

/** Signs up, confirms the address, signs in and goes through the setup wizard up to its
 *  plan step (step 4), where it stops: the caller chooses the plan. */
export async function newOwnerAtPlanStep(browser, { width = 1280, height = 900, name = 'Pat Owner' } = {}) {
  const opened = await openPage(browser, { width, height });
  const { page } = opened;
  const email = `pwa-${unique()}@example.com`;
  const wsName = `Studio ${unique()}`;
  await page.goto(BASE_URL + '/signup');
  await waitForApp(page);
  await signUpAndConfirm(page, name, email);
  await page.goto(BASE_URL + '/login');
  await signIn(page, email);
  await page.getByLabel('Workspace name').fill(wsName);
  await page.getByRole('radio', { name: 'Creator or influencer' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('checkbox', { name: 'Link in bio' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await page.getByRole('heading', { name: 'Choose a plan' }).waitFor();
  return { ...opened, email, wsName };
}

/** Signs up, confirms the address, signs in and finishes the setup wizard on Free. */
export async function newOwner(browser, options = {}) {
  const opened = await newOwnerAtPlanStep(browser, options);
  const { page, wsName } = opened;
  await page.getByRole('radio', { name: /^Free/ }).check();
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByRole('heading', { level: 1, name: wsName }).waitFor();
  return opened;
}

/** Waits until a service worker controls the page. */
export async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
}
