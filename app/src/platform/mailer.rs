//! Outgoing e-mail over SMTP (lettre, tokio, rustls).
//!
//! [`Mailer::from_url`] takes an SMTP URL, in lettre's format:
//!
//! | URL | connection |
//! | --- | --- |
//! | `smtp://127.0.0.1:2525` | plain text, no TLS (local sinks such as `mail-sink`) |
//! | `smtp://user:pass@smtp.example.com:587?tls=required` | STARTTLS, required |
//! | `smtp://smtp.example.com:587?tls=opportunistic` | STARTTLS when offered |
//! | `smtps://user:pass@smtp.example.com` | implicit TLS (port 465 unless given) |
//!
//! User name and password are percent-decoded; a path (`smtp://host/mail.example.com`) sets the
//! name sent in EHLO. Certificates are checked against the bundled Mozilla roots.
//!
//! [`OutgoingEmail`] is plain data (serde), so it can be stored as a job payload and sent by a
//! worker; [`MailError::is_permanent`] tells a worker whether retrying can help.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// How long one SMTP command may take before the send fails (transiently).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest subject accepted (characters).
const MAX_SUBJECT_CHARS: usize = 998;

/// An e-mail to send: one recipient, a plain-text body, and optionally an HTML alternative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    /// Recipient: `user@example.com` or `Name <user@example.com>`.
    pub to: String,
    pub subject: String,
    /// Plain-text body (always sent; the fallback for clients without HTML).
    pub text: String,
    /// HTML body; when present the message is `multipart/alternative` (text, then HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// Errors of [`Mailer`].
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL could not be used (the URL itself is not repeated: it may hold a password).
    #[error("invalid SMTP URL: {0}")]
    InvalidUrl(String),
    /// The configured sender is not a valid mailbox.
    #[error("invalid sender address {address:?}: {reason}")]
    InvalidFrom { address: String, reason: String },
    /// The recipient is not a valid single mailbox.
    #[error("invalid recipient address {address:?}: {reason}")]
    InvalidTo { address: String, reason: String },
    /// The subject is empty, too long, or holds a line break.
    #[error("invalid subject: {0}")]
    InvalidSubject(&'static str),
    /// [`Mailer::from_url`] was called outside a Tokio runtime (the connection pool needs one).
    #[error("Mailer::from_url must be called inside a Tokio runtime")]
    NoRuntime,
    /// lettre could not assemble the message.
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The server answered with a permanent (5xx) error: retrying the same message won't help.
    #[error("SMTP server rejected the message: {0}")]
    Rejected(#[source] lettre::transport::smtp::Error),
    /// Connection, TLS, timeout or transient (4xx) failure: the send may succeed later.
    #[error("SMTP delivery failed: {0}")]
    Transport(#[source] lettre::transport::smtp::Error),
}

impl MailError {
    /// True when sending the same e-mail again cannot succeed (bad input or a 5xx answer).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, MailError::Transport(_))
    }
}

/// Sends e-mail through one SMTP server, from one sender. Cheap to share (`Arc<Mailer>`):
/// connections are pooled and reused.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The transport holds credentials: show only the sender.
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for the server at `smtp_url` (see the module docs for the format), sending as
    /// `from` (`noreply@example.com` or `Example <noreply@example.com>`). Does not connect yet.
    ///
    /// Must be called inside a Tokio runtime: the connection pool runs a background task.
    pub fn from_url(smtp_url: &str, from: &str) -> Result<Mailer, MailError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(MailError::NoRuntime);
        }
        let from = parse_mailbox(from).map_err(|reason| MailError::InvalidFrom { address: from.to_string(), reason })?;
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url).map_err(|e| MailError::InvalidUrl(e.to_string()))?.timeout(Some(SMTP_TIMEOUT)).build();
        Ok(Mailer { transport, from })
    }

    /// The sender mailbox, as it appears in `From:`.
    pub fn from_mailbox(&self) -> String {
        self.from.to_string()
    }

    /// Connects and says EHLO (and STARTTLS/AUTH as configured): for start-up or health checks.
    pub async fn test_connection(&self) -> Result<(), MailError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(MailError::InvalidUrl("the SMTP server did not accept a connection".into())),
            Err(e) => Err(classify(e)),
        }
    }

    /// Builds the MIME message for `email` without sending it (its `formatted()` bytes are
    /// what goes over the wire).
    pub fn build_message(&self, email: &OutgoingEmail) -> Result<Message, MailError> {
        let to = parse_recipient(&email.to).map_err(|reason| MailError::InvalidTo { address: email.to.clone(), reason })?;
        validate_subject(&email.subject)?;
        let builder = Message::builder().from(self.from.clone()).to(to).subject(email.subject.as_str()).message_id(Some(format!(
            "<{}@{}>",
            uuid::Uuid::new_v4().simple(),
            self.from.email.domain()
        )));
        let message = match &email.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(email.text.clone(), html.clone()))?,
            None => builder.header(ContentType::TEXT_PLAIN).body(email.text.clone())?,
        };
        Ok(message)
    }

    /// Sends `email`. A body with `html` goes out as `multipart/alternative`; otherwise as a
    /// single `text/plain` part (UTF-8; lettre picks 7bit, quoted-printable or base64).
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = self.build_message(email)?;
        self.transport.send(message).await.map_err(classify)?;
        Ok(())
    }
}

