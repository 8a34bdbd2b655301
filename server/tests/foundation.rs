//! The foundation: health, readiness that follows the database, metrics, static files and
//! their cache rules, security headers, body limit, the server-fn route and its errors.

mod common;

use std::time::Duration;

use app::AppError;
use common::*;

#[tokio::test]
async fn health_answers_while_the_process_runs() {
    let srv = TestServer::start(&shared_db_uri(), "health").await;
    let res = client().get(srv.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "ok");
}

#[tokio::test]
async fn ready_follows_the_database_without_a_server_restart() {
    let mut db = DbServer::start_in_memory();
    let srv = TestServer::start(&db.uri(), "ready").await;
    let http = client();
    let status = |http: reqwest::Client, url: String| async move { http.get(url).send().await.map(|r| r.status().as_u16()).unwrap_or(0) };

    let up = eventually(Duration::from_secs(10), || status(http.clone(), srv.url("/ready")).map_eq(200)).await;
    assert!(up.is_some(), "/ready never turned 200 with the database up");

    db.kill();
    let down = eventually(Duration::from_secs(10), || status(http.clone(), srv.url("/ready")).map_eq(503)).await;
    assert!(down.is_some(), "/ready did not turn 503 after the database was killed");
    // The body is the shared error.
    let body: AppError = http.get(srv.url("/ready")).send().await.unwrap().json().await.unwrap();
    assert!(matches!(body, AppError::Unavailable { .. }), "{body:?}");
    // Health is unaffected.
    assert_eq!(status(http.clone(), srv.url("/health")).await, 200);

    db.restart();
    let back = eventually(Duration::from_secs(15), || status(http.clone(), srv.url("/ready")).map_eq(200)).await;
    assert!(back.is_some(), "/ready did not return to 200 after the database came back");
    eprintln!("ready: down detected in {down:?}, recovered in {back:?}");
}

trait MapEq {
    fn map_eq(self, want: u16) -> impl std::future::Future<Output = bool>;
}
impl<F: std::future::Future<Output = u16>> MapEq for F {
    async fn map_eq(self, want: u16) -> bool {
        self.await == want
    }
}

