//! Fixed-window rate limits kept in MongoDB, so every replica shares the same counts.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mongodb::bson::{doc, DateTime, Document};
use mongodb::options::{FindOneAndUpdateOptions, ReturnDocument};

use super::db::IndexSpec;
use super::Db;
use crate::error::AppError;

const COLLECTION: &str = "rate_limits";

pub fn indexes() -> Vec<IndexSpec> {
    vec![IndexSpec::ttl(COLLECTION, "expires", "expires_at", Duration::from_secs(0))]
}

/// A limit: at most `max` hits per `window` for one key.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window: Duration,
}

/// Counts one hit for `key` under `limit`. Over the limit: [`AppError::RateLimited`] saying
/// when the window ends.
pub async fn hit(db: &Db, limit: Limit, key: &str) -> Result<(), AppError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let win = limit.window.as_secs().max(1);
    let slot = now.as_secs() / win;
    let ends = (slot + 1) * win;
    let id = format!("{}:{}:{}", limit.name, key, slot);
    let opts = FindOneAndUpdateOptions::builder().upsert(true).return_document(ReturnDocument::After).build();
    let doc: Option<Document> = db
        .collection::<Document>(COLLECTION)
        .find_one_and_update(
            doc! { "_id": &id },
            doc! { "$inc": { "count": 1_i64 }, "$setOnInsert": { "expires_at": DateTime::from_millis((ends as i64) * 1000) } },
        )
        .with_options(opts)
        .await?;
    let count = doc.and_then(|d| d.get_i64("count").ok()).unwrap_or(1);
    if count > limit.max {
        let retry_after_secs = ends.saturating_sub(now.as_secs()).max(1);
        tracing::info!(limit = limit.name, "rate limit reached");
        return Err(AppError::RateLimited { retry_after_secs });
    }
    Ok(())
}
