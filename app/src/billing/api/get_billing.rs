use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// The billing page: plan, status, renewal, usage against the effective limits, invoices and the catalog. Everyone in the workspace who may view billing (admins).
#[server(prefix = "/api", endpoint = "get_billing")]
pub async fn get_billing(workspace: String) -> Result<BillingOverview, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::billing::domain::get_billing(&ctx).await
}
