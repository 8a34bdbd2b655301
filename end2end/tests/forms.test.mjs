// Forms (M07) in a real browser: an owner builds a three-step form with a conditional field
// (adding fields, reordering one, a condition, a jump), publishes it; a visitor with
// JavaScript off fills it at 360 px step by step, is told about a missing answer next to the
// field, and reaches the thank-you screen; the owner finds the submission, opens it and
// downloads the CSV. Screenshots at 360 px and desktop width, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLIENT_HEADERS, launch, screenshot, until } from '../lib/browser.mjs';
import { newOwner, unique } from '../lib/flows.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A new owner (desktop) who has created and published a form with the starter fields,
 *  and is on its page. */
async function ownerWithPublishedForm(title) {
  const owner = await newOwner(browser, { width: 1280, height: 900 });
  const { page } = owner;
  await page.goto(`${BASE_URL}/forms`);
  await page.getByLabel('Form title').fill(title);
  await page.getByRole('button', { name: 'Create form' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Published: the form').waitFor();
  return owner;
}

test('an owner builds and publishes a three-step form, a visitor without script fills it, the owner reads it', async () => {
  const { page, problems } = await newOwner(browser, { width: 1280, height: 900 });

  // The forms page, reached from the navigation.
  await page.getByRole('navigation').getByRole('link', { name: 'Forms' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Forms' }).waitFor();
  await page.getByText('No forms yet.').waitFor();
  await page.getByLabel('Form title').fill('Workshop sign-up');
  await page.getByRole('button', { name: 'Create form' }).click();
  await page.getByRole('heading', { level: 1, name: 'Workshop sign-up' }).waitFor();
  assert.ok(await page.getByRole('tab', { name: 'Build', selected: true }).isVisible());

  // Step 1 gets a choice; the new field goes above the e-mail field (moved with the button).
  const step1 = page.locator('section.form-step').nth(0);
  await step1.getByLabel('Field type').selectOption('single_select');
  await step1.getByRole('button', { name: 'Add field' }).click();
  const choice = step1.locator('li.form-field').nth(2);
  await choice.getByLabel('Question').fill('You are');
  await choice.getByLabel('Options').fill('Individual\nTeam');
  await choice.getByLabel('Answer required').check();
  await page.getByRole('button', { name: 'Move “You are” up' }).click();
  assert.equal(await step1.locator('li.form-field').nth(1).getByLabel('Question').inputValue(), 'You are');

  // Step 2: seats, and a reason shown only above 100 seats. Step 3: a rating.
  await page.getByRole('button', { name: 'Add a step' }).click();
  const step2 = page.locator('section.form-step').nth(1);
  await step2.getByLabel('Step title').fill('Your team');
  await step2.getByLabel('Field type').selectOption('number');
  await step2.getByRole('button', { name: 'Add field' }).click();
  await step2.locator('li.form-field').nth(0).getByLabel('Question').fill('How many seats?');
  await step2.locator('li.form-field').nth(0).getByLabel('Answer required').check();
  await step2.getByLabel('Field type').selectOption('long_text');
  await step2.getByRole('button', { name: 'Add field' }).click();
  const why = step2.locator('li.form-field').nth(1);
  await why.getByLabel('Question').fill('Why so many?');
  await why.getByLabel('Answer required').check();
  await why.getByLabel('Show only when an earlier answer matches').check();
  await why.getByLabel('Earlier question').selectOption({ label: 'How many seats?' });
  await why.getByLabel('Comparison').selectOption('greater');
  await why.getByLabel('Value').fill('100');
  await page.getByRole('button', { name: 'Add a step' }).click();
  const step3 = page.locator('section.form-step').nth(2);
  await step3.getByLabel('Field type').selectOption('rating');
  await step3.getByRole('button', { name: 'Add field' }).click();
  await step3.locator('li.form-field').nth(0).getByLabel('Question').fill('How excited are you?');

  // A bad setting is named next to its control, and nothing is lost.
  await why.getByLabel('Value').fill('lots');
  await page.getByRole('button', { name: 'Publish' }).click();
  await why.getByText('Greater and less than compare numbers or dates').waitFor();
  await why.getByLabel('Value').fill('100');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Published: the form').waitFor();
  await screenshot(page, 'forms-editor-desktop');
  const link = await page.locator('a[href*="/f/"]').first().getAttribute('href');
  assert.match(link, /\/f\/[a-z0-9]{8}$/);

  // A visitor with JavaScript off, on a phone, in the dark.
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 780 }, colorScheme: 'dark', extraHTTPHeaders: CLIENT_HEADERS });
  const v = await ctx.newPage();
  await v.goto(link);
  await v.getByRole('heading', { level: 1, name: 'Workshop sign-up' }).waitFor();
  assert.ok(await v.getByRole('progressbar', { name: 'Step 1 of 3' }).isVisible());
  await v.getByLabel(/Your name/).fill('Ada Lovelace');
  await v.getByLabel(/Your e-mail address/).fill('ada@example.com');
  await v.getByRole('radio', { name: 'Team' }).check();
  await screenshot(v, 'forms-public-360-dark');
  await v.getByRole('button', { name: 'Next' }).click();
  await v.getByRole('heading', { name: 'Your team' }).waitFor();
  assert.ok((await v.evaluate(() => document.documentElement.scrollWidth)) <= 360);
  await v.getByLabel(/How many seats/).fill('150');
  await v.getByLabel(/Why so many/).fill('');
  await v.getByRole('button', { name: 'Next' }).click();
  // The server judged the condition: the reason is now required, said next to the field.
  await v.getByText('This question needs an answer.').waitFor();
  assert.equal(await v.getByLabel(/How many seats/).inputValue(), '150', 'the typed answer is kept');
  await v.getByLabel(/Why so many/).fill('A whole school');
  await v.getByRole('button', { name: 'Next' }).click();
  await v.getByText('How excited are you?').waitFor();
  await v.getByText('Your answers are saved').waitFor();
  await v.getByRole('radio', { name: '5' }).check({ force: true });
  await v.waitForTimeout(1100);
  await v.getByRole('button', { name: 'Submit' }).click();
  await v.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await screenshot(v, 'forms-public-thanks-360-dark');
  await ctx.close();

  // The owner sees the submission, opens it, and downloads the CSV.
  await page.getByRole('tab', { name: 'Submissions' }).click();
  await page.getByRole('cell', { name: 'Ada Lovelace' }).waitFor();
  await page.getByRole('button', { name: 'Open' }).first().click();
  await page.getByText('A whole school').waitFor();
  await screenshot(page, 'forms-submissions-desktop');
  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csv = await page.request.get(`${BASE_URL}${href}`);
  assert.equal(csv.status(), 200);
  const text = await csv.text();
  assert.match(text, /Ada Lovelace,Team,ada@example\.com,150,A whole school,5/, 'the moved field keeps its place in the export');

  // The list counts it.
  await page.getByRole('link', { name: '← All forms' }).click();
  await page.getByText('Submissions: 1 · in progress: 0').waitFor();
  await page.setViewportSize({ width: 360, height: 780 });
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, 'the forms list fits a phone');
  await screenshot(page, 'forms-list-360');
  // The one refused save above (a condition comparing with a word) is the only error.
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
});

