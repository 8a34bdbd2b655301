//! The built client in `dist/`: hashed assets cached as immutable, the shell and the
//! service worker never cached stale, client routes falling back to the shell.
//!
//! The files are read into memory once, at startup (up to [`MAX_FILE_BYTES`] each and
//! [`MAX_TOTAL_BYTES`] in all), each with an ETag, and the compressible ones are compressed
//! once with brotli and gzip by a background thread. Until a file's compressed copy is
//! ready, the compression layer compresses it per request, as before. A file that is not
//! in memory (too large, or written to dist/ after the start) is read from disk per
//! request; a changed shell or service worker needs a restart (scripts/dev.sh builds the
//! client before it starts the server, and has no watch mode).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};

use app::platform::compress;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";
const SHORT: &str = "public, max-age=3600";

/// Answers `/favicon.ico` when dist/ has none.
const FAVICON: &str = "/icons/icon-192.png";

/// Larger files stay on disk and are read per request.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The most of dist/ held in memory, before compression (the whole client is about 3 MB).
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// Smaller files are not worth compressing (the compression layer skips them too).
const MIN_COMPRESS_BYTES: usize = 32;

/// One file of the client, in memory.
struct Asset {
    body: Bytes,
    content_type: HeaderValue,
    cache_control: &'static str,
    etag: HeaderValue,
    /// The file's modification time (absent for the shell, which never had one).
    last_modified: Option<(SystemTime, HeaderValue)>,
    /// The file's modification time as read, to notice a file rewritten since the start.
    modified: Option<SystemTime>,
    compressible: bool,
    /// Set by the background thread; `None` inside when compressing did not make it smaller.
    br: OnceLock<Option<Bytes>>,
    gzip: OnceLock<Option<Bytes>>,
}

impl Asset {
    fn new(body: Bytes, content_type: HeaderValue, cache_control: &'static str, modified: Option<SystemTime>) -> Asset {
        let hash = Sha256::digest(&body);
        let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
        let last_modified = modified.and_then(|t| {
            let text = httpdate::fmt_http_date(t);
            let whole_seconds = httpdate::parse_http_date(&text).ok()?;
            Some((whole_seconds, HeaderValue::from_str(&text).ok()?))
        });
        let compressible = body.len() >= MIN_COMPRESS_BYTES && is_compressible(content_type.to_str().unwrap_or(""));
        Asset { body, content_type, cache_control, etag, last_modified, modified, compressible, br: OnceLock::new(), gzip: OnceLock::new() }
    }

    fn compress(&self) {
        let smaller = |c: Option<Bytes>| c.filter(|c| c.len() < self.body.len());
        let _ = self.br.set(smaller(compress::brotli(&self.body)));
        let _ = self.gzip.set(smaller(compress::gzip(&self.body)));
    }

    fn is_fresh(&self, headers: &HeaderMap) -> bool {
        // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); weak comparison.
        if let Some(v) = headers.get(header::IF_NONE_MATCH) {
            let ours = self.etag.as_bytes();
            return v.to_str().is_ok_and(|v| {
                v.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t).as_bytes() == ours)
            });
        }
        match (&self.last_modified, headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok())) {
            (Some((modified, _)), Some(since)) => httpdate::parse_http_date(since).is_ok_and(|since| *modified <= since),
            _ => false,
        }
    }

    fn respond(&self, headers: &HeaderMap, head_only: bool) -> Response {
        let mut res = if self.is_fresh(headers) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let ready = |c: &OnceLock<Option<Bytes>>| c.get().and_then(Option::as_ref).cloned();
            let (body, encoding) = match (self.compressible, ready(&self.br), ready(&self.gzip)) {
                (true, Some(b), _) if accepts(headers, "br") => (b, Some("br")),
                (true, _, Some(g)) if accepts(headers, "gzip") => (g, Some("gzip")),
                _ => (self.body.clone(), None),
            };
            let len = HeaderValue::from(body.len());
            let mut res = Response::new(if head_only { Body::empty() } else { Body::from(body) });
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, self.content_type.clone());
            h.insert(header::CONTENT_LENGTH, len);
            match encoding {
                Some(enc) => {
                    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
                }
                // Ranges of the file itself are served from disk (see `serve`).
                None if self.last_modified.is_some() => {
                    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
                }
                None => {}
            }
            res
        };
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(self.cache_control));
        h.insert(header::ETAG, self.etag.clone());
        if let Some((_, text)) = &self.last_modified {
            h.insert(header::LAST_MODIFIED, text.clone());
        }
        if self.compressible {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        res
    }
}

