//! A MongoDB-backed background job queue.
//!
//! Jobs live in the [`COLLECTION`] (`jobs`) collection. Any number of workers, in one process
//! or in many replicas, can pull from it at once: a job is handed out by one atomic
//! `findOneAndUpdate` ([`lease_next`]) that flips it to `running` and gives it a lease. A worker
//! that dies mid-job simply lets the lease run out, after which another worker picks the job up.
//!
//! Life of a job:
//!
//! ```text
//! enqueue ─► queued ──lease──► running ──complete──► done
//!              ▲                  │
//!              └──fail (backoff)──┤
//!                                 └──fail, attempts used up──► failed
//! ```
//!
//! * [`enqueue`] is idempotent: a second call with the same `idempotency_key` does nothing and
//!   returns the id of the job that already exists (a unique index enforces this, so it holds
//!   across replicas too).
//! * Every lease increments `attempts`. The attempt number doubles as a fencing token:
//!   [`complete`] and [`fail`] only touch the job while it is still `running` under *that*
//!   attempt, so a worker whose lease expired (and whose job was re-leased by someone else)
//!   cannot clobber the newer attempt; it gets [`JobError::LeaseLost`] instead.
//! * [`fail`] reschedules with exponential backoff ([`backoff_delay`]) until `max_attempts`
//!   is reached, then marks the job `failed` for good.
//!
//! Call [`ensure_indexes`] (or create [`indexes`] yourself) once at start-up.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use mongodb::bson::{self, doc, DateTime, Document};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::options::{IndexOptions, ReturnDocument};
use mongodb::{Collection, Database, IndexModel};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Name of the collection that holds the jobs.
pub const COLLECTION: &str = "jobs";
/// `max_attempts` of a job enqueued without an explicit value.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;
/// How long a job leased by [`spawn_worker`] may run before it is considered abandoned
/// (the handler is also cancelled after this long, and the attempt counts as failed).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(5 * 60);
/// Upper bound of the retry backoff.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);

/// MongoDB's error code for a unique-index violation.
const DUPLICATE_KEY: i32 = 11000;

/// Errors of the job queue.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database refused or failed an operation.
    #[error("job queue database error: {0}")]
    Database(#[from] mongodb::error::Error),
    /// The job is no longer `running` under the caller's attempt: its lease expired and it was
    /// leased again, or it was already finished.
    #[error("lease lost on job {id} (attempt {attempt}); another worker owns it now")]
    LeaseLost { id: String, attempt: i32 },
    /// `enqueue` hit the unique index but the existing job could not be read back.
    #[error("job with idempotency key {0:?} exists but could not be read")]
    Vanished(String),
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    /// The value stored in the `status` field.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }
}

/// One document of the `jobs` collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// A UUID (v4) string.
    #[serde(rename = "_id")]
    pub id: String,
    /// What the job does; handlers dispatch on it (e.g. `"send_email"`).
    pub kind: String,
    /// Arguments of the job.
    pub payload: Document,
    /// Caller-chosen key that makes enqueueing idempotent (unique).
    pub idempotency_key: String,
    pub status: JobStatus,
    /// Number of times the job has been leased (so: the current attempt while running).
    pub attempts: i32,
    pub max_attempts: i32,
    /// Not to be run before this time.
    pub run_at: DateTime,
    /// While running: when the lease runs out and the job may be taken over.
    pub lease_until: Option<DateTime>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

/// Optional settings of [`enqueue_with`].
#[derive(Debug, Clone, Default)]
pub struct EnqueueOptions {
    /// Earliest time to run the job (default: now).
    pub run_at: Option<DateTime>,
    /// Attempts before the job is marked `failed` (default: [`DEFAULT_MAX_ATTEMPTS`]; at least 1).
    pub max_attempts: Option<i32>,
}

