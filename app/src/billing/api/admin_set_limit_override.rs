use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: sets one limit for one workspace, winning over any plan. `value`: a whole number, "unlimited", or empty to remove the override.
#[server(prefix = "/api", endpoint = "admin_set_limit_override")]
pub async fn admin_set_limit_override(workspace_id: String, key: String, value: String) -> Result<AdminWorkspaceBilling, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_set_limit_override(&ctx, workspace_id, key, value).await
}
