use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::PlanCatalog;

/// The plans on offer, and whether payment is set up.
#[server(prefix = "/api", endpoint = "list_plans")]
pub async fn list_plans() -> Result<PlanCatalog, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::workspaces::domain::plan_catalog(&ctx).await
}
