use leptos::prelude::*;

use crate::bio::BioPageList;
use crate::error::AppError;

/// The workspace's bio pages, with the plan's page limit.
#[server(prefix = "/api", endpoint = "list_bio_pages")]
pub async fn list_bio_pages(workspace: String) -> Result<BioPageList, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::list_pages(&ctx).await
}
