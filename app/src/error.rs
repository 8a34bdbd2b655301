//! The one error type that crosses the network.
//!
//! Server functions return `Result<T, AppError>`. The server maps each kind to an HTTP
//! status (see [`AppError::status_code`]); the client decodes the JSON body back into this
//! same enum, so a validation error arrives with its field messages intact and the UI can
//! show each message next to the field that caused it.
//!
//! Internal causes are never carried: [`AppError::Internal`] holds only a reference that
//! matches a line in the server log.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message about one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name, as the form and the server fn argument call it.
    pub field: String,
    /// A sentence a person can act on.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session.
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// The record does not exist, or is not visible to the caller.
    NotFound { what: String },
    /// Bad input. `fields` says which inputs and why.
    Validation { message: String, fields: Vec<FieldError> },
    /// A write carried a stale version. `current` is the server's copy as JSON.
    Conflict { current: serde_json::Value },
    /// A plan limit was reached.
    LimitReached { limit: String, plan: String, upgrade_to: Option<String> },
    /// A record beyond a plan limit, after the workspace's plan dropped (an expired grace
    /// period, a downgrade, a lowered override): it is kept and can be viewed, deleted or
    /// taken offline, but not changed until the workspace is within the limit again.
    /// `what` is the record ("page"), `limit` the counted things ("link-in-bio pages"),
    /// `included` how many the `plan` includes.
    ReadOnly { what: String, limit: String, included: i64, plan: String, upgrade_to: Option<String> },
    /// Too many attempts.
    RateLimited { retry_after_secs: u64 },
    /// A dependency (the database, an external service) is not available right now.
    Unavailable { message: String },
    /// The browser could not reach the server (offline, DNS, connection refused).
    Network { detail: String },
    /// Something failed on the server. The cause is in the server log under `reference`.
    Internal { reference: String },
}

use crate::i18n::{fill, CommonTexts};

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = CommonTexts::now();
        let text = match self {
            AppError::Unauthenticated => t.err_unauthenticated.to_string(),
            AppError::Forbidden => t.err_forbidden.to_string(),
            AppError::NotFound { what } => fill(t.err_not_found, &[("what", what)]),
            AppError::Validation { message, .. } => message.clone(),
            AppError::Conflict { .. } => t.err_conflict.to_string(),
            AppError::LimitReached { limit, plan, upgrade_to } => {
                let mut s = fill(t.err_limit, &[("limit", limit), ("plan", plan)]);
                if let Some(p) = upgrade_to {
                    s.push_str(&fill(t.err_limit_upgrade, &[("plan", p)]));
                }
                s
            }
            AppError::ReadOnly { what, limit, included, plan, upgrade_to } => {
                let mut s = fill(t.err_read_only, &[("what", what), ("plan", plan), ("included", &counted(*included, limit))]);
                match upgrade_to {
                    Some(p) => s.push_str(&fill(t.err_read_only_upgrade, &[("plan", p)])),
                    None => s.push_str(t.err_read_only_wait),
                }
                s
            }
            AppError::RateLimited { retry_after_secs } => fill(t.err_rate_limited, &[("wait", &human_seconds(*retry_after_secs))]),
            AppError::Unavailable { message } => message.clone(),
            AppError::Network { .. } => t.err_network.to_string(),
            AppError::Internal { reference } => fill(t.err_internal, &[("reference", reference)]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for AppError {}

/// "1 link-in-bio page", "2 link-in-bio pages", "no link-in-bio pages".
fn counted(n: i64, things: &str) -> String {
    let t = CommonTexts::now();
    match n {
        i64::MIN..=0 => fill(t.counted_none, &[("things", &things)]),
        1 => fill(t.counted_one, &[("thing", &things.strip_suffix('s').unwrap_or(things))]),
        n => fill(t.counted_many, &[("n", &n), ("things", &things)]),
    }
}

/// "a second", "30 seconds", "2 minutes", in the current language.
pub fn human_seconds(secs: u64) -> String {
    let t = CommonTexts::now();
    match secs {
        0..=1 => t.wait_second.to_string(),
        2..=59 => fill(t.wait_seconds, &[("n", &secs)]),
        60 => t.wait_minute.to_string(),
        _ => fill(t.wait_minutes, &[("n", &secs.div_ceil(60))]),
    }
}

impl AppError {
    /// A validation error about a single field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Validation { message: message.clone(), fields: vec![FieldError { field: field.to_string(), message }] }
    }

    /// A validation error from several field messages. Returns `Ok(())` when there are none.
    pub fn check_fields(fields: Vec<FieldError>) -> Result<(), AppError> {
        if fields.is_empty() {
            return Ok(());
        }
        let message = if fields.len() == 1 { fields[0].message.clone() } else { CommonTexts::now().err_fix_fields.to_string() };
        Err(AppError::Validation { message, fields })
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        AppError::Unavailable { message: message.into() }
    }

    /// The message for one field, if this is a validation error that names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation { fields, .. } => fields.iter().find(|f| f.field == field).map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status the server answers with for this kind of error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound { .. } => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::LimitReached { .. } => 402,
            AppError::ReadOnly { .. } => 402,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable { .. } => 503,
            // A network error never comes from the server; if it ever did, it is a gateway problem.
            AppError::Network { .. } => 502,
            AppError::Internal { .. } => 500,
        }
    }

    /// True when the client could not reach the server at all.
    pub fn is_network(&self) -> bool {
        matches!(self, AppError::Network { .. })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The client could not reach the server.
            ServerFnErrorErr::Request(detail) => AppError::Network { detail },
            // The server could not read the arguments: bad or hostile input.
            ServerFnErrorErr::Args(_) => AppError::Validation { message: CommonTexts::now().err_unreadable.to_string(), fields: vec![] },
            ServerFnErrorErr::MissingArg(name) => AppError::Validation {
                message: fill(CommonTexts::now().err_missing_value, &[("name", &name)]),
                fields: vec![FieldError { field: name, message: CommonTexts::now().err_required.to_string() }],
            },
            other => AppError::Internal { reference: short_reference(&other.to_string()) },
        }
    }
}