/// True when `Accept-Encoding` lists `enc` without `q=0`.
fn accepts(headers: &HeaderMap, enc: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            it.next().is_some_and(|name| name.trim().eq_ignore_ascii_case(enc))
                && !it.any(|p| p.trim().split_once('=').is_some_and(|(k, q)| k.trim() == "q" && q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)))
        })
    })
}

/// Text, scripts, styles, JSON, SVG and WebAssembly shrink; images and fonts do not.
fn is_compressible(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or("").trim();
    t.starts_with("text/")
        || t.ends_with("+json")
        || t.ends_with("+xml")
        || matches!(t, "application/javascript" | "application/json" | "application/wasm" | "application/xml")
}

pub struct Site {
    dir: PathBuf,
    index: Option<Arc<Asset>>,
    /// By request path (`/icons/icon-192.png`).
    files: HashMap<String, Arc<Asset>>,
    hashes: Vec<String>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("dir", &self.dir).field("shell", &self.index.is_some()).field("files", &self.files.len()).finish()
    }
}

impl Site {
    /// Reads `dir/index.html` and the other files of the client once, and starts compressing
    /// them in the background. A missing client is not fatal: the server still answers its
    /// API and health routes, and the shell route explains what to do.
    pub fn load(dir: &Path) -> Site {
        let index = std::fs::read(dir.join("index.html")).ok().map(Bytes::from);
        if index.is_none() {
            tracing::warn!(dir = %dir.display(), "no built client (index.html) found: run scripts/dev.sh or trunk build --release");
        }
        let hashes = index.as_deref().map(|b| inline_script_hashes(&String::from_utf8_lossy(b))).unwrap_or_default();
        let index = index.map(|html| Arc::new(Asset::new(html, HeaderValue::from_static("text/html; charset=utf-8"), NO_CACHE, None)));
        let mut files = HashMap::new();
        let mut budget = MAX_TOTAL_BYTES;
        read_files(dir, "", 0, &mut budget, &mut files);
        let site = Site { dir: dir.to_path_buf(), index, files, hashes };
        site.compress_in_background();
        site
    }

    pub fn inline_script_hashes(&self) -> &[String] {
        &self.hashes
    }

    pub fn into_service(self) -> axum::routing::MethodRouter {
        let site = Arc::new(self);
        axum::routing::any(move |req: Request| serve(site.clone(), req))
    }

    /// Compresses every compressible file once, smallest first, on a thread of its own.
    fn compress_in_background(&self) {
        let mut todo: Vec<Arc<Asset>> = self.index.iter().chain(self.files.values()).filter(|a| a.compressible).cloned().collect();
        if todo.is_empty() {
            return;
        }
        todo.sort_by_key(|a| a.body.len());
        let spawned = std::thread::Builder::new().name("precompress".into()).spawn(move || {
            let started = Instant::now();
            let (mut raw, mut br) = (0usize, 0usize);
            for a in &todo {
                a.compress();
                raw += a.body.len();
                br += a.br.get().and_then(Option::as_ref).map_or(a.body.len(), Bytes::len);
            }
            tracing::info!(files = todo.len(), bytes = raw, brotli_bytes = br, ms = started.elapsed().as_millis() as u64, "client files compressed");
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start compressing the client's files: they are compressed per request");
        }
    }

    /// Hashed files never change under their name. The others (sw.js, the manifest,
    /// offline.html, icons) may be rewritten in place by a new build while the server runs:
    /// one `stat` per request tells, and a changed file is then served from disk.
    fn unchanged(&self, path: &str, asset: &Asset) -> bool {
        if asset.cache_control == IMMUTABLE || path == "/favicon.ico" {
            return true;
        }
        match std::fs::metadata(self.dir.join(path.trim_start_matches('/'))) {
            Ok(meta) => meta.len() == asset.body.len() as u64 && meta.modified().ok() == asset.modified,
            Err(_) => false,
        }
    }

    fn shell(&self, headers: &HeaderMap, head_only: bool) -> Response {
        match &self.index {
            Some(html) => html.respond(headers, head_only),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
                "The Mewayz client has not been built yet. Run scripts/dev.sh, which builds it with Trunk.",
            )
                .into_response(),
        }
    }
}

