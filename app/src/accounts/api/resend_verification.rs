use leptos::prelude::*;

use crate::error::AppError;

/// Sends a new verification link, if the address has an unverified account.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification(email: String) -> Result<(), AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::resend_verification(&state, &meta, email).await
}
