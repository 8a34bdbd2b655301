use leptos::prelude::*;

use crate::error::AppError;
use crate::bio::{BioPage};

/// Detaches a custom domain.
#[server(prefix = "/api", endpoint = "remove_bio_domain")]
pub async fn remove_bio_domain(workspace: String, page: String, domain: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domains::remove(&ctx, page, domain).await
}
