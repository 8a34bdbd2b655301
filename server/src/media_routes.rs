//! The media library's public file route: `GET /files/{id}/{variant}`.
//!
//! Files are public by design (they appear on public bio pages and sites), addressed by an
//! unguessable id. A file's bytes never change under its id, so they are cached for a year.

use app::platform::AppState;
use app::AppError;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, axum::Json(e)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /files/{id}/{variant}`: `variant` is `original` or one of the resized widths.
pub async fn file(State(state): State<AppState>, Path((id, variant)): Path<(String, String)>) -> Response {
    match app::media::domain::file(&state, &id, &variant).await {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_string()),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => error_response(AppError::not_found(app::media::texts::MediaTexts::now().nf_file)),
        Err(e) => error_response(e),
    }
}
