use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Changes the handle; the old one redirects for 30 days.
#[server(prefix = "/api", endpoint = "change_bio_handle")]
pub async fn change_bio_handle(workspace: String, page: String, handle: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::change_handle(&ctx, page, handle).await
}
