use leptos::prelude::*;

use crate::error::AppError;

/// Deletes a page, its statistics and its domains.
#[server(prefix = "/api", endpoint = "delete_bio_page")]
pub async fn delete_bio_page(workspace: String, page: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::delete_page(&ctx, page).await
}
