use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormFull;

/// Saves the draft (`content`, the definition as JSON) over `version`; an older version is a conflict.
#[server(prefix = "/api", endpoint = "save_form")]
pub async fn save_form(workspace: String, form: String, content: String, version: i64) -> Result<FormFull, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::save_form(&ctx, form, content, version).await
}
