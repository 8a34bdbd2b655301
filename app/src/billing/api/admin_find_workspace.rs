use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: a workspace's billing, found by its id or its address (slug).
#[server(prefix = "/api", endpoint = "admin_find_workspace")]
pub async fn admin_find_workspace(query: String) -> Result<AdminWorkspaceBilling, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_find_workspace(&ctx, query).await
}
