//! The job runner: leases queued jobs and runs each by its kind. E-mail is the platform's
//! own kind; every other kind is a module's, found through the registry, so a module adds a
//! job kind in its own folder and nowhere else.

use std::time::Duration;

use mongodb::bson;

use super::mail::{OutgoingEmail, JOB_KIND as EMAIL};
use super::mailer::Mailer;
use super::{jobs, AppState};

pub struct JobRunner {
    mailer: Option<Mailer>,
    state: AppState,
}

impl JobRunner {
    /// `mailer` is `None` when SMTP is not configured: e-mail jobs then wait in the queue.
    pub fn new(state: AppState, mailer: Option<Mailer>) -> Self {
        JobRunner { mailer, state }
    }
}

impl jobs::JobHandler for JobRunner {
    fn handle<'a>(&'a self, job: &'a jobs::Job) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            if job.kind == EMAIL {
                let mailer = self.mailer.as_ref().ok_or("SMTP is not configured")?;
                let email: OutgoingEmail = bson::from_document(job.payload.clone()).map_err(|e| format!("bad e-mail payload: {e}"))?;
                return mailer.send(&email).await.map_err(|e| e.to_string());
            }
            let kind = self.state.registry.modules.iter().flat_map(|m| m.server.jobs.iter()).find(|k| k.kind == job.kind);
            match kind {
                Some(kind) => (kind.run)(&self.state, job.payload.clone()).await,
                None => Err(format!("no handler for job kind {:?}", job.kind)),
            }
        })
    }

    fn kinds(&self) -> Option<Vec<String>> {
        let mut kinds: Vec<String> = self.state.registry.modules.iter().flat_map(|m| m.server.jobs.iter()).map(|k| k.kind.to_string()).collect();
        if self.mailer.is_some() {
            kinds.push(EMAIL.to_string());
        }
        Some(kinds)
    }
}

/// Starts the worker that runs queued jobs (e-mail and every module's kinds). Several
/// replicas can run workers on the same queue.
pub fn start_worker(state: &AppState, stop: tokio::sync::watch::Receiver<bool>) {
    let mailer = match &state.config.smtp_url {
        Some(url) => match Mailer::from_url(url, &state.config.mail_from) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!(error = %e, "SMTP_URL or MAIL_FROM is not usable: e-mail will wait in the queue");
                None
            }
        },
        None => None,
    };
    if mailer.is_none() {
        // E-mail jobs stay queued (not failed) and go out once SMTP_URL is set and the
        // server restarts; other jobs run now.
        tracing::warn!("SMTP_URL is not set: e-mail (verification, password reset, invitations) waits in the queue until it is");
    }
    let runner = JobRunner::new(state.clone(), mailer);
    jobs::spawn_worker(state.db.database().clone(), std::sync::Arc::new(runner), Duration::from_millis(500), stop);
}

/// Starts every module's background tasks (flushers of counts kept in memory).
pub fn start_module_tasks(state: &AppState, stop: tokio::sync::watch::Receiver<bool>) {
    for m in state.registry.modules {
        if let Some(start) = m.server.start {
            start(state, stop.clone());
        }
    }
}
