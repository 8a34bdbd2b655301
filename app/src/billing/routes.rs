//! `POST /webhooks/stripe`: Stripe's webhook deliveries. Not under `/api`, so the
//! same-origin check for browser writes does not apply; the Stripe signature is what
//! authenticates a delivery (see `crate::billing::webhook`).

use crate::billing::webhook::{self, WebhookError};
use crate::platform::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn stripe_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    match webhook::handle(&state, signature, &body).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(WebhookError::BadSignature(why)) => {
            tracing::warn!(reason = why, "Stripe webhook refused");
            (StatusCode::BAD_REQUEST, "invalid signature").into_response()
        }
        Err(WebhookError::BadPayload) => (StatusCode::BAD_REQUEST, "not an event").into_response(),
        Err(WebhookError::NotConfigured) => (StatusCode::SERVICE_UNAVAILABLE, "STRIPE_WEBHOOK_SECRET is not set").into_response(),
        Err(WebhookError::Failed) => (StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response(),
    }
}

/// The module's public routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/webhooks/stripe", axum::routing::post(stripe_webhook))
}
