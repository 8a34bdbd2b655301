//! Public bio pages (M05): `/{handle}`, custom domains, the click redirect `/l/{page}/{block}`,
//! the e-mail sign-up form and the QR code. Everything here is plain server-rendered HTML
//! that needs no script.
//!
//! The page route is the server's fallback: a request that is not an API, asset or app
//! route is first tried as a custom domain (by `Host`), then as a handle; anything else
//! goes to the client shell, which shows its own pages (or its 404).

use std::net::SocketAddr;
use std::sync::Arc;

use app::bio::{analytics, domains, public};
use app::platform::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;

use crate::static_files::Site;

#[derive(Clone)]
pub struct PublicState {
    pub app: AppState,
    pub site: Arc<Site>,
    /// The app's own host (from PUBLIC_URL), lowercase, with its port if any.
    pub own_host: String,
}

impl PublicState {
    pub fn new(app: AppState, site: Site) -> PublicState {
        let url = app.config.public_url.to_ascii_lowercase();
        let after = url.find("://").map(|i| i + 3).unwrap_or(0);
        let own_host = url[after..].split('/').next().unwrap_or("").to_string();
        PublicState { app, site: Arc::new(site), own_host }
    }

    /// The custom domain this request was made to, if it is not the app's own host.
    fn custom_host(&self, headers: &HeaderMap) -> Option<String> {
        let host = headers.get(header::HOST)?.to_str().ok()?.trim().to_ascii_lowercase();
        if host == self.own_host || host.is_empty() {
            return None;
        }
        let bare = host.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map(|(h, _)| h).unwrap_or(&host);
        if bare == "localhost" || bare.parse::<std::net::IpAddr>().is_ok() || !bare.contains('.') {
            return None;
        }
        Some(bare.to_string())
    }
}

fn page_response(r: &public::Rendered, headers: &HeaderMap, head: bool) -> Response {
    let not_modified = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == r.etag));
    // The page was compressed once when it was rendered; pick what the browser accepts.
    let accepts = |enc: &str| {
        headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.split(',').any(|part| {
                let mut it = part.trim().split(';');
                it.next().is_some_and(|name| name.trim().eq_ignore_ascii_case(enc)) && !it.any(|q| q.trim().replace(' ', "") == "q=0")
            })
        })
    };
    let (body, encoding) = match (&r.br, &r.gzip) {
        (Some(b), _) if accepts("br") => (b.clone(), Some("br")),
        (_, Some(g)) if accepts("gzip") => (g.clone(), Some("gzip")),
        _ => (r.html.clone(), None),
    };
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if head {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body))
    };
    let h = res.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let (Some(enc), false) = (encoding, not_modified) {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Visitors' browsers check back each time (cheap with the ETag), so a publish shows at once.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=0, must-revalidate"));
    if let Ok(v) = HeaderValue::from_str(&r.etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&r.csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

fn plain(status: StatusCode, title: &str, message: &str, back: Option<&str>) -> Response {
    let esc = app::bio::markdown::escape;
    let back = back.map(|b| format!("<p><a href=\"{}\">Back to the page</a></p>", esc(b))).unwrap_or_default();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:480px;margin:64px auto;padding:0 16px;color:#1f2328;background:#fff}}a{{color:#0b5cad}}</style></head>\
<body><main><h1>{}</h1><p>{}</p>{back}</main></body></html>",
        esc(title),
        esc(title),
        esc(message)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        ],
        html,
    )
        .into_response()
}

fn unavailable(e: &app::AppError) -> Response {
    tracing::warn!(error = %e, "public page could not be served");
    plain(StatusCode::SERVICE_UNAVAILABLE, "Temporarily unavailable", "This page cannot be shown right now. Please try again in a moment.", None)
}

/// The fallback: custom domain, then handle, then the client shell.
pub async fn fallback(State(s): State<PublicState>, ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request) -> Response {
    let head = req.method() == Method::HEAD;
    let is_read = req.method() == Method::GET || head;
    let path = req.uri().path().to_string();
    if is_read {
        if let Some(host) = s.custom_host(req.headers()) {
            return custom_domain(&s, &host, &path, req.headers(), peer, head).await;
        }
        let segment = path.strip_prefix('/').unwrap_or("");
        if !segment.is_empty() && !segment.contains('/') && !app::bio::is_reserved_handle(segment) && app::bio::check_handle("h", segment).is_none() {
            match public::by_handle(&s.app, segment).await {
                Ok(public::Found::Page(r)) => {
                    if !head {
                        let visit = analytics::visit_from_headers(&s.app, req.headers(), Some(peer));
                        analytics::record_view(&s.app, &r.workspace_id, &r.page_id, &visit);
                    }
                    return page_response(&r, req.headers(), head);
                }
                Ok(public::Found::Moved(to)) => {
                    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
                    return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, format!("/{to}{query}")), (header::CACHE_CONTROL, "no-store".into())]).into_response();
                }
                Ok(public::Found::NotFound) => {}
                Err(e) => return unavailable(&e),
            }
        }
    }
    crate::static_files::serve(s.site.clone(), req).await
}

