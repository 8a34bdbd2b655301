// Mewayz offline drafting: drafts and the outbox, in IndexedDB. One implementation for the
// page (loaded by index.html, used by the Rust client through `self.MewayzOutbox`) and the
// service worker (importScripts, for Background Sync).
//
// - drafts:  one per document, what the form holds that was not submitted yet;
// - outbox:  every change, in order; replayed when the network is there;
// - copies:  versions a person chose to keep after a conflict ("keep both").
//
// Replay posts each change to its server fn. Success removes it (and gives later changes to
// the same document the new version). A stale version comes back as the shared Conflict
// error with the server's copy: the change is kept, marked "conflict", and waits for the
// person to choose. Bad input is kept too, marked "failed", with the error to show. A
// network failure stops the replay until the next chance. Nothing is ever dropped silently.
'use strict';
(function (scope) {
  const DB_NAME = 'mewayz-offline';
  const CHANNEL = 'mewayz-outbox';
  let dbPromise = null;
  let running = null;
  let again = false;

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('drafts')) db.createObjectStore('drafts', { keyPath: 'doc' });
          if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
          if (!db.objectStoreNames.contains('copies')) db.createObjectStore('copies', { keyPath: 'id', autoIncrement: true });
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return dbPromise;
  }

  function tx(store, mode, fn) {
    return open().then(
      (db) =>
        new Promise((resolve, reject) => {
          const t = db.transaction(store, mode);
          let result;
          Promise.resolve(fn(t.objectStore(store))).then((r) => (result = r));
          t.oncomplete = () => resolve(result);
          t.onerror = () => reject(t.error);
          t.onabort = () => reject(t.error);
        }),
    );
  }

  function req(r) {
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }

  function all(store) {
    return tx(store, 'readonly', (s) => req(s.getAll()));
  }

  // Events go out on a BroadcastChannel, which also reaches the listeners of this page
  // (each has its own channel object), in order. Only without BroadcastChannel are this
  // page's listeners called directly; doing both would deliver every event twice, the
  // second copy after newer events.
  const hasChannel = typeof BroadcastChannel === 'function';
  const sender = hasChannel ? new BroadcastChannel(CHANNEL) : null;
  function announce(event) {
    if (sender) sender.postMessage(event);
    else for (const cb of localListeners) cb(event);
  }
  const localListeners = [];

  const api = {
    /** Calls `cb(event)` on every change, from this page, other tabs or the worker. */
    onChange(cb) {
      if (hasChannel) {
        const ch = new BroadcastChannel(CHANNEL);
        ch.onmessage = (m) => cb(m.data);
      } else {
        localListeners.push(cb);
      }
    },

    saveDraft(doc, fields) {
      return tx('drafts', 'readwrite', (s) => s.put({ doc, fields, at: Date.now() }));
    },
    getDraft(doc) {
      return tx('drafts', 'readonly', (s) => req(s.get(doc))).then((d) => (d ? d.fields : null));
    },
    clearDraft(doc) {
      return tx('drafts', 'readwrite', (s) => s.delete(doc));
    },
    /** Forgets every kept copy whose key starts with `prefix` (the reads kept for offline use). */
    clearDraftsWithPrefix(prefix) {
      const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      return tx('drafts', 'readwrite', (s) => s.delete(IDBKeyRange.bound(prefix, upper, false, true)));
    },

    /** Queues a change. Earlier unsent or refused changes to the same document are replaced. */
    async enqueue(doc, label, endpoint, fields) {
      const earlier = (await all('outbox')).filter((e) => e.doc === doc && e.endpoint === endpoint && e.state !== 'sending');
      await tx('outbox', 'readwrite', (s) => {
        for (const e of earlier) {
          // The newest change to a document carries the version the person started from.
          if (e.state === 'pending') {
            const base = e.fields.find(([k]) => k === 'version');
            const mine = fields.find(([k]) => k === 'version');
            if (base && mine) mine[1] = base[1];
          }
          s.delete(e.id);
        }
        s.add({ doc, label, endpoint, fields, state: 'pending', created_at: Date.now(), error: null, server_copy: null });
      });
      await api.clearDraft(doc);
      announce({ type: 'queued', doc });
      // Ask for Background Sync where the browser has it: the worker then sends the change
      // even if this page is closed before the network returns.
      if (scope.navigator && scope.navigator.serviceWorker && scope.document) {
        scope.navigator.serviceWorker.ready
          .then((reg) => reg.sync && reg.sync.register('mewayz-outbox'))
          .catch(() => {});
      }
    },

    list() {
      return all('outbox');
    },
    copies() {
      return all('copies');
    },
    async summary() {
      const entries = await all('outbox');
      return {
        pending: entries.filter((e) => e.state === 'pending' || e.state === 'sending').length,
        conflicts: entries.filter((e) => e.state === 'conflict').length,
        failed: entries.filter((e) => e.state === 'failed').length,
      };
    },

    /** Resolves a conflict. `choice`: 'mine' (send mine again over the server's version),
     *  'theirs' (drop mine), or 'both' (drop mine from the outbox but keep it as a copy). */
    async resolve(id, choice) {
      const entry = await tx('outbox', 'readonly', (s) => req(s.get(id)));
      if (!entry) return;
      if (choice === 'mine') {
        const serverVersion = entry.server_copy && entry.server_copy.version;
        const fields = entry.fields.map(([k, v]) => (k === 'version' && serverVersion != null ? [k, String(serverVersion)] : [k, v]));
        await tx('outbox', 'readwrite', (s) => s.put({ ...entry, fields, state: 'pending', server_copy: null, error: null }));
      } else {
        if (choice === 'both') {
          await tx('copies', 'readwrite', (s) => s.add({ doc: entry.doc, label: entry.label, endpoint: entry.endpoint, fields: entry.fields, kept_at: Date.now() }));
        }
        await tx('outbox', 'readwrite', (s) => s.delete(id));
      }
      announce({ type: 'resolved', doc: entry.doc, choice, server_copy: entry.server_copy });
      if (choice === 'mine') await api.replay();
    },
    /** Forgets a failed change after its errors were shown. */
    dismiss(id) {
      return tx('outbox', 'readwrite', (s) => s.delete(id)).then(() => announce({ type: 'dismissed' }));
    },
    deleteCopy(id) {
      return tx('copies', 'readwrite', (s) => s.delete(id)).then(() => announce({ type: 'copies' }));
    },

    /** Sends what is pending, in order. Resolves with the summary afterwards. */
    replay() {
      if (running) {
        // A replay is under way and may have read the outbox before the newest change:
        // run once more after it.
        again = true;
        return running;
      }
      running = (async () => {
        let summary;
        do {
          again = false;
          summary = await runReplay();
        } while (again);
        return summary;
      })().finally(() => {
        running = null;
      });
      return running;
    },
  };

  // The network can fail just after the browser says it is back: try again, waiting a
  // little longer each time (2 s, 4 s, … at most 60 s), while the browser believes it is
  // online. The `online` event and app start try at once anyway.
  let retryDelay = 2000;
  let retryTimer = null;
  function retrySoon() {
    if (retryTimer || !scope.navigator || !scope.navigator.onLine) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      api.replay();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  const STALE_SENDING_MS = 60000;

  /** Takes `id` for sending, atomically across the page, other tabs and the worker (an
   *  IndexedDB read-write transaction): only one of them sends a change. */
  function claim(id) {
    return tx('outbox', 'readwrite', async (s) => {
      const e = await req(s.get(id));
      if (!e) return null;
      const stale = e.state === 'sending' && Date.now() - (e.sending_at || 0) > STALE_SENDING_MS;
      if (e.state !== 'pending' && !stale) return null;
      e.state = 'sending';
      e.sending_at = Date.now();
      s.put(e);
      return e;
    });
  }

  function setState(entry, patch) {
    return tx('outbox', 'readwrite', (s) => s.put({ ...entry, ...patch }));
  }

  async function runReplay() {
    const entries = (await all('outbox')).sort((a, b) => a.id - b.id);
    const stale = (e) => e.state === 'sending' && Date.now() - (e.sending_at || 0) > STALE_SENDING_MS;
    const blocked = new Set(entries.filter((e) => e.state === 'conflict' || (e.state === 'sending' && !stale(e))).map((e) => e.doc));
    for (const listed of entries) {
      if ((listed.state !== 'pending' && !stale(listed)) || blocked.has(listed.doc)) continue;
      const entry = await claim(listed.id);
      if (!entry) {
        // Someone else is sending it; later changes to the same document wait for it.
        blocked.add(listed.doc);
        continue;
      }
      let res;
      try {
        res = await fetch('/api/' + entry.endpoint, {
          method: 'POST',
          body: new URLSearchParams(entry.fields),
          credentials: 'same-origin',
          headers: { Accept: 'application/json' },
        });
      } catch (offline) {
        await setState(entry, { state: 'pending', sending_at: null });
        announce({ type: 'offline' });
        retrySoon();
        return api.summary();
      }
      const body = await res.json().catch(() => null);
      if (res.ok) {
        await tx('outbox', 'readwrite', async (s) => {
          s.delete(entry.id);
          // Later changes to the same document build on this one's new version.
          const next = body && typeof body.version === 'number' ? body.version : null;
          if (next != null) {
            for (const later of await req(s.getAll())) {
              if (later.id > entry.id && later.doc === entry.doc && later.state === 'pending') {
                later.fields = later.fields.map(([k, v]) => (k === 'version' ? [k, String(next)] : [k, v]));
                s.put(later);
              }
            }
          }
        });
        announce({ type: 'applied', doc: entry.doc, endpoint: entry.endpoint, result: body });
      } else if (body && body.kind === 'conflict') {
        await setState(entry, { state: 'conflict', server_copy: body.current, sending_at: null });
        blocked.add(entry.doc);
        announce({ type: 'conflict', doc: entry.doc });
      } else if (res.status === 401 || res.status === 429 || res.status >= 500) {
        // Not this change's fault: keep it, try again at the next chance.
        await setState(entry, { state: 'pending', sending_at: null });
        announce({ type: 'waiting', doc: entry.doc, error: body });
        retrySoon();
        return api.summary();
      } else {
        await setState(entry, { state: 'failed', error: body, sending_at: null });
        announce({ type: 'failed', doc: entry.doc, error: body });
      }
    }
    retryDelay = 2000;
    announce({ type: 'synced' });
    return api.summary();
  }

  scope.MewayzOutbox = api;
})(self);
