use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormFull;

/// Takes a form offline; its submissions are kept.
#[server(prefix = "/api", endpoint = "unpublish_form")]
pub async fn unpublish_form(workspace: String, form: String) -> Result<FormFull, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::unpublish_form(&ctx, form).await
}
