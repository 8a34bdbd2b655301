//! `GET /s/{slug}`: the public redirect of M23 short links. Only stored links redirect (no
//! open redirect); clicks are counted in memory and written every 2 s (app::shortlinks::redirect).

use app::platform::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const NOT_FOUND_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Short link not found</title></head>\
<body><main><h1>Short link not found</h1><p>This short link does not exist, or it was deleted.</p></main></body></html>";

fn plain(status: StatusCode, body: &'static str) -> Response {
    let mut res = (status, Html(body)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn follow(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    match app::shortlinks::redirect::follow(&state, &slug).await {
        Ok(Some(url)) => {
            let Ok(location) = HeaderValue::from_str(&url) else {
                tracing::error!(%slug, "stored short link address is not a valid header value");
                return plain(StatusCode::NOT_FOUND, NOT_FOUND_PAGE);
            };
            let mut res = StatusCode::FOUND.into_response();
            res.headers_mut().insert(header::LOCATION, location);
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Ok(None) => plain(StatusCode::NOT_FOUND, NOT_FOUND_PAGE),
        Err(e) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            plain(status, "<!doctype html><title>Short link unavailable</title><h1>This short link cannot be opened right now.</h1><p>Please try again in a moment.</p>")
        }
    }
}
