use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// One page, with its draft and published versions.
#[server(prefix = "/api", endpoint = "get_bio_page")]
pub async fn get_bio_page(workspace: String, page: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::get_page(&ctx, page).await
}
