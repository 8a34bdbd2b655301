//! The hot path of `/s/{slug}`: where a slug leads is kept in memory for a few seconds,
//! and clicks are counted in memory and written every [`FLUSH_EVERY`] (one `$inc` per
//! link and per link-day, however many clicks arrived). A redirect then costs no database
//! round trip once its link is known, and clicks are not lost while the database is down:
//! they stay pending and are written when it is back.
//!
//! Reads of the counts ([`super::domain::list_short_links`], the statistics) flush first,
//! so a person sees every click this server has answered. Another server of the same
//! deployment may answer a deleted link for up to [`TTL`]; this one forgets it at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mongodb::bson::{doc, DateTime};

use super::day_of_ms;
use super::domain::{LinkDoc, DAYS, LINKS};
use crate::error::AppError;
use crate::platform::db::is_duplicate_key;
use crate::platform::{AppState, Db};

/// How long a known link is answered from memory.
pub const TTL: Duration = Duration::from_secs(10);
/// How often pending clicks are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// Links kept in memory at most (an attacker's list of real slugs cannot grow it further).
const MAX_CACHED: usize = 50_000;

#[derive(Clone, Debug)]
struct Known {
    id: String,
    workspace_id: String,
    url: String,
    at: Instant,
}

/// Clicks of one link not yet written: the total and per UTC day.
#[derive(Debug, Default)]
struct Pending {
    workspace_id: String,
    days: HashMap<String, i64>,
}

#[derive(Debug, Default)]
pub struct Redirects {
    known: Mutex<HashMap<String, Known>>,
    pending: Mutex<HashMap<String, Pending>>,
    /// One flush at a time (the background flusher and a read of the counts).
    flushing: tokio::sync::Mutex<()>,
}

impl Redirects {
    /// Forgets a slug at once (its link was deleted).
    pub fn forget(&self, slug: &str) {
        self.known.lock().unwrap_or_else(|p| p.into_inner()).remove(slug);
    }

    fn count(&self, link: &Known) {
        let day = day_of_ms(DateTime::now().timestamp_millis());
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry(link.id.clone()).or_default();
        entry.workspace_id = link.workspace_id.clone();
        *entry.days.entry(day).or_default() += 1;
    }

    /// Clicks answered but not yet written.
    pub fn pending_clicks(&self) -> i64 {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).values().flat_map(|p| p.days.values()).sum()
    }
}

/// Where `/s/{slug}` leads, counting the click; `None` for a slug that names no link.
pub async fn follow(state: &AppState, slug: &str) -> Result<Option<String>, AppError> {
    if super::check_slug("slug", slug).is_some() {
        return Ok(None);
    }
    let r = &state.ext::<crate::shortlinks::redirect::Redirects>();
    let cached = r.known.lock().unwrap_or_else(|p| p.into_inner()).get(slug).filter(|k| k.at.elapsed() < TTL).cloned();
    let link = match cached {
        Some(k) => k,
        None => {
            let Some(doc) = state.global::<LinkDoc>(LINKS).find_one(doc! { "slug": slug }).await? else {
                r.forget(slug);
                return Ok(None);
            };
            let k = Known { id: doc.id, workspace_id: doc.workspace_id, url: doc.url, at: Instant::now() };
            let mut known = r.known.lock().unwrap_or_else(|p| p.into_inner());
            if known.len() >= MAX_CACHED {
                known.retain(|_, v| v.at.elapsed() < TTL);
            }
            if known.len() < MAX_CACHED {
                known.insert(slug.to_string(), k.clone());
            }
            k
        }
    };
    r.count(&link);
    Ok(Some(link.url))
}

/// Writes the pending clicks. What cannot be written stays pending for the next flush.
pub async fn flush(state: &AppState) -> Result<(), AppError> {
    let r = &state.ext::<crate::shortlinks::redirect::Redirects>();
    let _one = r.flushing.lock().await;
    let taken: Vec<(String, Pending)> = r.pending.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
    let mut failed: Option<AppError> = None;
    let mut left = vec![];
    for (link_id, p) in taken {
        if failed.is_some() {
            left.push((link_id, p));
            continue;
        }
        match write(&state.db, &link_id, &p).await {
            Ok(()) => {}
            Err(e) => {
                failed = Some(e);
                left.push((link_id, p));
            }
        }
    }
    if !left.is_empty() {
        let mut pending = r.pending.lock().unwrap_or_else(|p| p.into_inner());
        for (link_id, p) in left {
            let entry = pending.entry(link_id).or_default();
            entry.workspace_id = p.workspace_id;
            for (day, n) in p.days {
                *entry.days.entry(day).or_default() += n;
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

/// One link's clicks: the total first; the days only when the link still exists (a deleted
/// link leaves no statistics behind). A failure between the two is retried as a whole only
/// for what was not written.
async fn write(db: &Db, link_id: &str, p: &Pending) -> Result<(), AppError> {
    let total: i64 = p.days.values().sum();
    let updated = db.global::<LinkDoc>(LINKS).update_one(doc! { "_id": link_id }, doc! { "$inc": { "clicks": total } }).await?;
    if updated.matched_count == 0 {
        return Ok(());
    }
    let days = db.global::<mongodb::bson::Document>(DAYS);
    for (day, n) in &p.days {
        let id = format!("{link_id}:{day}");
        let update = doc! {
            "$inc": { "clicks": *n },
            "$setOnInsert": { "link_id": link_id, "workspace_id": &p.workspace_id, "day": day },
        };
        // Two servers' first flushes of a day may race on the upsert: the loser retries as
        // an update.
        let mut done = false;
        for _ in 0..2 {
            match days.update_one(doc! { "_id": &id }, update.clone()).upsert(true).await {
                Ok(_) => {
                    done = true;
                    break;
                }
                Err(e) if is_duplicate_key(&e) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, link = %link_id, "could not write a short link's clicks for the day");
                    break;
                }
            }
        }
        if !done {
            tracing::warn!(link = %link_id, %day, clicks = n, "short link clicks for the day were not written");
        }
    }
    Ok(())
}

/// Flushes every [`FLUSH_EVERY`] until `stop` turns true, then once more.
pub fn spawn_flusher(state: AppState, stop: tokio::sync::watch::Receiver<bool>) {
    crate::platform::flusher::spawn_flusher("short link clicks", FLUSH_EVERY, stop, move |_| {
        let state = state.clone();
        async move { flush(&state).await }
    });
}
