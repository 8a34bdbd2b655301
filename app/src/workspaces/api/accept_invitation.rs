use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::Joined;

/// Accepts an invitation as the signed-in, invited person.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<Joined, AppError> {
    let ctx = crate::platform::require_user().await?;
    crate::workspaces::domain::accept_invitation(&ctx, token).await
}