fn classify(e: lettre::transport::smtp::Error) -> MailError {
    if e.is_permanent() {
        MailError::Rejected(e)
    } else {
        MailError::Transport(e)
    }
}

/// Parses exactly one mailbox (`a@b.c` or `Name <a@b.c>`), refusing lists and trailing text.
fn parse_mailbox(input: &str) -> Result<Mailbox, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("empty".into());
    }
    if input.chars().any(|c| c.is_control()) {
        return Err("contains control characters".into());
    }
    let mailbox = Mailbox::from_str(input).map_err(|e| e.to_string())?;
    // lettre's parser stops after the first mailbox; make sure nothing was left behind
    // (e.g. "a@b.c, evil@d.e") by checking the address re-appears at the very end.
    let addr = mailbox.email.to_string();
    let rest_ok = match &mailbox.name {
        None => input.eq_ignore_ascii_case(&addr) || input == format!("<{addr}>"),
        Some(_) => input.ends_with(&format!("<{addr}>")),
    };
    if !rest_ok {
        return Err("expected a single address".into());
    }
    Ok(mailbox)
}

/// A recipient: one mailbox whose domain is fully qualified (no `user@localhost`).
fn parse_recipient(input: &str) -> Result<Mailbox, String> {
    let mailbox = parse_mailbox(input)?;
    let domain = mailbox.email.domain();
    if !domain.contains('.') && !domain.starts_with('[') {
        return Err("the domain is not fully qualified".into());
    }
    Ok(mailbox)
}

fn validate_subject(subject: &str) -> Result<(), MailError> {
    if subject.trim().is_empty() {
        return Err(MailError::InvalidSubject("empty"));
    }
    if subject.contains(['\r', '\n']) {
        return Err(MailError::InvalidSubject("contains a line break"));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(MailError::InvalidSubject("longer than 998 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_parsing() {
        assert!(parse_mailbox("user@example.com").is_ok());
        assert!(parse_mailbox(" Name <user@example.com> ").is_ok());
        assert!(parse_mailbox("\"Doe, Jane\" <jane@example.com>").is_ok());
        for bad in ["", "user", "user@", "@example.com", "a@b.com, c@d.com", "a@b.com c@d.com", "a@b.com\r\nBcc: x@y.z"] {
            assert!(parse_mailbox(bad).is_err(), "accepted {bad:?}");
        }
        assert!(parse_mailbox("noreply@localhost").is_ok());
        assert!(parse_recipient("user@localhost").is_err());
    }

    #[test]
    fn outside_a_runtime_is_an_error_not_a_panic() {
        assert!(matches!(Mailer::from_url("smtp://127.0.0.1:2525", "a@b.co"), Err(MailError::NoRuntime)));
    }

    #[tokio::test]
    async fn from_url_errors_are_clear() {
        assert!(matches!(Mailer::from_url("smtp://127.0.0.1:2525", "nope"), Err(MailError::InvalidFrom { .. })));
        assert!(matches!(Mailer::from_url("http://x", "a@b.co"), Err(MailError::InvalidUrl(_))));
        assert!(matches!(Mailer::from_url("not a url", "a@b.co"), Err(MailError::InvalidUrl(_))));
        let secret = Mailer::from_url("smtps://u:hunter2@smtp.example.com?bad", "a@b.co").unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert!(Mailer::from_url("smtp://smtp.example.com:587?tls=required", "Me <a@b.co>").is_ok());
    }

    #[tokio::test]
    async fn builds_alternative_and_plain() {
        let m = Mailer::from_url("smtp://127.0.0.1:2525", "App <noreply@app.example>").unwrap();
        let mut e = OutgoingEmail { to: "u@example.com".into(), subject: "Hi".into(), text: "t".into(), html: Some("<b>h</b>".into()) };
        let raw = String::from_utf8(m.build_message(&e).unwrap().formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("@app.example>"), "message-id domain: {raw}");
        e.html = None;
        let raw = String::from_utf8(m.build_message(&e).unwrap().formatted()).unwrap();
        assert!(!raw.contains("multipart") && raw.contains("text/plain"), "{raw}");
        e.subject = "a\r\nBcc: x@y.z".into();
        assert!(matches!(m.build_message(&e), Err(MailError::InvalidSubject(_))));
        e.subject = "ok".into();
        e.to = "a@b.com, c@d.com".into();
        assert!(matches!(m.build_message(&e), Err(MailError::InvalidTo { .. })));
    }
}
