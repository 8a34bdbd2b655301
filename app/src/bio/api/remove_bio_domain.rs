use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Detaches a custom domain.
#[server(prefix = "/api", endpoint = "remove_bio_domain")]
pub async fn remove_bio_domain(workspace: String, page: String, domain: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domains::remove(&ctx, page, domain).await
}
