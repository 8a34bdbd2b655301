use leptos::prelude::*;

use crate::error::AppError;
use crate::media::MediaFile;

/// Uploads an image from a `data:` URL (the browser's file reader result).
#[server(prefix = "/api", endpoint = "upload_media")]
pub async fn upload_media(workspace: String, name: String, data: String) -> Result<MediaFile, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::media::domain::upload(&ctx, name, data).await
}
