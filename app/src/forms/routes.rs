//! The public form's routes, in the visitor's language (`Accept-Language`):
//!
//! - `GET /f/{slug}`: the first step; `?resume={key}` the step a visitor reached (or
//!   `&step={n}`, an earlier one on their path), or the thank-you screen once submitted;
//! - `POST /f/{slug}`: one step, as an HTML form post (works with script off). A saved
//!   step answers `303` to the resume address, so a reload never posts twice;
//! - `POST /f/{slug}/submit`: a whole submission as JSON, for the page's script, answered
//!   in JSON. Its `key` makes it idempotent.
//!
//! Every post goes through a honeypot, per-address and per-form rate limits, and a body
//! size limit; a step posted too soon after the form was opened is kept and asked again.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::public::{self, Lookup, Outcome, Published};
use super::render::{self, StepView};
use super::texts::FormsServerTexts;
use super::Answers;
use crate::i18n::Lang;
use crate::platform::rate_limit::{self, Limit};
use crate::platform::AppState;

/// Posts per visitor address: 120 in 10 minutes (a long form is many steps).
pub const IP_LIMIT: Limit = Limit { name: "form_post_ip", max: 120, window: std::time::Duration::from_secs(600) };
/// Posts per form: 3,000 an hour, whoever sends them.
pub const FORM_LIMIT: Limit = Limit { name: "form_post_form", max: 3000, window: std::time::Duration::from_secs(3600) };
/// The largest post: every answer at its longest fits.
const MAX_BODY: usize = 512 * 1024;
/// The most name=value pairs a post may carry.
const MAX_PAIRS: usize = 1000;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/f/{slug}", axum::routing::get(show).post(post))
        .route("/f/{slug}/submit", axum::routing::post(submit_json))
        .route(render::SCRIPT_PATH, axum::routing::get(script))
        .route(render::EMBED_PATH, axum::routing::get(embed_script))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .route("/api/forms/{workspace}/{form}/submissions.csv", axum::routing::get(super::export::export))
}

/// The form's script (see `form.js`): small, no framework, cached for an hour.
pub const SCRIPT: &str = include_str!("form.js");

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The script a site embedding forms loads (see `embed.js`).
pub const EMBED_SCRIPT: &str = include_str!("embed.js");

async fn embed_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            // Loaded by other sites' pages.
            (header::HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("cross-origin")),
        ],
        EMBED_SCRIPT,
    )
        .into_response()
}

fn html(status: StatusCode, lang: Lang, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::VARY, HeaderValue::from_static("accept-language")),
            (header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code())),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors *",
                ),
            ),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        body,
    )
        .into_response()
}

fn plain(status: StatusCode, lang: Lang, title: &str, text: &str) -> Response {
    html(status, lang, render::message(lang, title, title, text))
}

fn unavailable(lang: Lang, e: &crate::AppError) -> Response {
    tracing::warn!(error = %e, "public form could not be served");
    let t = FormsServerTexts::of(lang);
    plain(StatusCode::SERVICE_UNAVAILABLE, lang, t.public_unavailable_title, t.public_unavailable)
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The form, or the page saying why not.
async fn open(app: &AppState, slug: &str, lang: Lang) -> Result<std::sync::Arc<Published>, Response> {
    let t = FormsServerTexts::of(lang);
    match public::find(app, slug).await {
        Ok(Lookup::Open(p)) => Ok(p),
        Ok(Lookup::Closed) => Err(plain(StatusCode::GONE, lang, t.public_closed_title, t.public_closed_body)),
        Ok(Lookup::Missing) => Err(plain(StatusCode::NOT_FOUND, lang, t.public_not_found_title, t.public_not_found_body)),
        Err(e) => Err(unavailable(lang, &e)),
    }
}

fn resume_url(app: &AppState, slug: &str, key: &str) -> String {
    format!("{}/f/{slug}?resume={key}", app.config.public_url)
}

/// Where a finished run goes: the thank-you screen, or the form's redirect.
fn finished(app: &AppState, lang: Lang, form: &Published) -> Response {
    let _ = app;
    match &form.def.ending {
        super::Ending::Redirect { url } => see_other(url),
        _ => html(StatusCode::OK, lang, render::thanks(lang, form)),
    }
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    resume: String,
    #[serde(default)]
    step: Option<String>,
}

/// `GET /f/{slug}`.
pub async fn show(State(app): State<AppState>, Path(slug): Path<String>, Query(q): Query<ShowQuery>, headers: HeaderMap) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    let form = match open(&app, &slug, lang).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let start = public::start_token(&app, &form.id);
    let key = q.resume.trim();
    let run = if public::valid_key(key) {
        match public::run_of(&app, &form, key).await {
            Ok(r) => r,
            Err(e) => return unavailable(lang, &e),
        }
    } else {
        None
    };
    let Some(run) = run else {
        let key = public::new_key();
        let view = StepView { step: 0, answers: &Answers::new(), errors: &[], key: &key, start: &start, notice: None, resume_url: None };
        return crate::i18n::sync_scope(lang, || html(StatusCode::OK, lang, render::step(lang, &form, &view)));
    };
    if run.complete {
        return finished(&app, lang, &form);
    }
    // An earlier step on the visitor's path (the Back link), or the one reached.
    let route = super::logic::path(&form.def, &run.answers);
    let wanted = q.step.as_deref().and_then(|s| s.parse::<usize>().ok()).filter(|s| route.contains(s) && *s <= run.step);
    let step = wanted.unwrap_or(if route.contains(&run.step) { run.step } else { 0 });
    let url = resume_url(&app, &form.slug, key);
    let view = StepView { step, answers: &run.answers, errors: &[], key, start: &start, notice: None, resume_url: Some(&url) };
    crate::i18n::sync_scope(lang, || html(StatusCode::OK, lang, render::step(lang, &form, &view)))
}

