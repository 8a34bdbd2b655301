//! The Mewayz HTTP server: server fns at `/api/…`, the built client from `dist/`,
//! `/health`, `/ready` and `/metrics`, security headers, compression, limits and logs.

pub mod api;
pub mod bio_routes;
pub mod observability;
pub mod security;
pub mod site_texts;
pub mod static_files;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use app::platform::{AppState, Config, Db};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use observability::init_tracing;

/// Builds the whole HTTP application for `state`.
pub fn router(state: AppState) -> Router {
    let site = static_files::Site::load(&state.config.dist_dir);
    let csp = security::PolicyHeaders::new(site.inline_script_hashes(), &state.config.public_url);
    let public = std::sync::Arc::new(bio_routes::PublicState::new(state.clone(), site));
    let limits = BodyLimits { default: state.config.max_body_bytes, upload: state.config.max_upload_bytes };

    // Every module's own routes (Google sign-in, the workspace logo and export, media files,
    // short-link redirects, the Stripe webhook, the notification stream), from the registry.
    let mut modules = Router::new();
    for m in state.registry.modules {
        if let Some(routes) = m.server.routes {
            modules = modules.merge(routes());
        }
    }
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(observability::metrics_handler))
        .merge(modules)
        .route(
            "/api/{*fn_name}",
            any(api::handle)
                .layer(axum::middleware::from_fn_with_state(security::AllowedOrigin::from_public_url(&state.config.public_url), security::same_origin_writes)),
        )
        .with_state(state)
        // The body limit is enforced by `body_limit` below (larger for uploads), not by
        // axum's default extractor limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(observability::track_requests))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(axum::middleware::from_fn_with_state(csp.clone(), security::headers))
        .layer(axum::middleware::from_fn_with_state(limits, body_limit))
        .layer(TraceLayer::new_for_http())
        // Outermost: every layer inside answers in the request's language.
        .layer(axum::middleware::from_fn(request_language))
        // The public hot path: the client build's files, robots.txt, the client's routes
        // (the shell), public bio pages, and for anything else a small 404 page (see
        // bio_routes::fallback). Pages and files are compressed ahead of time and read no
        // body, so they skip the per-request tracing span, the body limit and the
        // compression layer; they keep the security headers, the language and the counts.
        .fallback_service(
            Router::new()
                .route("/robots.txt", get(static_files::robots))
                .fallback(bio_routes::fallback)
                .with_state(public)
                .layer(CompressionLayer::new().br(true).gzip(true))
                .layer(axum::middleware::from_fn_with_state(csp, public_edge)),
        )
}

/// The public routes' one middleware: the request's language, the security headers and the
/// request counts, in a single step (each layer costs every request an allocation or two).
async fn public_edge(State(policy): State<security::PolicyHeaders>, req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let start = std::time::Instant::now();
    let (method, route) = observability::labels(&req);
    let lang = app::i18n::from_headers(req.headers());
    let mut res = app::i18n::scope(lang, next.run(req)).await;
    security::apply(&policy, &mut res);
    observability::record_request(start, method, route, &res);
    res
}

/// The largest request bodies: one for every route, a larger one for media uploads.
#[derive(Clone, Copy)]
struct BodyLimits {
    default: usize,
    upload: usize,
}

/// Refuses bodies over the limit with 413 (at once when `Content-Length` says so; otherwise
/// reading stops at the limit).
async fn body_limit(State(limits): State<BodyLimits>, req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let limit = if req.uri().path() == "/api/upload_media" { limits.upload.max(limits.default) } else { limits.default };
    let declared = req.headers().get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(app::AppError::field("file", app::i18n::fill(app::i18n::CommonTexts::now().err_too_large, &[("mb", &(limit / (1024 * 1024)))]))),
        )
            .into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

/// Runs the request with its language (the `lang` cookie, or else `Accept-Language`) as the
/// current one, so messages made while answering it are in that language.
async fn request_language(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = app::i18n::from_headers(req.headers());
    app::i18n::scope(lang, next.run(req)).await
}

async fn health() -> impl IntoResponse {
    (StatusCode::OK, Json(serde_json::json!({ "status": "ok" })))
}

