// The link-in-bio builder (M05) on a 360 px phone, and for a viewer: nothing is wider than
// the screen (the builder, its tabs, the Analytics tab), a long link title stays readable in
// the block list, palette labels wrap between words only, the Analytics chart has a scale
// and dates, a stale "Undone." is not left behind, the page list names the plan's page limit
// instead of offering a form the server would refuse, and a viewer reads the page (its
// blocks, their addresses, its look and settings) without a single disabled control.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, openPage, launch, screenshot, until } from '../lib/browser.mjs';
import { waitForLink } from '../lib/mail.mjs';
import { newOwner, signIn, signUpAndConfirm, unique } from '../lib/flows.mjs';
import { callFn as call } from '../lib/hostile.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth);

/** How many lines each hyphenated word of an element's text is spread over (1 = unbroken). */
function hyphenatedWordLines(el) {
  const text = el.textContent;
  const out = {};
  const nodes = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  for (const word of text.split(/\s+/).filter((w) => w.includes('-'))) {
    for (const n of nodes) {
      const i = n.data.indexOf(word);
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + word.length);
      out[word] = new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
    }
  }
  return out;
}

test('at 360 px the builder fits, titles stay readable, the chart has a scale and the page limit is named', async () => {
  const owner = await newOwner(browser, { width: 360, height: 780 });
  const { page, problems } = owner;
  const handle = `ph.${unique()}`.slice(0, 30);
  const title = 'A fairly long title for my newest shop';

  await page.goto(`${BASE_URL}/bio`);
  await page.getByRole('heading', { name: 'Create a page' }).waitFor();
  await page.getByLabel('Handle').fill(handle);
  await page.getByRole('button', { name: 'Create page' }).click();
  await page.getByRole('heading', { level: 1, name: `@${handle}` }).waitFor();

  // Palette labels break between words, never at the hyphen of "E-mail" or "sign-up", on
  // this phone and on the slightly wider ones (where two buttons a row leave less room).
  const signup = page.getByRole('button', { name: 'Add E-mail sign-up' });
  for (const width of [412, 390, 375, 360]) {
    await page.setViewportSize({ width, height: 780 });
    assert.deepEqual(await signup.evaluate(hyphenatedWordLines), { 'E-mail': 1, 'sign-up': 1 }, `at ${width}px`);
  }

  // Every tab is on the screen, none cut off at its edge.
  for (const name of ['Build', 'Design', 'Settings', 'Analytics', 'Sign-ups']) {
    const box = await page.getByRole('tab', { name }).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `tab ${name} at ${JSON.stringify(box)}`);
  }

  // A link with a long title: the list shows it, not one letter of it.
  await page.getByRole('button', { name: 'Add Link button' }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('URL', { exact: true }).fill(`${BASE_URL}/health`);
  await page.locator('ol.bio-blocks > li .bio-block-toggle').first().click();
  const summary = page.locator('ol.bio-blocks > li .bio-block-summary').first();
  assert.equal(await summary.textContent(), title);
  const summaryBox = await summary.boundingBox();
  assert.ok(summaryBox.width > 100, `the title is ${summaryBox.width}px wide`);
  assert.ok((await overflow(page)) <= 360, `the builder is ${await overflow(page)}px wide`);
  await screenshot(page, 'bio-phone-builder');

  // Undo, then publish: "Undone." is not still announced after the publish.
  await page.getByRole('button', { name: 'Add Divider' }).click();
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 2);
  await page.getByRole('button', { name: 'Undo' }).click();
  await until(page, () => document.querySelectorAll('ol.bio-blocks > li').length === 1);
  await page.getByText('Undone.', { exact: true }).waitFor({ state: 'attached' });
  await page.getByTestId('bio-save-status').filter({ hasText: /Saved/ }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Published. Visitors see this version now.').waitFor();
  assert.equal(await page.getByText('Undone.', { exact: true }).count(), 0, 'the undo notice outlived the publish');

  // One visit today, then the Analytics tab: a chart with a scale and today's date, one
  // sensible bar, and nothing wider than the phone.
  const visit = await fetch(`${BASE_URL}/${handle}`);
  assert.equal(visit.status, 200);
  await page.getByRole('tab', { name: 'Analytics' }).click();
  const chart = page.getByRole('img', { name: /^Views per day from / });
  await chart.waitFor();
  const ticks = await page.locator('.bio-chart-tick').allTextContents();
  assert.deepEqual(ticks, ['0', '1'], 'a y axis from 0 to the largest count');
  const today = new Date().toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dates = await page.locator('.bio-chart-date').allTextContents();
  assert.ok(dates.length >= 2 && dates.length <= 5 && dates.at(-1) === today, `dates under the chart: ${dates}`);
  const bar = await page.locator('.bio-chart-col').last().locator('.bar-views').boundingBox();
  assert.ok(bar && bar.width >= 8 && bar.width <= 48 && bar.height > 20, `today's bar: ${JSON.stringify(bar)}`);
  const plot = await page.locator('.bio-chart-plot').boundingBox();
  assert.ok(bar.x + bar.width < plot.x + plot.width - 1, 'the bar stands inside the plot, not on its edge');
  // The numbers are there for screen readers too.
  assert.equal(await page.getByRole('table', { name: 'Views, unique visitors and clicks per day' }).count(), 1);
  assert.ok((await overflow(page)) <= 360, `the Analytics tab is ${await overflow(page)}px wide`);
  await screenshot(page, 'bio-phone-analytics');

  // The Free plan holds one page: the list says so and leads to billing, with no form.
  await page.goto(`${BASE_URL}/bio`);
  await page.getByRole('heading', { name: 'Page limit reached' }).waitFor();
  await page.getByText('The Free plan includes 1 link-in-bio page', { exact: false }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'See plans and billing' }).getAttribute('href'), '/billing');
  assert.equal(await page.getByLabel('Handle').count(), 0, 'no form for a page the plan does not allow');
  assert.equal(await page.getByRole('button', { name: 'Create page' }).count(), 0);
  assert.ok((await overflow(page)) <= 360);
  assert.deepEqual(problems, []);
  await owner.context.close();
});

