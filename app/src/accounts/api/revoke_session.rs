use leptos::prelude::*;

use crate::error::AppError;

/// Ends one of the caller's sessions.
#[server(prefix = "/api", endpoint = "revoke_session")]
pub async fn revoke_session(session_id: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::revoke_session(&ctx, session_id).await
}
