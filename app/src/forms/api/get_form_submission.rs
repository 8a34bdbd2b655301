use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::Submission;

/// One submission with every answer.
#[server(prefix = "/api", endpoint = "get_form_submission")]
pub async fn get_form_submission(workspace: String, id: String) -> Result<Submission, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::get_submission(&ctx, id).await
}
