use leptos::prelude::*;

use crate::error::AppError;

/// Deletes a form and all its submissions.
#[server(prefix = "/api", endpoint = "delete_form")]
pub async fn delete_form(workspace: String, form: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::delete_form(&ctx, form).await
}
