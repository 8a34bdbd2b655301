// Hostile input everywhere a person can store text and see it again, in Chromium: XSS
// payloads go into the display name, the workspace name, a short link's address, a media
// file's name, a bio page's title and a bio sign-up, through the app's own server fns;
// then every page that shows them is opened (dashboard, account, workspace settings, team,
// audit log, links, media, bio pages, the builder, the published page, notifications,
// billing). On each: no dialog, no payload ran (`window.__pwned`), no inline handler or
// script URL in the document, and each stored payload is shown as text where it belongs.
// One sign-up only (the browser suite shares the sign-up rate limit per address).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, waitForApp, until } from '../lib/browser.mjs';
import { newOwner } from '../lib/flows.mjs';
import { XSS, PNG, findScript, watchDialogs, showsText, callFn } from '../lib/hostile.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('XSS stored through every form a person can fill shows as text on every page and never runs', async () => {
  const owner = await newOwner(browser);
  const { page } = owner;
  const dialogs = watchDialogs(page);
  const workspace = await page.evaluate(() => JSON.parse(localStorage.getItem('mewayz.workspace')));
  const stored = {}; // what → the text the app stored
  const refused = {}; // what → the app's message

  const keep = (what, res, text) => {
    if (res.status === 200) stored[what] = text;
    else {
      assert.ok(res.status >= 400 && res.status < 500, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(res.body && typeof res.body.kind === 'string', `${what}: not the shared error: ${JSON.stringify(res.body)}`);
      refused[what] = res.body.message || res.body.kind;
    }
  };

  // The display name.
  const me = await callFn(page, 'current_user', {});
  assert.equal(me.status, 200);
  const name = XSS[1];
  keep('display name', await callFn(page, 'update_profile', { name, locale: me.body.locale, time_zone: me.body.time_zone }), name);

  // The workspace name.
  const ws = await callFn(page, 'get_workspace', { workspace });
  const wsName = XSS[0];
  keep(
    'workspace name',
    await callFn(page, 'update_workspace', { workspace, name: wsName, slug: ws.body.slug, brand_color: ws.body.brand_color, time_zone: ws.body.time_zone, currency: ws.body.currency, version: String(ws.body.version) }),
    wsName,
  );

  // A short link whose address carries markup in its query.
  const link = await callFn(page, 'create_short_link', { workspace, url: 'https://example.com/?q="><svg/onload=window.__pwned=1>', slug: '' });
  keep('short link address', link, link.body.url);
  assert.equal(link.status, 200, `a https address with markup in its query is a valid address: ${JSON.stringify(link.body)}`);
  const badLink = await callFn(page, 'create_short_link', { workspace, url: 'javascript:window.__pwned=1', slug: '' });
  assert.equal(badLink.status, 422, 'a script address is refused');

  // A media file whose name is markup (and a traversal).
  const media = await callFn(page, 'upload_media', { workspace, name: `${XSS[2]}../../x.png`, data: PNG });
  keep('media file name', media, media.body.name);

  // A bio page whose title is markup, with an e-mail sign-up block, published.
  const handle = `hx${Date.now().toString(36)}`;
  const bio = await callFn(page, 'create_bio_page', { workspace, handle });
  assert.equal(bio.status, 200, JSON.stringify(bio.body));
  const content = {
    seo: { title: XSS[4], description: XSS[5] },
    blocks: [
      { id: 'h1', type: 'header', text: XSS[3] },
      { id: 'e1', type: 'email_capture', heading: XSS[6], button: 'Join', consent: XSS[7] },
    ],
  };
  const saved = await callFn(page, 'save_bio_draft', { workspace, page: bio.body.id, content: JSON.stringify(content), version: String(bio.body.version) });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const published = await callFn(page, 'publish_bio_page', { workspace, page: bio.body.id, version: String(saved.body.version) });
  assert.equal(published.status, 200, JSON.stringify(published.body));
  stored['bio page title'] = XSS[4];

  // A visitor signs up on it with an address that carries markup, then with a plain one.
  const visitor = await openPage(browser, { width: 360, height: 780 });
  const visitorDialogs = watchDialogs(visitor.page);
  await visitor.page.goto(`${BASE_URL}/${handle}`);
  for (const email of ['"<img src=x onerror=window.__pwned=1>"@example.com', `fan+${handle}@example.com`]) {
    // Posted as the page's form would be (the published page itself allows no fetch).
    const r = await fetch(`${BASE_URL}/${handle}/subscribe`, { method: 'POST', body: new URLSearchParams({ block: 'e1', email, consent: 'on' }), redirect: 'manual' });
    const res = { status: r.status, text: await r.text() };
    assert.ok(res.status < 500, `sign-up ${email}: ${res.status}`);
    if (res.status === 200) stored[`bio sign-up ${email}`] = email;
    else refused[`bio sign-up ${email}`] = `${res.status}`;
    assert.ok(!res.text.includes('<img src=x'), 'the sign-up answer does not echo markup');
  }

  // At least the free-text fields were stored, so the pages below have something to show.
  for (const what of ['display name', 'workspace name', 'media file name', 'bio page title']) assert.ok(what in stored, `${what} was refused: ${refused[what]}`);

  // Every page that shows them: the payloads are text, none runs.
  const pages = [
    ['/', [wsName]],
    ['/account', [name]],
    ['/workspace/settings', [wsName]],
    ['/workspace/team', [name]],
    ['/workspace/audit', [name]],
    ['/links', 'short link address' in stored ? [stored['short link address']] : []],
    ['/media', [stored['media file name']]],
    ['/bio', [XSS[4]]],
    [`/bio/${bio.body.id}#signups`, Object.keys(stored).filter((k) => k.startsWith('bio sign-up')).map((k) => stored[k])],
    ['/notifications', []],
    ['/billing', []],
  ];
  const report = [];
  for (const [path, texts] of pages) {
    await page.goto(BASE_URL + path.replace(/#.*/, ''));
    await waitForApp(page);
    // The builder shows sign-ups in its own tab.
    if (path.endsWith('#signups')) await page.getByRole('tab', { name: 'Sign-ups' }).click();
    for (const text of texts) {
      await until(page, showsText, text, 15000).catch(() => assert.fail(`${path}: ${JSON.stringify(text)} is not shown as text`));
    }
    await page.waitForTimeout(400);
    // The app's own loader scripts are expected; nothing else is.
    const found = (await findScript(page)).filter((f) => f !== 'script element');
    assert.deepEqual(found, [], `${path}: ${found.join(', ')}`);
    assert.equal(await page.evaluate(() => window.__pwned || null), null, `${path}: a payload ran`);
    assert.deepEqual(dialogs, [], `${path}: a dialog opened`);
    report.push(`${path}: ${texts.length} payload(s) shown as text`);
    await screenshot(page, `hostile-all${path.replace(/[^a-z0-9]+/gi, '-')}`);
  }

  // The published page, as the visitor.
  await visitor.page.goto(`${BASE_URL}/${handle}`);
  await visitor.page.getByRole('heading', { name: XSS[3] }).waitFor();
  assert.equal(await visitor.page.title(), XSS[4]);
  assert.deepEqual(await findScript(visitor.page), []);
  assert.equal(await visitor.page.evaluate(() => window.__pwned || null), null);
  assert.deepEqual(visitorDialogs, []);
  report.push(`/${handle}: published page clean`);

  console.log(`stored: ${JSON.stringify(Object.keys(stored))}\nrefused: ${JSON.stringify(refused)}\n${report.join('\n')}`);
  assert.deepEqual(owner.problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  await visitor.context.close();
  await owner.context.close();
});
