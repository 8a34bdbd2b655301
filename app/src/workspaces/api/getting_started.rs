use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::StartChecklist;

/// The dashboard's "Getting started" steps: they follow the goals chosen in the wizard, and
/// each is done or not from the workspace's records.
#[server(prefix = "/api", endpoint = "getting_started")]
pub async fn getting_started(workspace: String) -> Result<StartChecklist, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::getting_started(&ctx).await
}
