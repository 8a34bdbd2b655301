use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceSummary;

/// The workspaces the caller belongs to.
#[server(prefix = "/api", endpoint = "list_workspaces")]
pub async fn list_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::workspaces::domain::list_workspaces(&ctx).await
}
