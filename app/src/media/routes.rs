//! The media library's public file route: `GET /files/{id}/{variant}`.
//!
//! Files are public by design (they appear on public bio pages and sites), addressed by an
//! unguessable id. A file's bytes never change under its id, so they are cached for a year.

use crate::error::AppError;
use crate::platform::http::error_response;
use crate::platform::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `GET /files/{id}/{variant}`: `variant` is `original` or one of the resized widths.
pub async fn file(State(state): State<AppState>, Path((id, variant)): Path<(String, String)>) -> Response {
    match crate::media::domain::file(&state, &id, &variant).await {
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
        Ok(None) => error_response(AppError::not_found(crate::media::texts::MediaTexts::now().nf_file)),
        Err(e) => error_response(e),
    }
}

/// The module's public routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/files/{id}/{variant}", axum::routing::get(file))
}
