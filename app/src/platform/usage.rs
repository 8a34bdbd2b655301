//! Usage counters that make plan limits hold under concurrency. A record counted by a limit
//! is created only after one guarded update has taken its room in the workspace's counter
//! (`$inc` only while the counter is at most the limit minus the room asked for), and a
//! failure gives the room back. So twenty creates at once against a limit of three make
//! exactly three, on one replica or several.
//!
//! The counter of a limit starts from the module's own count of its records the first time
//! it is needed (so workspaces older than the counters need no migration), and every delete
//! that removed a record gives its room back.

use mongodb::bson::{doc, Document};

use super::module::Limit;
use super::Ctx;
use crate::error::AppError;

/// One document per workspace: `{ _id: workspace id, workspace_id, counts: { key: n } }`.
pub const COLLECTION: &str = "usage";

/// Room taken for `n` records of one limit. [`Reservation::keep`] once the records are
/// written; dropped without it (an error on the way), the room is given back.
#[must_use = "keep() the reservation once the record is written, or it is given back"]
pub struct Reservation {
    ctx: Option<Ctx>,
    key: &'static str,
    n: i64,
}

impl Reservation {
    /// The records are written: the room stays taken.
    pub fn keep(mut self) {
        self.ctx = None;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(ctx) = self.ctx.take() {
            let (key, n) = (self.key, self.n);
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    if let Err(e) = add(&ctx, key, -n).await {
                        tracing::warn!(error = %e, key, "could not give back reserved room");
                    }
                });
            }
        }
    }
}

/// Takes room for `n` records of `limit` in the call's workspace, when at most `max` may
/// exist (`None`: no limit). `Ok(None)` when there is no room, after trying to reclaim room
/// that went stale (see [`Limit::reclaim`]).
pub async fn reserve(ctx: &Ctx, limit: &'static Limit, n: i64, max: Option<i64>) -> Result<Option<Reservation>, AppError> {
    let counters = ctx.scoped::<Document>(COLLECTION)?;
    let field = format!("counts.{}", limit.key);
    let mut reclaimed = false;
    let mut started = false;
    loop {
        let guard = match max {
            Some(m) => doc! { "$lte": m - n },
            None => doc! { "$exists": true },
        };
        let filter = doc! { "_id": counters.workspace_id(), field.as_str(): guard };
        if counters.update_one(filter, doc! { "$inc": { field.as_str(): n } }).await? == 1 {
            return Ok(Some(Reservation { ctx: Some(ctx.clone()), key: limit.key, n }));
        }
        if !started && start_counter(ctx, limit).await? {
            started = true;
            continue;
        }
        started = true;
        match (limit.reclaim, reclaimed) {
            (Some(reclaim), false) => {
                reclaimed = true;
                if reclaim(ctx).await? == 0 {
                    return Ok(None);
                }
            }
            _ => return Ok(None),
        }
    }
}

/// Gives back the room of `n` records of `limit` (after a delete that removed them). A
/// counter not started yet has nothing to give back: it will start from the records left.
pub async fn release(ctx: &Ctx, limit: &'static Limit, n: i64) -> Result<(), AppError> {
    if n == 0 {
        return Ok(());
    }
    add(ctx, limit.key, -n).await
}

/// [`release`] inside the transaction `tx`, with the delete it accounts for.
pub async fn release_in(ctx: &Ctx, tx: &mut super::tx::Tx, limit: &'static Limit, n: i64) -> Result<(), AppError> {
    if n == 0 {
        return Ok(());
    }
    let counters = ctx.scoped::<Document>(COLLECTION)?;
    let field = format!("counts.{}", limit.key);
    counters.update_one_in(tx, doc! { "_id": counters.workspace_id(), field.as_str(): { "$exists": true } }, doc! { "$inc": { field.as_str(): -n } }).await?;
    Ok(())
}

/// How many records of `limit` the workspace has, by its counter.
pub async fn used(ctx: &Ctx, limit: &'static Limit) -> Result<i64, AppError> {
    start_counter(ctx, limit).await?;
    let counters = ctx.scoped::<Document>(COLLECTION)?;
    let d = counters.find_one_raw(doc! { "_id": counters.workspace_id() }).await?;
    Ok(d.and_then(|d| d.get_document("counts").ok().and_then(|c| c.get_i64(limit.key).ok())).unwrap_or(0))
}

/// [`release`] for workspace `workspace_id` outside a signed-in call (someone declining an
/// invitation from its link).
pub async fn release_for(db: &super::Db, workspace_id: &str, limit: &'static Limit, n: i64) -> Result<(), AppError> {
    if n == 0 {
        return Ok(());
    }
    add_to(&super::scoped::Scoped::<Document>::of_workspace(db, COLLECTION, workspace_id), limit.key, -n).await
}

async fn add(ctx: &Ctx, key: &str, n: i64) -> Result<(), AppError> {
    add_to(&ctx.scoped::<Document>(COLLECTION)?, key, n).await
}

async fn add_to(counters: &super::scoped::Scoped<Document>, key: &str, n: i64) -> Result<(), AppError> {
    let field = format!("counts.{key}");
    counters.update_one(doc! { "_id": counters.workspace_id(), field.as_str(): { "$exists": true } }, doc! { "$inc": { field.as_str(): n } }).await?;
    Ok(())
}

/// Starts the counter of `limit` from the module's count when it has none yet. True when
/// this call started it (or found it missing and someone else started it meanwhile).
async fn start_counter(ctx: &Ctx, limit: &'static Limit) -> Result<bool, AppError> {
    let counters = ctx.scoped::<Document>(COLLECTION)?;
    let field = format!("counts.{}", limit.key);
    let exists = counters.count(doc! { "_id": counters.workspace_id(), field.as_str(): { "$exists": true } }).await? > 0;
    if exists {
        return Ok(false);
    }
    let Some(count) = limit.count else { return Ok(false) };
    let n = count(ctx).await?;
    // Only where the counter is still missing: a concurrent start wins, and this one's
    // insert of the same `_id` fails as a duplicate, which is just as good.
    let filter = doc! { "_id": counters.workspace_id(), field.as_str(): { "$exists": false } };
    match counters.upsert_one(filter, doc! { "$set": { field.as_str(): n } }).await {
        Ok(_) => Ok(true),
        Err(e) if e.is_duplicate() => Ok(true),
        Err(e) => Err(e.into()),
    }
}
