//! Security headers on every response, and the same-origin check of writes.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy: only this origin's scripts, the WASM it loads, and the
/// exact inline loader Trunk wrote into index.html (by hash). Nothing from other origins.
/// Inline styles are allowed for the bio builder's live preview, a sandboxed `srcdoc` frame
/// that inherits this policy and carries the page's own `<style>`; scripts never are.
pub fn content_security_policy(inline_script_hashes: &[String]) -> HeaderValue {
    let hashes: String = inline_script_hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; \
         frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; \
         manifest-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("policy is ASCII")
}

/// `Strict-Transport-Security`, sent only when the app is served over https (`PUBLIC_URL`):
/// browsers then refuse plain http to this host (and its subdomains) for a year. Over plain
/// http (local runs) it would be ignored, or pin a host that cannot serve https.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The headers every response gets: the policy, and HSTS when served over https.
#[derive(Clone, Debug)]
pub struct PolicyHeaders {
    pub csp: HeaderValue,
    pub hsts: Option<HeaderValue>,
}

impl PolicyHeaders {
    pub fn new(inline_script_hashes: &[String], public_url: &str) -> PolicyHeaders {
        let https = public_url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        PolicyHeaders { csp: content_security_policy(inline_script_hashes), hsts: https.then(|| HeaderValue::from_static(HSTS)) }
    }
}

pub async fn headers(State(policy): State<PolicyHeaders>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    apply(&policy, &mut res);
    res
}

/// Adds the security headers to `res` (a page may have set its own policy first).
pub fn apply(policy: &PolicyHeaders, res: &mut Response) {
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert_with(|| policy.csp.clone());
    if let Some(hsts) = &policy.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    // A page that may be framed anywhere (a public form, to be embedded) says so in its own
    // policy; every other page may not be framed at all.
    let framable = h.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("frame-ancestors *"));
    if !framable {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(HeaderName::from_static("permissions-policy"), HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    h.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
}

/// The origins allowed to make mutating calls: the configured public URL's origin.
#[derive(Clone, Debug)]
pub struct AllowedOrigin(pub String);

impl AllowedOrigin {
    pub fn from_public_url(url: &str) -> AllowedOrigin {
        // scheme://host[:port] with no path
        let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
        let end = url[after_scheme..].find('/').map(|i| after_scheme + i).unwrap_or(url.len());
        AllowedOrigin(url[..end].to_ascii_lowercase())
    }
}

/// Refuses state-changing requests sent by pages of another origin (CSRF defence in depth,
/// on top of SameSite=Lax cookies). Requests with no Origin (API clients, curl) pass: they
/// carry no browser cookies unless the caller chose to send them.
pub async fn same_origin_writes(State(allowed): State<AllowedOrigin>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    let mutating = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if mutating {
        let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
        let fetch_site = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or("");
        let ok = match origin.as_deref() {
            Some(o) => o == allowed.0 || host.as_deref().is_some_and(|h| o == format!("http://{h}") || o == format!("https://{h}")),
            None => fetch_site != "cross-site",
        };
        if !ok {
            tracing::info!(origin = ?origin, "cross-origin write refused");
            return (axum::http::StatusCode::FORBIDDEN, axum::Json(app::AppError::Forbidden)).into_response();
        }
    }
    next.run(req).await
}
