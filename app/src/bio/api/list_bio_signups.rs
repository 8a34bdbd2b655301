use leptos::prelude::*;

use crate::bio::BioSignup;
use crate::error::AppError;

/// The e-mail sign-ups left on a page.
#[server(prefix = "/api", endpoint = "list_bio_signups")]
pub async fn list_bio_signups(workspace: String, page: String) -> Result<Vec<BioSignup>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::domain::list_signups(&ctx, page).await
}