/// A short, stable reference for an error message, so a person can quote it and an operator
/// can find it in the log. Not a secret and not reversible.
fn short_reference(text: &str) -> String {
    // FNV-1a, 32 bits: small, deterministic and dependency-free.
    let mut h: u32 = 0x811c9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    format!("E{h:08X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_round_trips_through_the_wire_encoding() {
        let err = AppError::Validation {
            message: "Please correct the highlighted fields.".into(),
            fields: vec![
                FieldError { field: "email".into(), message: "Enter a valid e-mail address.".into() },
                FieldError { field: "name".into(), message: "Enter a name.".into() },
            ],
        };
        let bytes = err.ser();
        let back = AppError::de(bytes);
        assert_eq!(back, err);
        assert_eq!(back.field_message("email").as_deref(), Some("Enter a valid e-mail address."));
        assert_eq!(back.field_message("phone"), None);
        assert_eq!(back.status_code(), 422);
    }

    #[test]
    fn undecodable_body_becomes_an_error_not_a_panic() {
        let back = AppError::de("<html>proxy error</html>".into());
        assert!(matches!(back, AppError::Internal { .. }), "{back:?}");
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(AppError::RateLimited { retry_after_secs: 90 }.to_string(), "Too many attempts. Try again in 2 minutes.");
        assert_eq!(
            AppError::LimitReached { limit: "members".into(), plan: "Free".into(), upgrade_to: Some("Pro".into()) }.to_string(),
            "You have reached the members limit of the Free plan. Upgrade to Pro to lift it."
        );
        assert!(AppError::check_fields(vec![]).is_ok());
    }

    #[test]
    fn read_only_names_the_limit_and_the_plan_that_lifts_it() {
        let e = AppError::ReadOnly { what: "page".into(), limit: "link-in-bio pages".into(), included: 1, plan: "Free".into(), upgrade_to: Some("Pro".into()) };
        assert_eq!(e.to_string(), "This page is read-only: the Free plan includes 1 link-in-bio page. Upgrade to Pro to edit it.");
        assert_eq!(e.status_code(), 402);
        assert_eq!(AppError::de(e.ser()), e);
        let e = AppError::ReadOnly { what: "page".into(), limit: "link-in-bio pages".into(), included: 0, plan: "Pro".into(), upgrade_to: None };
        assert_eq!(
            e.to_string(),
            "This page is read-only: the Pro plan includes no link-in-bio pages. It can be edited again once the workspace is within the limit."
        );
    }
}
