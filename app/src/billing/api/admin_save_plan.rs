use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: creates or changes a plan. `limits` is a JSON object of limit key → number or null (no limit); price ids may be empty.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "admin_save_plan")]
pub async fn admin_save_plan(
    id: String,
    name: String,
    monthly_price: i64,
    yearly_price: i64,
    currency: String,
    limits: String,
    stripe_price_monthly: String,
    stripe_price_yearly: String,
) -> Result<Vec<AdminPlan>, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_save_plan(&ctx, id, name, monthly_price, yearly_price, currency, limits, stripe_price_monthly, stripe_price_yearly).await
}
