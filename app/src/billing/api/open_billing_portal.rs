use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Opens the Stripe customer portal (payment methods, invoices, cancel) and returns its address (owner only).
#[server(prefix = "/api", endpoint = "open_billing_portal")]
pub async fn open_billing_portal(workspace: String) -> Result<String, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::billing::domain::open_billing_portal(&ctx).await
}
