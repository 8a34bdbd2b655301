//! What M07 stores: the forms, and their submissions (partial and complete).

use mongodb::bson::{doc, DateTime};
use serde::{Deserialize, Serialize};

use super::{Answers, DeliveryState, FormDef, FormSettings, SubmissionStatus};
use crate::platform::db::IndexSpec;

/// The forms.
pub const FORMS: &str = "forms";
/// The submissions, one document per visitor's run through a form.
pub const SUBMISSIONS: &str = "form_submissions";

/// Webhook deliveries, with their tries.
pub const DELIVERIES: &str = "form_deliveries";
/// Completed submissions per workspace and calendar month (`_id`: "{workspace}:{YYYY-MM}").
pub const MONTHS: &str = "form_months";

pub const SCOPED_COLLECTIONS: &[&str] = &[FORMS, SUBMISSIONS, DELIVERIES, MONTHS];

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        // `/f/{slug}` has no workspace in it, so slugs are unique across the platform.
        IndexSpec::unique(FORMS, "slug_unique", doc! { "slug": 1 }),
        IndexSpec::new(FORMS, "workspace_updated", doc! { "workspace_id": 1, "updated_at": -1 }),
        // The visitor's key makes a submission idempotent: one document per form and key,
        // however often it is posted.
        IndexSpec::unique(SUBMISSIONS, "form_key_unique", doc! { "form_id": 1, "key": 1 }),
        IndexSpec::new(SUBMISSIONS, "workspace_form_created", doc! { "workspace_id": 1, "form_id": 1, "created_at": -1 }),
        IndexSpec::new(SUBMISSIONS, "workspace_form_status", doc! { "workspace_id": 1, "form_id": 1, "status": 1, "created_at": -1 }),
        // What the CRM (M08) takes in: submissions by the e-mail address they gave.
        IndexSpec::new(SUBMISSIONS, "workspace_contact", doc! { "workspace_id": 1, "contact_email": 1 }),
        IndexSpec::new(DELIVERIES, "workspace_form_created", doc! { "workspace_id": 1, "form_id": 1, "created_at": -1 }),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FormDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub slug: String,
    pub draft: FormDef,
    #[serde(default)]
    pub published: Option<FormDef>,
    #[serde(default)]
    pub published_at: Option<DateTime>,
    pub version: i64,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub created_by: String,
    #[serde(default)]
    pub settings: FormSettings,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmissionDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub form_id: String,
    /// The visitor's key: chosen by their browser (or by the server for a visitor without
    /// script) and secret, it is the idempotency key and the resume link's token.
    pub key: String,
    pub status: SubmissionStatus,
    pub answers: Answers,
    /// The step the visitor is at (partial), as an index into the published steps.
    #[serde(default)]
    pub step: i64,
    /// Lowercased answers, for the owner's search.
    #[serde(default)]
    pub search: String,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    #[serde(default)]
    pub completed_at: Option<DateTime>,
    /// The first e-mail address answered, lowercased: how the CRM (M08) will make or find
    /// the contact. Set when the submission completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AttemptDoc {
    pub at: DateTime,
    pub status: Option<i32>,
    pub ms: i64,
    pub error: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeliveryDoc {
    /// "{submission id}-{webhook id}" for the first delivery, so that it is made once.
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub form_id: String,
    pub hook_id: String,
    pub url: String,
    pub submission_id: String,
    /// The JSON posted, the same on every try.
    pub body: String,
    pub state: DeliveryState,
    pub attempts: Vec<AttemptDoc>,
    pub created_at: DateTime,
    #[serde(default)]
    pub resent_from: Option<String>,
}

/// The text the owner's search looks in: every answer, lowercased.
pub fn search_text(answers: &Answers) -> String {
    let mut out = String::new();
    for v in answers.values().flatten() {
        if out.len() > 4000 {
            break;
        }
        out.push_str(&v.to_lowercase());
        out.push('\n');
    }
    out
}
