use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::SessionInfo;
use crate::error::AppError;

/// The caller's active sessions.
#[server(prefix = "/api", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::list_sessions(&ctx).await
}
