//! `GET /api/notifications/stream`: the notification centre's live updates.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::platform::http::error_response;
use crate::platform::{AppState, RequestMeta};

/// `GET /api/notifications/stream`: Server-Sent Events for the notification centre. Sends
/// `changed` with the unread count whenever the person's notifications change (checked in
/// the database every 2 s, so it works across replicas). The stream ends after 10 minutes;
/// the browser reconnects (and refreshes its session first if needed).
pub async fn notification_stream(State(state): State<AppState>, req: Request) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use std::time::Duration;
    let (parts, _) = req.into_parts();
    let meta = RequestMeta::from_parts(&parts, &state);
    let ctx = match crate::accounts::session::resolve_access(&state, meta).await {
        Ok(c) => c,
        Err(e) => return error_response(e),
    };
    let user_id = ctx.user_id.clone();
    let stream = futures_util::stream::unfold((state, user_id, None::<(u64, String)>, 0u32), |(state, user_id, last, ticks)| async move {
        if ticks >= 300 {
            return None;
        }
        if last.is_some() {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let now = crate::notifications::domain::marker(&state, &user_id).await.ok();
        let event = match (&now, &last) {
            (Some(n), Some(l)) if n == l => Event::default().comment("unchanged"),
            (Some((unread, _)), _) => Event::default().event("changed").data(format!("{{\"unread\":{unread}}}")),
            (None, _) => Event::default().comment("database unavailable"),
        };
        let next = now.or(last);
        Some((Ok::<_, std::convert::Infallible>(event), (state, user_id, next, ticks + 1)))
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The module's plain HTTP routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/notifications/stream", axum::routing::get(notification_stream))
}
