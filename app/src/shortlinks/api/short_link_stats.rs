use leptos::prelude::*;

use crate::error::AppError;
use crate::shortlinks::ShortLinkStats as Stats;

/// Clicks per day of one short link over the last `days` days (1 to 365, today included).
#[server(prefix = "/api", endpoint = "short_link_stats")]
pub async fn short_link_stats(workspace: String, id: String, days: u32) -> Result<Stats, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::shortlinks::domain::short_link_stats(&ctx, id, days).await
}
