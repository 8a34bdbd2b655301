//! The job queue against a real MongoDB wire server.

#[path = "queue_common/mod.rs"]
mod common;

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::platform::jobs::{self, EnqueueOptions, Job, JobError, JobHandler, JobStatus};
use common::DbServer;
use mongodb::bson::{doc, DateTime, Document};

/// Fails every attempt with a fixed message.
struct AlwaysFails;

impl JobHandler for AlwaysFails {
    fn handle<'a>(&'a self, _job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async { Err("smtp said no".to_string()) })
    }
}

/// Records the payload `n` of every job; panics on `{"panic": true}`.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<i32>>,
}

impl JobHandler for Recorder {
    fn handle<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            if job.payload.get_bool("panic").unwrap_or(false) {
                panic!("boom in handler");
            }
            self.seen.lock().unwrap().push(job.payload.get_i32("n").map_err(|e| e.to_string())?);
            Ok(())
        })
    }
}

async fn count(db: &mongodb::Database, filter: Document) -> u64 {
    jobs::collection(db).count_documents(filter).await.unwrap()
}

/// Makes a queued job due now, as if its backoff had passed.
async fn fast_forward(db: &mongodb::Database, id: &str) {
    jobs::collection(db).update_one(doc! { "_id": id }, doc! { "$set": { "run_at": DateTime::now() } }).await.unwrap();
}

#[tokio::test]
async fn enqueue_is_idempotent() {
    let server = DbServer::start();
    let db = server.fresh_db("idem").await;

    let a = jobs::enqueue(&db, "send_email", doc! { "n": 1 }, "verify:user-1").await.unwrap();
    let b = jobs::enqueue(&db, "send_email", doc! { "n": 2 }, "verify:user-1").await.unwrap();
    assert_eq!(a, b, "same key must return the existing job");
    assert_eq!(count(&db, doc! {}).await, 1);
    let job = jobs::get(&db, &a).await.unwrap().unwrap();
    assert_eq!(job.payload, doc! { "n": 1 }, "the first payload wins");
    assert_eq!((job.status, job.attempts, job.max_attempts), (JobStatus::Queued, 0, jobs::DEFAULT_MAX_ATTEMPTS));

    // Racing enqueues of one key from many tasks still make one job.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move { jobs::enqueue(&db, "k", doc! { "n": i }, "race").await.unwrap() }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap());
    }
    assert_eq!(ids.len(), 1, "racing enqueues returned different ids: {ids:?}");
    assert_eq!(count(&db, doc! { "idempotency_key": "race" }).await, 1);

    let c = jobs::enqueue(&db, "send_email", doc! {}, "verify:user-2").await.unwrap();
    assert_ne!(a, c);
    assert_eq!(count(&db, doc! {}).await, 3);
}

#[tokio::test]
async fn indexes_exist_and_enforce_uniqueness() {
    let server = DbServer::start();
    let db = server.fresh_db("idx").await;
    jobs::ensure_indexes(&db).await.expect("second ensure is a no-op");
    let names = jobs::collection(&db).list_index_names().await.unwrap();
    assert!(names.contains(&"idempotency_key_unique".to_string()), "{names:?}");
    assert!(names.contains(&"status_run_at".to_string()), "{names:?}");
    let raw = db.collection::<Document>(jobs::COLLECTION);
    raw.insert_one(doc! { "_id": "x1", "idempotency_key": "same" }).await.unwrap();
    let dup = raw.insert_one(doc! { "_id": "x2", "idempotency_key": "same" }).await;
    assert!(dup.is_err(), "unique index did not reject a duplicate key");
}

