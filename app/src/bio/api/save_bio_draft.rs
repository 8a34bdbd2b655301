use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Saves the draft (`content` is the JSON of a `BioContent`). `version` is the one the editor started from; a stale one gets a Conflict carrying the server's page.
#[server(prefix = "/api", endpoint = "save_bio_draft")]
pub async fn save_bio_draft(workspace: String, page: String, content: String, version: i64) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::save_draft(&ctx, page, content, version).await
}
