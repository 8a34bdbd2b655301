//! End to end: an e-mail enqueued as a job is sent by a worker and lands in the sink.

#[path = "queue_common/mod.rs"]
mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use app::platform::jobs::{self, Job, JobHandler, JobStatus};
use app::platform::mailer::{Mailer, OutgoingEmail};
use common::DbServer;
use devtools::smtp_sink;
use mongodb::bson;

/// Sends `send_email` jobs whose payload is an [`OutgoingEmail`].
struct EmailJobs {
    mailer: Mailer,
}

impl JobHandler for EmailJobs {
    fn handle<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            if job.kind != "send_email" {
                return Err(format!("unknown job kind {:?}", job.kind));
            }
            let email: OutgoingEmail = bson::from_document(job.payload.clone()).map_err(|e| e.to_string())?;
            self.mailer.send(&email).await.map_err(|e| e.to_string())
        })
    }
}

#[tokio::test]
async fn queued_email_is_delivered_by_a_worker() {
    let server = DbServer::start();
    let db = server.fresh_db("emailjob").await;
    let sink = smtp_sink::start("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
    let handler = Arc::new(EmailJobs { mailer: Mailer::from_url(&sink.url(), "noreply@mewayz.test").unwrap() });

    let email = OutgoingEmail {
        to: "new.user@example.com".into(),
        subject: "Verify your e-mail".into(),
        text: "Open https://app.mewayz.test/verify?t=abc to finish signing up.".into(),
        html: Some("<a href=\"https://app.mewayz.test/verify?t=abc\">Verify</a>".into()),
    };
    let payload = bson::to_document(&email).unwrap();
    let id = jobs::enqueue(&db, "send_email", payload.clone(), "verify:new.user").await.unwrap();
    assert_eq!(jobs::enqueue(&db, "send_email", payload, "verify:new.user").await.unwrap(), id);

    // A job for a bad address fails its attempt (and is rescheduled), without stopping others.
    let bad = OutgoingEmail { to: "nobody".into(), ..email.clone() };
    let bad_id = jobs::enqueue(&db, "send_email", bson::to_document(&bad).unwrap(), "bad").await.unwrap();

    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let worker = jobs::spawn_worker(db.clone(), handler, Duration::from_millis(50), stop_rx);

    let msg = sink.wait_for(|m| m.recipients == ["new.user@example.com"], Duration::from_secs(10)).await.expect("delivered");
    assert_eq!(msg.subject().as_deref(), Some("Verify your e-mail"));
    assert_eq!(msg.links(), vec!["https://app.mewayz.test/verify?t=abc".to_string()]);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let done = jobs::get(&db, &id).await.unwrap().unwrap().status == JobStatus::Done;
        let bad_job = jobs::get(&db, &bad_id).await.unwrap().unwrap();
        if done && bad_job.attempts == 1 && bad_job.status == JobStatus::Queued {
            assert!(bad_job.last_error.unwrap().contains("invalid recipient"));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "jobs did not settle");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker).await.unwrap().unwrap();
    assert_eq!(sink.messages().len(), 1, "the idempotent job sent exactly one mail");
}
