//! The database handle, index declarations and the mapping of driver errors into [`AppError`].

use std::time::Duration;

use mongodb::bson::doc;
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Collection, Database, IndexModel};

use super::Config;
use crate::error::AppError;

/// One index that must exist. Modules declare theirs in their descriptor.
#[derive(Debug, Clone)]
pub struct IndexSpec {
    pub collection: &'static str,
    pub model: IndexModel,
}

impl IndexSpec {
    /// An index on `keys` (e.g. `doc! {"workspace_id": 1, "email": 1}`).
    pub fn new(collection: &'static str, name: &str, keys: mongodb::bson::Document) -> Self {
        IndexSpec { collection, model: IndexModel::builder().keys(keys).options(IndexOptions::builder().name(name.to_string()).build()).build() }
    }

    /// A unique index on `keys`.
    pub fn unique(collection: &'static str, name: &str, keys: mongodb::bson::Document) -> Self {
        IndexSpec { collection, model: IndexModel::builder().keys(keys).options(IndexOptions::builder().name(name.to_string()).unique(true).build()).build() }
    }

    /// A TTL index: documents are removed once `field` (a date) is `after` in the past.
    pub fn ttl(collection: &'static str, name: &str, field: &str, after: Duration) -> Self {
        IndexSpec {
            collection,
            model: IndexModel::builder().keys(doc! { field: 1 }).options(IndexOptions::builder().name(name.to_string()).expire_after(after).build()).build(),
        }
    }
}

tokio::task_local! {
    static ROUND_TRIPS: std::cell::Cell<u32>;
}

/// Runs `work`, counting the database commands it sends (each one round trip). The driver
/// reports every command on the task that sends it, so work spawned elsewhere (the job
/// worker, the change stream) is not counted.
pub async fn counting_round_trips<F: std::future::Future>(work: F) -> (F::Output, u32) {
    ROUND_TRIPS
        .scope(std::cell::Cell::new(0), async move {
            let out = work.await;
            (out, ROUND_TRIPS.with(|n| n.get()))
        })
        .await
}

#[derive(Clone, Debug)]
pub struct Db {
    client: Client,
    db: Database,
    timeout: Duration,
}

impl Db {
    /// Builds a client. This does no network I/O for `mongodb://` URIs, so the server starts
    /// even when the database is down; calls then fail fast with [`AppError::Unavailable`].
    pub async fn connect(config: &Config) -> Result<Db, mongodb::error::Error> {
        let mut opts = ClientOptions::parse(&config.mongodb_uri).await?;
        opts.app_name = Some("mewayz".into());
        opts.server_selection_timeout = Some(config.mongodb_timeout);
        opts.connect_timeout = Some(config.mongodb_timeout);
        // Counts the commands each request sends (see [`counting_round_trips`]).
        opts.command_event_handler = Some(mongodb::event::EventHandler::callback(|e| {
            if let mongodb::event::command::CommandEvent::Started(_) = e {
                let _ = ROUND_TRIPS.try_with(|n| n.set(n.get() + 1));
            }
        }));
        let client = Client::with_options(opts)?;
        let db = client.database(&config.mongodb_db);
        Ok(Db { client, db, timeout: config.mongodb_timeout })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Platform-wide records (people, sessions, handles, slugs, plans) and lookups across
    /// workspaces (a public page by its handle): the one explicit door besides the
    /// workspace-scoped layer ([`super::Ctx::scoped`]). Grep `global(` to find them all.
    pub fn global<T: Send + Sync>(&self, name: &str) -> Collection<T> {
        self.db.collection(name)
    }

    /// The GridFS bucket `name` (file storage; each file's metadata names its workspace).
    pub fn bucket(&self, name: &str) -> mongodb::gridfs::GridFsBucket {
        self.db.gridfs_bucket(mongodb::options::GridFsBucketOptions::builder().bucket_name(name.to_string()).build())
    }

    /// Asks the server to answer, bounded by the configured timeout.
    pub async fn ping(&self) -> Result<(), AppError> {
        let fut = self.db.run_command(doc! { "ping": 1 });
        match tokio::time::timeout(self.timeout + Duration::from_millis(250), fut).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => {
                metrics::counter!("db_errors_total", "kind" => "timeout").increment(1);
                Err(AppError::unavailable(DB_UNAVAILABLE))
            }
        }
    }

    /// Creates every declared index. Creating an index that already exists is a no-op.
    pub async fn ensure_indexes(&self, specs: &[IndexSpec]) -> Result<usize, AppError> {
        for spec in specs {
            self.db.collection::<mongodb::bson::Document>(spec.collection).create_index(spec.model.clone()).await?;
        }
        Ok(specs.len())
    }
}

pub const DB_UNAVAILABLE: &str = "The database is not reachable right now. Please try again in a moment.";

/// True when the driver error means "the database is not reachable" rather than a bad query.
pub fn is_unreachable(e: &mongodb::error::Error) -> bool {
    use mongodb::error::ErrorKind;
    matches!(*e.kind, ErrorKind::ServerSelection { .. } | ErrorKind::Io(_) | ErrorKind::ConnectionPoolCleared { .. } | ErrorKind::DnsResolve { .. })
}

/// True for a duplicate-key error (code 11000), e.g. a taken e-mail or slug.
pub fn is_duplicate_key(e: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    match &*e.kind {
        ErrorKind::Write(WriteFailure::WriteError(w)) => w.code == 11000,
        ErrorKind::Command(c) => c.code == 11000,
        ErrorKind::InsertMany(m) => m.write_errors.as_ref().is_some_and(|ws| ws.iter().any(|w| w.code == 11000)),
        _ => e.to_string().contains("E11000"),
    }
}

impl From<mongodb::error::Error> for AppError {
    fn from(e: mongodb::error::Error) -> Self {
        if is_unreachable(&e) {
            metrics::counter!("db_errors_total", "kind" => "unreachable").increment(1);
            tracing::warn!(error = %e, "database unreachable");
            AppError::unavailable(DB_UNAVAILABLE)
        } else {
            metrics::counter!("db_errors_total", "kind" => "other").increment(1);
            internal("database", &e)
        }
    }
}

impl From<mongodb::bson::ser::Error> for AppError {
    fn from(e: mongodb::bson::ser::Error) -> Self {
        internal("bson encode", &e)
    }
}

impl From<mongodb::bson::de::Error> for AppError {
    fn from(e: mongodb::bson::de::Error) -> Self {
        internal("bson decode", &e)
    }
}

/// Logs an internal cause with a fresh reference and returns the sanitized error.
pub fn internal(context: &str, cause: &dyn std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase();
    tracing::error!(%reference, context, error = %cause, "internal error");
    AppError::Internal { reference }
}

impl From<super::jobs::JobError> for AppError {
    fn from(e: super::jobs::JobError) -> Self {
        match e {
            super::jobs::JobError::Database(m) => m.into(),
            other => internal("job queue", &other),
        }
    }
}
