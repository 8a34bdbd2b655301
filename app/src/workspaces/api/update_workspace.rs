use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::WorkspaceDetail;

/// Saves the settings. `version` is the one the form was loaded with.
#[server(prefix = "/api", endpoint = "update_workspace")]
pub async fn update_workspace(
    workspace: String,
    name: String,
    slug: String,
    brand_color: String,
    time_zone: String,
    currency: String,
    version: i64,
) -> Result<WorkspaceDetail, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::update_workspace(&ctx, name, slug, brand_color, time_zone, currency, version).await
}
