use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Attaches a custom domain and returns the TXT token to publish.
#[server(prefix = "/api", endpoint = "add_bio_domain")]
pub async fn add_bio_domain(workspace: String, page: String, domain: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domains::add(&ctx, page, domain).await
}
