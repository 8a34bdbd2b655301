use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::SecurityEvent;
use crate::error::AppError;

/// The caller's recent security events.
#[server(prefix = "/api", endpoint = "security_log")]
pub async fn security_log() -> Result<Vec<SecurityEvent>, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::security_log(&ctx).await
}
