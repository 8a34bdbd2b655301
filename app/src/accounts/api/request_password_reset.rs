use leptos::prelude::*;

use crate::error::AppError;

/// E-mails a password reset link, if the address has an account.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::request_password_reset(&state, &meta, email).await
}
