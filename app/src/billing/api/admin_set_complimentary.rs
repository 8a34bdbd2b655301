use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: grants `plan` to a workspace for free until `until` (YYYY-MM-DD, end of that day UTC; empty: no end). An empty `plan` removes the grant.
#[server(prefix = "/api", endpoint = "admin_set_complimentary")]
pub async fn admin_set_complimentary(workspace_id: String, plan: String, until: String) -> Result<AdminWorkspaceBilling, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_set_complimentary(&ctx, workspace_id, plan, until).await
}
