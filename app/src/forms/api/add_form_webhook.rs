use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormConnect;

/// Adds a webhook that receives every completed submission, signed with a new secret.
#[server(prefix = "/api", endpoint = "add_form_webhook")]
pub async fn add_form_webhook(workspace: String, form: String, url: String) -> Result<FormConnect, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::add_webhook(&ctx, form, url).await
}
