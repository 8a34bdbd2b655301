use leptos::prelude::*;

use crate::error::AppError;
use crate::shortlinks::ShortLink;

/// Creates a short link to `url`. An empty `slug` gets an automatic one. Every call makes a
/// new link, even for a URL shortened before.
#[server(prefix = "/api", endpoint = "create_short_link")]
pub async fn create_short_link(workspace: String, url: String, slug: String) -> Result<ShortLink, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::shortlinks::domain::create_short_link(&ctx, url, slug).await
}
