//! The application state every server fn and route can reach.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use leptos::prelude::use_context;

use std::any::Any;

use super::ctx::Identity;
use super::module::Registry;
use super::module_server::Extensions;
use super::{Config, Db};
use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub started: Instant,
    /// Outgoing HTTP (OpenID Connect and, later, other external services).
    pub http: reqwest::Client,
    /// Every module, as `lib.rs` lists them.
    pub registry: Registry,
    /// Who is calling and in which workspace: the functions that resolve them.
    pub identity: Identity,
    /// Whether the database's change stream is open, which keeps caches right on every
    /// replica (see [`super::watch`]).
    pub watcher: Arc<super::watch::Watcher>,
    /// What modules keep in memory (see [`Extensions`]).
    ext: Arc<Extensions>,
    indexes_ready: Arc<AtomicBool>,
}

impl AppState {
    /// The state for `registry`'s modules: each puts what it keeps in memory here.
    pub fn new(config: Config, db: Db, registry: Registry, identity: Identity) -> Self {
        let mut ext = Extensions::default();
        for m in registry.modules {
            if let Some(init) = m.server.init {
                init(&mut ext);
            }
        }
        let http =
            reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).redirect(reqwest::redirect::Policy::none()).build().unwrap_or_default();
        AppState {
            config: Arc::new(config),
            db,
            started: Instant::now(),
            http,
            registry,
            identity,
            watcher: Arc::default(),
            ext: Arc::new(ext),
            indexes_ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Platform-wide records and lookups across workspaces (see [`super::Db::global`]).
    pub fn global<T: Send + Sync>(&self, collection: &str) -> mongodb::Collection<T> {
        self.db.global(collection)
    }

    /// What a module keeps in memory, of type `T`. Every module puts its values at start
    /// (its descriptor's `init`), so a missing one is a programming error that any test of
    /// that module shows.
    pub fn ext<T: Any + Send + Sync>(&self) -> &T {
        match self.ext.get::<T>() {
            Some(v) => v,
            None => panic!("{} is not registered by any module's init", std::any::type_name::<T>()),
        }
    }

    /// Every index the registered modules and the platform need.
    pub fn declared_indexes(&self) -> Vec<super::db::IndexSpec> {
        super::declared_indexes(&self.registry)
    }

    /// Every collection that holds workspace records (each document carries `workspace_id`).
    pub fn scoped_collections(&self) -> Vec<&'static str> {
        let mut all = super::PLATFORM_SCOPED_COLLECTIONS.to_vec();
        for m in self.registry.modules {
            all.extend_from_slice(m.server.scoped_collections);
        }
        all
    }

    /// Whether the declared indexes have been ensured since start.
    pub fn indexes_ready(&self) -> bool {
        self.indexes_ready.load(Ordering::Acquire)
    }

    /// Ensures the declared indexes once. Cheap after the first success.
    pub async fn ensure_indexes(&self) -> Result<(), AppError> {
        if self.indexes_ready() {
            return Ok(());
        }
        let n = self.db.ensure_indexes(&self.declared_indexes()).await?;
        if !self.indexes_ready.swap(true, Ordering::AcqRel) {
            tracing::info!(indexes = n, "database indexes ensured");
        }
        Ok(())
    }

    /// Ready means: the database answers and the indexes exist.
    pub async fn check_ready(&self) -> Result<(), AppError> {
        self.db.ping().await?;
        self.ensure_indexes().await
    }
}

/// The state inside a server fn. The server provides it as context for every call.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| super::db::internal("server fn", &"AppState missing from context"))
}
