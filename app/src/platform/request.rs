//! What a server fn knows about the HTTP request that called it.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts, HeaderName, HeaderValue};
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
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        let ip = state
            .config
            .client_ip_header
            .as_deref()
            .and_then(header_str)
            .and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty() && s.len() <= 64)
            .or(peer)
            .unwrap_or_else(|| "unknown".into());
        let user_agent: String = header_str("user-agent").unwrap_or_default().chars().take(300).collect();
        let cookies = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
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

/// Adds a `Set-Cookie` header to the current server fn's response.
pub fn set_cookie(value: String) {
    if let (Some(opts), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        opts.append_header(HeaderName::from_static("set-cookie"), v);
    }
}
