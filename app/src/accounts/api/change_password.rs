use leptos::prelude::*;

use crate::error::AppError;

/// Changes the password; other devices are signed out.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::change_password(&ctx, current_password, new_password).await
}
