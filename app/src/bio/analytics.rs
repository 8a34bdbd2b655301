//! Cookie-free analytics for bio pages.
//!
//! A visitor never waits on a database write: [`record_view`] and [`record_click`] only add
//! to this server's in-memory [`Buffer`], and [`spawn_flusher`] writes it every 2 s as one
//! `$inc` upsert per (page, day) into `bio_days`. Unique visitors are counted through a
//! salted hash, SHA-256(daily salt ‖ ip ‖ user agent ‖ page id): the salt is random, one per
//! UTC day, shared by every replica through `analytics_salts`, and expires after two days, so
//! a hash cannot be linked to a person or across days. Raw IPs are never stored.
//!
//! If a flush fails (database down), its counts go back into the buffer for the next try;
//! the buffer is capped so a long outage costs counts, never memory.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::HeaderMap;
use mongodb::bson::{doc, DateTime, Document};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::store::{PageDoc, DAYS, PAGES, SALTS, VISITORS};
use super::texts::BioTexts;
use super::ui_stats::{day_string, parse_day};
use super::{BioStats, BlockKind, DayStats};
use crate::error::{AppError, FieldError};
use crate::platform::{AppState, Ctx};
use crate::workspaces::Action;

/// How often the background flusher writes the buffer.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// The longest range [`stats`] answers, in days.
pub const MAX_RANGE_DAYS: i64 = 366;
/// Caps on what the buffer holds while the database is away.
const MAX_BUCKETS: usize = 20_000;
const MAX_VISITORS: usize = 200_000;
const MAX_UNSALTED: usize = 20_000;
/// Distinct referrers (devices, countries, links) per page and day; the rest count as "other".
const MAX_KEYS_PER_MAP: usize = 500;
/// Hashes known to be stored already, so a returning visitor is not re-inserted every flush.
const MAX_KNOWN: usize = 100_000;

// ---------------------------------------------------------------- visits

/// What one request tells about its visitor. Lives only in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visit {
    pub ip: String,
    pub user_agent: String,
    /// The referring host, `None` for a direct visit (or a visit from the page's own host).
    pub referrer: Option<String>,
    /// A two-letter country code (upper case), when the configured header carries one.
    pub country: Option<String>,
}

/// Reads a [`Visit`] from a public request. The IP follows the same rule as every server
/// fn ([`crate::platform::RequestMeta`]): the first address of `CLIENT_IP_HEADER` when it is
/// configured and present, else the peer. The country comes from `COUNTRY_HEADER`.
pub fn visit_from_headers(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> Visit {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let ip = state
        .config
        .client_ip_header
        .as_deref()
        .and_then(header)
        .and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_else(|| "unknown".into());
    let user_agent: String = match headers.get("user-agent").and_then(|v| v.to_str().ok()) {
        Some(ua) if ua.len() <= 300 => ua.to_string(),
        Some(ua) => ua.chars().take(300).collect(),
        None => String::new(),
    };
    let country = state.config.country_header.as_deref().and_then(header).and_then(|c| country_code(&c));
    // Only a request that names a referrer needs the hosts it is compared with.
    let referrer = header("referer").and_then(|r| url_host(&r)).filter(|h| {
        let own_hosts = [header("host").map(|h| strip_port(&h)), Some(url_host(&state.config.public_url).unwrap_or_default())];
        !own_hosts.iter().flatten().any(|own| own == h)
    });
    Visit { ip, user_agent, referrer, country }
}

/// "de" → "DE"; anything that is not two ASCII letters (or is "XX", unknown) → None.
fn country_code(raw: &str) -> Option<String> {
    let c = raw.trim().to_ascii_uppercase();
    (c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) && c != "XX").then_some(c)
}

/// The host of an absolute http(s) URL, lowercased, without port, `www.` kept.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.trim();
    let lower = rest.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &rest[8..]
    } else if lower.starts_with("http://") {
        &rest[7..]
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = strip_port(host_port);
    (!host.is_empty() && host.len() <= 253 && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.[]:_".contains(c))).then_some(host)
}

/// `Example.com:8080` → `example.com`, `[::1]:80` → `[::1]`, trailing dot removed.
pub fn strip_port(host: &str) -> String {
    let h = host.trim();
    let h = if h.starts_with('[') {
        match h.find(']') {
            Some(end) => &h[..=end],
            None => h,
        }
    } else {
        match h.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) && !name.contains(':') => name,
            _ => h,
        }
    };
    h.trim_end_matches('.').to_ascii_lowercase()
}