async fn custom_domain(s: &PublicState, host: &str, path: &str, headers: &HeaderMap, peer: SocketAddr, head: bool) -> Response {
    let page = match domains::page_for_host(&s.app, host).await {
        Ok(Some(p)) => p,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "No page here", "This domain is not connected to a published page.", None),
        Err(e) => return unavailable(&e),
    };
    match public::by_id(&s.app, &page).await {
        Ok(public::Found::Page(r)) => match path {
            "/" => {
                if !head {
                    let visit = analytics::visit_from_headers(&s.app, headers, Some(peer));
                    analytics::record_view(&s.app, &r.workspace_id, &r.page_id, &visit);
                }
                page_response(&r, headers, head)
            }
            // The page's own links (clicks, QR, sign-up) are absolute paths on the app's routes,
            // which the router serves for any host.
            _ => plain(StatusCode::NOT_FOUND, "Not found", "There is nothing at this address.", Some("/")),
        },
        Ok(_) => plain(StatusCode::NOT_FOUND, "No page here", "This domain's page is not published.", None),
        Err(e) => unavailable(&e),
    }
}

/// `GET /l/{page}/{block}`: counts the click and redirects to the link's stored address.
pub async fn click(State(s): State<PublicState>, ConnectInfo(peer): ConnectInfo<SocketAddr>, Path((page, block)): Path<(String, String)>, headers: HeaderMap) -> Response {
    match public::click_target(&s.app, &page, &block).await {
        Ok(Some((url, workspace_id))) => {
            let visit = analytics::visit_from_headers(&s.app, &headers, Some(peer));
            analytics::record_click(&s.app, &workspace_id, &page, &block, &visit);
            match HeaderValue::from_str(&url) {
                Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]).into_response(),
                Err(_) => plain(StatusCode::NOT_FOUND, "Link not found", "This link is not available.", None),
            }
        }
        Ok(None) => plain(StatusCode::NOT_FOUND, "Link not found", "This link does not exist, or is not shown right now.", None),
        Err(e) => unavailable(&e),
    }
}

/// `GET /{handle}/qr.svg`.
pub async fn qr(State(s): State<PublicState>, Path(handle): Path<String>) -> Response {
    match public::qr(&s.app, &handle).await {
        Ok(Some(svg)) => (
            [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=300"), (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'")],
            svg,
        )
            .into_response(),
        Ok(None) => plain(StatusCode::NOT_FOUND, "Not found", "There is no published page with that handle.", None),
        Err(e) => unavailable(&e),
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
pub async fn subscribe(State(s): State<PublicState>, ConnectInfo(peer): ConnectInfo<SocketAddr>, Path(handle): Path<String>, form: Result<Form<SignupForm>, axum::extract::rejection::FormRejection>) -> Response {
    let back = format!("/{handle}");
    let Ok(Form(form)) = form else {
        return plain(StatusCode::UNPROCESSABLE_ENTITY, "Please try again", "The form could not be read.", Some(&back));
    };
    let ip = peer.ip().to_string();
    if let Err(app::AppError::RateLimited { .. }) = app::platform::rate_limit::hit(&s.app.db, SIGNUP_LIMIT, &ip).await {
        return plain(StatusCode::TOO_MANY_REQUESTS, "Too many sign-ups", "Please wait a little and try again.", Some(&back));
    }
    match public::subscribe(&s.app, &handle, form.block.trim(), form.email.trim(), !form.consent.is_empty()).await {
        Ok(public::SignupOutcome::Saved) => plain(StatusCode::OK, "You're signed up", "Thank you. Your address was saved.", Some(&back)),
        Ok(public::SignupOutcome::Invalid(msg)) => plain(StatusCode::UNPROCESSABLE_ENTITY, "Please check your address", &msg, Some(&back)),
        Ok(public::SignupOutcome::NotFound) => plain(StatusCode::NOT_FOUND, "Not found", "This sign-up form no longer exists.", None),
        Err(e) => unavailable(&e),
    }
}

/// Sign-ups per visitor address: 20 an hour.
const SIGNUP_LIMIT: app::platform::rate_limit::Limit = app::platform::rate_limit::Limit { name: "bio_signup", max: 20, window: std::time::Duration::from_secs(3600) };
