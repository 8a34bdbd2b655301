use leptos::prelude::*;

use crate::bio::BioStats;
use crate::error::AppError;

/// Analytics for `from`..=`to` (`YYYY-MM-DD`, UTC).
#[server(prefix = "/api", endpoint = "get_bio_stats")]
pub async fn get_bio_stats(workspace: String, page: String, from: String, to: String) -> Result<BioStats, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::bio::analytics::stats(&ctx, page, from, to).await
}
