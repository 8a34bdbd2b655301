//! One change stream on the database, shared by every module, so what a replica keeps in
//! memory ([`super::cache::Cache`]) hears of a change made through any replica within
//! milliseconds. A module lists the collections it watches in its descriptor
//! ([`super::ServerParts::watches`]), each with the function that forgets what the change
//! touched.
//!
//! While the stream is down (the database restarted, a network break), [`Watcher::live`] is
//! false and caches serve nothing older than a second; when it opens again its epoch moves
//! on, so nothing loaded before the break is trusted again.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mongodb::bson::{doc, Bson, Document};
use mongodb::change_stream::event::OperationType;

use super::AppState;

/// How long one wait for changes lasts at most: the stream answers at least this often,
/// which is how the watcher knows it is alive.
const POLL: Duration = Duration::from_millis(300);
/// Without an answer for this long, the stream is not trusted.
const LIVE_WINDOW: Duration = Duration::from_millis(900);

/// What kind of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Insert,
    Update,
    Replace,
    Delete,
    /// The collection was dropped or renamed, or anything else: forget everything of it.
    Other,
}

/// One change to a watched collection.
#[derive(Debug)]
pub struct Change<'a> {
    pub op: Op,
    /// The changed document's `_id`.
    pub id: Option<&'a Bson>,
    /// For inserts: the new document's `workspace_id` and `user_id` (nothing else is sent).
    pub inserted: Option<&'a Document>,
}

impl Change<'_> {
    /// The `_id` as a string, when it is one.
    pub fn id_str(&self) -> Option<&str> {
        self.id.and_then(Bson::as_str)
    }
}

/// A collection a module watches, and what it forgets on a change.
#[derive(Clone, Copy)]
pub struct Watch {
    pub collection: &'static str,
    pub changed: fn(&AppState, &Change<'_>),
}

/// Whether the stream is open and answering, and how many times it has opened.
#[derive(Debug)]
pub struct Watcher {
    base: Instant,
    /// Milliseconds since `base` when the stream last answered; far in the past when never.
    heard_ms: AtomicI64,
    epoch: AtomicU64,
}

impl Default for Watcher {
    fn default() -> Self {
        Watcher { base: Instant::now(), heard_ms: AtomicI64::new(i64::MIN / 2), epoch: AtomicU64::new(0) }
    }
}

impl Watcher {
    fn now_ms(&self) -> i64 {
        self.base.elapsed().as_millis() as i64
    }

    /// True while the stream answered within the last [`LIVE_WINDOW`].
    pub fn live(&self) -> bool {
        self.now_ms() - self.heard_ms.load(Ordering::Acquire) < LIVE_WINDOW.as_millis() as i64
    }

    /// Moves on with every (re)opening of the stream.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// The stream (re)opened: what was loaded before is no longer vouched for.
    pub fn opened(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.heard();
    }

    fn heard(&self) {
        self.heard_ms.store(self.now_ms(), Ordering::Release);
    }

    fn lost(&self) {
        self.heard_ms.store(i64::MIN / 2, Ordering::Release);
    }

    #[cfg(test)]
    pub fn silence_for_test(&self) {
        self.lost();
    }
}

/// Every watched collection of `state`'s modules, with its handlers.
fn watches(state: &AppState) -> Vec<Watch> {
    state.registry.modules.iter().flat_map(|m| m.server.watches.iter().copied()).collect()
}

/// Starts the watcher; it stops when `stop` turns true. Reopens the stream after a break,
/// waiting a little longer each time (up to a second).
pub fn start(state: &AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let state = state.clone();
    let all = watches(&state);
    if all.is_empty() {
        return;
    }
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(200);
        loop {
            if *stop.borrow() {
                return;
            }
            let opened_at = Instant::now();
            match run(&state, &all, &mut stop).await {
                Ok(()) => return,
                Err(e) => {
                    state.watcher.lost();
                    if opened_at.elapsed() > Duration::from_secs(30) {
                        backoff = Duration::from_millis(200);
                    }
                    tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "the database change stream broke: caches serve nothing older than a second until it reopens");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stop.changed() => return,
            }
            backoff = (backoff * 2).min(Duration::from_secs(1));
        }
    });
}

async fn run(state: &AppState, all: &[Watch], stop: &mut tokio::sync::watch::Receiver<bool>) -> Result<(), mongodb::error::Error> {
    let mut collections: Vec<&str> = all.iter().map(|w| w.collection).collect();
    collections.sort_unstable();
    collections.dedup();
    let pipeline = [
        doc! { "$match": { "ns.coll": { "$in": &collections } } },
        // Only what the handlers use: never whole documents.
        doc! { "$project": { "operationType": 1, "ns": 1, "documentKey": 1, "fullDocument.workspace_id": 1, "fullDocument.user_id": 1 } },
    ];
    let mut stream = state.db.database().watch().pipeline(pipeline).max_await_time(POLL).await?;
    state.watcher.opened();
    tracing::debug!(collections = ?collections, "watching the database for changes");
    loop {
        tokio::select! {
            _ = stop.changed() => return Ok(()),
            next = stream.next_if_any() => {
                let event = next?;
                state.watcher.heard();
                let Some(event) = event else { continue };
                let Some(coll) = event.ns.as_ref().and_then(|ns| ns.coll.as_deref()) else { continue };
                let op = match event.operation_type {
                    OperationType::Insert => Op::Insert,
                    OperationType::Update => Op::Update,
                    OperationType::Replace => Op::Replace,
                    OperationType::Delete => Op::Delete,
                    _ => Op::Other,
                };
                let change = Change { op, id: event.document_key.as_ref().and_then(|k| k.get("_id")), inserted: event.full_document.as_ref() };
                for w in all.iter().filter(|w| w.collection == coll) {
                    (w.changed)(state, &change);
                }
            }
        }
    }
}
