use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormSummary;

/// The workspace's forms, most recently changed first, with their submission counts.
#[server(prefix = "/api", endpoint = "list_forms")]
pub async fn list_forms(workspace: String) -> Result<Vec<FormSummary>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::list_forms(&ctx).await
}
