use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::SessionUser;
use crate::error::AppError;

/// Updates name, language and time zone. `version` is the profile version the form was
/// loaded with (optional for API clients).
#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(name: String, locale: String, time_zone: String, #[server(default)] version: Option<i64>) -> Result<SessionUser, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::accounts::domain::update_profile(&ctx, name, locale, time_zone, version).await
}
