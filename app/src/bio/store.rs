//! Stored documents of M05 and their indexes.
//!
//! Every collection here carries `workspace_id` and is reached through the scoped layer,
//! except where a public request arrives with only a handle, a domain or a page id: those
//! lookups (in [`super::public`]) read published data only.

use mongodb::bson::{doc, DateTime};
use serde::{Deserialize, Serialize};

use super::BioContent;
use crate::platform::db::IndexSpec;

pub const PAGES: &str = "bio_pages";
/// Old handles that keep redirecting for 30 days after a change.
pub const REDIRECTS: &str = "bio_redirects";
pub const SIGNUPS: &str = "bio_signups";
pub const DOMAINS: &str = "bio_domains";
/// Per-page, per-day aggregates (views, uniques, clicks, referrers, devices, countries).
pub const DAYS: &str = "bio_days";
/// Hashed visitors of one day, to count unique visitors; they expire after two days.
pub const VISITORS: &str = "bio_visitors";
/// One random salt per day for the visitor hash; old salts expire.
pub const SALTS: &str = "analytics_salts";

/// The workspace-scoped collections of this module.
pub const SCOPED_COLLECTIONS: &[&str] = &[PAGES, REDIRECTS, SIGNUPS, DOMAINS, DAYS, VISITORS];

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::unique(PAGES, "handle_unique", doc! { "handle": 1 }),
        IndexSpec::new(PAGES, "by_workspace", doc! { "workspace_id": 1, "updated_at": -1 }),
        IndexSpec::unique(REDIRECTS, "old_handle_unique", doc! { "handle": 1 }),
        IndexSpec::ttl(REDIRECTS, "redirect_expiry", "expires_at", std::time::Duration::ZERO),
        IndexSpec::unique(SIGNUPS, "signup_once", doc! { "page_id": 1, "email": 1 }),
        // A workspace claims a domain once; many workspaces may claim it while unverified,
        // but only one claim of a domain can be verified; unverified claims lapse.
        IndexSpec::unique(DOMAINS, "workspace_domain_unique", doc! { "workspace_id": 1, "domain": 1 }),
        super::domains::verified_domain_unique(),
        IndexSpec::ttl(DOMAINS, "claim_expiry", "expires_at", std::time::Duration::ZERO),
        IndexSpec::new(DOMAINS, "by_page", doc! { "page_id": 1 }),
        IndexSpec::unique(DAYS, "page_day", doc! { "page_id": 1, "day": 1 }),
        IndexSpec::unique(VISITORS, "visitor_once", doc! { "page_id": 1, "day": 1, "hash": 1 }),
        IndexSpec::ttl(VISITORS, "visitor_expiry", "expires_at", std::time::Duration::ZERO),
        IndexSpec::unique(SALTS, "salt_per_day", doc! { "day": 1 }),
        IndexSpec::ttl(SALTS, "salt_expiry", "expires_at", std::time::Duration::ZERO),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PageDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub handle: String,
    pub draft: BioContent,
    #[serde(default)]
    pub published: Option<BioContent>,
    #[serde(default)]
    pub published_at: Option<DateTime>,
    pub version: i64,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RedirectDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    /// The old handle.
    pub handle: String,
    pub page_id: String,
    pub expires_at: DateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignupDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub page_id: String,
    pub page_handle: String,
    pub email: String,
    /// The sentence the visitor agreed to, as shown.
    pub consent_text: String,
    pub consented_at: DateTime,
    /// Where the contact came from, for the CRM (M06): "bio".
    pub source: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DomainDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub page_id: String,
    /// Lowercase, without a trailing dot.
    pub domain: String,
    pub token: String,
    pub verified: bool,
    #[serde(default)]
    pub verified_at: Option<DateTime>,
    #[serde(default)]
    pub last_error: Option<String>,
    pub created_at: DateTime,
    /// When an unverified claim lapses (a TTL index removes it); `None` while verified.
    #[serde(default)]
    pub expires_at: Option<DateTime>,
}
