use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::MemberInfo;

/// Hands ownership to another member.
#[server(prefix = "/api", endpoint = "transfer_ownership")]
pub async fn transfer_ownership(workspace: String, member: String) -> Result<Vec<MemberInfo>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::transfer_ownership(&ctx, member).await
}
