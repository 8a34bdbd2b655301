use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Takes the page offline; the draft stays.
#[server(prefix = "/api", endpoint = "unpublish_bio_page")]
pub async fn unpublish_bio_page(workspace: String, page: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::unpublish(&ctx, page).await
}
