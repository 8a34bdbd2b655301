use leptos::prelude::*;

use crate::error::AppError;

/// Deletes a short link and its statistics.
#[server(prefix = "/api", endpoint = "delete_short_link")]
pub async fn delete_short_link(workspace: String, id: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::shortlinks::domain::delete_short_link(&ctx, id).await
}
