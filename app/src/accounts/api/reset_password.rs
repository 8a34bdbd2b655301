use leptos::prelude::*;

use crate::error::AppError;

/// Sets a new password from an e-mailed link and signs out every device.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::reset_password(&state, &meta, token, password).await
}
