//! Rate limits kept in MongoDB, so every replica shares the same counts: fixed windows
//! ([`Limit`], [`hit`]) and growing delays after repeated failures ([`Backoff`]).

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

fn window(limit: Limit) -> (Duration, u64, u64) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let win = limit.window.as_secs().max(1);
    let slot = now.as_secs() / win;
    (now, slot, (slot + 1) * win)
}

/// Counts one hit for `key` under `limit`, without refusing. Returns the count in the
/// current window (this hit included) and the seconds until the window ends.
pub async fn record(db: &Db, limit: Limit, key: &str) -> Result<(i64, u64), AppError> {
    let (now, slot, ends) = window(limit);
    let id = format!("{}:{}:{}", limit.name, key, slot);
    let opts = FindOneAndUpdateOptions::builder().upsert(true).return_document(ReturnDocument::After).build();
    let doc: Option<Document> = db
        .global::<Document>(COLLECTION)
        .find_one_and_update(
            doc! { "_id": &id },
            doc! { "$inc": { "count": 1_i64 }, "$setOnInsert": { "expires_at": DateTime::from_millis((ends as i64) * 1000) } },
        )
        .with_options(opts)
        .await?;
    let count = doc.and_then(|d| d.get_i64("count").ok()).unwrap_or(1);
    Ok((count, ends.saturating_sub(now.as_secs()).max(1)))
}

/// The hits counted for `key` in the current window of `limit`, without counting one, and
/// the seconds until the window ends.
pub async fn count(db: &Db, limit: Limit, key: &str) -> Result<(i64, u64), AppError> {
    let (now, slot, ends) = window(limit);
    let id = format!("{}:{}:{}", limit.name, key, slot);
    let doc = db.global::<Document>(COLLECTION).find_one(doc! { "_id": &id }).await?;
    let count = doc.and_then(|d| d.get_i64("count").ok()).unwrap_or(0);
    Ok((count, ends.saturating_sub(now.as_secs()).max(1)))
}

/// Counts one hit for `key` under `limit`. Over the limit: [`AppError::RateLimited`] saying
/// when the window ends.
pub async fn hit(db: &Db, limit: Limit, key: &str) -> Result<(), AppError> {
    let (count, retry_after_secs) = record(db, limit, key).await?;
    if count > limit.max {
        tracing::info!(limit = limit.name, "rate limit reached");
        return Err(AppError::RateLimited { retry_after_secs });
    }
    Ok(())
}

/// A growing delay after repeated failures of one key: the first `free` failures cost
/// nothing; after failure number `free + 1 + k` (k = 0, 1, 2, …) the key must wait
/// `base × 2^k`, at most `max`, before its next attempt. A key's failures are forgotten
/// `forget_after` after its last one (keep `max` below that), or at once by [`clear`].
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub name: &'static str,
    pub free: i64,
    pub base: Duration,
    pub max: Duration,
    pub forget_after: Duration,
}

impl Backoff {
    /// The wait imposed after `failures` failures.
    pub fn delay_after(&self, failures: i64) -> Duration {
        if failures <= self.free {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free - 1).clamp(0, 30) as u32;
        self.base.saturating_mul(1u32 << doublings).min(self.max)
    }

    fn id(&self, key: &str) -> String {
        format!("{}:{}", self.name, key)
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as i64
}

/// Refuses with [`AppError::RateLimited`] while `key` has to wait after its failures.
pub async fn check_backoff(db: &Db, backoff: Backoff, key: &str) -> Result<(), AppError> {
    let doc = db.global::<Document>(COLLECTION).find_one(doc! { "_id": backoff.id(key) }).await?;
    let until = doc.and_then(|d| d.get_datetime("blocked_until").ok().map(|t| t.timestamp_millis()));
    let left_ms = until.unwrap_or(0) - now_ms();
    if left_ms > 0 {
        tracing::info!(limit = backoff.name, "backoff: attempt refused");
        return Err(AppError::RateLimited { retry_after_secs: (left_ms as u64).div_ceil(1000).max(1) });
    }
    Ok(())
}

/// Records one failure of `key`. Returns the number of failures remembered and the wait it
/// now imposes.
pub async fn record_failure(db: &Db, backoff: Backoff, key: &str) -> Result<(i64, Duration), AppError> {
    let coll = db.global::<Document>(COLLECTION);
    let now = now_ms();
    let expires = DateTime::from_millis(now + backoff.forget_after.as_millis() as i64);
    let opts = FindOneAndUpdateOptions::builder().upsert(true).return_document(ReturnDocument::After).build();
    let doc = coll
        .find_one_and_update(doc! { "_id": backoff.id(key) }, doc! { "$inc": { "failures": 1_i64 }, "$set": { "expires_at": expires } })
        .with_options(opts)
        .await?;
    let failures = doc.and_then(|d| d.get_i64("failures").ok()).unwrap_or(1);
    let delay = backoff.delay_after(failures);
    if !delay.is_zero() {
        let until = DateTime::from_millis(now + delay.as_millis() as i64);
        coll.update_one(doc! { "_id": backoff.id(key) }, doc! { "$set": { "blocked_until": until } }).await?;
    }
    Ok((failures, delay))
}

/// Forgets the failures of `key` (after a success).
pub async fn clear(db: &Db, backoff: Backoff, key: &str) -> Result<(), AppError> {
    db.global::<Document>(COLLECTION).delete_one(doc! { "_id": backoff.id(key) }).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_starts_after_the_free_failures_doubles_and_is_bounded() {
        let b = Backoff { name: "t", free: 5, base: Duration::from_secs(1), max: Duration::from_secs(900), forget_after: Duration::from_secs(86_400) };
        let delays: Vec<u64> = (1..=16).map(|n| b.delay_after(n).as_secs()).collect();
        assert_eq!(delays, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900]);
        assert_eq!(b.delay_after(i64::MAX), Duration::from_secs(900));
    }
}
