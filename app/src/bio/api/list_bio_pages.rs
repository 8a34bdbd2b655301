use leptos::prelude::*;

use crate::error::AppError;
use crate::bio::BioPageSummary;

/// The workspace's bio pages.
#[server(prefix = "/api", endpoint = "list_bio_pages")]
pub async fn list_bio_pages(workspace: String) -> Result<Vec<BioPageSummary>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::list_pages(&ctx).await
}
