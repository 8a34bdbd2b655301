//! The server's half of a module's descriptor ([`super::module::Module::server`]): what it
//! stores (indexes, workspace collections), what it runs in the background (typed job kinds,
//! tasks such as flushers), what it keeps in memory, and the public HTTP routes it answers.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use mongodb::bson::Document;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::db::IndexSpec;
use super::{AppState, Ctx};
use crate::error::AppError;

/// A boxed future, for the function pointers of a descriptor.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Counts something of the call's workspace (a limit's usage, or what a reclaim freed).
pub type CountFn = for<'a> fn(&'a Ctx) -> BoxFut<'a, Result<i64, AppError>>;

/// Every record a limit counts, as (created, ms since the epoch; id).
pub type RecordsFn = for<'a> fn(&'a Ctx) -> BoxFut<'a, Result<Vec<(i64, String)>, AppError>>;

/// Work on one workspace (by id) that cannot run inside a database transaction (files in
/// GridFS, say) and is safe to run again.
pub type EraseFn = for<'a> fn(&'a AppState, &'a str) -> BoxFut<'a, Result<(), AppError>>;

pub struct ServerParts {
    /// The indexes its collections need; ensured at start and whenever the database returns.
    pub indexes: fn() -> Vec<IndexSpec>,
    /// Its collections that hold workspace records (each document carries `workspace_id`).
    /// The workspace export and deletion walk these.
    pub scoped_collections: &'static [&'static str],
    /// The job kinds it defines, each with its handler (see [`Job`] and [`job`]).
    pub jobs: &'static [JobKind],
    /// Puts what it keeps in memory into the application state (see [`Extensions`]).
    pub init: Option<fn(&mut Extensions)>,
    /// Starts its background tasks (flushers); they stop when `stop` turns true.
    pub start: Option<fn(&AppState, tokio::sync::watch::Receiver<bool>)>,
    /// Its public HTTP routes, merged into the server's router.
    pub routes: Option<fn() -> axum::Router<AppState>>,
    /// Removes what a deleted workspace kept outside its scoped collections. Runs in a job
    /// queued by the same transaction that deleted the collections, so it happens even
    /// after a crash; it must be safe to run again.
    pub erase: Option<EraseFn>,
    /// The collections whose changes it hears of, on every replica, to forget what it keeps
    /// in memory (see [`super::watch`]).
    pub watches: &'static [super::watch::Watch],
}

impl ServerParts {
    /// A module with nothing on the server but its server fns.
    pub const NONE: ServerParts =
        ServerParts { indexes: Vec::new, scoped_collections: &[], jobs: &[], init: None, start: None, routes: None, erase: None, watches: &[] };
}

// ---------------------------------------------------------------- typed jobs

/// A kind of background job: its payload is the type itself, serialized into the queue, and
/// its handler is [`Job::run`]. A module lists its kinds in its descriptor with [`job`];
/// the worker dispatches through the registry.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind's name in the queue, e.g. "accounts.password_reset". Never reuse one.
    const KIND: &'static str;

    fn run(self, state: &AppState) -> impl Future<Output = Result<(), String>> + Send;
}

/// One registered job kind: its name and its handler over the stored payload.
#[derive(Clone, Copy)]
pub struct JobKind {
    pub kind: &'static str,
    pub run: for<'a> fn(&'a AppState, Document) -> BoxFut<'a, Result<(), String>>,
}

impl std::fmt::Debug for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind)
    }
}

/// The registry entry for job type `J`.
pub const fn job<J: Job>() -> JobKind {
    JobKind { kind: J::KIND, run: run_job::<J> }
}

fn run_job<J: Job>(state: &AppState, payload: Document) -> BoxFut<'_, Result<(), String>> {
    Box::pin(async move {
        let job: J = mongodb::bson::from_document(payload).map_err(|e| format!("bad {} payload: {e}", J::KIND))?;
        job.run(state).await
    })
}

/// Queues `job` once per `key`: a second call with the same key does nothing.
pub async fn enqueue<J: Job>(state: &AppState, job: &J, key: &str) -> Result<(), AppError> {
    enqueue_with(state, job, key, super::jobs::EnqueueOptions::default()).await
}

/// Queues `job` inside the transaction `tx` (see [`super::jobs::enqueue_in`]).
pub async fn enqueue_in<J: Job>(state: &AppState, tx: &mut super::tx::Tx, job: &J, key: &str) -> Result<(), AppError> {
    let job = super::jobs::new_job(J::KIND, mongodb::bson::to_document(job)?, key);
    let coll = super::jobs::collection(state.db.database());
    let result = coll.insert_one(&job).session(tx.session()).await;
    tx.check(result)?;
    Ok(())
}

/// [`enqueue`] with options (a start time, attempts).
pub async fn enqueue_with<J: Job>(state: &AppState, job: &J, key: &str, options: super::jobs::EnqueueOptions) -> Result<(), AppError> {
    let payload = mongodb::bson::to_document(job)?;
    super::jobs::enqueue_with(state.db.database(), J::KIND, payload, key, options).await?;
    Ok(())
}

// ---------------------------------------------------------------- in-memory state

/// What modules keep in memory for the life of the server (rendered pages, counters not yet
/// written, caches), one value per type, put there by each module's `init`.
#[derive(Default)]
pub struct Extensions {
    map: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl Extensions {
    /// Adds `value`; a second value of the same type replaces the first.
    pub fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        self.map.insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of type `T`, if a module put one.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.map.get(&TypeId::of::<T>()).and_then(|v| v.downcast_ref::<T>())
    }
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Extensions({} values)", self.map.len())
    }
}
