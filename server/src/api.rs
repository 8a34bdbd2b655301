//! The server-fn route. Every `#[server]` fn in `app` is registered automatically; this
//! handler runs it with the application state in context, answers unknown paths with the
//! shared error, and gives each error kind its proper HTTP status.

use std::collections::HashSet;
use std::sync::OnceLock;

use app::i18n::CommonTexts;
use app::platform::AppState;
use app::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use leptos::prelude::provide_context;

static SERVER_FNS: OnceLock<HashSet<(String, Method)>> = OnceLock::new();

/// Indexes the registered server fns (path and method). Called once at start.
pub fn index_server_fns() {
    SERVER_FNS.get_or_init(|| server_fn_paths().into_iter().collect());
}

/// Every registered server fn, as (path, method). The probe tests enumerate this.
pub fn server_fn_paths() -> Vec<(String, Method)> {
    let mut v: Vec<(String, Method)> = leptos::server_fn::axum::server_fn_paths().map(|(p, m)| (p.to_string(), m)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// True when `path` is the path of a registered server fn.
pub fn is_server_fn(path: &str) -> bool {
    SERVER_FNS.get().is_some_and(|s| s.iter().any(|(p, _)| p == path))
}

pub async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let known = SERVER_FNS.get_or_init(|| server_fn_paths().into_iter().collect());
    if !known.contains(&(path.clone(), req.method().clone())) {
        return if known.iter().any(|(p, _)| *p == path) {
            error_response(
                AppError::Validation { message: format!("{} is not allowed here.", req.method()), fields: vec![] },
                Some(StatusCode::METHOD_NOT_ALLOWED),
            )
        } else {
            error_response(AppError::not_found(app::i18n::CommonTexts::now().api_endpoint), None)
        };
    }

    let req = match readable_body(req).await {
        Ok(req) => req,
        Err(res) => return res,
    };
    let ctx_state = state.clone();
    let call = leptos_axum::handle_server_fns_with_context(move || provide_context(ctx_state.clone()), req);
    let (res, trips) = app::platform::db::counting_round_trips(call).await;
    metrics::histogram!("db_round_trips_per_call").record(f64::from(trips));
    let mut res = with_error_status(res.into_response()).await;
    if state.config.round_trips_header {
        res.headers_mut().insert("x-db-round-trips", axum::http::HeaderValue::from(trips));
    }
    res
}

/// True when a server fn can read a body sent with `content_type`. Every server fn takes its
/// arguments as a form (server_fn's default `PostUrl` encoding), and server_fn reads any body
/// as text whatever its type, then answers one it cannot read as text with an internal error
/// (a 500). So the body types are checked here: a form (what the client sends), no type at
/// all (a bodiless call), or JSON (text, which fails to read as a form with the shared
/// validation error, as a malformed form does). Anything else (raw bytes, multipart, XML, images,
/// text/plain, which browsers may send across origins without asking) is refused with 415
/// before server_fn sees it. A fn declared later with another input encoding must be added
/// here.
fn readable_content_type(content_type: Option<&str>) -> bool {
    let Some(t) = content_type else { return true };
    let essence = t.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(essence.as_str(), "" | "application/x-www-form-urlencoded" | "application/json")
}

/// Reads the body before server_fn does: server_fn answers a body it cannot read (of a type
/// it does not take, over the size limit when sent without `Content-Length`, or bytes that
/// are not UTF-8 where it expects a form) with an internal error, a 500. Here they get the
/// shared error: 415, 413, or the same "could not be read" validation error as a form that
/// does not deserialize.
async fn readable_body(req: Request) -> Result<Request, Response> {
    let (parts, body) = req.into_parts();
    let content_type = parts.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    if !readable_content_type(content_type) {
        return Err(error_response(
            AppError::Validation { message: CommonTexts::now().err_body_type.into(), fields: vec![] },
            Some(StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ));
    }
    // The size limit is applied around this handler (see `body_limit` in lib.rs).
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            let too_large = std::iter::successors(std::error::Error::source(&e), |e| e.source()).any(|e| e.is::<http_body_util::LengthLimitError>());
            let (status, message) = if too_large {
                (StatusCode::PAYLOAD_TOO_LARGE, "That request is larger than this server accepts.")
            } else {
                (StatusCode::BAD_REQUEST, CommonTexts::now().err_unreadable)
            };
            return Err(error_response(AppError::Validation { message: message.into(), fields: vec![] }, Some(status)));
        }
    };
    if std::str::from_utf8(&bytes).is_err() {
        return Err(error_response(AppError::Validation { message: CommonTexts::now().err_unreadable.into(), fields: vec![] }, None));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn error_response(err: AppError, status: Option<StatusCode>) -> Response {
    let status = status.unwrap_or_else(|| StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    (status, Json(err)).into_response()
}

/// server_fn answers every error with 500. Read the shared error back and use its status,
/// so a validation error is a 422, an unreachable database a 503, and so on.
async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => return error_response(app::platform::db::internal("server fn body", &"unreadable error body"), None),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let AppError::RateLimited { retry_after_secs } = err {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::readable_content_type;

    #[test]
    fn only_forms_json_and_no_type_reach_the_fns() {
        for ok in
            [None, Some(""), Some("application/x-www-form-urlencoded"), Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"), Some("application/json")]
        {
            assert!(readable_content_type(ok), "{ok:?}");
        }
        for refused in ["application/octet-stream", "multipart/form-data; boundary=x", "text/plain", "application/cbor", "image/png", "\u{fffd}"] {
            assert!(!readable_content_type(Some(refused)), "{refused}");
        }
    }
}
