use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::PushSettings;

/// The VAPID public key, preferences per kind and the number of subscribed devices.
#[server(prefix = "/api", endpoint = "get_push_settings")]
pub async fn get_push_settings() -> Result<PushSettings, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::push_settings(&ctx).await
}
