use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::FormConnect;

/// Chooses the members told of each submission (user ids), and whether by e-mail too.
#[server(prefix = "/api", endpoint = "save_form_notify")]
pub async fn save_form_notify(workspace: String, form: String, #[server(default)] notify: Vec<String>, email: bool) -> Result<FormConnect, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::save_notify(&ctx, form, notify, email).await
}
