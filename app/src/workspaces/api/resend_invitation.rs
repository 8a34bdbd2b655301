use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::PendingInvitation;

/// Sends a pending invitation again, with a new link.
#[server(prefix = "/api", endpoint = "resend_invitation")]
pub async fn resend_invitation(workspace: String, invitation: String) -> Result<Vec<PendingInvitation>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::resend_invitation(&ctx, invitation).await
}
