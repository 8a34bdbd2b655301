use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Platform admins: the coupons created here, newest first.
#[server(prefix = "/api", endpoint = "admin_list_coupons")]
pub async fn admin_list_coupons() -> Result<Vec<Coupon>, AppError> {
    let ctx = crate::platform::require_user().await?;
    ctx.require_platform_role(crate::platform::PlatformRole::Admin)?;
    crate::billing::domain::admin_list_coupons(&ctx).await
}
