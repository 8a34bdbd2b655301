use leptos::prelude::*;

use super::SystemStatus;
use crate::error::AppError;

/// The server's own status. Public and read-only.
#[server(prefix = "/api", endpoint = "status")]
pub async fn get_status() -> Result<SystemStatus, AppError> {
    let state = crate::platform::state()?;
    Ok(super::domain::status(&state).await)
}
