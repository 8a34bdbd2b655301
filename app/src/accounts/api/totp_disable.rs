use leptos::prelude::*;

use crate::error::AppError;

/// Turns two-factor off; needs the password and a code.
#[server(prefix = "/api", endpoint = "totp_disable")]
pub async fn totp_disable(password: String, code: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::totp_disable(&ctx, password, code).await
}
