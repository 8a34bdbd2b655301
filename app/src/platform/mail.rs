//! Outgoing e-mail. Domain code calls [`send_later`]: the message becomes a job in the
//! MongoDB queue, and the job runner sends it over SMTP with retries.

use mongodb::bson;

pub use super::mailer::OutgoingEmail;
use super::{jobs, AppState};
use crate::error::AppError;

pub const JOB_KIND: &str = "email.send";

/// Queues `email` once per `key` (a second call with the same key does nothing).
pub async fn send_later(state: &AppState, key: &str, email: OutgoingEmail) -> Result<(), AppError> {
    let payload = bson::to_document(&email)?;
    jobs::enqueue(state.db.database(), JOB_KIND, payload, key).await?;
    Ok(())
}

/// Escapes text for the HTML part of an e-mail.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A plain, accessible HTML e-mail with one call-to-action link.
pub fn action_email(to: &str, subject: &str, intro: &str, action_label: &str, url: &str, outro: &str) -> OutgoingEmail {
    let text = format!("{intro}\n\n{action_label}:\n{url}\n\n{outro}\n\n— Mewayz\n");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#141821\">\
         <p>{}</p><p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;background:#3149c9;color:#ffffff;\
         border-radius:8px;text-decoration:none\">{}</a></p><p style=\"font-size:14px\">If the button does not work, \
         open this address: <br>{}</p><p>{}</p><p>— Mewayz</p></body></html>",
        html_escape(intro),
        html_escape(url),
        html_escape(action_label),
        html_escape(url),
        html_escape(outro)
    );
    OutgoingEmail { to: to.to_string(), subject: subject.to_string(), text, html: Some(html) }
}

/// Runs queued jobs by kind: e-mail, and web push. Later modules add theirs here.
pub struct JobRunner {
    mailer: Option<super::mailer::Mailer>,
    state: Option<AppState>,
}

impl JobRunner {
    /// `mailer` is `None` when SMTP is not configured: e-mail jobs then wait in the queue.
    pub fn new(mailer: Option<super::mailer::Mailer>) -> Self {
        JobRunner { mailer, state: None }
    }

    /// Also runs jobs that need the application (web push).
    pub fn with_state(mut self, state: AppState) -> Self {
        self.state = Some(state);
        self
    }
}

impl jobs::JobHandler for JobRunner {
    fn handle<'a>(&'a self, job: &'a jobs::Job) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            match job.kind.as_str() {
                crate::notifications::push::JOB_KIND => {
                    let state = self.state.as_ref().ok_or("push jobs need the application state")?;
                    crate::notifications::domain::run_push_job(state, &job.payload).await
                }
                JOB_KIND => {
                    let mailer = self.mailer.as_ref().ok_or("SMTP is not configured")?;
                    let email: OutgoingEmail = bson::from_document(job.payload.clone()).map_err(|e| format!("bad e-mail payload: {e}"))?;
                    mailer.send(&email).await.map_err(|e| e.to_string())
                }
                other => Err(format!("no handler for job kind {other:?}")),
            }
        })
    }

    fn kinds(&self) -> Option<Vec<String>> {
        let mut kinds = vec![];
        if self.mailer.is_some() {
            kinds.push(JOB_KIND.to_string());
        }
        if self.state.is_some() {
            kinds.push(crate::notifications::push::JOB_KIND.to_string());
        }
        Some(kinds)
    }
}
