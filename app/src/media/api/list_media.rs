use leptos::prelude::*;

use crate::error::AppError;
use crate::media::MediaLibrary;

/// The workspace's media library, newest first, with its storage use.
#[server(prefix = "/api", endpoint = "list_media")]
pub async fn list_media(workspace: String) -> Result<MediaLibrary, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::media::domain::list(&ctx).await
}
