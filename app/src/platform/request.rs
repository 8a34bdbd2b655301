//! What a server fn knows about the HTTP request that called it.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
use cookie::time::Duration;
use cookie::{Cookie, SameSite};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::AppState;

#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: String,
    pub cookies: HashMap<String, String>,
    pub bearer: Option<String>,
}

impl RequestMeta {
    pub fn from_parts(parts: &Parts, state: &AppState) -> RequestMeta {
        let header_str = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        let ip = client_ip(&state.config, &parts.headers, peer);
        let user_agent: String = header_str("user-agent").unwrap_or_default().chars().take(300).collect();
        let cookies = request_cookies(&parts.headers).map(|c| (c.name().to_string(), c.value().to_string())).collect();
        let bearer = header_str("authorization").and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_string())).filter(|t| !t.is_empty());
        RequestMeta { ip, user_agent, cookies, bearer }
    }

    /// The metadata of the current server-fn call.
    pub fn current(state: &AppState) -> RequestMeta {
        match use_context::<Parts>() {
            Some(parts) => RequestMeta::from_parts(&parts, state),
            None => RequestMeta::default(),
        }
    }
}

/// The cookies of a request's `Cookie` headers, in order; malformed pairs are skipped.
/// The client's address: the first one in the configured `CLIENT_IP_HEADER` (behind a
/// proxy), or else the connection's peer; "unknown" without either.
pub fn client_ip(config: &super::Config, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    config
        .client_ip_header
        .as_deref()
        .and_then(|name| headers.get(name).and_then(|v| v.to_str().ok()))
        .and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

pub fn request_cookies(headers: &HeaderMap) -> impl Iterator<Item = Cookie<'_>> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(Cookie::split_parse).filter_map(Result::ok)
}

/// A `Set-Cookie` value for one of the app's own cookies: `HttpOnly`, `SameSite=Lax`,
/// `Secure` when the deployment says so, kept for `max_age_secs` (0 removes it).
pub fn private_cookie(state: &AppState, name: &str, value: &str, path: &str, max_age_secs: u64) -> String {
    build_private_cookie(state.config.cookie_secure, name, value, path, max_age_secs)
}

fn build_private_cookie(secure: bool, name: &str, value: &str, path: &str, max_age_secs: u64) -> String {
    Cookie::build((name, value))
        .path(path)
        .max_age(Duration::seconds(i64::try_from(max_age_secs).unwrap_or(i64::MAX)))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
        .to_string()
}

/// Adds a `Set-Cookie` header to the current server fn's response.
pub fn set_cookie(value: String) {
    if let (Some(opts), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        opts.append_header(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_cookie_attributes() {
        let c = build_private_cookie(true, "mw_at", "tok.en-_1", "/api", 900);
        let parsed = Cookie::parse(c.as_str()).unwrap();
        assert_eq!((parsed.name(), parsed.value(), parsed.path()), ("mw_at", "tok.en-_1", Some("/api")));
        assert_eq!(parsed.max_age(), Some(Duration::seconds(900)));
        assert_eq!((parsed.http_only(), parsed.secure(), parsed.same_site()), (Some(true), Some(true), Some(SameSite::Lax)));
        let cleared = build_private_cookie(false, "mw_at", "", "/", 0);
        assert!(cleared.starts_with("mw_at=;") && cleared.contains("Max-Age=0") && !cleared.contains("Secure"), "{cleared}");
    }

    #[test]
    fn request_cookies_from_every_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; lang=fr ;junk; b = x=y"));
        headers.append(header::COOKIE, HeaderValue::from_static("c=3"));
        let got: Vec<(String, String)> = request_cookies(&headers).map(|c| (c.name().into(), c.value().into())).collect();
        let want = [("a", "1"), ("lang", "fr"), ("b", "x=y"), ("c", "3")].map(|(n, v)| (n.to_string(), v.to_string()));
        assert_eq!(got, want);
    }
}
