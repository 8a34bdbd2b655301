use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormConnect;

/// Sends a webhook delivery again, as a new delivery.
#[server(prefix = "/api", endpoint = "resend_form_delivery")]
pub async fn resend_form_delivery(workspace: String, form: String, delivery: String) -> Result<FormConnect, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::resend_delivery(&ctx, form, delivery).await
}