test('with script on, answers survive a reload and a failing server, and arrive exactly once', async () => {
  const { page, problems } = await ownerWithPublishedForm('Newsletter');
  const link = await page.locator('a[href*="/f/"]').first().getAttribute('href');

  const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, extraHTTPHeaders: CLIENT_HEADERS });
  const v = await ctx.newPage();
  const errors = [];
  v.on('pageerror', (e) => errors.push(e.message));
  v.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await v.goto(link);
  await v.getByLabel(/Your name/).fill('Grace Hopper');
  // A reload halfway: the answer is still there, kept by this browser.
  await v.reload();
  assert.deepEqual(errors, []);
  assert.equal(await v.getByLabel(/Your name/).inputValue(), 'Grace Hopper');
  await v.getByLabel(/Your e-mail address/).fill('grace@example.com');
  // The server fails twice (503), then answers: the script keeps trying, nothing is lost.
  let failures = 0;
  await v.route(`**/f/*`, async (route) => {
    if (route.request().method() === 'POST' && failures < 2) {
      failures++;
      await route.fulfill({ status: 503, body: 'unavailable' });
    } else {
      await route.continue();
    }
  });
  await v.waitForTimeout(1100);
  await v.getByRole('button', { name: 'Submit' }).click();
  await v.getByText(/No answer from the server: trying again/).waitFor();
  await v.getByRole('heading', { name: 'Thank you!' }).waitFor({ timeout: 30000 });
  assert.equal(failures, 2);
  // The two refusals the test made are the only errors the browser reports.
  assert.deepEqual(errors.filter((e) => !/status of 503/.test(e)), []);
  await ctx.close();

  await page.getByRole('link', { name: '← All forms' }).click();
  await page.getByText('Submissions: 1 · in progress: 0').waitFor();
  assert.deepEqual(problems, []);
});

