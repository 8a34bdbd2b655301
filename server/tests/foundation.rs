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
    let status = |http: reqwest::Client, url: String| async move {
        http.get(url).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
    };

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

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let srv = TestServer::start(&shared_db_uri(), "metrics").await;
    let http = client();
    for _ in 0..3 {
        http.get(srv.url("/health")).send().await.unwrap();
    }
    let text = http.get(srv.url("/metrics")).send().await.unwrap().text().await.unwrap();
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

    let route = http.get(srv.url("/settings/profile")).send().await.unwrap();
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
        let r = client()
            .get(srv.url("/frontend-0123456789abcdef.js"))
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some(want));
    }
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
    let fields: Vec<app::FieldError> = [
        app::validate::required_text("name", "a name", &name, 80),
        app::validate::email("email", &email),
    ]
    .into_iter()
    .flatten()
    .collect();
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
    let res = http
        .post(srv.url("/api/test_validate_contact"))
        .form(&[("name", "  "), ("email", "not-an-address")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err = AppError::de(res.bytes().await.unwrap());
    assert_eq!(err.field_message("name").as_deref(), Some("Enter a name."));
    assert_eq!(err.field_message("email").as_deref(), Some("Enter an e-mail address like name@example.com."));
    assert!(matches!(&err, AppError::Validation { fields, .. } if fields.len() == 2));

    // Operator-shaped input where a string is expected is just a bad string.
    let res = http
        .post(srv.url("/api/test_validate_contact"))
        .form(&[("name", "Ana"), ("email[$gt]", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "{:?}", res.text().await);

    // Good input passes through.
    let res = http
        .post(srv.url("/api/test_validate_contact"))
        .form(&[("name", "Ana"), ("email", " Ana@Example.com ")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<String>().await.unwrap(), "ana@example.com");
}