/// Does the work of a job. Return `Err(message)` to have the job retried later (or failed once
/// it has used up its attempts). A panic in the handler counts as an `Err`.
///
/// Implement it on a struct; dispatch on [`Job::kind`] if one handler serves several kinds:
///
/// ```ignore
/// use std::{future::Future, pin::Pin};
/// use app::platform::jobs::{Job, JobHandler};
///
/// struct Emails;
///
/// impl JobHandler for Emails {
///     fn handle<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
///         Box::pin(async move {
///             match job.kind.as_str() {
///                 "send_email" => Ok(()), // decode job.payload and send it here
///                 other => Err(format!("unknown job kind {other}")),
///             }
///         })
///     }
/// }
/// ```
pub trait JobHandler: Send + Sync {
    fn handle<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

    /// The job kinds this handler can run now; `None` for all. Jobs of other kinds stay
    /// queued (untouched) for a worker that can run them.
    fn kinds(&self) -> Option<Vec<String>> {
        None
    }
}

/// The typed `jobs` collection of `db`.
pub fn collection(db: &Database) -> Collection<Job> {
    db.collection(COLLECTION)
}

/// Indexes of the `jobs` collection: a unique index on `idempotency_key`, and a compound index
/// on `(status, run_at)` that serves [`lease_next`].
pub fn indexes() -> Vec<IndexModel> {
    vec![
        IndexModel::builder()
            .keys(doc! { "idempotency_key": 1 })
            .options(IndexOptions::builder().name("idempotency_key_unique".to_string()).unique(true).build())
            .build(),
        IndexModel::builder().keys(doc! { "status": 1, "run_at": 1 }).options(IndexOptions::builder().name("status_run_at".to_string()).build()).build(),
    ]
}

/// Creates [`indexes`] on the `jobs` collection (a no-op when they already exist).
pub async fn ensure_indexes(db: &Database) -> Result<(), JobError> {
    collection(db).create_indexes(indexes()).await?;
    Ok(())
}

/// Adds a job to run now with [`DEFAULT_MAX_ATTEMPTS`]. Returns its id; if a job with the same
/// `idempotency_key` already exists (in any status), nothing is added and that job's id is
/// returned.
pub async fn enqueue(db: &Database, kind: &str, payload: Document, idempotency_key: &str) -> Result<String, JobError> {
    enqueue_with(db, kind, payload, idempotency_key, EnqueueOptions::default()).await
}

