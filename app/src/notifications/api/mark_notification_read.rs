use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::NotificationList;

/// Marks one notification read.
#[server(prefix = "/api", endpoint = "mark_notification_read")]
pub async fn mark_notification_read(notification: String) -> Result<NotificationList, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::mark_read(&ctx, notification).await
}
