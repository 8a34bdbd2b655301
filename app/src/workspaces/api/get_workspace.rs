use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// One workspace's settings and the caller's role in it.
#[server(prefix = "/api", endpoint = "get_workspace")]
pub async fn get_workspace(workspace: String) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::get_workspace(&ctx).await
}