test('share and connect: the embed grows to fit on another site, a webhook and a notification follow each submission', async (t) => {
  const { page, problems } = await ownerWithPublishedForm('Embedded enquiry');

  // A local receiver stands for the owner's webhook endpoint.
  const http = await import('node:http');
  const received = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  // Closed however the test ends: an open server would keep this file's process alive.
  const shut = (server) => t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  shut(receiver);
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

  // The tab, by keyboard from Build: link, embed code, notifications, webhooks.
  await page.getByRole('tab', { name: 'Build' }).focus();
  await page.keyboard.press('ArrowLeft');
  assert.ok(await page.getByRole('tab', { name: 'Share and connect', selected: true }).isVisible());
  const linkField = page.getByLabel('Link to the form');
  await linkField.waitFor();
  const link = await linkField.inputValue();
  assert.match(link, /\/f\/[a-z0-9]{8}$/);
  const code = await page.getByLabel('Embed code').inputValue();
  assert.ok(code.includes(`src="${link}?embed=1"`) && code.includes('/f/-/embed.js'), code);
  await page.getByRole('checkbox', { name: /Pat Owner/ }).check();
  await page.getByRole('button', { name: 'Save notifications' }).click();
  await page.getByText('Saved.').waitFor();
  await page.getByLabel('Webhook address').fill('ftp://example.com');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByText('Enter a full web address').waitFor();
  assert.equal(await page.getByLabel('Webhook address').inputValue(), 'ftp://example.com', 'what was typed stays');
  await page.getByLabel('Webhook address').fill(hookUrl);
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByRole('button', { name: `Remove the webhook ${hookUrl}` }).waitFor();
  await page.getByText('No deliveries yet.').waitFor();
  await screenshot(page, 'forms-connect-desktop');

  // Another site embeds the form: the frame grows to the form's height.
  const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, extraHTTPHeaders: CLIENT_HEADERS });
  const site = await ctx.newPage();
  // The embed script leaves the other site's console clean.
  const siteConsole = [];
  site.on('console', (m) => ['error', 'warning'].includes(m.type()) && siteConsole.push(`${m.type()}: ${m.text()}`));
  site.on('pageerror', (e) => siteConsole.push(`pageerror: ${e.message}`));
  // Another site: its own origin (another port), on this machine like the app (Chromium
  // refuses a public page framing a loopback one).
  const siteServer = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>A site</title></head><body><main><h1>Our site</h1>${code}</main></body></html>`);
  });
  await new Promise((r) => siteServer.listen(0, '127.0.0.1', r));
  shut(siteServer);
  const siteUrl = `http://127.0.0.1:${siteServer.address().port}/`;
  assert.notEqual(new URL(siteUrl).origin, new URL(link).origin);
  await site.goto(siteUrl);
  const frame = site.frameLocator('iframe[data-mewayz-form]');
  await frame.getByLabel(/Your name/).waitFor();
  const grown = await site.waitForFunction(() => {
    const f = document.querySelector('iframe[data-mewayz-form]');
    return f.style.height && f.style.height !== '640px' ? f.style.height : null;
  });
  const height = parseInt(await grown.jsonValue(), 10);
  assert.ok(height > 200 && height < 2000, `the frame is as tall as the form: ${height}`);
  await frame.getByLabel(/Your name/).fill('Rosalind Franklin');
  await frame.getByLabel(/Your e-mail address/).fill('rosalind@example.com');
  await site.waitForTimeout(1100);
  await frame.getByRole('button', { name: 'Submit' }).click();
  await frame.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await screenshot(site, 'forms-embedded-360');
  assert.deepEqual(siteConsole, []);
  await ctx.close();

  // The webhook got it, signed; the log says delivered; the owner is told.
  for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
  assert.equal(received.length, 1);
  assert.match(received[0].headers['mewayz-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.equal(JSON.parse(received[0].body).submission.answers.name, 'Rosalind Franklin');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByRole('cell', { name: 'Delivered' }).waitFor();
  await page.getByRole('button', { name: 'Send again' }).waitFor();
  await page.setViewportSize({ width: 360, height: 780 });
  await screenshot(page, 'forms-connect-360');
  // The page does not scroll sideways (a wide table scrolls in its own box); when it does,
  // the message names what sticks out.
  const { width, wide } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 361).slice(0, 6).map((e) => `${e.tagName}.${e.className}`),
  }));
  assert.ok(width <= 360, `the tab fits a phone: ${width} px wide, past the edge: ${wide}`);
  await page.goto(`${BASE_URL}/notifications`);
  await page.getByRole('button', { name: /^Mark read\s*:\s*New answer to Embedded enquiry/ }).waitFor();
  // The one error the browser reports is the refusal of the ftp:// address above.
  assert.deepEqual(problems, ['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
});

