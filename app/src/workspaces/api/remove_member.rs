use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::MemberInfo;

/// Removes a member.
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(workspace: String, member: String) -> Result<Vec<MemberInfo>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::remove_member(&ctx, member).await
}
