// Service worker registration and updates, for the Rust client (app/src/pwa/mod.rs).
let registration = null;
let reloading = false;

export function registerServiceWorker(onUpdateReady) {
  if (!('serviceWorker' in navigator)) return;
  // Once the new worker takes over, load the page again from it.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) window.location.reload();
  });
  navigator.serviceWorker
    .register('/sw.js')
    .then((reg) => {
      registration = reg;
      const notifyIfWaiting = () => {
        if (reg.waiting && navigator.serviceWorker.controller) onUpdateReady();
      };
      notifyIfWaiting();
      reg.addEventListener('updatefound', () => {
        const worker = reg.installing;
        if (!worker) return;
        worker.addEventListener('statechange', () => {
          if (worker.state === 'installed') notifyIfWaiting();
        });
      });
    })
    .catch((e) => console.warn('Mewayz: the service worker could not be registered:', e));
}

/** Switches to the waiting version and reloads. */
export function applyUpdate() {
  if (registration && registration.waiting) {
    reloading = true;
    registration.waiting.postMessage('SKIP_WAITING');
  } else {
    window.location.reload();
  }
}

/** Asks the browser to look for a new service worker now. */
export function checkForUpdate() {
  if (registration) registration.update().catch(() => {});
}

// ---- web push ----

function base64UrlToBytes(s) {
  const pad = '='.repeat((4 - (s.length % 4)) % 4);
  const raw = atob((s + pad).replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function bytesToBase64Url(buf) {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** This device's push state as JSON: {supported, permission, endpoint}. */
export async function pushState() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return JSON.stringify({ supported: false, permission: 'unsupported', endpoint: null });
  }
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  return JSON.stringify({ supported: true, permission: Notification.permission, endpoint: sub ? sub.endpoint : null });
}

/** Subscribes this device; resolves with JSON {endpoint, p256dh, auth}. */
export async function subscribePush(vapidPublicKey) {
  const permission = await Notification.requestPermission();
  // A code, worded by the app in its language (pwa/texts.rs).
  if (permission !== 'granted') throw new Error('permission-blocked');
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(vapidPublicKey) });
  return JSON.stringify({ endpoint: sub.endpoint, p256dh: bytesToBase64Url(sub.getKey('p256dh')), auth: bytesToBase64Url(sub.getKey('auth')) });
}

/** Unsubscribes this device; resolves with the endpoint that was removed ('' if none). */
export async function unsubscribePush() {
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (!sub) return '';
  const endpoint = sub.endpoint;
  await sub.unsubscribe();
  return endpoint;
}

// ---- the notification centre, live ----

let source = null;

/** Calls `onChange(data)` whenever the signed-in person's notifications change. */
export function watchNotifications(onChange) {
  if (source || typeof EventSource !== 'function') return;
  const open = () => {
    source = new EventSource('/api/notifications/stream');
    source.addEventListener('changed', (e) => onChange(e.data));
    source.onerror = () => {
      if (source && source.readyState === EventSource.CLOSED) {
        // Refused (e.g. the session needs refreshing): let the app refresh it, then retry.
        source = null;
        setTimeout(() => {
          onChange('reconnect');
          open();
        }, 3000);
      }
    };
  };
  open();
}

export function stopWatchingNotifications() {
  if (source) source.close();
  source = null;
}
