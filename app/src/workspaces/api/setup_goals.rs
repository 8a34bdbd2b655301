use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::{WorkspaceDetail};

/// Wizard step 2: the main goals.
#[server(prefix = "/api", endpoint = "setup_goals")]
pub async fn setup_goals(workspace: String, goals: Vec<String>) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::setup_goals(&ctx, goals).await
}
