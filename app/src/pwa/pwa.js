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
