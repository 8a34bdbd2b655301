// M04 billing in a real browser: a new owner chooses Pro in the setup wizard, is sent to
// Stripe Checkout (the test-only fake Stripe that scripts/test.sh starts, whose "Pay" button
// delivers signed webhooks to the app), pays, comes back to /billing?checkout=success and
// sees the page follow the webhook to Pro: status, renewal, usage bars, the invoice, and
// Pro marked as the current plan. Uses one sign-up (the suite shares a rate limit).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, screenshot, waitForApp } from '../lib/browser.mjs';
import { newOwnerAtPlanStep } from '../lib/flows.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const open = new Set();
async function photographOnFailure(body) {
  try {
    await body();
  } catch (e) {
    let i = 0;
    for (const p of open) await screenshot(p, `failure-billing-${i++}`).catch(() => {});
    throw e;
  }
}

test('owner picks Pro in the wizard, pays on Checkout and the billing page shows Pro', () => photographOnFailure(async () => {
  const { page, problems } = await newOwnerAtPlanStep(browser, { width: 360, height: 780 });
  open.add(page);

  // The plan step: prices come from the catalog; a paid plan leads on to payment.
  const pro = page.getByRole('radio', { name: /^Pro/ });
  assert.equal(await pro.isDisabled(), false, 'payments are configured in the browser tests, so Pro can be chosen');
  await pro.check();
  await page.getByRole('radio', { name: 'Monthly' }).check();
  const pay = page.getByRole('button', { name: 'Continue to payment' });
  await pay.waitFor();
  await screenshot(page, 'billing-wizard-pro-360');
  await pay.click();

  // Stripe Checkout (the fake one): its page, then Pay.
  await page.waitForURL(/\/checkout\/cs_/, { timeout: 20000 });
  await page.getByRole('heading', { name: 'Fake Stripe Checkout' }).waitFor();
  if (process.env.FAKE_STRIPE_URL) assert.ok(page.url().startsWith(process.env.FAKE_STRIPE_URL), `Checkout is the fake Stripe's page: ${page.url()}`);

  // Before paying, the workspace is on Free: in another tab, its billing page names the plan
  // once (no "Status: Free"), and limits read in units and words, not raw numbers.
  const free = await page.context().newPage();
  open.add(free);
  await free.goto(BASE_URL + '/billing');
  await waitForApp(free);
  await free.getByRole('heading', { level: 1, name: 'Plan and billing' }).waitFor();
  const freeFacts = free.locator('#bill-current-title + dl');
  await freeFacts.waitFor();
  assert.match(await freeFacts.textContent(), /^PlanFree$/, 'only the plan, without a status that repeats it');
  const card = (name) => free.getByRole('listitem').filter({ has: free.getByRole('heading', { level: 3, name }) });
  await card('Enterprise').getByText('Storage: 200 GB', { exact: true }).waitFor();
  // (The plans list only limits a module enforces; "5 million" in words is unit-tested in i18n::numbers.)
  await card('Enterprise').getByText('Largest upload: 25 MB', { exact: true }).waitFor();
  await card('Enterprise').getByText('Team members: Unlimited', { exact: true }).waitFor();
  await card('Pro').getByText('Storage: 20 GB', { exact: true }).waitFor();
  assert.equal(await free.getByRole('progressbar', { name: 'Storage' }).getAttribute('aria-valuetext'), '0 MB of 500 MB');
  // The same page in French (the profile's language, as a person sets it).
  await free.goto(BASE_URL + '/account');
  await waitForApp(free);
  await free.getByLabel('Language').selectOption('fr');
  await free.getByRole('button', { name: 'Save profile' }).click();
  await free.waitForFunction(() => document.documentElement.lang === 'fr', null, { timeout: 20000 });
  await free.getByRole('heading', { level: 1, name: 'Votre compte' }).waitFor(); // after the reload
  await free.goto(BASE_URL + '/billing');
  await waitForApp(free);
  await free.getByRole('heading', { level: 1, name: 'Offre et facturation' }).waitFor();
  await freeFacts.waitFor();
  assert.match(await freeFacts.textContent(), /^OffreFree$/);
  await card('Enterprise').getByText(/ : 200 Go$/).waitFor();
  await card('Enterprise').getByText(/ : 25 Mo$/).waitFor();
  await card('Enterprise').getByText(/ : Illimité$/).first().waitFor();
  await screenshot(free, 'billing-free-fr-360');
  await free.goto(BASE_URL + '/account');
  await waitForApp(free);
  await free.getByLabel('Langue').selectOption('en');
  await free.getByRole('button', { name: 'Enregistrer le profil' }).click();
  await free.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 20000 });
  await free.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  await free.close();
  open.delete(free);
  await page.getByRole('button', { name: 'Pay' }).click();

  // Back on the app: the return notice, then Pro once the webhook has been applied.
  await page.waitForURL((u) => u.href.startsWith(BASE_URL + '/billing?checkout=success'), { timeout: 20000 });
  await waitForApp(page);
  await page.getByRole('heading', { level: 1, name: 'Plan and billing' }).waitFor();
  await page.getByText(/^Payment received/).first().waitFor();
  await page.getByText('This workspace is now on the Pro plan.').waitFor({ timeout: 25000 });

  const facts = page.locator('#bill-current-title + dl');
  assert.match(await facts.textContent(), /Pro · billed monthly/);
  assert.match(await facts.textContent(), /Active/);
  assert.match(await facts.textContent(), /Next renewal/);

  // Usage against Pro's limits as labelled progress bars with a text alternative.
  const members = page.getByRole('progressbar', { name: 'Team members' });
  assert.equal(await members.getAttribute('aria-valuenow'), '1');
  assert.equal(await members.getAttribute('aria-valuemax'), '10');
  assert.equal(await members.getAttribute('aria-valuetext'), '1 of 10');
  await page.getByText('1 of 10').first().waitFor();

  // The plan cards: Pro is current; Enterprise is an upgrade of the subscription, Free a downgrade.
  const proCard = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: 'Pro' }) });
  await proCard.getByText('Current plan').waitFor();
  await page.getByRole('button', { name: 'Upgrade to Enterprise' }).waitFor();
  await page.getByRole('button', { name: 'Downgrade to Free' }).waitFor();
  await page.getByRole('button', { name: 'Manage billing' }).waitFor();

  // The invoice Stripe lists for the new subscription, with its links.
  await page.getByRole('rowheader', { name: 'FAKE-0001' }).waitFor();
  await page.getByRole('link', { name: 'View invoice FAKE-0001' }).waitFor();
  await page.getByRole('link', { name: 'PDF of invoice FAKE-0001' }).waitFor();
  await screenshot(page, 'billing-pro-360');
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, 'billing-pro-1280');

  // The dashboard has the billing card and shows the new plan.
  await page.goto(BASE_URL + '/');
  await page.getByRole('link', { name: 'Plan and billing' }).waitFor();
  await page.getByText(/^Pro plan ·/).waitFor();

  // Coming back from a cancelled Checkout says that nothing changed.
  await page.goto(BASE_URL + '/billing?checkout=cancel');
  await page.getByText('Checkout was cancelled; nothing changed.').waitFor();

  assert.deepEqual(problems.filter((p) => p.startsWith('pageerror')), []);
}));
