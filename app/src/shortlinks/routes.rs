//! `GET /s/{slug}`: the public redirect of M23 short links. Only stored links redirect (no
//! open redirect); clicks are counted in memory and written every 2 s (crate::shortlinks::redirect).
//! The pages shown instead (no such link, or the database is unavailable) are in the
//! visitor's language, from `Accept-Language`.

use crate::i18n::Lang;
use crate::platform::AppState;
use crate::shortlinks::texts::LinksTexts;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// A small page of its own: a title, a heading and a sentence, in `lang`.
fn page(status: StatusCode, lang: Lang, title: &str, heading: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>\
<body><main><h1>{heading}</h1><p>{body}</p></main></body></html>",
        code = lang.code(),
    );
    let mut res = (status, Html(html)).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    res
}

fn not_found(lang: Lang) -> Response {
    let t = LinksTexts::of(lang);
    page(StatusCode::NOT_FOUND, lang, t.public_not_found_title, t.public_not_found_title, t.public_not_found_body)
}

pub async fn follow(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    match crate::shortlinks::redirect::follow(&state, &slug).await {
        Ok(Some(url)) => {
            let Ok(location) = HeaderValue::from_str(&url) else {
                tracing::error!(%slug, "stored short link address is not a valid header value");
                return not_found(lang);
            };
            let mut res = StatusCode::FOUND.into_response();
            res.headers_mut().insert(header::LOCATION, location);
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Ok(None) => not_found(lang),
        Err(e) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let t = LinksTexts::of(lang);
            page(status, lang, t.public_unavailable_title, t.public_unavailable_heading, t.public_unavailable_body)
        }
    }
}

/// The module's public routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/s/{slug}", axum::routing::get(follow))
}
