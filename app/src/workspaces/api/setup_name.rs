use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Wizard step 1 (again): the workspace's name and kind.
#[server(prefix = "/api", endpoint = "setup_name")]
pub async fn setup_name(workspace: String, name: String, kind: String) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::setup_name(&ctx, name, kind).await
}
