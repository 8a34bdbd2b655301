use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Creates a workspace with the caller as its owner (step 1 of the setup wizard).
#[server(prefix = "/api", endpoint = "create_workspace")]
pub async fn create_workspace(name: String, kind: String) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::workspaces::domain::create_workspace(&ctx, name, kind).await
}
