use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormFull;

/// One form: its draft, what is published, and its version.
#[server(prefix = "/api", endpoint = "get_form")]
pub async fn get_form(workspace: String, form: String) -> Result<FormFull, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::get_form(&ctx, form).await
}
