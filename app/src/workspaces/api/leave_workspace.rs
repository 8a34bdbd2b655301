use leptos::prelude::*;

use crate::error::AppError;

/// The caller leaves the workspace.
#[server(prefix = "/api", endpoint = "leave_workspace")]
pub async fn leave_workspace(workspace: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::leave_workspace(&ctx).await
}
