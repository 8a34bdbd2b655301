use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::PendingInvitation;

/// Pending invitations.
#[server(prefix = "/api", endpoint = "list_invitations")]
pub async fn list_invitations(workspace: String) -> Result<Vec<PendingInvitation>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::list_invitations(&ctx).await
}
