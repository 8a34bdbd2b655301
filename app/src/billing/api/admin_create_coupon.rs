use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: creates a percentage coupon in Stripe (id = code) and stores it. `duration_months` 0 means forever.
#[server(prefix = "/api", endpoint = "admin_create_coupon")]
pub async fn admin_create_coupon(code: String, percent_off: i64, duration_months: i64) -> Result<Vec<Coupon>, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_create_coupon(&ctx, code, percent_off, duration_months).await
}
