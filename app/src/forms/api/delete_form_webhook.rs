use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormConnect;

/// Removes a webhook.
#[server(prefix = "/api", endpoint = "delete_form_webhook")]
pub async fn delete_form_webhook(workspace: String, form: String, hook: String) -> Result<FormConnect, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::delete_webhook(&ctx, form, hook).await
}
