//! Counts kept in memory and written to the database now and then (bio analytics, short-link
//! clicks) share one background loop: it writes on every tick, once more when the server
//! stops, and logs a failure once when it starts and once when it ends, not on every tick.

use std::future::Future;
use std::time::Duration;

use crate::error::AppError;

/// Calls `flush(false)` every `every` until `stop` turns true, then `flush(true)` once.
/// What `flush` cannot write stays in memory for the next call; `what` names it in the log.
pub fn spawn_flusher<F, Fut>(what: &'static str, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>, mut flush: F)
where
    F: FnMut(bool) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), AppError>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        let _ = flush(true).await;
                        return;
                    }
                }
            }
            match flush(false).await {
                Ok(()) => {
                    if failing {
                        tracing::info!("{what}: written again");
                    }
                    failing = false;
                }
                Err(e) => {
                    if !failing {
                        tracing::warn!(reason = %e, "{what}: could not be written, kept in memory and retried");
                    }
                    failing = true;
                }
            }
        }
    });
}
