//! The built client in `dist/`: hashed assets cached as immutable, the shell and the
//! service worker never cached stale, the client's routes ([`app::shell::routes`]) answered
//! with the shell, `/robots.txt`, and for anything else a small server-rendered 404 page in
//! the visitor's language (no WebAssembly to load just to say "not found").
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
        if self.br.get().is_none() {
            let _ = self.br.set(smaller(compress::brotli(&self.body)));
        }
        if self.gzip.get().is_none() {
            let _ = self.gzip.set(smaller(compress::gzip(&self.body)));
        }
    }

    fn is_fresh(&self, headers: &HeaderMap) -> bool {
        // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); weak comparison.
        if let Some(v) = headers.get(header::IF_NONE_MATCH) {
            let ours = self.etag.as_bytes();
            return v.to_str().is_ok_and(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t).as_bytes() == ours));
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
        site.attach_precompressed();
        site.compress_in_background();
        site
    }

    /// Takes the copies the build compressed (`FILE.br`, `FILE.gz`, see
    /// `scripts/pwa-build.py`) when they are at least as new as their file.
    fn attach_precompressed(&self) {
        let all = self.index.iter().map(|a| ("/index.html", a)).chain(self.files.iter().map(|(p, a)| (p.as_str(), a)));
        let mut attached = 0;
        for (path, asset) in all {
            if !asset.compressible {
                continue;
            }
            let file = self.dir.join(path.trim_start_matches('/'));
            let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
            let copy = |ext: &str| {
                let p = PathBuf::from(format!("{}.{ext}", file.display()));
                let fresh = std::fs::metadata(&p).and_then(|m| m.modified()).ok().zip(modified).is_some_and(|(c, f)| c >= f);
                fresh.then(|| std::fs::read(&p).ok()).flatten().map(Bytes::from).filter(|c| c.len() < asset.body.len())
            };
            if let Some(br) = copy("br") {
                let _ = asset.br.set(Some(br));
                attached += 1;
            }
            if let Some(gz) = copy("gz") {
                let _ = asset.gzip.set(Some(gz));
            }
        }
        if attached > 0 {
            tracing::debug!(files = attached, "compressed copies from the build attached");
        }
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
        let mut todo: Vec<Arc<Asset>> =
            self.index.iter().chain(self.files.values()).filter(|a| a.compressible && (a.br.get().is_none() || a.gzip.get().is_none())).cloned().collect();
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

    /// True when `path` is a file of the client build (the shell, a file read at the start,
    /// or a file on disk under plain names), which no other route may shadow.
    pub fn has_file(&self, path: &str) -> bool {
        if path == "/" || path == "/index.html" || path == "/favicon.ico" || self.files.contains_key(path) {
            return true;
        }
        let rel = path.strip_prefix('/').unwrap_or("");
        let plain = |seg: &str| {
            !seg.is_empty() && !seg.starts_with('.') && seg.len() <= 255 && seg.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        };
        // Every file a build writes has an extension: a path without one (a bio handle, a
        // client route) costs no look at the disk.
        let named_like_a_file = rel.rsplit('/').next().is_some_and(|last| last.contains('.'));
        !rel.is_empty() && named_like_a_file && rel.split('/').all(plain) && !is_compressed_copy(rel) && self.dir.join(rel).is_file()
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

/// The 404 page: a few hundred bytes of HTML with inline CSS (light and dark), no script,
/// in the visitor's language (`Accept-Language`), with a link to the home page.
pub fn not_found_page(headers: &HeaderMap, head_only: bool) -> Response {
    let lang = app::i18n::from_accept_language(headers);
    let t = crate::site_texts::SiteTexts::of(lang);
    let esc = app::bio::markdown::escape;
    let html = format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><meta name=\"color-scheme\" content=\"light dark\"><title>{title} · Mewayz</title><style>\
:root{{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--link:#0b5cad}}\
@media (prefers-color-scheme: dark){{:root{{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--link:#6cb6ff}}}}\
body{{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif}}\
main{{max-width:32rem;margin:0 auto;padding:4rem 1.25rem}}h1{{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}}\
.code{{margin:0;color:var(--muted);font-weight:600;letter-spacing:.08em}}a{{color:var(--link);font-weight:600}}</style></head>\
<body><main><p class=\"code\">404</p><h1>{title}</h1><p>{body}</p><p><a href=\"/\">{home}</a></p></main></body></html>",
        code = lang.code(),
        title = esc(t.not_found_title),
        body = esc(t.not_found_body),
        home = esc(t.not_found_home),
    );
    let mut res = if head_only { Response::new(Body::empty()) } else { Response::new(Body::from(html)) };
    *res.status_mut() = StatusCode::NOT_FOUND;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("accept-language"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    );
    res
}

/// Paths of the server that crawlers have no business with: the API, sign-in, webhooks,
/// the counted redirects of bio links (`/l/`) and short links (`/s/`), and the probes.
/// Public files (`/files/`, `/logos/`) and pages stay open.
const ROBOTS_CLOSED_PREFIXES: &[&str] = &["/api/", "/auth/", "/l/", "/s/", "/webhooks/"];
const ROBOTS_CLOSED_EXACT: &[&str] = &["/health", "/ready", "/metrics"];

/// `/robots.txt`: public pages (bio handles, the home page) are open; the app is not. Rules
/// match by prefix, so a one-segment route is closed with `$` (and `?` for its query
/// strings), never as a bare prefix that would also close handles starting with it. No
/// Sitemap line: there is no sitemap.
pub fn robots_txt() -> String {
    let mut lines = vec![
        "# Public bio pages are open to crawlers; the app, its API and its redirects are not.".to_string(),
        "User-agent: *".to_string(),
        "Allow: /".to_string(),
    ];
    let mut closed: Vec<String> = ROBOTS_CLOSED_PREFIXES.iter().map(|p| p.to_string()).collect();
    let exact =
        ROBOTS_CLOSED_EXACT.iter().copied().chain(app::shell::routes::CLIENT_ROUTES.iter().copied().filter(|r| *r != "/" && r.matches('/').count() == 1));
    for p in exact {
        closed.push(format!("{p}$"));
        closed.push(format!("{p}?"));
    }
    // Routes of two segments or more live under a first segment that no handle can take,
    // so the whole folder is closed.
    for r in app::shell::routes::CLIENT_ROUTES.iter().filter(|r| r.matches('/').count() > 1) {
        let first = r.trim_start_matches('/').split('/').next().unwrap_or("");
        let folder = format!("/{first}/");
        if !closed.contains(&folder) {
            closed.push(folder);
        }
    }
    lines.extend(closed.into_iter().map(|p| format!("Disallow: {p}")));
    lines.push(String::new());
    lines.join("\n")
}

/// `GET /robots.txt`: a `robots.txt` of the build wins; otherwise [`robots_txt`].
pub async fn robots(axum::extract::State(public): axum::extract::State<Arc<crate::bio_routes::PublicState>>, req: Request) -> Response {
    let site = public.site.clone();
    if site.has_file("/robots.txt") {
        return serve(site, req).await;
    }
    let head_only = req.method() == Method::HEAD;
    let body = robots_txt();
    let len = HeaderValue::from(body.len());
    let mut res = if head_only { Response::new(Body::empty()) } else { Response::new(Body::from(body)) };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CONTENT_LENGTH, len);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(SHORT));
    res
}

