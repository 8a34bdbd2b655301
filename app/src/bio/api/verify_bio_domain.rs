use leptos::prelude::*;

use crate::bio::BioPage;
use crate::error::AppError;

/// Looks up the domain's TXT record through the configured resolver.
#[server(prefix = "/api", endpoint = "verify_bio_domain")]
pub async fn verify_bio_domain(workspace: String, page: String, domain: String) -> Result<BioPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domains::verify(&ctx, page, domain).await
}
