use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::MemberInfo;

/// The workspace's members.
#[server(prefix = "/api", endpoint = "list_members")]
pub async fn list_members(workspace: String) -> Result<Vec<MemberInfo>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::list_members(&ctx).await
}
