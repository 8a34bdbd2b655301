use leptos::prelude::*;

use crate::accounts::SessionUser;
use crate::error::AppError;

/// The signed-in person, or `None` when nobody is signed in on this device.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    match crate::platform::require_user().await {
        Ok(ctx) => crate::accounts::domain::current_user(&ctx).await.map(Some),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}
