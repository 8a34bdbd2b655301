//! Public bio pages (M05): `/{handle}` and custom domains (the module's other public routes,
//! the click redirect, the sign-up form and the QR code, are in `app::bio::routes`). Everything here is plain server-rendered HTML
//! that needs no script.
//!
//! The page route is the server's fallback, after the server's own routes: a request is
//! first tried as a custom domain (by `Host`), then as a file of the client build, then as
//! a client route (the shell), then as a handle; anything else gets the server's small 404
//! page (see [`crate::static_files`]).
//!
//! What these routes say around the owner's content (the page's chrome, the answers to a
//! sign-up, their error pages) is in the visitor's language from `Accept-Language` only, so
//! one rendering per language can be cached; responses say `Vary: Accept-Language`.

use std::net::SocketAddr;
use std::sync::Arc;

use app::bio::routes::{plain, unavailable};
use app::bio::texts::BioTexts;
use app::bio::{analytics, domains, public};
use app::platform::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::static_files::Site;

/// What the public routes need, behind one `Arc` so each request's state costs one
/// reference count (the application state itself holds several).
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
    // The body depends on both: its compression, and the language of its chrome.
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding, accept-language"));
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(r.lang.code()));
    if let (Some(enc), false) = (encoding, not_modified) {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Visitors' browsers check back each time (cheap with the ETag), so a publish shows at once.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=0, must-revalidate"));
    if let Some(v) = &r.etag_header {
        h.insert(header::ETAG, v.clone());
    }
    if let Some(v) = &r.csp_header {
        h.insert(header::CONTENT_SECURITY_POLICY, v.clone());
    }
    res
}

/// The fallback: custom domain, then file, then client route, then handle, then 404.
pub async fn fallback(State(s): State<Arc<PublicState>>, ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request) -> Response {
    let head = req.method() == Method::HEAD;
    let is_read = req.method() == Method::GET || head;
    let path = req.uri().path().to_string();
    let lang = app::i18n::from_accept_language(req.headers());
    if is_read {
        if let Some(host) = s.custom_host(req.headers()) {
            return custom_domain(&s, &host, &path, req.headers(), peer, head).await;
        }
        // Files of the client build, then the client's routes, come before handles: no page
        // can shadow them (not even one whose handle was stored before it was reserved).
        if s.site.has_file(&path) || app::shell::routes::is_client_route(&path) {
            return crate::static_files::serve(s.site.clone(), req).await;
        }
        let segment = path.strip_prefix('/').unwrap_or("");
        if !segment.is_empty() && !segment.contains('/') && !app::bio::is_reserved_handle(segment) && app::bio::check_handle("h", segment).is_none() {
            match public::by_handle(&s.app, segment, lang).await {
                Ok(public::Found::Page(r)) => {
                    if !head {
                        let visit = analytics::visit_from_headers(&s.app, req.headers(), Some(peer));
                        analytics::record_view(&s.app, &r.workspace_id, &r.page_id, &visit);
                    }
                    return page_response(&r, req.headers(), head);
                }
                Ok(public::Found::Moved(to)) => {
                    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
                    return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, format!("/{to}{query}")), (header::CACHE_CONTROL, "no-store".into())])
                        .into_response();
                }
                Ok(public::Found::NotFound) => {}
                Err(e) => return unavailable(lang, &e),
            }
        }
    }
    crate::static_files::serve(s.site.clone(), req).await
}

async fn custom_domain(s: &PublicState, host: &str, path: &str, headers: &HeaderMap, peer: SocketAddr, head: bool) -> Response {
    let lang = app::i18n::from_accept_language(headers);
    let t = BioTexts::of(lang);
    let page = match domains::page_for_host(&s.app, host).await {
        Ok(Some(p)) => p,
        Ok(None) => return plain(lang, StatusCode::NOT_FOUND, t.public_no_page_title, t.public_domain_not_connected, None),
        Err(e) => return unavailable(lang, &e),
    };
    match public::by_id(&s.app, &page, lang).await {
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
            _ => plain(lang, StatusCode::NOT_FOUND, t.public_not_found_title, t.public_nothing_here, Some("/")),
        },
        Ok(_) => plain(lang, StatusCode::NOT_FOUND, t.public_no_page_title, t.public_domain_unpublished, None),
        Err(e) => unavailable(lang, &e),
    }
}
