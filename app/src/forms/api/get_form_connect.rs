use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormConnect;

/// The form's "Share and connect" tab: its link, who is told of submissions, its webhooks and their deliveries.
#[server(prefix = "/api", endpoint = "get_form_connect")]
pub async fn get_form_connect(workspace: String, form: String) -> Result<FormConnect, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::get_connect(&ctx, form).await
}
