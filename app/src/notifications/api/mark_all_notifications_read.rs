use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::NotificationList;

/// Marks every notification read.
#[server(prefix = "/api", endpoint = "mark_all_notifications_read")]
pub async fn mark_all_notifications_read() -> Result<NotificationList, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::mark_all_read(&ctx).await
}
