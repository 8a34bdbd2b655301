use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: every plan with its limits and Stripe price ids.
#[server(prefix = "/api", endpoint = "admin_list_plans")]
pub async fn admin_list_plans() -> Result<Vec<AdminPlan>, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_list_plans(&ctx).await
}
