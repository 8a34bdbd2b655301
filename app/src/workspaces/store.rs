//! Stored documents of M02 and M03 and their indexes.
//!
//! `workspaces` holds one document per workspace (keyed by its id). Everything else here
//! carries `workspace_id` and is reached through the scoped layer; those collections are
//! listed in [`SCOPED_COLLECTIONS`], which the export and the deletion walk.

use mongodb::bson::{doc, Binary, DateTime};
use mongodb::Collection;
use serde::{Deserialize, Serialize};

use super::{SetupState, WorkspaceRole};
use crate::error::AppError;
use crate::platform::db::IndexSpec;
use crate::platform::Db;

pub const WORKSPACES: &str = "workspaces";
pub const MEMBERS: &str = "members";
pub const INVITATIONS: &str = "invitations";
pub const AUDIT: &str = "audit_log";
pub const LOGOS: &str = "workspace_logos";
pub const PLANS: &str = "plans";

/// The workspace-scoped collections of this module.
pub const SCOPED_COLLECTIONS: &[&str] = &[MEMBERS, INVITATIONS, AUDIT, LOGOS];

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::unique(WORKSPACES, "slug_unique", doc! { "slug": 1 }),
        IndexSpec::unique(MEMBERS, "member_unique", doc! { "workspace_id": 1, "user_id": 1 }),
        IndexSpec::new(MEMBERS, "by_user", doc! { "user_id": 1 }),
        IndexSpec::unique(INVITATIONS, "token_unique", doc! { "token_hash": 1 }),
        IndexSpec::new(INVITATIONS, "by_workspace", doc! { "workspace_id": 1, "status": 1 }),
        IndexSpec::new(AUDIT, "by_workspace", doc! { "workspace_id": 1, "at": -1 }),
        IndexSpec::unique(LOGOS, "logo_per_workspace", doc! { "workspace_id": 1 }),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkspaceDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub brand_color: String,
    pub time_zone: String,
    pub currency: String,
    pub owner_id: String,
    pub plan: String,
    pub billing_interval: String,
    /// Set when a logo is stored: changes with every new logo.
    #[serde(default)]
    pub logo_version: Option<i64>,
    #[serde(default)]
    pub storage_used_bytes: i64,
    pub setup: SetupState,
    pub version: i64,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemberDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    pub role: WorkspaceRole,
    pub joined_at: DateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InvitationDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub email: String,
    pub role: WorkspaceRole,
    /// SHA-256 of the secret in the e-mailed link; the secret itself is never stored.
    pub token_hash: String,
    pub invited_by: String,
    pub status: String,
    pub sent_at: DateTime,
    pub expires_at: DateTime,
    pub created_at: DateTime,
    #[serde(default)]
    pub answered_at: Option<DateTime>,
    /// Its seat was given back to the seat limit (it expired, or it ended).
    #[serde(default)]
    pub seat_released: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub detail: String,
    pub at: DateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LogoDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub content_type: String,
    pub data: Binary,
    pub version: i64,
}

pub fn workspaces(db: &Db) -> Collection<WorkspaceDoc> {
    db.global(WORKSPACES)
}

/// The caller's role in `workspace_id`, or `None` when they are not a member. This is the
/// one read of membership that is not scoped, because it is what resolves the scope.
pub async fn member_role(db: &Db, workspace_id: &str, user_id: &str) -> Result<Option<WorkspaceRole>, AppError> {
    if workspace_id.is_empty() || workspace_id.len() > 64 {
        return Ok(None);
    }
    let found = db.global::<MemberDoc>(MEMBERS).find_one(doc! { "workspace_id": workspace_id, "user_id": user_id }).await?;
    Ok(found.map(|m| m.role))
}

/// Every membership of one person, across workspaces (for their workspace list).
pub async fn memberships_of(db: &Db, user_id: &str) -> Result<Vec<MemberDoc>, AppError> {
    use futures_util::TryStreamExt;
    Ok(db.global::<MemberDoc>(MEMBERS).find(doc! { "user_id": user_id }).limit(500).await?.try_collect().await?)
}
