use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Removes the logo.
#[server(prefix = "/api", endpoint = "remove_workspace_logo")]
pub async fn remove_workspace_logo(workspace: String) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::remove_logo(&ctx).await
}
