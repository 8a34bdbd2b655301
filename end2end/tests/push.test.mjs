// Web push in a real browser session: the signed-in page registers a device subscription
// whose endpoint is a local push service this test starts. A sign-in from another device
// makes the server push; the test decrypts the push with the subscription's keys
// (RFC 8291, aes128gcm), checks its payload and its VAPID signature (RFC 8292), then hands
// the decrypted message to the page's service worker (DevTools' deliverPushMessage, as a
// push service would) and sees the notification it shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, until, waitForApp } from '../lib/browser.mjs';
import { controlled, newOwner, signIn } from '../lib/flows.mjs';
import { decryptPush, newDeviceKeys, startPushService, verifyVapid } from '../lib/webpush.mjs';

let browser;
let service;
before(async () => {
  browser = await launch();
  service = await startPushService();
});
after(async () => {
  await browser?.close();
  await service?.close();
});

test('a push reaches the device encrypted for its keys, signed with VAPID, and is shown', async () => {
  const owner = await newOwner(browser);
  const { page, context } = owner;
  await context.grantPermissions(['notifications'], { origin: BASE_URL });
  await controlled(page);

  // The device subscribes (as pushManager.subscribe would report it).
  const keys = newDeviceKeys();
  const endpoint = `${service.origin}/push/e2e-device`;
  const settings = await page.evaluate(async (sub) => {
    const res = await fetch('/api/push_subscribe', { method: 'POST', body: new URLSearchParams(sub) });
    return { status: res.status, body: await res.json() };
  }, { endpoint, p256dh: keys.p256dh, auth: keys.authB64 });
  assert.equal(settings.status, 200, JSON.stringify(settings.body));
  assert.equal(settings.body.devices, 1);

  // Another device signs in: the server notifies and pushes.
  const other = await openPage(browser);
  await other.page.goto(BASE_URL + '/login');
  await waitForApp(other.page);
  await signIn(other.page, owner.email);
  await other.page.getByRole('heading', { level: 1, name: owner.wsName }).waitFor();

  const push = await service.waitFor('/push/e2e-device');
  assert.equal(push.headers['content-encoding'], 'aes128gcm');
  assert.ok(Number(push.headers.ttl) > 0, `TTL ${push.headers.ttl}`);
  const message = JSON.parse(decryptPush(push.body, keys).toString());
  assert.match(message.title, /^New sign-in on /);
  assert.equal(message.kind, 'new_sign_in');
  assert.equal(message.url, '/account');
  // The same keys cannot be reused by anyone else: other keys do not decrypt it.
  assert.throws(() => decryptPush(push.body, newDeviceKeys()));

  const { claims, k } = verifyVapid(push.headers.authorization);
  assert.equal(k, settings.body.vapid_public_key);
  assert.equal(claims.aud, service.origin);
  assert.match(claims.sub, /^(mailto:|https:)/);
  const now = Date.now() / 1000;
  assert.ok(claims.exp > now && claims.exp <= now + 24 * 3600, `exp ${claims.exp}`);

  // The service worker shows it, as it would on a real push.
  const cdp = await context.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const end = Date.now() + 10000;
  while (!registrations.some((r) => r.scopeURL === BASE_URL + '/') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const reg = registrations.find((r) => r.scopeURL === BASE_URL + '/');
  assert.ok(reg, 'the service worker registration is visible to DevTools');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: BASE_URL, registrationId: reg.registrationId, data: JSON.stringify(message) });
  // The worker shows the notification asynchronously.
  const shown = await until(page, async (title) => {
    const r = await navigator.serviceWorker.ready;
    const list = await r.getNotifications();
    return list.find((n) => n.title === title)?.body || null;
  }, message.title);
  assert.equal(shown, message.body, 'the service worker showed the pushed notification');

  await other.context.close();
  await context.close();
});