/// Reads the files under `dir/prefix` into `files`, within `budget` bytes. Only plain names
/// (letters, digits, `.`, `_`, `-`, not starting with a dot) are taken; anything else is
/// left to the per-request path, which decodes and checks it.
fn read_files(dir: &Path, prefix: &str, depth: usize, budget: &mut u64, files: &mut HashMap<String, Arc<Asset>>) {
    let Ok(entries) = std::fs::read_dir(dir.join(prefix)) else { return };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if name.starts_with('.') || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            continue;
        }
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let Ok(meta) = std::fs::metadata(entry.path()) else { continue };
        if meta.is_dir() {
            if depth < 8 {
                read_files(dir, &rel, depth + 1, budget, files);
            }
            continue;
        }
        if !meta.is_file() || rel == "index.html" || meta.len() > MAX_FILE_BYTES || meta.len() > *budget {
            if meta.is_file() && rel != "index.html" {
                tracing::debug!(file = %rel, bytes = meta.len(), "client file left on disk (too large for memory)");
            }
            continue;
        }
        let Ok(body) = std::fs::read(entry.path()) else { continue };
        *budget = budget.saturating_sub(body.len() as u64);
        let content_type = mime_guess::from_path(&name)
            .first_raw()
            .map(HeaderValue::from_static)
            .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
        let path = format!("/{rel}");
        let asset = Asset::new(Bytes::from(body), content_type, cache_control_for(&path), meta.modified().ok());
        files.insert(path, Arc::new(asset));
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
        return site.shell(req.headers(), head_only);
    }
    // Browsers ask for /favicon.ico on their own (for JSON answers and pages without an
    // icon link too): the app icon answers instead of a 404.
    let known = if path == "/favicon.ico" && !site.files.contains_key(&path) { site.files.get(FAVICON) } else { site.files.get(&path) };
    if let Some(asset) = known {
        if !req.headers().contains_key(header::RANGE) && site.unchanged(&path, asset) {
            return asset.respond(req.headers(), head_only);
        }
    }
    // No file in dist/ has a name longer than the file system allows (255 bytes); asking the
    // file system anyway fails with an I/O error that the file service answers with a 500.
    if path.split('/').any(|seg| seg.len() > 255) {
        let mut res = (StatusCode::NOT_FOUND, "Not found").into_response();
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    let dir = ServeDir::new(&site.dir).append_index_html_on_directories(false);
    let headers = req.headers().clone();
    let res = match dir.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    let last = path.rsplit('/').next().unwrap_or("");
    if res.status() == StatusCode::NOT_FOUND {
        // A client route (no file extension) gets the shell; a missing file stays a 404.
        if !last.contains('.') {
            return site.shell(&headers, head_only);
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

    #[test]
    fn accepted_encodings_respect_q_zero() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(accepts(&h("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&h("BR;q=0.5"), "br"));
        assert!(!accepts(&h("br;q=0, gzip"), "br"));
        assert!(!accepts(&h("br; q=0.0"), "br"));
        assert!(!accepts(&h("gzip"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn text_scripts_and_wasm_are_compressible_images_are_not() {
        for t in ["text/html", "text/javascript", "text/css", "application/wasm", "application/manifest+json", "image/svg+xml"] {
            assert!(is_compressible(t), "{t}");
        }
        for t in ["image/png", "font/woff2", "application/octet-stream"] {
            assert!(!is_compressible(t), "{t}");
        }
    }
}
