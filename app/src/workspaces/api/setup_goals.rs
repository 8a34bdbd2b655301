use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Wizard step 2: the main goals.
///
/// `goals` defaults to empty: the form encoding sends an empty list as no field at all, and
/// the rule "choose at least one" must answer that on `goals`, not as an unreadable request.
#[server(prefix = "/api", endpoint = "setup_goals")]
pub async fn setup_goals(workspace: String, #[server(default)] goals: Vec<String>) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::setup_goals(&ctx, goals).await
}