test('a bio page shows a form in a Form block, and a visitor on a phone sends it from there', async () => {
  const { page, problems } = await ownerWithPublishedForm('Bio enquiry');
  await page.getByRole('tab', { name: 'Share and connect' }).click();
  const link = await page.getByLabel('Link to the form').inputValue();

  // The bio page gets a Form block with that link (a wrong one is refused next to the field).
  const handle = `form.${unique()}`.slice(0, 30);
  await page.goto(`${BASE_URL}/bio`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByRole('button', { name: 'Create page' }).click();
  await page.getByRole('heading', { level: 1, name: `@${handle}` }).waitFor();
  await page.getByRole('button', { name: 'Add Form' }).click();
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 1);
  const field = page.getByLabel('Link to the form');
  if (!(await field.isVisible())) await page.locator('ol.bio-blocks > li .bio-block-toggle').first().click();
  await field.fill('https://example.com/contact');
  await page.getByText('Paste the link of a form', { exact: false }).first().waitFor();
  await field.fill(link);
  await until(page, () => !document.querySelector('.bio-block.has-error'));
  await page.getByTestId('bio-save-status').filter({ hasText: /Saved/ }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Published. Visitors see this version now.').waitFor();

  // A visitor on a phone fills the form inside the page; the frame fits the form.
  const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, extraHTTPHeaders: CLIENT_HEADERS });
  const visitor = await ctx.newPage();
  const visitorProblems = [];
  visitor.on('console', (m) => ['error', 'warning'].includes(m.type()) && visitorProblems.push(m.text()));
  visitor.on('pageerror', (e) => visitorProblems.push(e.message));
  await visitor.goto(`${BASE_URL}/${handle}`);
  const frame = visitor.frameLocator('iframe[data-mewayz-form]');
  await frame.getByLabel(/Your name/).waitFor();
  const grown = await visitor.waitForFunction(() => {
    const f = document.querySelector('iframe[data-mewayz-form]');
    return f.style.height && f.style.height !== '640px' ? f.style.height : null;
  });
  assert.ok(parseInt(await grown.jsonValue(), 10) > 200);
  await frame.getByLabel(/Your name/).fill('Grace Hopper');
  await frame.getByLabel(/Your e-mail address/).fill('grace@example.com');
  await visitor.waitForTimeout(1100);
  await frame.getByRole('button', { name: 'Submit' }).click();
  await frame.getByRole('heading', { name: 'Thank you!' }).waitFor();
  assert.ok((await visitor.evaluate(() => document.documentElement.scrollWidth)) <= 360, 'the page fits a phone');
  await screenshot(visitor, 'forms-bio-block-360');
  assert.deepEqual(visitorProblems, []);
  await ctx.close();

  await page.goto(`${BASE_URL}/forms`);
  await page.getByRole('link', { name: 'Bio enquiry' }).click();
  await page.getByRole('tab', { name: 'Submissions' }).click();
  await page.getByRole('cell', { name: 'Grace Hopper' }).waitFor();
  assert.deepEqual(problems, []);
});