#[tokio::test]
async fn concurrent_leasing_hands_each_job_to_one_worker() {
    let server = DbServer::start();
    let db = server.fresh_db("lease").await;
    const JOBS: usize = 40;
    for i in 0..JOBS {
        jobs::enqueue(&db, "k", doc! { "n": i as i32 }, &format!("key-{i}")).await.unwrap();
    }
    let mut workers = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        workers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(job) = jobs::lease_next(&db, Duration::from_secs(60)).await.unwrap() {
                assert_eq!(job.status, JobStatus::Running);
                assert_eq!(job.attempts, 1);
                got.push(job.id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    let mut busy_workers = 0;
    for w in workers {
        let got = w.await.unwrap();
        busy_workers += usize::from(!got.is_empty());
        all.extend(got);
    }
    let distinct: HashSet<_> = all.iter().cloned().collect();
    assert_eq!(distinct.len(), all.len(), "a job was leased twice");
    assert_eq!(all.len(), JOBS, "every job leased exactly once");
    assert!(busy_workers > 1, "the test did not actually run workers concurrently");
    assert_eq!(count(&db, doc! { "status": "running", "attempts": 1 }).await, JOBS as u64);
}

#[tokio::test]
async fn failures_back_off_then_fail_after_max_attempts() {
    let server = DbServer::start();
    let db = server.fresh_db("backoff").await;
    let opts = EnqueueOptions { max_attempts: Some(3), ..Default::default() };
    let id = jobs::enqueue_with(&db, "send_email", doc! {}, "k", opts).await.unwrap();
    let lease = Duration::from_secs(30);

    for attempt in 1..=2 {
        let before = DateTime::now().timestamp_millis();
        assert_eq!(jobs::run_once(&db, &AlwaysFails, lease).await.unwrap(), Some(JobStatus::Queued));
        let job = jobs::get(&db, &id).await.unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Queued);
        assert_eq!(job.attempts, attempt);
        assert_eq!(job.lease_until, None);
        assert_eq!(job.last_error.as_deref(), Some("smtp said no"));
        let delay = job.run_at.timestamp_millis() - before;
        let base = 1000i64 << attempt;
        assert!(delay >= base && delay <= base + base / 10 + 1000, "attempt {attempt}: rescheduled {delay} ms ahead");
        // Not due yet: nothing to run.
        assert_eq!(jobs::run_once(&db, &AlwaysFails, lease).await.unwrap(), None);
        fast_forward(&db, &id).await;
    }

    assert_eq!(jobs::run_once(&db, &AlwaysFails, lease).await.unwrap(), Some(JobStatus::Failed));
    let job = jobs::get(&db, &id).await.unwrap().unwrap();
    assert_eq!((job.status, job.attempts), (JobStatus::Failed, 3));
    assert_eq!(job.last_error.as_deref(), Some("smtp said no"));
    fast_forward(&db, &id).await;
    assert_eq!(jobs::run_once(&db, &AlwaysFails, lease).await.unwrap(), None, "failed jobs are never leased");
}

#[tokio::test]
async fn expired_lease_is_re_leased_and_fences_the_old_worker() {
    let server = DbServer::start();
    let db = server.fresh_db("expiry").await;
    let id = jobs::enqueue(&db, "k", doc! {}, "k").await.unwrap();

    let first = jobs::lease_next(&db, Duration::from_millis(1_500)).await.unwrap().expect("leased");
    assert_eq!((first.id.as_str(), first.attempts), (id.as_str(), 1));
    assert!(first.lease_until.is_some());
    assert!(jobs::lease_next(&db, Duration::from_secs(60)).await.unwrap().is_none(), "leased while the lease holds");

    tokio::time::sleep(Duration::from_millis(1_650)).await;
    let second = jobs::lease_next(&db, Duration::from_secs(60)).await.unwrap().expect("re-leased after expiry");
    assert_eq!((second.id.as_str(), second.attempts), (id.as_str(), 2));

    // The crashed-then-revived first worker can no longer touch the job.
    assert!(matches!(jobs::complete(&db, &first).await, Err(JobError::LeaseLost { attempt: 1, .. })));
    assert!(matches!(jobs::fail(&db, &first, "late").await, Err(JobError::LeaseLost { .. })));
    jobs::complete(&db, &second).await.unwrap();
    let job = jobs::get(&db, &id).await.unwrap().unwrap();
    assert_eq!((job.status, job.lease_until), (JobStatus::Done, None));
    assert!(matches!(jobs::complete(&db, &second).await, Err(JobError::LeaseLost { .. })), "done twice");
}

#[tokio::test]
async fn crash_on_last_attempt_marks_failed() {
    let server = DbServer::start();
    let db = server.fresh_db("crash").await;
    let opts = EnqueueOptions { max_attempts: Some(1), ..Default::default() };
    let id = jobs::enqueue_with(&db, "k", doc! {}, "k", opts).await.unwrap();
    jobs::lease_next(&db, Duration::from_millis(100)).await.unwrap().expect("leased");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(jobs::lease_next(&db, Duration::from_secs(60)).await.unwrap().is_none());
    let job = jobs::get(&db, &id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    assert!(job.last_error.unwrap().contains("lease expired"));
}

#[tokio::test]
async fn worker_runs_jobs_survives_panics_and_stops_on_shutdown() {
    let server = DbServer::start();
    let db = server.fresh_db("worker").await;
    let recorder = Arc::new(Recorder::default());
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let worker = jobs::spawn_worker(db.clone(), recorder.clone(), Duration::from_millis(50), stop_rx);

    let panicky = jobs::enqueue(&db, "k", doc! { "panic": true }, "panic").await.unwrap();
    for n in 0..3 {
        jobs::enqueue(&db, "k", doc! { "n": n }, &format!("n{n}")).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while count(&db, doc! { "status": "done" }).await < 3 {
        assert!(tokio::time::Instant::now() < deadline, "worker did not finish the jobs");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut seen = recorder.seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, vec![0, 1, 2]);
    let job = jobs::get(&db, &panicky).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Queued, "a panic is a failed attempt, retried later");
    assert!(job.last_error.unwrap().contains("boom in handler"));

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker).await.expect("worker stops").expect("worker did not panic");
}
