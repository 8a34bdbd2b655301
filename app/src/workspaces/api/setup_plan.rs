use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Wizard step 4: the plan and billing interval; ends the wizard.
#[server(prefix = "/api", endpoint = "setup_plan")]
pub async fn setup_plan(workspace: String, plan: String, interval: String) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::setup_plan(&ctx, plan, interval).await
}
