use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::PushSettings;

/// Registers this device's push subscription.
#[server(prefix = "/api", endpoint = "push_subscribe")]
pub async fn push_subscribe(endpoint: String, p256dh: String, auth: String) -> Result<PushSettings, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::subscribe(&ctx, endpoint, p256dh, auth).await
}
