use leptos::prelude::*;

use crate::error::AppError;
use crate::workspaces::AuditEntry;

/// The workspace's audit log, newest first.
#[server(prefix = "/api", endpoint = "workspace_audit_log")]
pub async fn workspace_audit_log(workspace: String) -> Result<Vec<AuditEntry>, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::workspaces::domain::audit_log(&ctx).await
}
