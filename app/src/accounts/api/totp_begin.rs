use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::TotpSetup;
use crate::error::AppError;

/// Starts two-factor enrolment: a new secret, its QR code and otpauth URL.
#[server(prefix = "/api", endpoint = "totp_begin")]
pub async fn totp_begin() -> Result<TotpSetup, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::totp_begin(&ctx).await
}