#[tokio::test]
async fn server_fn_round_trip_returns_typed_data() {
    let srv = TestServer::start(&shared_db_uri(), "status_fn").await;
    let res = client()
        .post(srv.url("/api/status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let s: app::status::SystemStatus = res.json().await.unwrap();
    assert_eq!(s.version, env!("CARGO_PKG_VERSION"));
    assert!(s.database_ready);
}

#[tokio::test]
async fn unknown_server_fn_is_a_typed_404_and_wrong_method_a_405() {
    let srv = TestServer::start(&shared_db_uri(), "unknown_fn").await;
    let res = client().post(srv.url("/api/no_such_fn")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let err: AppError = res.json().await.unwrap();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");

    let res = client().get(srv.url("/api/status")).send().await.unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn database_down_gives_503_with_the_shared_error_quickly() {
    let mut db = DbServer::start_in_memory();
    let srv = TestServer::start(&db.uri(), "db_down_fn").await;
    db.kill();
    let started = std::time::Instant::now();
    let res = client().get(srv.url("/ready")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

const METRICS_TOKEN: &str = "scrape-me-0123456789abcdef";

#[tokio::test]
async fn metrics_are_served_only_with_the_configured_bearer_token() {
    let http = client();
    // Not configured: there is no /metrics.
    let closed = TestServer::start(&shared_db_uri(), "metrics_closed").await;
    let res = http.get(closed.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(matches!(res.json::<AppError>().await.unwrap(), AppError::NotFound { .. }));
    assert_eq!(http.get(closed.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap().status(), 404);

    let srv = TestServer::start_with(&shared_db_uri(), "metrics_token", &[("METRICS_TOKEN", METRICS_TOKEN)]).await;
    let get = |auth: Option<String>| {
        let req = http.get(srv.url("/metrics"));
        let req = match auth {
            Some(a) => req.header("authorization", a),
            None => req,
        };
        async move { req.send().await.unwrap() }
    };
    let wrong = [
        None,
        Some("Bearer ".to_string()),
        Some("Bearer wrong-token-0123456789".to_string()),
        Some(format!("Bearer {}", &METRICS_TOKEN[..METRICS_TOKEN.len() - 1])),
        Some(format!("Bearer {METRICS_TOKEN}x")),
        Some(format!("Basic {METRICS_TOKEN}")),
        Some(METRICS_TOKEN.to_string()),
    ];
    for auth in wrong {
        let res = get(auth.clone()).await;
        assert_eq!(res.status(), 401, "{auth:?}");
        assert!(res.headers().get("www-authenticate").is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")), "{auth:?}");
        let body = res.text().await.unwrap();
        assert!(!body.contains("http_requests_total"), "{auth:?}: {body}");
        assert!(matches!(serde_json::from_str::<AppError>(&body).unwrap(), AppError::Unauthenticated), "{body}");
    }
    let res = get(Some(format!("Bearer {METRICS_TOKEN}"))).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("http_requests_total"));
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let srv = TestServer::start_with(&shared_db_uri(), "metrics", &[("METRICS_TOKEN", METRICS_TOKEN)]).await;
    let http = client();
    for _ in 0..3 {
        http.get(srv.url("/health")).send().await.unwrap();
    }
    let res = http.get(srv.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("http_requests_total{") && l.contains("route=\"/health\"") && l.contains("status=\"200\""))
        .unwrap_or_else(|| panic!("no /health counter in:\n{text}"));
    let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 3.0, "{line}");
    assert!(text.contains("http_request_duration_seconds_bucket"), "no latency histogram");
    assert!(text.contains("db_errors_total{kind=\"unreachable\"}"), "db error metric missing:\n{text}");
}

#[tokio::test]
async fn static_files_have_the_right_cache_rules_and_client_routes_get_the_shell() {
    let srv = TestServer::start(&shared_db_uri(), "static").await;
    let http = client();

    let asset = http.get(srv.url("/frontend-0123456789abcdef.js")).send().await.unwrap();
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");

    for path in ["/", "/index.html", "/sw.js"] {
        let r = http.get(srv.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
    }

    let route = http.get(srv.url("/workspace/settings")).send().await.unwrap();
    assert_eq!(route.status(), 200);
    assert!(route.text().await.unwrap().contains("<script type=\"module\">"));

    let missing = http.get(srv.url("/missing-file.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    let traversal = http.get(srv.url("/..%2f..%2fetc%2fpasswd")).send().await.unwrap();
    assert_ne!(traversal.status(), 500);
    assert!(!traversal.text().await.unwrap().contains("root:"));
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let srv = TestServer::start(&shared_db_uri(), "compress").await;
    for (enc, want) in [("br", "br"), ("gzip", "gzip")] {
        let r = client().get(srv.url("/frontend-0123456789abcdef.js")).header("accept-encoding", enc).send().await.unwrap();
        assert_eq!(r.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some(want));
    }
}

#[tokio::test]
async fn static_files_revalidate_with_their_etag_or_date() {
    let srv = TestServer::start(&shared_db_uri(), "static_etag").await;
    let http = client();
    let path = "/frontend-0123456789abcdef.js";

    let r = http.get(srv.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/javascript");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.len() > 10 && etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let modified = r.headers()["last-modified"].to_str().unwrap().to_string();
    assert_eq!(r.text().await.unwrap(), "export default function init() {}\n".repeat(40));

    // The same ETag (also weak, also in a list, also asking for br): 304 with no body and the same cache rule.
    for (inm, enc) in [(etag.clone(), ""), (format!("W/{etag}"), "br"), (format!("\"other\", {etag}"), "gzip")] {
        let r = http.get(srv.url(path)).header("if-none-match", &inm).header("accept-encoding", enc).send().await.unwrap();
        assert_eq!(r.status(), 304, "{inm}");
        assert_eq!(r.headers()["etag"], etag.as_str());
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(r.headers().get("content-encoding").is_none());
        assert!(r.bytes().await.unwrap().is_empty());
    }
    // Another ETag: the file, even with a date that would match (If-None-Match wins).
    let r = http.get(srv.url(path)).header("if-none-match", "\"0123\"").header("if-modified-since", &modified).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), 34 * 40);
    // A browser that revalidates by date only.
    let r = http.get(srv.url(path)).header("if-modified-since", &modified).send().await.unwrap();
    assert_eq!(r.status(), 304);
    let r = http.get(srv.url(path)).header("if-modified-since", "Thu, 01 Jan 2015 00:00:00 GMT").send().await.unwrap();
    assert_eq!(r.status(), 200);

    // The shell (also for client routes) and the service worker: 304 too, and still never cached stale.
    for p in ["/", "/workspace/settings", "/sw.js"] {
        let r = http.get(srv.url(p)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{p}");
        let tag = r.headers()["etag"].to_str().unwrap().to_string();
        let r = http.get(srv.url(p)).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(r.status(), 304, "{p}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{p}");
    }

    // HEAD: the headers and the length, no body.
    let r = http.head(srv.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], (34 * 40).to_string().as_str());
    assert_eq!(r.headers()["etag"], etag.as_str());
    assert!(r.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn static_files_are_compressed_once_and_decode_to_the_file() {
    use std::io::Read as _;
    let dist = fixture_dist();
    let css = "body { margin: 0; color: #1f2328 }\n.card { padding: 16px; border-radius: 8px }\n".repeat(50);
    std::fs::write(dist.join("main-0123456789abcdef.css"), &css).unwrap();
    std::fs::write(dist.join("icon.png"), [0x89u8, b'P', b'N', b'G']).unwrap();
    let srv = TestServer::start_with(&shared_db_uri(), "static_compress", &[("DIST_DIR", dist.to_str().unwrap())]).await;
    let http = client();
    let path = "/main-0123456789abcdef.css";
    let etag = http.get(srv.url(path)).send().await.unwrap().headers()["etag"].to_str().unwrap().to_string();

    for enc in ["br", "gzip"] {
        // Compressed once, in the background, right after the start: then the answer has its
        // length up front (a body compressed per request has none) and the file's ETag.
        let precompressed = || async {
            let r = http.get(srv.url(path)).header("accept-encoding", enc).send().await.unwrap();
            r.headers().get("content-encoding").is_some_and(|v| v == enc) && r.headers().contains_key("content-length")
        };
        assert!(eventually(Duration::from_secs(20), precompressed).await.is_some(), "{enc}: not precompressed");
        let r = http.get(srv.url(path)).header("accept-encoding", format!("{enc}, identity")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-encoding"], enc);
        assert_eq!(r.headers()["content-type"], "text/css");
        assert_eq!(r.headers()["etag"], etag.as_str());
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(r.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
        let length: usize = r.headers()["content-length"].to_str().unwrap().parse().unwrap();
        let body = r.bytes().await.unwrap();
        assert_eq!(body.len(), length);
        assert!(body.len() < css.len() / 4, "{enc}: {} bytes", body.len());
        let mut out = Vec::new();
        if enc == "br" {
            brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
        } else {
            flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), css, "{enc}");
    }
    // A client that refuses both gets the file as it is.
    let r = http.get(srv.url(path)).header("accept-encoding", "br;q=0, gzip;q=0").send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.text().await.unwrap(), css);
    // Images are not compressed.
    let r = http.get(srv.url("/icon.png")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");

    // A file written to dist/ after the start (a client rebuild) is served from disk, with the same rules.
    std::fs::write(dist.join("frontend-fedcba9876543210.js"), "export const later = 1;\n").unwrap();
    let r = http.get(srv.url("/frontend-fedcba9876543210.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.text().await.unwrap(), "export const later = 1;\n");

    // A file without a hash in its name rewritten in place (a new build's sw.js) is served
    // as it now is, not as it was read at the start.
    let before = http.get(srv.url("/sw.js")).send().await.unwrap().text().await.unwrap();
    assert_eq!(before, "self.addEventListener('fetch', () => {});");
    std::fs::write(dist.join("sw.js"), "const VERSION = 'rebuilt';\nself.addEventListener('fetch', () => {});").unwrap();
    let r = http.get(srv.url("/sw.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert_eq!(r.text().await.unwrap(), "const VERSION = 'rebuilt';\nself.addEventListener('fetch', () => {});");
}

#[tokio::test]
async fn favicon_ico_answers_with_the_app_icon() {
    let dist = fixture_dist();
    std::fs::create_dir_all(dist.join("icons")).unwrap();
    let png = [0x89u8, b'P', b'N', b'G', 13, 10, 26, 10, 1, 2, 3];
    std::fs::write(dist.join("icons/icon-192.png"), png).unwrap();
    let srv = TestServer::start_with(&shared_db_uri(), "favicon", &[("DIST_DIR", dist.to_str().unwrap())]).await;
    let r = client().get(srv.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &png[..]);
    // Other missing files stay 404.
    assert_eq!(client().get(srv.url("/nothing-here.ico")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn security_headers_and_a_csp_that_allows_only_our_own_scripts() {
    let srv = TestServer::start(&shared_db_uri(), "headers").await;
    let r = client().get(srv.url("/")).send().await.unwrap();
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    // Scripts: only our own files and the hashed loader, never inline code.
    let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline") && !script_src.contains(" 'unsafe-eval'") && !script_src.contains("http"), "{script_src}");
    // Inline style is allowed only for styles (the bio builder's live preview is a sandboxed
    // srcdoc frame that inherits this policy and carries the page's own <style>).
    assert_eq!(csp.matches("unsafe-inline").count(), 1, "{csp}");
    assert!(csp.contains("style-src 'self' 'unsafe-inline'"), "{csp}");
    // The only other origins: the two privacy-friendly video players, in frames only.
    let others: Vec<&str> = csp.split([' ', ';']).filter(|t| t.contains("http")).collect();
    assert_eq!(others, vec!["https://www.youtube-nocookie.com", "https://player.vimeo.com"], "{csp}");
    let frame_src = csp.split(';').map(str::trim).find(|d| d.starts_with("frame-src")).unwrap();
    assert!(frame_src.contains("youtube-nocookie") && frame_src.contains("player.vimeo.com"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
}

#[tokio::test]
async fn hsts_is_sent_when_the_app_is_served_over_https_and_not_over_http() {
    let https = TestServer::start_with(&shared_db_uri(), "hsts_https", &[("PUBLIC_URL", "https://app.example.com")]).await;
    let http_only = TestServer::start_with(&shared_db_uri(), "hsts_http", &[("PUBLIC_URL", "http://app.example.com")]).await;
    let local = TestServer::start(&shared_db_uri(), "hsts_local").await;
    let http = client();
    for path in ["/", "/health", "/api/no_such_fn", "/frontend-0123456789abcdef.js"] {
        let r = http.get(https.url(path)).send().await.unwrap();
        assert_eq!(r.headers().get("strict-transport-security").map(|v| v.to_str().unwrap()), Some("max-age=31536000; includeSubDomains"), "{path}");
        for srv in [&http_only, &local] {
            let r = http.get(srv.url(path)).send().await.unwrap();
            assert!(r.headers().get("strict-transport-security").is_none(), "{path} over http: {:?}", r.headers());
        }
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_without_a_5xx() {
    let srv = TestServer::start_with(&shared_db_uri(), "body_limit", &[("MAX_BODY_BYTES", "1024")]).await;
    let res = client()
        .post(srv.url("/api/status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=".to_string() + &"a".repeat(10_000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

/// A server fn that validates with the shared rules, as every module's domain does.
/// It lives in the test binary, so it is registered and served only here.
#[leptos::server(prefix = "/api", endpoint = "test_validate_contact")]
async fn test_validate_contact(name: String, email: String) -> Result<String, AppError> {
    let fields: Vec<app::FieldError> =
        [app::validate::required_text("name", "a name", &name, 80), app::validate::email("email", &email)].into_iter().flatten().collect();
    AppError::check_fields(fields)?;
    Ok(app::validate::normalize_email(&email))
}

#[tokio::test]
async fn a_validation_error_reaches_the_client_type_with_its_field_messages() {
    use leptos::server_fn::error::FromServerFnError;
    let srv = TestServer::start(&shared_db_uri(), "validation").await;
    let http = client();

    // Bad input: 422, and the body decodes (exactly as the WASM client decodes it) into
    // the shared error with one message per field.
    let res = http.post(srv.url("/api/test_validate_contact")).form(&[("name", "  "), ("email", "not-an-address")]).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let err = AppError::de(res.bytes().await.unwrap());
    assert_eq!(err.field_message("name").as_deref(), Some("Enter a name."));
    assert_eq!(err.field_message("email").as_deref(), Some("Enter an e-mail address like name@example.com."));
    assert!(matches!(&err, AppError::Validation { fields, .. } if fields.len() == 2));

    // Operator-shaped input where a string is expected is just a bad string.
    let res = http.post(srv.url("/api/test_validate_contact")).form(&[("name", "Ana"), ("email[$gt]", "")]).send().await.unwrap();
    assert_eq!(res.status(), 422, "{:?}", res.text().await);

    // Good input passes through.
    let res = http.post(srv.url("/api/test_validate_contact")).form(&[("name", "Ana"), ("email", " Ana@Example.com ")]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<String>().await.unwrap(), "ana@example.com");
}

/// Every server fn (the source scan, checked against the registry) answers a body type it
/// does not read with the shared error and a 4xx, never a 500.
#[tokio::test]
async fn an_unsupported_body_type_is_refused_with_the_shared_error_by_every_fn() {
    let declared = common::server_fns::all_declared();
    let registered: Vec<(String, axum::http::Method)> = server::api::server_fn_paths();
    let names: std::collections::BTreeSet<String> = declared.iter().map(|d| d.path()).collect();
    let paths: std::collections::BTreeSet<String> = registered.iter().map(|(p, _)| p.clone()).collect();
    // Every fn of the app (and this binary's own `test_validate_contact`) is sent the bodies.
    let missing: Vec<&String> = names.difference(&paths).collect();
    assert!(missing.is_empty(), "declared server fns the server does not register: {missing:?}");
    let extra: Vec<&String> = paths.difference(&names).collect();
    assert_eq!(extra, ["/api/test_validate_contact"], "registered server fns the source scan did not find");
    let srv = TestServer::start(&shared_db_uri(), "body_type").await;
    let http = client();
    let mut bad = vec![];
    for (path, method) in &registered {
        for content_type in ["application/octet-stream", "application/xml", "image/png"] {
            let res = http.request(method.clone(), srv.url(path)).header("content-type", content_type).body(vec![0x01u8, 0xfe, 0x7f]).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.bytes().await.unwrap();
            let shared = serde_json::from_slice::<AppError>(&body).is_ok();
            if !(400..500).contains(&status) || !shared {
                bad.push(format!("{path} ({content_type}): {status} {}", String::from_utf8_lossy(&body)));
            }
        }
    }
    assert!(bad.is_empty(), "{} of {} fns failed:\n{}", bad.len(), registered.len(), bad.join("\n"));
    // sign_in in particular: 415 with the message that says what to send.
    let res = http.post(srv.url("/api/sign_in")).header("content-type", "application/octet-stream").body(&b"abc"[..]).send().await.unwrap();
    assert_eq!(res.status(), 415);
    let err: AppError = res.json().await.unwrap();
    assert!(matches!(&err, AppError::Validation { message, .. } if message.contains("form or as JSON")), "{err:?}");
}

#[tokio::test]
async fn copies_compressed_by_the_build_are_served_as_they_are_and_a_stale_one_is_not() {
    let dist = fixture_dist();
    let css = "main { display: grid; gap: 12px }\n".repeat(80);
    let js = "export const answer = 42;\n".repeat(80);
    std::fs::write(dist.join("main-00000000000000aa.css"), &css).unwrap();
    std::fs::write(dist.join("app-00000000000000bb.js"), &js).unwrap();
    // The build's copies: recognisably the build's (a quality and window the server never
    // uses), written after their files. The .js one is older than its file: not used.
    let build_br = |text: &str| {
        let mut out = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 2, lgwin: 10, ..Default::default() };
        brotli::BrotliCompress(&mut text.as_bytes(), &mut out, &params).unwrap();
        out
    };
    let stale = build_br(&js);
    std::fs::write(dist.join("app-00000000000000bb.js.br"), &stale).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options().write(true).open(dist.join("app-00000000000000bb.js.br")).unwrap().set_modified(old).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let fresh = build_br(&css);
    std::fs::write(dist.join("main-00000000000000aa.css.br"), &fresh).unwrap();
    let srv = TestServer::start_with(&shared_db_uri(), "build_copies", &[("DIST_DIR", dist.to_str().unwrap())]).await;

    let r = client().get(srv.url("/main-00000000000000aa.css")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.bytes().await.unwrap().as_ref(), fresh.as_slice(), "the build's copy, byte for byte");
    // The copy is not a file of its own.
    assert_eq!(client().get(srv.url("/main-00000000000000aa.css.br")).send().await.unwrap().status(), 404);

    // The stale copy is ignored: the server compresses the file itself.
    let own = || async {
        let r = client().get(srv.url("/app-00000000000000bb.js")).header("accept-encoding", "br").send().await.unwrap();
        r.headers().get("content-encoding").is_some_and(|v| v == "br") && r.headers().contains_key("content-length")
    };
    assert!(eventually(Duration::from_secs(20), own).await.is_some());
    let body = client().get(srv.url("/app-00000000000000bb.js")).header("accept-encoding", "br").send().await.unwrap().bytes().await.unwrap();
    assert_ne!(body.as_ref(), stale.as_slice());
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), js);
}
