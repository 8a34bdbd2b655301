use leptos::prelude::*;

use crate::error::AppError;
use crate::forms::SubmissionPage;

/// One page of a form's submissions, newest first, filtered by status ("", "partial", "complete"), days `from`–`to` and text `query`; `after` is the previous page's `next`.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "list_form_submissions")]
pub async fn list_form_submissions(
    workspace: String,
    form: String,
    status: String,
    from: String,
    to: String,
    query: String,
    after: String,
) -> Result<SubmissionPage, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::forms::domain::list_submissions(&ctx, form, status, from, to, query, after).await
}
