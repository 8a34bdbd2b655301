use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::PushSettings;

/// Turns push on or off for one kind of notification.
#[server(prefix = "/api", endpoint = "set_notification_preference")]
pub async fn set_notification_preference(kind: String, push: bool) -> Result<PushSettings, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::set_preference(&ctx, kind, push).await
}
