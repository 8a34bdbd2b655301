use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::InvitationPreview;

/// What an invitation link is about (works signed out).
#[server(prefix = "/api", endpoint = "preview_invitation")]
pub async fn preview_invitation(token: String) -> Result<InvitationPreview, AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    let signed_in = crate::platform::require_user().await.ok();
    crate::workspaces::domain::preview_invitation(&state, &meta, signed_in.as_ref(), token).await
}
