//! The application state every server fn and route can reach.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use leptos::prelude::use_context;

use super::{Config, Db};
use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub started: Instant,
    /// Outgoing HTTP (OpenID Connect and, later, other external services).
    pub http: reqwest::Client,
    /// Google's signing keys, cached.
    pub jwks: Arc<crate::accounts::google::JwksCache>,
    /// Public bio pages, rendered (M05).
    pub bio_cache: Arc<crate::bio::public::PageCache>,
    /// Page views and clicks not yet written (M05 analytics).
    pub analytics: Arc<crate::bio::analytics::Buffer>,
    /// Short links being followed, and their clicks not yet written (M23).
    pub short_links: Arc<crate::shortlinks::redirect::Redirects>,
    /// When this server last wrote each session's "last seen" time (M01).
    pub sessions_touched: Arc<crate::accounts::session::Touched>,
    indexes_ready: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> Self {
        let http =
            reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).redirect(reqwest::redirect::Policy::none()).build().unwrap_or_default();
        AppState {
            config: Arc::new(config),
            db,
            started: Instant::now(),
            http,
            jwks: Arc::new(crate::accounts::google::JwksCache::new()),
            bio_cache: Arc::default(),
            analytics: Arc::default(),
            short_links: Arc::default(),
            sessions_touched: Arc::default(),
            indexes_ready: Arc::new(AtomicBool::new(false)),
        }
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
        let n = self.db.ensure_indexes(&crate::declared_indexes()).await?;
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
