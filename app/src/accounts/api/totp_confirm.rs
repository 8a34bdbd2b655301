use leptos::prelude::*;

use crate::error::AppError;

/// Confirms enrolment with a code; returns the 10 recovery codes, once.
#[server(prefix = "/api", endpoint = "totp_confirm")]
pub async fn totp_confirm(code: String) -> Result<Vec<String>, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::totp_confirm(&ctx, code).await
}