/// "mobile", "tablet", "desktop" or "bot", from the user agent.
pub fn device_of(user_agent: &str) -> &'static str {
    let ua = user_agent.to_ascii_lowercase();
    if ua.trim().is_empty() {
        return "bot";
    }
    const BOTS: &[&str] = &[
        "bot",
        "crawl",
        "spider",
        "slurp",
        "curl/",
        "wget/",
        "python-",
        "go-http-client",
        "headless",
        "facebookexternalhit",
        "preview",
        "wrk",
        "httpclient",
        "java/",
        "okhttp",
    ];
    if BOTS.iter().any(|b| ua.contains(b)) {
        return "bot";
    }
    if ua.contains("ipad") || ua.contains("tablet") || ua.contains("kindle") || ua.contains("silk/") || (ua.contains("android") && !ua.contains("mobile")) {
        return "tablet";
    }
    if ua.contains("mobi") || ua.contains("iphone") || ua.contains("ipod") || ua.contains("android") || ua.contains("windows phone") {
        return "mobile";
    }
    "desktop"
}

/// Today (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    day_string(secs.div_euclid(86_400))
}

// ---------------------------------------------------------------- the buffer

/// Views and clicks waiting to be written, per server (held by `AppState::analytics`).
#[derive(Debug, Default)]
pub struct Buffer {
    pending: Mutex<Pending>,
    /// Daily salts already read or created: day → salt.
    salts: Mutex<HashMap<String, String>>,
    /// `page|day|hash` known to be stored.
    known: Mutex<HashSet<String>>,
    /// One flush at a time (the background flusher and a stats read).
    flushing: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Pending {
    buckets: HashMap<(String, String), Counts>,
    /// (page, day, hash) → workspace id.
    visitors: HashMap<(String, String, String), String>,
    /// Views that arrived before the day's salt was known, hashed at the next flush.
    /// (page, day, workspace, ip ‖ user agent). In memory for a moment only.
    unsalted: Vec<(String, String, String, String)>,
    dropped: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Counts {
    workspace_id: String,
    views: u64,
    uniques: u64,
    clicks: u64,
    blocks: HashMap<String, u64>,
    referrers: HashMap<String, u64>,
    devices: HashMap<String, u64>,
    countries: HashMap<String, u64>,
}

fn bump(map: &mut HashMap<String, u64>, key: &str, n: u64) {
    if let Some(v) = map.get_mut(key) {
        *v += n;
    } else if map.len() < MAX_KEYS_PER_MAP {
        map.insert(key.to_string(), n);
    } else {
        *map.entry("other".to_string()).or_insert(0) += n;
    }
}

impl Counts {
    fn merge(&mut self, o: Counts) {
        self.views += o.views;
        self.uniques += o.uniques;
        self.clicks += o.clicks;
        for (mine, theirs) in
            [(&mut self.blocks, o.blocks), (&mut self.referrers, o.referrers), (&mut self.devices, o.devices), (&mut self.countries, o.countries)]
        {
            for (k, v) in theirs {
                bump(mine, &k, v);
            }
        }
    }
}

impl Pending {
    fn bucket(&mut self, workspace_id: &str, page_id: &str, day: &str) -> Option<&mut Counts> {
        let key = (page_id.to_string(), day.to_string());
        if !self.buckets.contains_key(&key) && self.buckets.len() >= MAX_BUCKETS {
            self.dropped += 1;
            return None;
        }
        let c = self.buckets.entry(key).or_default();
        if c.workspace_id.is_empty() {
            c.workspace_id = workspace_id.to_string();
        }
        Some(c)
    }

    fn add_visitor(&mut self, workspace_id: &str, page_id: &str, day: &str, hash: String) {
        let key = (page_id.to_string(), day.to_string(), hash);
        if self.visitors.contains_key(&key) {
            return;
        }
        if self.visitors.len() >= MAX_VISITORS {
            self.dropped += 1;
            return;
        }
        self.visitors.insert(key, workspace_id.to_string());
    }

    fn is_empty(&self) -> bool {
        self.buckets.is_empty() && self.visitors.is_empty() && self.unsalted.is_empty()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// SHA-256(salt ‖ ip ‖ user agent ‖ page id), hex.
fn visitor_hash(salt: &str, ip: &str, user_agent: &str, page_id: &str) -> String {
    let mut h = Sha256::new();
    for part in [salt, ip, user_agent, page_id] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// Counts a view of `page_id` now. Never blocks on the database.
pub fn record_view(state: &AppState, workspace_id: &str, page_id: &str, visit: &Visit) {
    record_view_on(state, &today(), workspace_id, page_id, visit)
}

/// Counts a click on the link `block_id` of `page_id` now. Never blocks on the database.
pub fn record_click(state: &AppState, workspace_id: &str, page_id: &str, block_id: &str, visit: &Visit) {
    record_click_on(state, &today(), workspace_id, page_id, block_id, visit)
}

/// [`record_view`] on a given day (`YYYY-MM-DD`); for tests and imports.
pub fn record_view_on(state: &AppState, day: &str, workspace_id: &str, page_id: &str, visit: &Visit) {
    let buf = &state.ext::<crate::bio::analytics::Buffer>();
    let salt = lock(&buf.salts).get(day).cloned();
    let mut p = lock(&buf.pending);
    let Some(c) = p.bucket(workspace_id, page_id, day) else { return };
    c.views += 1;
    bump(&mut c.referrers, visit.referrer.as_deref().unwrap_or("direct"), 1);
    bump(&mut c.devices, device_of(&visit.user_agent), 1);
    bump(&mut c.countries, visit.country.as_deref().unwrap_or("unknown"), 1);
    match salt {
        Some(salt) => p.add_visitor(workspace_id, page_id, day, visitor_hash(&salt, &visit.ip, &visit.user_agent, page_id)),
        None if p.unsalted.len() < MAX_UNSALTED => {
            let who = format!("{}\u{0}{}", visit.ip, visit.user_agent);
            p.unsalted.push((page_id.to_string(), day.to_string(), workspace_id.to_string(), who));
        }
        None => p.dropped += 1,
    }
}

/// [`record_click`] on a given day (`YYYY-MM-DD`); for tests and imports.
pub fn record_click_on(state: &AppState, day: &str, workspace_id: &str, page_id: &str, block_id: &str, _visit: &Visit) {
    let mut p = lock(&state.ext::<crate::bio::analytics::Buffer>().pending);
    let Some(c) = p.bucket(workspace_id, page_id, day) else { return };
    c.clicks += 1;
    let block: String = block_id.chars().take(64).collect();
    bump(&mut c.blocks, &block, 1);
}

// ---------------------------------------------------------------- salts

#[derive(Debug, Serialize, Deserialize)]
struct SaltDoc {
    #[serde(rename = "_id")]
    id: String,
    day: String,
    salt: String,
    expires_at: DateTime,
}

fn two_days_ahead() -> DateTime {
    DateTime::from_millis(DateTime::now().timestamp_millis() + 2 * 86_400_000)
}

/// The salt of `day`: cached, else read, else created (the first replica wins).
async fn salt_for(state: &AppState, day: &str) -> Result<String, AppError> {
    if let Some(s) = lock(&state.ext::<crate::bio::analytics::Buffer>().salts).get(day) {
        return Ok(s.clone());
    }
    let coll = state.global::<SaltDoc>(SALTS);
    let salt = match coll.find_one(doc! { "day": day }).await? {
        Some(d) => d.salt,
        None => {
            let fresh = SaltDoc { id: crate::platform::crypto::new_id(), day: day.to_string(), salt: random_hex(32), expires_at: two_days_ahead() };
            match coll.insert_one(&fresh).await {
                Ok(_) => fresh.salt,
                Err(e) if crate::platform::db::is_duplicate_key(&e) => coll
                    .find_one(doc! { "day": day })
                    .await?
                    .map(|d| d.salt)
                    .ok_or_else(|| crate::platform::db::internal("analytics salt", &"salt vanished"))?,
                Err(e) => return Err(e.into()),
            }
        }
    };
    let mut salts = lock(&state.ext::<crate::bio::analytics::Buffer>().salts);
    if salts.len() > 8 {
        salts.clear();
    }
    salts.insert(day.to_string(), salt.clone());
    Ok(salt)
}

/// `bytes` random bytes as hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------- flushing

/// Map keys stored in BSON may hold neither `.` nor a leading `$`.
fn encode_key(k: &str) -> String {
    let k = if k.is_empty() { "unknown" } else { k };
    k.replace('.', "\u{b7}").replace('$', "\u{ff04}")
}

fn decode_key(k: &str) -> String {
    k.replace('\u{b7}', ".").replace('\u{ff04}', "$")
}

/// Writes this server's buffer: visitor hashes first (each new one adds a unique visitor to
/// its day), then one `$inc` upsert per (page, day). What cannot be written stays buffered.
pub async fn flush(state: &AppState) -> Result<(), AppError> {
    let buf = &state.ext::<crate::bio::analytics::Buffer>();
    let _one_at_a_time = buf.flushing.lock().await;
    let mut taken = std::mem::take(&mut *lock(&buf.pending));
    if taken.dropped > 0 {
        tracing::warn!(dropped = taken.dropped, "analytics buffer was full: some views and clicks were not counted");
        taken.dropped = 0;
    }
    if taken.is_empty() {
        return Ok(());
    }
    let result = write(state, &mut taken).await;
    if !taken.is_empty() {
        // Put back what was not written, under the caps.
        let mut p = lock(&buf.pending);
        for ((page, day), c) in taken.buckets {
            if let Some(mine) = p.bucket(&c.workspace_id.clone(), &page, &day) {
                mine.merge(c);
            }
        }
        for ((page, day, hash), ws) in taken.visitors {
            p.add_visitor(&ws, &page, &day, hash);
        }
        for u in taken.unsalted {
            if p.unsalted.len() < MAX_UNSALTED {
                p.unsalted.push(u);
            } else {
                p.dropped += 1;
            }
        }
    }
    result
}

/// Writes `p`, removing from it everything written. Stops at the first database error.
async fn write(state: &AppState, p: &mut Pending) -> Result<(), AppError> {
    state.ensure_indexes().await?;
    // Hash the views that came before their day's salt was known.
    for (page, day, ws, who) in std::mem::take(&mut p.unsalted) {
        match salt_for(state, &day).await {
            Ok(salt) => {
                let (ip, ua) = who.split_once('\u{0}').unwrap_or((who.as_str(), ""));
                let hash = visitor_hash(&salt, ip, ua, &page);
                p.add_visitor(&ws, &page, &day, hash);
            }
            Err(e) => {
                p.unsalted.push((page, day, ws, who));
                return Err(e);
            }
        }
    }
    // New visitors: a successful insert is a unique visitor of that day.
    let known_key = |page: &str, day: &str, hash: &str| format!("{page}|{day}|{hash}");
    let fresh: Vec<((String, String, String), String)> = {
        let known = lock(&state.ext::<crate::bio::analytics::Buffer>().known);
        std::mem::take(&mut p.visitors).into_iter().filter(|((page, day, hash), _)| !known.contains(&known_key(page, day, hash))).collect()
    };
    let expires = two_days_ahead();
    const CHUNK: usize = 500;
    for (ci, chunk) in fresh.chunks(CHUNK).enumerate() {
        let docs: Vec<Document> = chunk
            .iter()
            .map(|((page, day, hash), ws)| doc! { "_id": crate::platform::crypto::new_id(), "workspace_id": ws, "page_id": page, "day": day, "hash": hash, "expires_at": expires })
            .collect();
        let outcome = state.global::<Document>(VISITORS).insert_many(docs).ordered(false).await;
        let mut retry: HashSet<usize> = HashSet::new();
        let mut duplicate: HashSet<usize> = HashSet::new();
        let mut failure = None;
        if let Err(e) = outcome {
            match &*e.kind {
                mongodb::error::ErrorKind::InsertMany(m) if m.write_errors.is_some() => {
                    for w in m.write_errors.iter().flatten() {
                        if w.code == 11000 {
                            duplicate.insert(w.index);
                        } else {
                            retry.insert(w.index);
                        }
                    }
                    if !retry.is_empty() {
                        failure = Some(AppError::from(e));
                    }
                }
                _ => {
                    retry.extend(0..chunk.len());
                    failure = Some(AppError::from(e));
                }
            }
        }
        let mut known = lock(&state.ext::<crate::bio::analytics::Buffer>().known);
        if known.len() > MAX_KNOWN {
            known.clear();
        }
        for (i, ((page, day, hash), ws)) in chunk.iter().enumerate() {
            if retry.contains(&i) {
                p.visitors.insert((page.clone(), day.clone(), hash.clone()), ws.clone());
                continue;
            }
            known.insert(known_key(page, day, hash));
            if !duplicate.contains(&i) {
                if let Some(c) = p.bucket(ws, page, day) {
                    c.uniques += 1;
                }
            }
        }
        drop(known);
        if let Some(e) = failure {
            // Keep the not-yet-tried chunks too.
            let start = (ci + 1) * CHUNK;
            for ((page, day, hash), ws) in fresh.iter().skip(start).cloned() {
                p.visitors.insert((page, day, hash), ws);
            }
            return Err(e);
        }
    }
    // Per-day counters.
    let keys: Vec<(String, String)> = p.buckets.keys().cloned().collect();
    for key in keys {
        let Some(c) = p.buckets.get(&key) else { continue };
        let (page, day) = &key;
        let mut inc = doc! { "views": c.views as i64, "uniques": c.uniques as i64, "clicks": c.clicks as i64 };
        for (field, map) in [("blocks", &c.blocks), ("referrers", &c.referrers), ("devices", &c.devices), ("countries", &c.countries)] {
            for (k, v) in map {
                inc.insert(format!("{field}.{}", encode_key(k)), *v as i64);
            }
        }
        let update = doc! {
            "$inc": inc,
            "$setOnInsert": { "_id": crate::platform::crypto::new_id(), "workspace_id": &c.workspace_id },
        };
        let coll = state.global::<Document>(DAYS);
        let mut res = coll.update_one(doc! { "page_id": page, "day": day }, update.clone()).upsert(true).await;
        if let Err(e) = &res {
            // Two replicas creating the same day at once: the loser's upsert becomes an update.
            if crate::platform::db::is_duplicate_key(e) {
                res = coll.update_one(doc! { "page_id": page, "day": day }, update).upsert(true).await;
            }
        }
        res?;
        p.buckets.remove(&key);
    }
    Ok(())
}

/// Flushes this server's buffer every [`FLUSH_EVERY`] until `stop` turns true, then once more.
pub fn spawn_flusher(state: AppState, stop: tokio::sync::watch::Receiver<bool>) {
    crate::platform::flusher::spawn_flusher("bio page analytics", FLUSH_EVERY, stop, move |last| {
        let state = state.clone();
        async move {
            // Have today's salt ready so views are hashed as they arrive; flush either way.
            let warm = if last { Ok(()) } else { salt_for(&state, &today()).await.map(|_| ()) };
            let flushed = flush(&state).await;
            warm.and(flushed)
        }
    });
}

// ---------------------------------------------------------------- reading

#[derive(Debug, Default, Serialize, Deserialize)]
struct DayDoc {
    day: String,
    #[serde(default)]
    views: i64,
    #[serde(default)]
    uniques: i64,
    #[serde(default)]
    clicks: i64,
    #[serde(default)]
    blocks: HashMap<String, i64>,
    #[serde(default)]
    referrers: HashMap<String, i64>,
    #[serde(default)]
    devices: HashMap<String, i64>,
    #[serde(default)]
    countries: HashMap<String, i64>,
}

fn check_day(field: &str, value: &str) -> Result<i64, FieldError> {
    parse_day(value.trim()).ok_or_else(|| FieldError { field: field.into(), message: BioTexts::now().err_date.into() })
}

fn sorted(map: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.into_iter().filter(|(_, n)| *n > 0).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Analytics of `page` for `from`..=`to` (UTC days), every day present.
pub async fn stats(ctx: &Ctx, page: String, from: String, to: String) -> Result<BioStats, AppError> {
    ctx.require(super::AREA, Action::View)?;
    let (f, t) = (check_day("from", &from), check_day("to", &to));
    let mut errors = vec![];
    if let Err(e) = &f {
        errors.push(e.clone());
    }
    if let Err(e) = &t {
        errors.push(e.clone());
    }
    AppError::check_fields(errors)?;
    let tx = BioTexts::now();
    let (Ok(f), Ok(t)) = (f, t) else { return Err(AppError::field("from", tx.err_date)) };
    if t < f {
        return Err(AppError::field("to", tx.err_date_order));
    }
    if t - f + 1 > MAX_RANGE_DAYS {
        return Err(AppError::field("to", crate::i18n::fill(tx.err_date_range, &[("max", &MAX_RANGE_DAYS)])));
    }
    let page_doc = ctx.scoped::<PageDoc>(PAGES)?.find_one(doc! { "_id": page.trim() }).await?.ok_or_else(|| AppError::not_found(tx.page_not_found))?;
    // This server's counts first, so what was just recorded is visible.
    if let Err(e) = flush(&ctx.state).await {
        tracing::warn!(reason = %e, "analytics flush before a stats read failed");
    }
    let (from_s, to_s) = (day_string(f), day_string(t));
    let docs: Vec<DayDoc> = ctx
        .scoped::<DayDoc>(DAYS)?
        .find(doc! { "page_id": &page_doc.id, "day": { "$gte": &from_s, "$lte": &to_s } }, doc! { "day": 1 }, MAX_RANGE_DAYS + 1)
        .await?;
    let by_day: HashMap<&str, &DayDoc> = docs.iter().map(|d| (d.day.as_str(), d)).collect();
    let mut out = BioStats::default();
    let (mut refs, mut devs, mut ctys, mut blocks) = (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::<String, u64>::new());
    let pos = |n: i64| n.max(0) as u64;
    for d in f..=t {
        let day = day_string(d);
        let mut ds = DayStats { day: day.clone(), ..Default::default() };
        if let Some(doc) = by_day.get(day.as_str()) {
            ds.views = pos(doc.views);
            ds.unique_visitors = pos(doc.uniques);
            ds.clicks = pos(doc.clicks);
            for (src, dst) in [(&doc.referrers, &mut refs), (&doc.devices, &mut devs), (&doc.countries, &mut ctys), (&doc.blocks, &mut blocks)] {
                for (k, v) in src {
                    *dst.entry(decode_key(k)).or_insert(0) += pos(*v);
                }
            }
        }
        out.views += ds.views;
        out.unique_visitors += ds.unique_visitors;
        out.clicks += ds.clicks;
        out.days.push(ds);
    }
    out.click_through_rate = if out.views == 0 { 0.0 } else { out.clicks as f64 / out.views as f64 };
    out.referrers = sorted(refs);
    out.devices = sorted(devs);
    out.countries = sorted(ctys);
    let titles: HashMap<&str, &str> = page_doc
        .published
        .iter()
        .flat_map(|c| c.blocks.iter())
        .filter_map(|b| match &b.kind {
            BlockKind::Link { title, .. } => Some((b.id.as_str(), title.as_str())),
            _ => None,
        })
        .collect();
    out.links = sorted(blocks)
        .into_iter()
        .map(|(id, n)| {
            let title = titles.get(id.as_str()).map(|t| t.to_string()).filter(|t| !t.trim().is_empty()).unwrap_or_else(|| tx.stats_removed_link.to_string());
            (id, title, n)
        })
        .collect();
    Ok(out)
}

/// Forgets every count of `page_id` (when the page is deleted), stored and buffered.
/// Drops this server's buffered counts of a page that is being deleted (its stored
/// statistics go in the deletion's transaction).
pub fn forget_page(ctx: &Ctx, page_id: &str) {
    let mut p = lock(&ctx.state.ext::<Buffer>().pending);
    p.buckets.retain(|(page, _), _| page != page_id);
    p.visitors.retain(|(page, _, _), _| page != page_id);
    p.unsalted.retain(|(page, ..)| page != page_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices() {
        assert_eq!(device_of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"), "mobile");
        assert_eq!(device_of("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36"), "mobile");
        assert_eq!(device_of("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"), "tablet");
        assert_eq!(device_of("Mozilla/5.0 (Linux; Android 13; SM-X200) Safari/537.36"), "tablet");
        assert_eq!(device_of("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"), "desktop");
        assert_eq!(device_of("Googlebot/2.1 (+http://www.google.com/bot.html)"), "bot");
        assert_eq!(device_of(""), "bot");
    }

    #[test]
    fn hosts_and_keys() {
        assert_eq!(url_host("https://www.Instagram.com/p/x?y=1"), Some("www.instagram.com".into()));
        assert_eq!(url_host("http://user@t.co:8080/x"), Some("t.co".into()));
        assert_eq!(url_host("android-app://com.x"), None);
        assert_eq!(strip_port("Links.Example.com:443"), "links.example.com");
        assert_eq!(strip_port("[::1]:3000"), "[::1]");
        assert_eq!(decode_key(&encode_key("a.b$c")), "a.b$c");
        assert!(!encode_key("a.b$c").contains(['.', '$']));
        assert_eq!(country_code(" de "), Some("DE".into()));
        assert_eq!(country_code("XX"), None);
        assert_eq!(country_code("DEU"), None);
    }

    #[test]
    fn hash_depends_on_every_part() {
        let h = visitor_hash("s", "1.2.3.4", "ua", "p");
        assert_eq!(h.len(), 64);
        assert_ne!(h, visitor_hash("t", "1.2.3.4", "ua", "p"));
        assert_ne!(h, visitor_hash("s", "1.2.3.4", "ub", "p"));
        assert_ne!(h, visitor_hash("s", "1.2.3.4", "ua", "q"));
    }
}
