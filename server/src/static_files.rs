//! The built client in `dist/`: hashed assets cached as immutable, the shell and the
//! service worker never cached stale, client routes falling back to the shell.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";
const SHORT: &str = "public, max-age=3600";

#[derive(Debug)]
pub struct Site {
    dir: PathBuf,
    index: Option<Bytes>,
    hashes: Vec<String>,
}

impl Site {
    /// Reads `dir/index.html` once. A missing client is not fatal: the server still
    /// answers its API and health routes, and the shell route explains what to do.
    pub fn load(dir: &Path) -> Site {
        let index = std::fs::read(dir.join("index.html")).ok().map(Bytes::from);
        if index.is_none() {
            tracing::warn!(dir = %dir.display(), "no built client (index.html) found: run scripts/dev.sh or trunk build --release");
        }
        let hashes = index.as_deref().map(|b| inline_script_hashes(&String::from_utf8_lossy(b))).unwrap_or_default();
        Site { dir: dir.to_path_buf(), index, hashes }
    }

    pub fn inline_script_hashes(&self) -> &[String] {
        &self.hashes
    }

    pub fn into_service(self) -> axum::routing::MethodRouter {
        let site = Arc::new(self);
        axum::routing::any(move |req: Request| serve(site.clone(), req))
    }

    fn shell(&self, head_only: bool) -> Response {
        match &self.index {
            Some(html) => {
                let body = if head_only { Body::empty() } else { Body::from(html.clone()) };
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, NO_CACHE)],
                    body,
                )
                    .into_response()
            }
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
                "The Mewayz client has not been built yet. Run scripts/dev.sh, which builds it with Trunk.",
            )
                .into_response(),
        }
    }
}

/// The SHA-256 (base64) of every inline `<script>` in the page, for the CSP.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else { break };
        let body = &after[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            out.push(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())));
        }
        rest = &after[body_start + close..];
    }
    out
}

/// True for Trunk's content-hashed file names, e.g. `frontend-0a1b2c3d4e5f6789_bg.wasm`.
pub fn is_hashed_asset(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((_, hash)) => hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        None => false,
    }
}

/// The Cache-Control for a file served from dist/.
pub fn cache_control_for(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "index.html" || name == "sw.js" || name.ends_with(".webmanifest") {
        NO_CACHE
    } else if is_hashed_asset(name) {
        IMMUTABLE
    } else {
        SHORT
    }
}

pub async fn serve(site: Arc<Site>, req: Request) -> Response {
    let head_only = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head_only {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    let path = req.uri().path().to_string();
    if path == "/" || path == "/index.html" {
        return site.shell(head_only);
    }
    let dir = ServeDir::new(&site.dir).append_index_html_on_directories(false);
    let res = match dir.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    let last = path.rsplit('/').next().unwrap_or("");
    if res.status() == StatusCode::NOT_FOUND {
        // A client route (no file extension) gets the shell; a missing file stays a 404.
        if !last.contains('.') {
            return site.shell(head_only);
        }
        let mut res = (StatusCode::NOT_FOUND, "Not found").into_response();
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    let mut res = res;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control_for(&path)));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_asset("frontend-7f3a0c2b9d1e4f56_bg.wasm"));
        assert!(is_hashed_asset("main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("sw.js"));
        assert!(!is_hashed_asset("icon-192.png"));
        assert!(!is_hashed_asset("some-name-notahashatall.js"));
    }

    #[test]
    fn cache_rules() {
        assert_eq!(cache_control_for("/frontend-7f3a0c2b9d1e4f56.js"), IMMUTABLE);
        assert_eq!(cache_control_for("/sw.js"), NO_CACHE);
        assert_eq!(cache_control_for("/index.html"), NO_CACHE);
        assert_eq!(cache_control_for("/manifest.webmanifest"), NO_CACHE);
        assert_eq!(cache_control_for("/icons/icon-192.png"), SHORT);
    }

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html = r#"<head><script src="/a.js"></script><script type="module">boot()</script></head>"#;
        let h = inline_script_hashes(html);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0], base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"boot()")));
    }
}
