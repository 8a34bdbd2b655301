// The Mewayz service worker. The build (scripts/pwa-build.py, a Trunk post-build hook)
// replaces the two placeholders below with this build's version and the exact list of files
// Trunk produced, so the shell that is cached is always the one that was built, once.
'use strict';
importScripts('/outbox.js');

const VERSION = '__MEWAYZ_VERSION__';
const PRECACHE = ["__MEWAYZ_PRECACHE__"];
const CACHE = `mewayz-shell-${VERSION}`;
const SHELL = '/';
const OFFLINE_PAGE = '/offline.html';

// Paths the app shell does not handle: the API, sign-in redirects, downloads, logos and
// server-rendered public pages go to the network, always.
const NETWORK_ONLY = ['/api/', '/auth/', '/logos/', '/health', '/ready', '/metrics'];

self.addEventListener('install', (event) => {
  // No skipWaiting here: a new version waits until the person chooses to reload, so a page
  // never runs against files from two builds.
  // `reload`: fetch from the server, never from the browser's HTTP cache.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('mewayz-shell-') && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'SKIP_WAITING') self.skipWaiting();
  if (event.data === 'VERSION' && event.ports[0]) event.ports[0].postMessage(VERSION);
});

/** Client routes of the app: paths without a file extension outside the network-only ones. */
function isAppRoute(url) {
  const last = url.pathname.split('/').pop();
  return !last.includes('.') && !NETWORK_ONLY.some((p) => url.pathname.startsWith(p));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((p) => url.pathname.startsWith(p))) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          return await fetch(request);
        } catch (offline) {
          const cache = await caches.open(CACHE);
          if (isAppRoute(url)) {
            const shell = await cache.match(SHELL);
            if (shell) return shell;
          }
          return (await cache.match(OFFLINE_PAGE)) || Response.error();
        }
      })(),
    );
    return;
  }

  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((hit) => hit || fetch(request)));
  }
});

// Background Sync: send queued changes once the network is back, even with no page open.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'mewayz-outbox') return;
  event.waitUntil(
    self.MewayzOutbox.replay().then((summary) => {
      // Still pending (offline again, or the server was busy): let the browser retry later.
      if (summary && summary.pending > 0) throw new Error('changes still pending');
    }),
  );
});

// Web push: show the notification; a click opens (or focuses) the app at its address.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: 'Mewayz', body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || 'Mewayz', {
      body: data.body || '',
      icon: '/icons/icon-192.png',
      badge: '/icons/maskable-192.png',
      tag: data.id,
      data: { url: data.url || '/notifications' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/notifications', self.location.origin).href;
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
        if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
          await client.navigate(url);
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    })(),
  );
});
