use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Moves the wizard back, or forward to a step already reached.
#[server(prefix = "/api", endpoint = "setup_goto")]
pub async fn setup_goto(workspace: String, step: u8) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::setup_goto(&ctx, step).await
}
