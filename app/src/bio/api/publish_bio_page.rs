use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Copies the draft at `version` to the published page visitors see.
#[server(prefix = "/api", endpoint = "publish_bio_page")]
pub async fn publish_bio_page(workspace: String, page: String, version: i64) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::publish(&ctx, page, version).await
}
