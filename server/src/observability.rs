//! Logs and metrics: structured tracing, and Prometheus text at `/metrics` with request
//! counts and latencies by route, and database errors. The metrics tell how the service is
//! used (routes, failed sign-ins), so they are served only to a scraper that presents the
//! configured `METRICS_TOKEN` as a bearer token; without one configured, `/metrics` is 404.

use std::sync::OnceLock;
use std::time::Instant;

use app::platform::{crypto, AppState};
use app::AppError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use metrics::SharedString;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// Structured logs. `RUST_LOG` filters (default `info`); `LOG_FORMAT=json` for JSON lines.
pub fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

/// Installs the process-wide metrics recorder once, and (inside a runtime) its upkeep: every
/// 5 s the histograms' recorded samples are folded into their buckets, so memory does not
/// grow with the number of requests between two scrapes.
pub fn install_metrics() {
    static UPKEEP: std::sync::Once = std::sync::Once::new();
    if tokio::runtime::Handle::try_current().is_ok() {
        UPKEEP.call_once(|| {
            tokio::spawn(async {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
                loop {
                    every.tick().await;
                    if let Some(h) = PROMETHEUS.get() {
                        h.run_upkeep();
                    }
                }
            });
        });
    }
    PROMETHEUS.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
            )
            .expect("bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // A second install (several servers in one test process) keeps the first recorder.
        let _ = metrics::set_global_recorder(recorder);
        metrics::describe_counter!("http_requests_total", "HTTP requests by method, route and status");
        metrics::describe_histogram!("http_request_duration_seconds", "HTTP request latency by method and route");
        metrics::describe_counter!("db_errors_total", "Database errors by kind");
        for kind in ["unreachable", "timeout", "other"] {
            metrics::counter!("db_errors_total", "kind" => kind).increment(0);
        }
        handle
    });
}

/// True when `headers` carry `Authorization: Bearer <expected>`. The comparison is of the
/// two tokens' SHA-256 digests, in constant time, so neither the token's bytes nor its
/// length can be found by timing.
fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).unwrap_or("");
    let (given, expected) = (crypto::sha256_hex(given), crypto::sha256_hex(expected));
    crypto::ct_eq(given.as_bytes(), expected.as_bytes())
}

pub async fn metrics_handler(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return (StatusCode::NOT_FOUND, Json(AppError::not_found("/metrics"))).into_response();
    };
    if !bearer_matches(&headers, token) {
        let mut res = (StatusCode::UNAUTHORIZED, Json(AppError::Unauthenticated)).into_response();
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"metrics\""));
        return res;
    }
    match PROMETHEUS.get() {
        Some(h) => {
            h.run_upkeep();
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], h.render()).into_response()
        }
        None => (StatusCode::SERVICE_UNAVAILABLE, "metrics recorder not installed").into_response(),
    }
}

/// The route label: the matched route pattern, the server fn's own path, or a fixed
/// label, so a client cannot create unbounded label values.
fn route_label(req: &Request) -> SharedString {
    let path = req.uri().path();
    match req.extensions().get::<MatchedPath>().map(|m| m.as_str()) {
        Some("/api/{*fn_name}") if crate::api::is_server_fn(path) => SharedString::from(path.to_string()),
        Some("/api/{*fn_name}") => SharedString::const_str("/api/unknown"),
        Some(p) => SharedString::from(p.to_string()),
        None => SharedString::const_str("static"),
    }
}

fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The status as a label, without allocating for the usual ones.
fn status_label(status: StatusCode) -> SharedString {
    match status.as_u16() {
        200 => SharedString::const_str("200"),
        204 => SharedString::const_str("204"),
        301 => SharedString::const_str("301"),
        302 => SharedString::const_str("302"),
        304 => SharedString::const_str("304"),
        404 => SharedString::const_str("404"),
        other => SharedString::from(other.to_string()),
    }
}

pub async fn track_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = route_label(&req);
    let res = next.run(req).await;
    record_request(start, method, route, &res);
    res
}

/// Counts one answered request and its latency (from `start`).
pub fn record_request(start: Instant, method: &'static str, route: SharedString, res: &Response) {
    let status = status_label(res.status());
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route).record(start.elapsed().as_secs_f64());
}

/// The request's method and route labels, taken before it is handled.
pub fn labels(req: &Request) -> (&'static str, SharedString) {
    (method_label(req.method()), route_label(req))
}
