use leptos::prelude::*;

use crate::error::AppError;
use crate::media::MediaLibrary;

/// Deletes an image that nothing uses any more.
#[server(prefix = "/api", endpoint = "delete_media")]
pub async fn delete_media(workspace: String, id: String) -> Result<MediaLibrary, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::media::domain::delete(&ctx, id).await
}