/// Reads the files under `dir/prefix` into `files`, within `budget` bytes. Only plain names
/// (letters, digits, `.`, `_`, `-`, not starting with a dot) are taken; anything else is
/// left to the per-request path, which decodes and checks it.
/// True for a compressed copy the build made of a file (`FILE.br`, `FILE.gz`).
fn is_compressed_copy(path: &str) -> bool {
    path.ends_with(".br") || path.ends_with(".gz")
}

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
        // Compressed copies made at build time belong to their file (see `attach_precompressed`).
        if is_compressed_copy(&name) {
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
        let content_type =
            mime_guess::from_path(&name).first_raw().map(HeaderValue::from_static).unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
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

/// True for a file inside a folder named after its content, e.g. the split client's
/// `/app-wasm-0a1b2c3d4e5f6789/chunk_12.wasm` (scripts/pwa-build.py names it).
fn in_hashed_folder(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    segments.next_back();
    segments.any(is_hashed_asset)
}

/// The Cache-Control for a file served from dist/.
pub fn cache_control_for(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "index.html" || name == "sw.js" || name.ends_with(".webmanifest") {
        NO_CACHE
    } else if is_hashed_asset(name) || in_hashed_folder(path) {
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
    // The build's compressed copies are parts of their files, not files of their own.
    if path.split('/').any(|seg| seg.len() > 255) || is_compressed_copy(&path) {
        return not_found_page(req.headers(), head_only);
    }
    let dir = ServeDir::new(&site.dir).append_index_html_on_directories(false);
    let headers = req.headers().clone();
    let res = match dir.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        // A client route gets the shell; anything else is not found.
        if app::shell::routes::is_client_route(&path) {
            return site.shell(&headers, head_only);
        }
        return not_found_page(&headers, head_only);
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

    /// Every file the client build puts at the root of dist/ (Trunk's copied files, the
    /// shell, what the post-build hook writes) is a name no bio handle can take.
    #[test]
    fn no_handle_can_take_a_file_of_the_build() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        let mut names = vec!["index.html".to_string()];
        for link in read("frontend/web/index.html").split("<link ").filter(|l| l.contains("data-trunk") && l.contains("rel=\"copy-")) {
            let href = link.split("href=\"").nth(1).and_then(|h| h.split('"').next()).unwrap_or_default();
            names.push(href.rsplit('/').next().unwrap_or_default().to_string());
        }
        for part in read("scripts/pwa-build.py").split("staging / \"").skip(1) {
            names.push(part.split('"').next().unwrap_or_default().to_string());
        }
        for must in ["sw.js", "manifest.webmanifest", "icons", "precache.txt", "offline.html"] {
            assert!(names.iter().any(|n| n == must), "the scan missed {must}: {names:?}");
        }
        for name in &names {
            assert!(app::bio::check_handle("handle", name).is_some(), "/{name} is a file of the build but a valid handle: add it to app::bio::APP_PATHS");
        }
    }

    #[test]
    fn robots_txt_closes_the_app_and_only_the_app() {
        let robots = robots_txt();
        assert!(robots.starts_with("# ") && robots.contains("\nUser-agent: *\nAllow: /\n"), "{robots}");
        for line in [
            "Disallow: /api/",
            "Disallow: /auth/",
            "Disallow: /login$",
            "Disallow: /login?",
            "Disallow: /bio$",
            "Disallow: /bio/",
            "Disallow: /workspace/",
            "Disallow: /health$",
        ] {
            assert!(robots.lines().any(|l| l == line), "{line} missing:\n{robots}");
        }
        // A rule that is a bare prefix of a handle would close public pages too.
        for line in robots.lines().filter_map(|l| l.strip_prefix("Disallow: ")) {
            assert!(line.ends_with('$') || line.ends_with('?') || line.ends_with('/'), "{line} also closes handles that start with it");
        }
        assert!(!robots.to_ascii_lowercase().contains("sitemap"));
    }

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
        assert_eq!(cache_control_for("/app-wasm-7f3a0c2b9d1e4f56/chunk_12.wasm"), IMMUTABLE);
        assert_eq!(cache_control_for("/app-wasm-7f3a0c2b9d1e4f56/snippets/app-0cd1cead3f0174fd/src/pwa/pwa.js"), IMMUTABLE);
        assert_eq!(cache_control_for("/icons/icon-192.png"), SHORT);
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
