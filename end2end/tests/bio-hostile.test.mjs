// Hostile input on the link-in-bio page (M05), in Chromium: XSS payloads go into every
// field of a page, which is published; a visitor opens it, and no script runs. Unsafe
// addresses are refused with a message on their field, and nothing is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot } from '../lib/browser.mjs';
import { newOwner } from '../lib/flows.mjs';
import { XSS, BAD_URLS, PNG, findScript, callFn as call } from '../lib/hostile.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('XSS payloads in every field of a published bio page never run for a visitor', async () => {
  const owner = await newOwner(browser);
  const { page } = owner;
  const workspace = await page.evaluate(() => JSON.parse(localStorage.getItem('mewayz.workspace')));
  const handle = `x${Date.now().toString(36)}`;

  // A handle carrying markup is refused.
  const refused = await call(page, 'create_bio_page', { workspace, handle: XSS[0] });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.fields[0].field, 'handle');

  const created = await call(page, 'create_bio_page', { workspace, handle });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const pageId = created.body.id;
  const media = await call(page, 'upload_media', { workspace, name: `${XSS[1]}.png`, data: PNG });
  assert.equal(media.status, 200, JSON.stringify(media.body));

  const x = (i) => XSS[i % XSS.length];
  const content = {
    seo: { title: x(4), description: x(0) },
    theme: { preset: 'classic', background: { kind: 'solid', color: '#ffffff' }, text_color: '#1f2328', button_color: '#1f2328', button_text_color: '#ffffff', button_shape: 'pill', font: 'serif' },
    blocks: [
      { id: 'h1', type: 'header', text: x(1) },
      { id: 'l1', type: 'link', title: x(2), url: `https://example.com/?q=${encodeURIComponent(x(0))}`, enabled: true },
      { id: 'l2', type: 'link', title: x(5), url: 'mailto:ana@example.com', enabled: true },
      { id: 't1', type: 'text', text: `${x(3)}\n\n**${x(6)}** [${x(7)}](https://example.com/a) [click](javascript:window.__pwned=1)` },
      { id: 'i1', type: 'image', media: media.body.id, alt: x(1), url: 'https://example.com/img' },
      { id: 's1', type: 'social', links: [{ network: 'instagram', url: 'https://instagram.com/ana?x="><script>window.__pwned=1</script>' }] },
      { id: 'e1', type: 'email_capture', heading: x(2), button: '<b onclick=x>Go</b>', consent: x(0) },
      { id: 'd1', type: 'divider' },
    ],
  };

  // Every unsafe address is refused on its own field, and the draft is not changed.
  const before = await call(page, 'get_bio_page', { workspace, page: pageId });
  for (const bad of BAD_URLS) {
    for (const [i, block] of [[1, { ...content.blocks[1], url: bad }], [4, { ...content.blocks[4], url: bad }]]) {
      const blocks = content.blocks.map((b, j) => (j === i ? block : b));
      const res = await call(page, 'save_bio_draft', { workspace, page: pageId, content: JSON.stringify({ ...content, blocks }), version: String(before.body.version) });
      assert.equal(res.status, 422, `${bad} accepted`);
      assert.ok(res.body.fields.some((f) => f.field === `blocks.${i}.url`), JSON.stringify(res.body));
    }
    const social = content.blocks.map((b) => (b.type === 'social' ? { ...b, links: [{ network: 'x', url: bad }] } : b));
    const res = await call(page, 'save_bio_draft', { workspace, page: pageId, content: JSON.stringify({ ...content, blocks: social }), version: String(before.body.version) });
    assert.equal(res.status, 422);
    assert.ok(res.body.fields.some((f) => f.field === 'blocks.5.links.0.url'), JSON.stringify(res.body));
  }
  const video = content.blocks.concat([{ id: 'v1', type: 'video', url: `https://youtu.be/${x(1)}` }]);
  const res = await call(page, 'save_bio_draft', { workspace, page: pageId, content: JSON.stringify({ ...content, blocks: video }), version: String(before.body.version) });
  assert.equal(res.status, 422);
  const colour = await call(page, 'save_bio_draft', { workspace, page: pageId, content: JSON.stringify({ ...content, theme: { ...content.theme, text_color: 'red;}</style><script>window.__pwned=1</script>' } }), version: String(before.body.version) });
  assert.equal(colour.status, 422);
  const unchanged = await call(page, 'get_bio_page', { workspace, page: pageId });
  assert.equal(unchanged.body.version, before.body.version, 'refused saves changed nothing');

  // The hostile but safe content is saved and published.
  const saved = await call(page, 'save_bio_draft', { workspace, page: pageId, content: JSON.stringify(content), version: String(before.body.version) });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const published = await call(page, 'publish_bio_page', { workspace, page: pageId, version: String(saved.body.version) });
  assert.equal(published.status, 200, JSON.stringify(published.body));

  // A visitor opens the page: the payloads show as text and none runs.
  const visitor = await openPage(browser, { width: 360, height: 780 });
  const dialogs = [];
  visitor.page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  const response = await visitor.page.goto(`${BASE_URL}/${handle}`);
  assert.equal(response.status(), 200);
  await visitor.page.getByRole('heading', { level: 2, name: x(1) }).waitFor();
  await visitor.page.getByRole('link', { name: x(2) }).waitFor();
  await visitor.page.getByRole('img', { name: x(1) }).waitFor();
  await visitor.page.waitForTimeout(500);
  assert.deepEqual(await findScript(visitor.page), []);
  assert.deepEqual(dialogs, []);
  assert.equal(await visitor.page.title(), x(4));
  // The script-less link in the text block was dropped; its label stays as text.
  assert.equal(await visitor.page.locator('a[href^="javascript"]').count(), 0);
  await screenshot(visitor.page, 'bio-hostile-phone');
  assert.deepEqual(visitor.problems, []);

  // The builder's live preview shows the same content without running it either.
  await page.goto(`${BASE_URL}/bio/${pageId}`);
  await page.waitForTimeout(1500);
  assert.deepEqual(await findScript(page).then((f) => f.filter((s) => s !== 'script element')), []);
  assert.equal(await page.evaluate(() => window.__pwned || null), null);
  await visitor.context.close();
  await owner.context.close();
});
