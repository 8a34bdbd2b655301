//! Workspace routes outside the server-fn API: the logo image (public, cached by version)
//! and the JSON export (a real file download for the owner).

use app::platform::{enter_workspace, AppState, RequestMeta};
use app::AppError;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, axum::Json(e)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /logos/{workspace_id}`: the logo image. Its URL carries `?v=<version>`, so it can be
/// cached for a long time.
pub async fn logo(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match app::workspaces::domain::logo(&state, &id).await {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_string()),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => error_response(AppError::not_found(app::workspaces::texts::WorkspacesTexts::now().nf_logo)),
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
        let mut ctx = app::accounts::session::resolve_access(&state, meta).await?;
        enter_workspace(&mut ctx, &id).await?;
        let data = app::workspaces::domain::export(&ctx).await?;
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

/// `GET /api/notifications/stream`: Server-Sent Events for the notification centre. Sends
/// `changed` with the unread count whenever the person's notifications change (checked in
/// the database every 2 s, so it works across replicas). The stream ends after 10 minutes;
/// the browser reconnects (and refreshes its session first if needed).
pub async fn notification_stream(State(state): State<AppState>, req: Request) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use std::time::Duration;
    let (parts, _) = req.into_parts();
    let meta = RequestMeta::from_parts(&parts, &state);
    let ctx = match app::accounts::session::resolve_access(&state, meta).await {
        Ok(c) => c,
        Err(e) => return error_response(e),
    };
    let user_id = ctx.user_id.clone();
    let stream = futures_util::stream::unfold((state, user_id, None::<(u64, String)>, 0u32), |(state, user_id, last, ticks)| async move {
        if ticks >= 300 {
            return None;
        }
        if last.is_some() {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let now = app::notifications::domain::marker(&state, &user_id).await.ok();
        let event = match (&now, &last) {
            (Some(n), Some(l)) if n == l => Event::default().comment("unchanged"),
            (Some((unread, _)), _) => Event::default().event("changed").data(format!("{{\"unread\":{unread}}}")),
            (None, _) => Event::default().comment("database unavailable"),
        };
        let next = now.or(last);
        Some((Ok::<_, std::convert::Infallible>(event), (state, user_id, next, ticks + 1)))
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