/// Decodes `application/x-www-form-urlencoded` keeping repeated names (a multi-select
/// posts one pair per choice). `None` when it is not valid UTF-8 or has too many pairs.
pub fn parse_pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    fn decode(s: &str) -> Option<String> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = s.get(i + 1..i + 3)?;
                    out.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).ok()
    }
    let text = std::str::from_utf8(body).ok()?;
    let mut pairs = vec![];
    for part in text.split('&').filter(|p| !p.is_empty()) {
        if pairs.len() >= MAX_PAIRS {
            return None;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((decode(k)?, decode(v)?));
    }
    Some(pairs)
}

/// Counts a post against both limits; `Err` is the refusal to send.
async fn limited(app: &AppState, form: &Published, peer: Option<SocketAddr>, headers: &HeaderMap) -> Result<(), crate::AppError> {
    let ip = crate::platform::request::client_ip(&app.config, headers, peer);
    rate_limit::hit(&app.db, IP_LIMIT, &ip).await?;
    rate_limit::hit(&app.db, FORM_LIMIT, &form.id).await
}

/// `POST /f/{slug}`: one step.
pub async fn post(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    let t = FormsServerTexts::of(lang);
    let form = match open(&app, &slug, lang).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(pairs) = parse_pairs(&body) else {
        return plain(StatusCode::UNPROCESSABLE_ENTITY, lang, t.public_try_again_title, t.public_unreadable);
    };
    match limited(&app, &form, Some(peer), &headers).await {
        Ok(()) => {}
        Err(crate::AppError::RateLimited { .. }) => return plain(StatusCode::TOO_MANY_REQUESTS, lang, t.public_too_many_title, t.public_too_many),
        Err(e) => return unavailable(lang, &e),
    }
    let mut key = String::new();
    let mut step = usize::MAX;
    let mut start = String::new();
    let mut honeypot = false;
    let mut answers = Answers::new();
    for (k, v) in pairs {
        match k.as_str() {
            "_key" => key = v,
            "_step" => step = v.trim().parse().unwrap_or(usize::MAX),
            "_t" => start = v,
            "_homepage" => honeypot |= !v.trim().is_empty(),
            _ if k.starts_with('_') => {}
            _ => {
                let e = answers.entry(k).or_default();
                if e.len() < super::MAX_OPTIONS {
                    e.push(v);
                }
            }
        }
    }
    // A robot filled the hidden field: it sees the thank-you screen, and nothing is kept.
    if honeypot {
        tracing::info!(form = %form.id, "honeypot filled; submission dropped");
        return html(StatusCode::OK, lang, render::thanks(lang, &form));
    }
    if !public::valid_key(&key) {
        return plain(StatusCode::UNPROCESSABLE_ENTITY, lang, t.public_try_again_title, t.public_unreadable);
    }
    let outcome = crate::i18n::scope(lang, public::post_step(&app, &form, &key, step, &answers, &start)).await;
    let (outcome, merged) = match outcome {
        Ok(o) => o,
        Err(e) => return unavailable(lang, &e),
    };
    let resume = resume_url(&app, &form.slug, &key);
    match outcome {
        Outcome::Done => see_other(&format!("/f/{}?resume={key}", form.slug)),
        Outcome::Next { step } => see_other(&format!("/f/{}?resume={key}&step={step}", form.slug)),
        Outcome::Invalid { step, errors } => {
            let view = StepView { step, answers: &merged, errors: &errors, key: &key, start: &start, notice: None, resume_url: Some(&resume) };
            crate::i18n::sync_scope(lang, || html(StatusCode::UNPROCESSABLE_ENTITY, lang, render::step(lang, &form, &view)))
        }
        Outcome::TooFast { step } => {
            let view = StepView { step, answers: &merged, errors: &[], key: &key, start: &start, notice: Some(t.public_too_fast), resume_url: Some(&resume) };
            crate::i18n::sync_scope(lang, || html(StatusCode::UNPROCESSABLE_ENTITY, lang, render::step(lang, &form, &view)))
        }
        Outcome::Full { step } => {
            let view = StepView { step, answers: &merged, errors: &[], key: &key, start: &start, notice: Some(t.public_full), resume_url: Some(&resume) };
            crate::i18n::sync_scope(lang, || html(StatusCode::FORBIDDEN, lang, render::step(lang, &form, &view)))
        }
    }
}

