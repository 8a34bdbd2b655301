use leptos::prelude::*;

use crate::accounts::AuthOptions;
use crate::error::AppError;

/// What this server offers for signing in (Google, e-mail). Public.
#[server(prefix = "/api", endpoint = "auth_options")]
pub async fn get_auth_options() -> Result<AuthOptions, AppError> {
    let state = crate::platform::state()?;
    Ok(crate::accounts::domain::auth_options(&state))
}
