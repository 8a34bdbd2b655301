use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::MemberInfo;

/// Changes a member's role.
#[server(prefix = "/api", endpoint = "change_member_role")]
pub async fn change_member_role(workspace: String, member: String, role: String) -> Result<Vec<MemberInfo>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::change_member_role(&ctx, member, role).await
}