#[derive(serde::Deserialize)]
pub struct SubmitBody {
    #[serde(default)]
    key: String,
    #[serde(default)]
    t: String,
    #[serde(default)]
    homepage: String,
    #[serde(default)]
    answers: std::collections::BTreeMap<String, AnswerValue>,
}

/// One answer in JSON: a text, or a list of texts.
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    One(String),
    Many(Vec<String>),
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], axum::Json(value)).into_response()
}

/// `POST /f/{slug}/submit`: a whole submission as JSON (`key`, `t`, `answers`), stored once
/// per key. Answers `{"status":"done"}` (with `redirect` for a redirecting form),
/// `{"status":"invalid","step":n,"errors":[…]}`, `{"status":"too_fast"}`, or an error.
pub async fn submit_json(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = crate::i18n::from_accept_language(&headers);
    let t = FormsServerTexts::of(lang);
    let err = |status: StatusCode, message: &str| json(status, serde_json::json!({ "status": "error", "message": message }));
    let form = match public::find(&app, &slug).await {
        Ok(Lookup::Open(p)) => p,
        Ok(Lookup::Closed) => return err(StatusCode::GONE, t.public_closed_body),
        Ok(Lookup::Missing) => return err(StatusCode::NOT_FOUND, t.public_not_found_body),
        Err(e) => {
            tracing::warn!(error = %e, "form submission could not be taken");
            return err(StatusCode::SERVICE_UNAVAILABLE, t.public_unavailable);
        }
    };
    let Ok(req) = serde_json::from_slice::<SubmitBody>(&body) else {
        return err(StatusCode::UNPROCESSABLE_ENTITY, t.public_unreadable);
    };
    match limited(&app, &form, Some(peer), &headers).await {
        Ok(()) => {}
        Err(crate::AppError::RateLimited { retry_after_secs }) => {
            let mut r = err(StatusCode::TOO_MANY_REQUESTS, t.public_too_many);
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return r;
        }
        Err(e) => {
            tracing::warn!(error = %e, "form submission could not be taken");
            return err(StatusCode::SERVICE_UNAVAILABLE, t.public_unavailable);
        }
    }
    if !req.homepage.trim().is_empty() {
        tracing::info!(form = %form.id, "honeypot filled; submission dropped");
        return json(StatusCode::OK, serde_json::json!({ "status": "done" }));
    }
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string).unwrap_or(req.key);
    if !public::valid_key(&key) || req.answers.len() > super::MAX_FIELDS * 2 {
        return err(StatusCode::UNPROCESSABLE_ENTITY, t.public_unreadable);
    }
    let answers: Answers = req
        .answers
        .into_iter()
        .map(|(k, v)| {
            let mut vals = match v {
                AnswerValue::One(s) => vec![s],
                AnswerValue::Many(v) => v,
            };
            vals.truncate(super::MAX_OPTIONS);
            (k, vals)
        })
        .collect();
    match crate::i18n::scope(lang, public::submit(&app, &form, &key, &answers, &req.t)).await {
        Ok((Outcome::Done, _)) => {
            let redirect = match &form.def.ending {
                super::Ending::Redirect { url } => Some(url.clone()),
                _ => None,
            };
            json(StatusCode::OK, serde_json::json!({ "status": "done", "redirect": redirect }))
        }
        Ok((Outcome::Invalid { step, errors }, _)) => {
            json(StatusCode::UNPROCESSABLE_ENTITY, serde_json::json!({ "status": "invalid", "step": step, "errors": errors }))
        }
        Ok((Outcome::TooFast { .. }, _)) => json(StatusCode::UNPROCESSABLE_ENTITY, serde_json::json!({ "status": "too_fast", "message": t.public_too_fast })),
        Ok((Outcome::Next { step }, _)) => json(StatusCode::OK, serde_json::json!({ "status": "next", "step": step })),
        Ok((Outcome::Full { .. }, _)) => json(StatusCode::FORBIDDEN, serde_json::json!({ "status": "full", "message": t.public_full })),
        Err(e) => {
            tracing::warn!(error = %e, "form submission could not be stored");
            err(StatusCode::SERVICE_UNAVAILABLE, t.public_unavailable)
        }
    }
}

#[cfg(test)]
mod tests {
    /// The script stays within 10 KB brotli (q11), as the issue asks.
    #[test]
    fn the_script_is_small() {
        let mut out = vec![];
        let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
        brotli::BrotliCompress(&mut super::SCRIPT.as_bytes(), &mut out, &params).unwrap();
        eprintln!("form.js: {} bytes, {} brotli", super::SCRIPT.len(), out.len());
        assert!(out.len() <= 10 * 1024, "form.js is {} bytes brotli", out.len());
    }
}
