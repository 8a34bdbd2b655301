use leptos::prelude::*;

use crate::error::AppError;

/// Ends this device's session.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::sign_out(&state, meta).await
}
