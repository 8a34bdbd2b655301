use leptos::prelude::*;

use crate::error::AppError;

/// Ends every session of the caller, on every device.
#[server(prefix = "/api", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::sign_out_everywhere(&ctx).await
}
