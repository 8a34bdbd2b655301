//! Workspace routes outside the server-fn API: the logo image (public, cached by version)
//! and the JSON export (a real file download for the owner).

use crate::error::AppError;
use crate::platform::http::error_response;
use crate::platform::{enter_workspace, AppState, RequestMeta};
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `GET /logos/{workspace_id}`: the logo image. Its URL carries `?v=<version>`, so it can be
/// cached for a long time.
pub async fn logo(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match crate::workspaces::domain::logo(&state, &id).await {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_string()),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => error_response(AppError::not_found(crate::workspaces::texts::WorkspacesTexts::now().nf_logo)),
        Err(e) => error_response(e),
    }
}

/// `GET /api/export/{workspace_id}`: every record of the workspace as a JSON download.
/// Uses the access token only: a plain download cannot pass a rotated refresh cookie back,
/// so the client refreshes through a server fn first.
pub async fn export(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let meta = RequestMeta::from_parts(&parts, &state);
    let result = async {
        let mut ctx = crate::accounts::session::resolve_access(&state, meta).await?;
        enter_workspace(&mut ctx, &id).await?;
        let data = crate::workspaces::domain::export(&ctx).await?;
        let slug = data["workspace"]["slug"].as_str().unwrap_or("workspace").to_string();
        Ok::<_, AppError>((slug, data))
    }
    .await;
    match result {
        Ok((slug, data)) => {
            let body = serde_json::to_vec_pretty(&data).unwrap_or_default();
            let date = chrono_date();
            (
                [
                    (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"mewayz-{slug}-{date}.json\"")),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => error_response(e),
    }
}

/// Today's date as YYYY-MM-DD (UTC), for the download's file name.
fn chrono_date() -> String {
    let dt = mongodb::bson::DateTime::now().try_to_rfc3339_string().unwrap_or_default();
    dt.get(..10).unwrap_or("export").to_string()
}

/// The module's plain HTTP routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/logos/{workspace_id}", axum::routing::get(logo)).route("/api/export/{workspace_id}", axum::routing::get(export))
}
