use leptos::prelude::*;

use crate::error::AppError;

/// Deletes the workspace and everything in it (owner only).
#[server(prefix = "/api", endpoint = "delete_workspace")]
pub async fn delete_workspace(workspace: String, confirm_name: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::delete_workspace(&ctx, confirm_name).await
}
