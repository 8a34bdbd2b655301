use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormFull;

/// Creates a form titled `title`, with a starter step; it is a draft until published.
#[server(prefix = "/api", endpoint = "create_form")]
pub async fn create_form(workspace: String, title: String) -> Result<FormFull, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::create_form(&ctx, title).await
}