/// [`enqueue`] with a start time and/or a different attempt limit.
pub async fn enqueue_with(db: &Database, kind: &str, payload: Document, idempotency_key: &str, options: EnqueueOptions) -> Result<String, JobError> {
    let mut job = new_job(kind, payload, idempotency_key);
    job.max_attempts = options.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1);
    if let Some(at) = options.run_at {
        job.run_at = at;
    }
    let coll = collection(db);
    match coll.insert_one(&job).await {
        Ok(_) => Ok(job.id),
        Err(e) if is_duplicate_key(&e) => {
            let existing = db.collection::<Document>(COLLECTION).find_one(doc! { "idempotency_key": idempotency_key }).projection(doc! { "_id": 1 }).await?;
            existing.and_then(|d| d.get_str("_id").ok().map(str::to_string)).ok_or_else(|| JobError::Vanished(idempotency_key.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// A new queued job of `kind`, to insert inside a transaction (see
/// `module_server::enqueue_in`): `idempotency_key` must be new, since a duplicate aborts the
/// transaction.
pub fn new_job(kind: &str, payload: Document, idempotency_key: &str) -> Job {
    let now = DateTime::now();
    Job {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.to_string(),
        payload,
        idempotency_key: idempotency_key.to_string(),
        status: JobStatus::Queued,
        attempts: 0,
        max_attempts: DEFAULT_MAX_ATTEMPTS,
        run_at: now,
        lease_until: None,
        last_error: None,
        created_at: now,
        updated_at: now,
    }
}

/// Reads one job by id.
pub async fn get(db: &Database, id: &str) -> Result<Option<Job>, JobError> {
    Ok(collection(db).find_one(doc! { "_id": id }).await?)
}

/// Atomically takes the next due job, if any, and leases it for `lease_for`.
///
/// Due means `queued` with `run_at <= now`, or `running` with an expired lease (its worker
/// died). The oldest `run_at` goes first. The leased job comes back with `status = running`,
/// `attempts` incremented and `lease_until = now + lease_for`. Safe to call from any number of
/// workers at once: each job is handed to exactly one of them per lease.
///
/// A job whose worker died during its last allowed attempt is marked `failed` here instead of
/// being handed out again (so a job that crashes its worker cannot loop forever).
pub async fn lease_next(db: &Database, lease_for: Duration) -> Result<Option<Job>, JobError> {
    lease_next_of(db, lease_for, None).await
}

/// [`lease_next`], limited to jobs whose kind is in `kinds` (when given).
pub async fn lease_next_of(db: &Database, lease_for: Duration, kinds: Option<&[String]>) -> Result<Option<Job>, JobError> {
    let coll = collection(db);
    loop {
        let now = DateTime::now();
        let mut filter = doc! {
            "$or": [
                { "status": JobStatus::Queued.as_str(), "run_at": { "$lte": now } },
                { "status": JobStatus::Running.as_str(), "lease_until": { "$lt": now } },
            ]
        };
        if let Some(kinds) = kinds {
            filter.insert("kind", doc! { "$in": kinds });
        }
        let update = doc! {
            "$set": {
                "status": JobStatus::Running.as_str(),
                "lease_until": add(now, lease_for),
                "updated_at": now,
            },
            "$inc": { "attempts": 1 },
        };
        let leased = coll.find_one_and_update(filter, update).sort(doc! { "run_at": 1 }).return_document(ReturnDocument::After).await?;
        let Some(job) = leased else { return Ok(None) };
        if job.attempts <= job.max_attempts {
            return Ok(Some(job));
        }
        // Re-leased after a crash on the final attempt: give up on it and look further.
        let error = match &job.last_error {
            Some(e) => format!("lease expired on the last attempt (previous error: {e})"),
            None => "lease expired on the last attempt".to_string(),
        };
        let _ = finish(db, &job, JobStatus::Failed, doc! { "last_error": error }).await;
    }
}

/// Marks a leased job `done`.
///
/// Fails with [`JobError::LeaseLost`] if the job is no longer running under this attempt.
pub async fn complete(db: &Database, job: &Job) -> Result<(), JobError> {
    finish(db, job, JobStatus::Done, doc! {}).await
}

/// Records a failed attempt of a leased job. If the job has attempts left it goes back to
/// `queued` with `run_at = now + backoff_delay(attempts)`; otherwise it becomes `failed`.
/// Returns the job's new status ([`JobStatus::Queued`] or [`JobStatus::Failed`]).
///
/// Fails with [`JobError::LeaseLost`] if the job is no longer running under this attempt.
pub async fn fail(db: &Database, job: &Job, error: &str) -> Result<JobStatus, JobError> {
    let error = truncate(error, 4096);
    if job.attempts >= job.max_attempts {
        finish(db, job, JobStatus::Failed, doc! { "last_error": error }).await?;
        Ok(JobStatus::Failed)
    } else {
        let run_at = add(DateTime::now(), backoff_delay(job.attempts));
        finish(db, job, JobStatus::Queued, doc! { "last_error": error, "run_at": run_at }).await?;
        Ok(JobStatus::Queued)
    }
}

/// Delay before retrying after failed attempt number `attempts` (1-based):
/// `2^attempts` seconds, capped at [`MAX_BACKOFF`], plus up to 10 % random jitter so that a
/// burst of failures does not retry in lockstep.
pub fn backoff_delay(attempts: i32) -> Duration {
    let exp = attempts.clamp(0, 20) as u32;
    let base = Duration::from_secs(1u64 << exp).min(MAX_BACKOFF);
    let jitter_ms = fastrand::u64(0..=base.as_millis() as u64 / 10);
    base + Duration::from_millis(jitter_ms)
}

/// Leases at most one due job, runs `handler` on it (for at most `lease_for`), and records the
/// outcome. Returns `None` when no job was due, or the job's status afterwards
/// (`Done`, `Queued` for a retry, or `Failed`).
pub async fn run_once(db: &Database, handler: &dyn JobHandler, lease_for: Duration) -> Result<Option<JobStatus>, JobError> {
    let kinds = handler.kinds();
    let Some(job) = lease_next_of(db, lease_for, kinds.as_deref()).await? else { return Ok(None) };
    let outcome = match tokio::time::timeout(lease_for, catch_panic(handler.handle(&job))).await {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => Err(format!("handler panicked: {}", panic_message(&*panic))),
        Err(_) => Err(format!("handler timed out after {lease_for:?}")),
    };
    match outcome {
        Ok(()) => {
            complete(db, &job).await?;
            Ok(Some(JobStatus::Done))
        }
        Err(error) => {
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job attempt failed");
            Ok(Some(fail(db, &job, &error).await?))
        }
    }
}

/// Starts a worker task: it loops lease → handle → complete/fail, sleeping `poll` whenever no
/// job is due (or the database errs), with leases of [`DEFAULT_LEASE`].
///
/// It stops when `shutdown` becomes `true` or its sender is dropped; a job being handled at
/// that moment is finished first. Await the returned handle for a graceful stop. Start several
/// workers (here or in other replicas) for more throughput.
pub fn spawn_worker(db: Database, handler: Arc<dyn JobHandler>, poll: Duration, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if *shutdown.borrow_and_update() {
                break;
            }
            let idle = match run_once(&db, &*handler, DEFAULT_LEASE).await {
                Ok(Some(_)) => false,
                Ok(None) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "job worker: queue error");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    changed = shutdown.changed() => {
                        if changed.is_err() {
                            break;
                        }
                    }
                }
            }
        }
        tracing::debug!("job worker stopped");
    })
}

