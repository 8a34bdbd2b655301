use leptos::prelude::*;

use crate::error::AppError;
use crate::shortlinks::ShortLink;

/// The workspace's short links, newest first.
#[server(prefix = "/api", endpoint = "list_short_links")]
pub async fn list_short_links(workspace: String) -> Result<Vec<ShortLink>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::shortlinks::domain::list_short_links(&ctx).await
}
