use leptos::prelude::*;

use crate::error::AppError;

/// Deletes one submission.
#[server(prefix = "/api", endpoint = "delete_form_submission")]
pub async fn delete_form_submission(workspace: String, id: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::delete_submission(&ctx, id).await
}
