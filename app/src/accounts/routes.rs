//! `/auth/google/start` and `/auth/google/callback`: plain redirects, outside the server-fn
//! API, because the browser navigates to Google and back.

use crate::accounts::domain::{self, GoogleOutcome};
use crate::platform::{AppState, RequestMeta};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

const STATE_COOKIE: &str = "mw_oauth";

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut res = (StatusCode::FOUND, [(header::LOCATION, to.to_string())]).into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn state_cookie(state: &AppState, value: &str, max_age: u64) -> String {
    crate::platform::request::private_cookie(state, STATE_COOKIE, value, "/auth/google", max_age)
}

pub async fn start(State(state): State<AppState>) -> Response {
    match domain::google_start(&state).await {
        Ok(r) => redirect(&r.url, &[state_cookie(&state, &r.state, 600)]),
        Err(crate::AppError::Unavailable { .. }) => redirect("/login?google_error=not_configured", &[]),
        Err(_) => redirect("/login?google_error=failed", &[]),
    }
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(State(state): State<AppState>, Query(q): Query<Callback>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let meta = RequestMeta::from_parts(&parts, &state);
    let clear = state_cookie(&state, "", 0);
    if q.error.is_some() {
        return redirect("/login?google_error=denied", &[clear]);
    }
    let (Some(code), Some(st)) = (q.code.as_deref(), q.state.as_deref()) else {
        return redirect("/login?google_error=failed", &[clear]);
    };
    let cookie = meta.cookies.get(STATE_COOKIE).cloned();
    match domain::google_finish(&state, &meta, code, st, cookie.as_deref()).await {
        Ok(GoogleOutcome::Session(s)) => {
            let [a, r] = s.cookies(&state);
            redirect("/", &[a, r, clear])
        }
        Ok(GoogleOutcome::NeedsSecondFactor { challenge }) => redirect(&format!("/login?challenge={challenge}"), &[clear]),
        Err(crate::AppError::Unavailable { .. }) => redirect("/login?google_error=not_configured", &[clear]),
        Err(_) => redirect("/login?google_error=failed", &[clear]),
    }
}

/// The module's plain HTTP routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/auth/google/start", axum::routing::get(start)).route("/auth/google/callback", axum::routing::get(callback))
}
