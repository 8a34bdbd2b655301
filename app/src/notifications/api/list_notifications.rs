use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::NotificationList;

/// The caller's notifications, newest first, and the unread count.
#[server(prefix = "/api", endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<NotificationList, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::list(&ctx).await
}