test('a viewer reads the whole page, addresses included, with no disabled editing controls', async () => {
  const owner = await newOwner(browser);
  const { page } = owner;
  const workspace = await page.evaluate(() => JSON.parse(localStorage.getItem('mewayz.workspace')));
  const handle = `vw.${unique()}`.slice(0, 30);
  const url = `${BASE_URL}/health?from=bio`;

  // The owner makes and publishes a page.
  const created = await call(page, 'create_bio_page', { workspace, handle });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const content = {
    seo: { title: 'Gus reads this', description: 'What the viewer should see' },
    theme: { preset: 'ocean', background: { kind: 'solid', color: '#e8f4fd' }, text_color: '#0b3a5b', button_color: '#0b5cad', button_text_color: '#ffffff', button_shape: 'pill', font: 'serif' },
    blocks: [
      { id: 'l1', type: 'link', title: 'My health page', url, enabled: true },
      { id: 't1', type: 'text', text: 'Some words about the shop.' },
      { id: 'd1', type: 'divider' },
    ],
  };
  const saved = await call(page, 'save_bio_draft', { workspace, page: created.body.id, content: JSON.stringify(content), version: String(created.body.version) });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const published = await call(page, 'publish_bio_page', { workspace, page: created.body.id, version: String(saved.body.version) });
  assert.equal(published.status, 200, JSON.stringify(published.body));

  // A viewer joins.
  const guestEmail = `viewer-${unique()}@example.com`;
  const invited = await call(page, 'invite_member', { workspace, email: guestEmail, role: 'viewer' });
  assert.equal(invited.status, 200, JSON.stringify(invited.body));
  const link = await waitForLink(guestEmail, '/invite\\?token=');
  const guest = await openPage(browser, { width: 1280, height: 900 });
  const g = guest.page;
  await g.goto(link);
  await g.getByRole('link', { name: 'Create an account' }).click();
  await signUpAndConfirm(g, 'Gus Viewer', guestEmail);
  await g.goto(`${BASE_URL}/login`);
  await signIn(g, guestEmail);
  await g.getByRole('button', { name: 'Accept and join' }).click();
  await g.getByText('you are viewer', { exact: false }).waitFor();

  // The list has the page and no form; the builder shows it to read.
  await g.goto(`${BASE_URL}/bio`);
  await g.getByRole('link', { name: `@${handle}` }).click();
  await g.getByRole('heading', { level: 1, name: `@${handle}` }).waitFor();
  await g.getByTestId('bio-read-only').getByText('You can view this page', { exact: false }).waitFor();
  const main = g.getByRole('main');
  await main.getByText('My health page', { exact: true }).waitFor();
  assert.equal(await main.getByRole('link', { name: url }).getAttribute('href'), url, 'the link’s address is readable');
  await main.getByText('Some words about the shop.').waitFor();
  const noControls = async (where) => {
    assert.equal(await g.locator('main :disabled').count(), 0, `${where}: disabled controls`);
    assert.equal(await main.getByRole('textbox').count(), 0, `${where}: text fields`);
    assert.equal(await main.getByRole('combobox').count(), 0, `${where}: menus`);
    assert.equal(await main.getByRole('radio').count(), 0, `${where}: radio buttons`);
    for (const name of ['Publish', 'Undo', 'Redo', /^Add /, /^Remove /, /^Drag /, /^Move /]) {
      assert.equal(await main.getByRole('button', { name }).count(), 0, `${where}: a ${name} button`);
    }
  };
  await noControls('blocks');
  await screenshot(g, 'bio-viewer-blocks');
  await g.getByRole('tab', { name: 'Design' }).click();
  await main.getByText('Ocean', { exact: true }).waitFor();
  await main.getByText('Pill', { exact: true }).waitFor();
  await noControls('design');
  await g.getByRole('tab', { name: 'Settings' }).click();
  const fact = (text) => main.getByRole('definition').filter({ hasText: text });
  await fact('Gus reads this').waitFor();
  await fact('What the viewer should see').waitFor();
  await fact(`@${handle}`).waitFor();
  await noControls('settings');
  assert.equal(await main.getByRole('button', { name: 'Delete page' }).count(), 0);
  // Analytics and sign-ups stay open to a viewer.
  await g.getByRole('tab', { name: 'Analytics' }).click();
  await main.getByText('Unique visitors', { exact: false }).first().waitFor();
  await g.getByRole('tab', { name: 'Sign-ups' }).click();
  await main.getByText('No sign-ups yet.', { exact: false }).waitFor();
  assert.deepEqual(guest.problems, []);
  await guest.context.close();
  await owner.context.close();
});
