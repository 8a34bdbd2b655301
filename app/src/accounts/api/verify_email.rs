use leptos::prelude::*;

use crate::error::AppError;

/// Confirms an e-mail address from the e-mailed link.
#[server(prefix = "/api", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::verify_email(&state, &meta, token).await
}
