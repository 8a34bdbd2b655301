use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Starts Stripe Checkout for a paid plan (owner only) and returns the Checkout page's address to send the browser to. `coupon` may be empty. Refused with Unavailable "Payments are not set up" when Stripe or the plan's price is not configured.
#[server(prefix = "/api", endpoint = "start_checkout")]
pub async fn start_checkout(workspace: String, plan: String, interval: String, coupon: String) -> Result<String, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::billing::domain::start_checkout(&ctx, plan, interval, coupon).await
}
