use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Creates a page with a handle (the plan limits how many).
#[server(prefix = "/api", endpoint = "create_bio_page")]
pub async fn create_bio_page(workspace: String, handle: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::create_page(&ctx, handle).await
}
