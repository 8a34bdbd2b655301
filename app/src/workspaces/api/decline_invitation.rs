use leptos::prelude::*;

use crate::error::AppError;

/// Declines an invitation; the link is enough.
#[server(prefix = "/api", endpoint = "decline_invitation")]
pub async fn decline_invitation(token: String) -> Result<(), AppError> {
    let state = crate::platform::state()?;
    crate::workspaces::domain::decline_invitation(&state, token).await
}