async fn ready(State(state): State<AppState>) -> Response {
    match state.check_ready().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ready" }))).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, Json(e)).into_response(),
    }
}

/// Removes the password from a connection string before it is logged.
pub fn redact_uri(uri: &str) -> String {
    match (uri.find("://"), uri.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &uri[..s], &uri[at + 1..]),
        _ => uri.to_string(),
    }
}

/// Watches the database until it first answers, with one clear log line if it does not,
/// then starts the job worker. Readiness afterwards is checked on every `/ready` call, so
/// recovery needs no restart.
fn watch_database(state: AppState, stop: tokio::sync::watch::Receiver<bool>) {
    tokio::spawn(async move {
        let mut warned = false;
        loop {
            match state.check_ready().await {
                Ok(()) => {
                    tracing::info!(db = %state.config.mongodb_db, "database ready");
                    // Only now: the worker's first poll must not race the index creation.
                    start_job_worker(&state, stop);
                    return;
                }
                Err(e) => {
                    if !warned {
                        tracing::warn!(
                            uri = %redact_uri(&state.config.mongodb_uri),
                            reason = %e,
                            "MongoDB is not reachable: the server is up but reports not ready, and keeps retrying"
                        );
                        warned = true;
                    }
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    });
}

/// Runs queued jobs (e-mail and every module's kinds). Several replicas can run workers on
/// the same queue.
fn start_job_worker(state: &AppState, stop: tokio::sync::watch::Receiver<bool>) {
    app::platform::runner::start_worker(state, stop);
}

/// Errors that stop the server from starting at all.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("MONGODB_URI could not be used: {0}")]
    Database(#[from] mongodb::error::Error),
    #[error("could not listen on {addr}: {source} (is another server using the port? set PORT)")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// A server that is listening.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Waits until the server stops (after the shutdown future resolves).
    pub async fn wait(self) -> std::io::Result<()> {
        self.handle.await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

/// Connects, binds and starts serving. Returns once the port is open.
pub async fn start(config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<Running, StartError> {
    observability::install_metrics();
    let db = Db::connect(&config).await?;
    let addr = config.bind;
    let state = app::new_state(config, db);
    api::index_server_fns();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // Every module's background tasks (views and clicks counted in memory, written every 2 s).
    app::platform::runner::start_module_tasks(&state, stop_rx.clone());
    // One change stream tells this replica's caches (sessions, members, plans, published
    // pages) of every change, whichever replica made it.
    app::platform::watch::start(&state, stop_rx.clone());
    watch_database(state.clone(), stop_rx);

    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
    let app = router(state.clone());
    let handle = tokio::spawn(async move {
        let result = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await;
        let _ = stop_tx.send(true);
        result
    });
    Ok(Running { addr, state, handle })
}

#[cfg(test)]
mod tests {
    /// Every route of the server (read from this file and from every module's `routes.rs`)
    /// starts with a segment no bio handle can take, so a handle never collides with a route.
    #[test]
    fn no_handle_can_take_a_server_route() {
        let modules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
        let mut sources = vec![include_str!("lib.rs").to_string()];
        for entry in std::fs::read_dir(&modules).unwrap() {
            let routes = entry.unwrap().path().join("routes.rs");
            if routes.exists() {
                sources.push(std::fs::read_to_string(routes).unwrap());
            }
        }
        assert!(sources.len() >= 6, "every module with routes has a routes.rs: {}", sources.len());
        let mut roots = Vec::new();
        for source in &sources {
            for (i, _) in source.match_indices(".route(\"/") {
                let path = &source[i + 9..];
                let first = path.split(['/', '"']).next().unwrap_or("");
                if !first.is_empty() && !first.starts_with('{') {
                    roots.push(first.to_string());
                }
            }
        }
        assert!(roots.len() >= 10, "the scan found too few routes: {roots:?}");
        for root in &roots {
            assert!(app::bio::check_handle("handle", root).is_some(), "/{root} is a server route but a valid handle");
        }
    }

    #[test]
    fn redacts_credentials() {
        assert_eq!(super::redact_uri("mongodb+srv://u:p@x.net/db"), "mongodb+srv://***@x.net/db");
        assert_eq!(super::redact_uri("mongodb://127.0.0.1:1/"), "mongodb://127.0.0.1:1/");
    }
}
