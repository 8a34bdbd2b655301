use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormFull;

/// Publishes the draft as it was at `version`, at `/f/{slug}`.
#[server(prefix = "/api", endpoint = "publish_form")]
pub async fn publish_form(workspace: String, form: String, version: i64) -> Result<FormFull, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::publish_form(&ctx, form, version).await
}
