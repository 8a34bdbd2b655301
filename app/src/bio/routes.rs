//! The link-in-bio module's public routes besides the pages themselves (which the server's
//! fallback serves, after the client's files): the click redirect `/l/{page}/{block}`, the
//! e-mail sign-up form `/{handle}/subscribe` (works without script) and the QR code
//! `/{handle}/qr.svg`. Their answers are in the visitor's language from `Accept-Language`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;

use super::texts::BioTexts;
use super::{analytics, public};
use crate::i18n::Lang;
use crate::platform::AppState;

/// The module's public routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/l/{page}/{block}", axum::routing::get(click))
        .route("/{handle}/qr.svg", axum::routing::get(qr))
        .route("/{handle}/subscribe", axum::routing::post(subscribe))
}

/// A small page of its own (an answer, an error) in the visitor's language.
pub fn plain(lang: Lang, status: StatusCode, title: &str, message: &str, back: Option<&str>) -> Response {
    let esc = crate::bio::markdown::escape;
    let back = back.map(|b| format!("<p><a href=\"{}\">{}</a></p>", esc(b), esc(BioTexts::of(lang).public_back))).unwrap_or_default();
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:480px;margin:64px auto;padding:0 16px;color:#1f2328;background:#fff}}a{{color:#0b5cad}}</style></head>\
<body><main><h1>{}</h1><p>{}</p>{back}</main></body></html>",
        lang.code(),
        esc(title),
        esc(title),
        esc(message)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::VARY, "accept-language"),
            (header::CONTENT_LANGUAGE, lang.code()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        ],
        html,
    )
        .into_response()
}

pub fn unavailable(lang: Lang, e: &crate::AppError) -> Response {
    tracing::warn!(error = %e, "public page could not be served");
    let t = BioTexts::of(lang);
    plain(lang, StatusCode::SERVICE_UNAVAILABLE, t.public_unavailable_title, t.public_unavailable, None)
}

/// `GET /l/{page}/{block}`: counts the click and redirects to the link's stored address.
pub async fn click(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((page, block)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    let t = BioTexts::of(lang);
    match public::click_target(&app, &page, &block).await {
        Ok(Some((url, workspace_id))) => {
            let visit = analytics::visit_from_headers(&app, &headers, Some(peer));
            analytics::record_click(&app, &workspace_id, &page, &block, &visit);
            match HeaderValue::from_str(&url) {
                Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]).into_response(),
                Err(_) => plain(lang, StatusCode::NOT_FOUND, t.public_link_not_found_title, t.public_link_unavailable, None),
            }
        }
        Ok(None) => plain(lang, StatusCode::NOT_FOUND, t.public_link_not_found_title, t.public_link_not_found, None),
        Err(e) => unavailable(lang, &e),
    }
}

/// `GET /{handle}/qr.svg`.
pub async fn qr(State(app): State<AppState>, Path(handle): Path<String>, headers: HeaderMap) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    let t = BioTexts::of(lang);
    match public::qr(&app, &handle).await {
        Ok(Some(svg)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=300"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
            ],
            svg,
        )
            .into_response(),
        Ok(None) => plain(lang, StatusCode::NOT_FOUND, t.public_not_found_title, t.public_no_such_handle, None),
        Err(e) => unavailable(lang, &e),
    }
}

#[derive(serde::Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    block: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    consent: String,
}

/// `POST /{handle}/subscribe`: the e-mail capture block's form, which works without script.
pub async fn subscribe(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(handle): Path<String>,
    headers: HeaderMap,
    form: Result<Form<SignupForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    let t = BioTexts::of(lang);
    let back = format!("/{handle}");
    let Ok(Form(form)) = form else {
        return plain(lang, StatusCode::UNPROCESSABLE_ENTITY, t.public_try_again_title, t.public_form_unreadable, Some(&back));
    };
    let ip = peer.ip().to_string();
    if let Err(crate::AppError::RateLimited { .. }) = crate::platform::rate_limit::hit(&app.db, SIGNUP_LIMIT, &ip).await {
        return plain(lang, StatusCode::TOO_MANY_REQUESTS, t.public_too_many_title, t.public_too_many, Some(&back));
    }
    // The address's validation message is in the visitor's language too.
    let outcome = crate::i18n::scope(lang, public::subscribe(&app, &handle, form.block.trim(), form.email.trim(), !form.consent.is_empty())).await;
    match outcome {
        Ok(public::SignupOutcome::Saved) => plain(lang, StatusCode::OK, t.public_signed_up_title, t.public_signed_up, Some(&back)),
        Ok(public::SignupOutcome::Invalid(msg)) => plain(lang, StatusCode::UNPROCESSABLE_ENTITY, t.public_check_address_title, &msg, Some(&back)),
        Ok(public::SignupOutcome::NotFound) => plain(lang, StatusCode::NOT_FOUND, t.public_not_found_title, t.public_form_gone, None),
        Err(e) => unavailable(lang, &e),
    }
}

/// Sign-ups per visitor address: 20 an hour.
const SIGNUP_LIMIT: crate::platform::rate_limit::Limit =
    crate::platform::rate_limit::Limit { name: "bio_signup", max: 20, window: std::time::Duration::from_secs(3600) };