/// Moves a running job (fenced by its attempt number) to `status`, clearing its lease and
/// setting the extra fields in `set`.
async fn finish(db: &Database, job: &Job, status: JobStatus, mut set: Document) -> Result<(), JobError> {
    set.insert("status", status.as_str());
    set.insert("lease_until", bson::Bson::Null);
    set.insert("updated_at", DateTime::now());
    let filter = doc! { "_id": &job.id, "status": JobStatus::Running.as_str(), "attempts": job.attempts };
    let result = collection(db).update_one(filter, doc! { "$set": set }).await?;
    if result.matched_count == 1 {
        Ok(())
    } else {
        Err(JobError::LeaseLost { id: job.id.clone(), attempt: job.attempts })
    }
}

fn add(t: DateTime, d: Duration) -> DateTime {
    DateTime::from_millis(t.timestamp_millis().saturating_add(d.as_millis().min(i64::MAX as u128) as i64))
}

fn is_duplicate_key(e: &mongodb::error::Error) -> bool {
    match &*e.kind {
        ErrorKind::Write(WriteFailure::WriteError(w)) => w.code == DUPLICATE_KEY,
        ErrorKind::Command(c) => c.code == DUPLICATE_KEY,
        _ => false,
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Awaits `fut`, turning a panic inside it into `Err(payload)`.
async fn catch_panic<T>(mut fut: Pin<Box<dyn Future<Output = T> + Send + '_>>) -> Result<T, Box<dyn Any + Send>> {
    std::future::poll_fn(move |cx| match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
        Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
        Ok(Poll::Pending) => Poll::Pending,
        Err(panic) => Poll::Ready(Err(panic)),
    })
    .await
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic.downcast_ref::<&str>().copied().or_else(|| panic.downcast_ref::<String>().map(String::as_str)).unwrap_or("(non-string panic)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 1..=11 {
            let base = Duration::from_secs(1 << attempts);
            let d = backoff_delay(attempts);
            assert!(d >= base && d <= base + base / 10, "attempt {attempts}: {d:?}");
        }
        let d = backoff_delay(30);
        assert!(d >= MAX_BACKOFF && d <= MAX_BACKOFF + MAX_BACKOFF / 10);
    }

    #[test]
    fn status_strings_match_serde() {
        for s in [JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed] {
            assert_eq!(bson::to_bson(&s).unwrap(), bson::Bson::String(s.as_str().to_string()));
        }
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
