use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Stores a new logo from a `data:` URL.
#[server(prefix = "/api", endpoint = "set_workspace_logo")]
pub async fn set_workspace_logo(workspace: String, logo: String) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::set_logo(&ctx, logo).await
}
