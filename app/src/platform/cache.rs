//! What a server keeps in memory between requests (a session's state, a member's role, a
//! workspace's plan), kept right on every replica by the database's change stream
//! ([`super::watch`]).
//!
//! The rules that make a hit safe to serve:
//! - an entry is served while the change stream is live and has run without a break since
//!   the entry was loaded (the stream's *epoch* is the same); a change to the record removes
//!   it within the stream's latency (milliseconds);
//! - while the stream is down, an entry is served only in the first [`UNWATCHED_AGE`] after
//!   it was loaded, so nothing is ever more than a second stale;
//! - a load that raced with a change is not kept: [`Cache::ticket`] is taken before reading
//!   the database, and [`Cache::put`] drops the value if anything was forgotten since.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::watch::Watcher;

/// How long an entry may be served when the change stream cannot vouch for it.
pub const UNWATCHED_AGE: Duration = Duration::from_secs(1);

struct Slot<V> {
    value: V,
    at: Instant,
    epoch: u64,
}

struct Inner<K, V> {
    map: HashMap<K, Slot<V>>,
    /// Bumped by every forget: a load that started before it is not kept.
    generation: u64,
}

/// A map of values loaded from the database, with a time to live and a size bound.
pub struct Cache<K, V> {
    inner: Mutex<Inner<K, V>>,
    ttl: Duration,
    max: usize,
}

/// Taken before a load; [`Cache::put`] keeps the value only if nothing changed meanwhile.
#[derive(Clone, Copy, Debug)]
pub struct Ticket {
    generation: u64,
    epoch: u64,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// Entries live at most `ttl` (a safety net; changes remove them sooner), and at most
    /// `max` of them are kept.
    pub fn new(ttl: Duration, max: usize) -> Self {
        Cache { inner: Mutex::new(Inner { map: HashMap::new(), generation: 0 }), ttl, max }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value for `key`, when it can be trusted (see the module's rules).
    pub fn get<Q>(&self, watcher: &Watcher, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let inner = self.lock();
        let slot = inner.map.get(key)?;
        let age = slot.at.elapsed();
        if age >= self.ttl {
            return None;
        }
        let vouched = watcher.live() && watcher.epoch() == slot.epoch;
        (vouched || age < UNWATCHED_AGE).then(|| slot.value.clone())
    }

    /// Call before reading the database for a value to [`Cache::put`].
    pub fn ticket(&self, watcher: &Watcher) -> Ticket {
        Ticket { generation: self.lock().generation, epoch: watcher.epoch() }
    }

    /// Keeps `value`, unless something was forgotten since `ticket` was taken (it may be
    /// older than that change).
    pub fn put(&self, ticket: Ticket, key: K, value: V) {
        let mut inner = self.lock();
        if inner.generation != ticket.generation {
            return;
        }
        if inner.map.len() >= self.max {
            let ttl = self.ttl;
            inner.map.retain(|_, s| s.at.elapsed() < ttl);
            if inner.map.len() >= self.max {
                inner.map.clear();
            }
        }
        inner.map.insert(key, Slot { value, at: Instant::now(), epoch: ticket.epoch });
    }

    /// Forgets `key` (its record changed).
    pub fn forget<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.map.remove(key);
    }

    /// Forgets every entry for which `f` is true.
    pub fn forget_where(&self, f: impl Fn(&K, &V) -> bool) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.map.retain(|k, s| !f(k, &s.value));
    }

    /// Forgets everything.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.map.clear();
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K, V> std::fmt::Debug for Cache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_while_watched_and_only_a_second_otherwise() {
        let w = Watcher::default();
        let c: Cache<String, i32> = Cache::new(Duration::from_secs(60), 10);
        w.opened();
        let t = c.ticket(&w);
        c.put(t, "a".into(), 1);
        assert_eq!(c.get(&w, "a"), Some(1), "fresh and watched");
        // The stream breaks and reopens: entries loaded before are not vouched for any more.
        w.opened();
        assert_eq!(c.get(&w, "a"), Some(1), "still within the first second");
        {
            let mut inner = c.lock();
            inner.map.get_mut("a").unwrap().at = Instant::now() - Duration::from_secs(2);
        }
        assert_eq!(c.get(&w, "a"), None, "an epoch older than the stream is not served past a second");
        // A stream that went quiet does not vouch either.
        let t = c.ticket(&w);
        c.put(t, "b".into(), 2);
        {
            let mut inner = c.lock();
            inner.map.get_mut("b").unwrap().at = Instant::now() - Duration::from_secs(2);
        }
        assert_eq!(c.get(&w, "b"), Some(2), "live stream, same epoch");
        w.silence_for_test();
        assert_eq!(c.get(&w, "b"), None, "stream not live: a second at most");
    }

    #[test]
    fn a_load_that_raced_with_a_change_is_not_kept() {
        let w = Watcher::default();
        w.opened();
        let c: Cache<String, i32> = Cache::new(Duration::from_secs(60), 10);
        let t = c.ticket(&w);
        c.forget("a"); // the record changed while it was being read
        c.put(t, "a".into(), 1);
        assert_eq!(c.get(&w, "a"), None);
        let t = c.ticket(&w);
        c.put(t, "a".into(), 2);
        assert_eq!(c.get(&w, "a"), Some(2));
        c.forget_where(|_, v| *v == 2);
        assert_eq!(c.get(&w, "a"), None);
    }

    #[test]
    fn the_time_to_live_and_the_size_bound_hold() {
        let w = Watcher::default();
        w.opened();
        let c: Cache<u32, u32> = Cache::new(Duration::from_millis(0), 3);
        c.put(c.ticket(&w), 1, 1);
        assert_eq!(c.get(&w, &1), None, "expired at once");
        let c: Cache<u32, u32> = Cache::new(Duration::from_secs(60), 3);
        for i in 0..10 {
            c.put(c.ticket(&w), i, i);
        }
        assert!(c.len() <= 3, "{}", c.len());
    }
}
