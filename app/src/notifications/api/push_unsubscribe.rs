use leptos::prelude::*;

use crate::error::AppError;
use crate::notifications::PushSettings;

/// Removes this device's push subscription.
#[server(prefix = "/api", endpoint = "push_unsubscribe")]
pub async fn push_unsubscribe(endpoint: String) -> Result<PushSettings, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::notifications::domain::unsubscribe(&ctx, endpoint).await
}
