use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::PendingInvitation;

/// Invites someone by e-mail with a role.
#[server(prefix = "/api", endpoint = "invite_member")]
pub async fn invite_member(workspace: String, email: String, role: String) -> Result<Vec<PendingInvitation>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::invite_member(&ctx, email, role).await
}
