use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::PendingInvitation;

/// Withdraws a pending invitation.
#[server(prefix = "/api", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(workspace: String, invitation: String) -> Result<Vec<PendingInvitation>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::revoke_invitation(&ctx, invitation).await
}
