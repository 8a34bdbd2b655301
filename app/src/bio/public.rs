//! What visitors reach without signing in: the published page at `/{handle}` (or on a
//! verified custom domain), the click redirect, the e-mail sign-up and the QR code.
//!
//! Rendered pages are kept in memory per server, keyed by handle and language: the page's
//! own content is the owner's, but its chrome (the sign-up form's labels, the footer, the
//! language of the document) follows the visitor's `Accept-Language`, so each language has
//! its own rendering (and responses say `Vary: Accept-Language`). Publishing, unpublishing,
//! a handle change or a deletion on this server removes the entries at once; other servers
//! hear of it through the change stream within milliseconds (and never serve a page more
//! than a second stale while the stream is down). A page with a scheduled link is kept only
//! until the next start or end time, so schedules take effect on time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mongodb::bson::{doc, DateTime};

use super::render::{render_page, RenderOptions};
use super::store::{PageDoc, RedirectDoc, SignupDoc, PAGES, REDIRECTS, SIGNUPS};
use super::texts::BioTexts;
use super::{check_handle, BioContent, BlockKind};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::platform::cache::{Cache, Ticket};
use crate::platform::watch::{Change, Op, Watcher};
use crate::platform::{compress, crypto, AppState};

/// How long a rendered page is served from memory at most (changes remove it sooner: see
/// [`page_changed`]).
pub const MAX_AGE: Duration = Duration::from_secs(300);
/// How long "no such page" is remembered.
const MISS_AGE: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 10_000;

/// A rendered page, ready to send.
#[derive(Debug)]
pub struct Rendered {
    pub page_id: String,
    pub workspace_id: String,
    pub handle: String,
    /// The language of the page's chrome.
    pub lang: Lang,
    pub html: axum::body::Bytes,
    /// The same document compressed once, when rendered (brotli quality 9, gzip level 6),
    /// so visitors' requests cost no compression.
    pub br: Option<axum::body::Bytes>,
    pub gzip: Option<axum::body::Bytes>,
    pub etag: String,
    /// The Content-Security-Policy for this document (its inline style by hash).
    pub csp: String,
    /// The same two as header values, checked once when rendered rather than per request.
    pub etag_header: Option<axum::http::HeaderValue>,
    pub csp_header: Option<axum::http::HeaderValue>,
}

#[derive(Clone, Debug)]
enum Entry {
    Page(Arc<Rendered>),
    Moved(String),
    /// A page with this handle exists (this id) but is not published.
    Unpublished(String),
    Missing,
}

/// Rendered pages, per server, by (language, handle), each with the time it stops being
/// right (a scheduled link's start or end). The change stream keeps every replica's copy
/// right (see [`page_changed`]).
pub struct PageCache(Cache<(Lang, String), (Entry, Instant)>);

impl Default for PageCache {
    fn default() -> Self {
        PageCache(Cache::new(MAX_AGE, MAX_ENTRIES))
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageCache")
    }
}

impl PageCache {
    fn get(&self, watcher: &Watcher, lang: Lang, handle: &str) -> Option<Entry> {
        let (entry, until) = self.0.get(watcher, &(lang, handle.to_string()))?;
        (Instant::now() < until).then_some(entry)
    }

    fn put(&self, ticket: Ticket, lang: Lang, handle: &str, entry: Entry, ttl: Duration) {
        self.0.put(ticket, (lang, handle.to_string()), (entry, Instant::now() + ttl));
    }

    /// Forgets the page at `handle`, in every language (after publish, unpublish, handle
    /// change, deletion on this server; other servers hear of it through the change stream).
    pub fn invalidate(&self, handle: &str) {
        self.0.forget_where(|(_, h), (e, _)| h == handle || matches!(e, Entry::Page(r) if r.handle == handle));
    }
}

/// A change to a bio page (through any replica): forget what this replica rendered of it.
/// A new page may take a handle remembered as missing or moved, so those go too.
pub fn page_changed(state: &AppState, change: &Change<'_>) {
    let cache = &state.ext::<PageCache>().0;
    match (change.op, change.id_str()) {
        (Op::Insert, _) => cache.forget_where(|_, (e, _)| matches!(e, Entry::Missing | Entry::Moved(_))),
        (Op::Update | Op::Replace | Op::Delete, Some(id)) => cache.forget_where(|_, (e, _)| match e {
            Entry::Page(r) => r.page_id == id,
            Entry::Unpublished(p) => p == id,
            Entry::Moved(_) => true,
            Entry::Missing => false,
        }),
        _ => cache.clear(),
    }
}

/// A change to the old handles that redirect: forget what was remembered as moved or missing.
pub fn redirect_changed(state: &AppState, _change: &Change<'_>) {
    state.ext::<PageCache>().0.forget_where(|_, (e, _)| matches!(e, Entry::Missing | Entry::Moved(_)));
}

/// What a handle leads to.
pub enum Found {
    Page(Arc<Rendered>),
    /// The handle changed; the page now lives at this handle.
    Moved(String),
    NotFound,
}

fn now_ms() -> i64 {
    DateTime::now().timestamp_millis()
}

/// The page's public address.
pub fn page_url(state: &AppState, handle: &str) -> String {
    format!("{}/{handle}", state.config.public_url.trim_end_matches('/'))
}

/// How long the rendering of `content` stays right: until the next scheduled start or end.
fn valid_for(content: &BioContent, now: i64) -> Duration {
    let next = content
        .blocks
        .iter()
        .flat_map(|b| match &b.kind {
            BlockKind::Link { starts_at, ends_at, .. } => vec![*starts_at, *ends_at],
            _ => vec![],
        })
        .flatten()
        .filter(|t| *t > now)
        .min();
    match next {
        Some(t) => MAX_AGE.min(Duration::from_millis((t - now) as u64)),
        None => MAX_AGE,
    }
}

fn render(state: &AppState, d: &PageDoc, content: &BioContent, lang: Lang) -> Rendered {
    use base64::Engine as _;
    use sha2::Digest as _;
    let options = RenderOptions { page_url: page_url(state, &d.handle), handle: d.handle.clone(), page_id: d.id.clone(), now_ms: now_ms(), preview: false };
    let html = crate::i18n::sync_scope(lang, || render_page(content, &options));
    let style = html.split_once("<style>").and_then(|(_, rest)| rest.split_once("</style>")).map(|(s, _)| s).unwrap_or("");
    let style_hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
    // A Form block (M07) is a frame of this server's own form page, sized by its script.
    let (script, own_frames) =
        if content.blocks.iter().any(|b| matches!(b.kind, BlockKind::Form { .. })) { ("script-src 'self'; ", " 'self'") } else { ("", "") };
    let csp = format!(
        "default-src 'none'; {script}style-src 'sha256-{style_hash}'; img-src 'self' https: data:; \
         frame-src https://www.youtube-nocookie.com https://player.vimeo.com{own_frames}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let etag = format!("\"{}\"", &hex(&sha2::Sha256::digest(html.as_bytes()))[..32]);
    let br = compress::brotli(html.as_bytes());
    let gzip = compress::gzip(html.as_bytes());
    Rendered {
        page_id: d.id.clone(),
        workspace_id: d.workspace_id.clone(),
        handle: d.handle.clone(),
        lang,
        html: axum::body::Bytes::from(html),
        br,
        gzip,
        etag_header: axum::http::HeaderValue::from_str(&etag).ok(),
        csp_header: axum::http::HeaderValue::from_str(&csp).ok(),
        etag,
        csp,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The published page at `handle` with its chrome in `lang`, a redirect to its new handle,
/// or nothing.
pub async fn by_handle(state: &AppState, handle: &str, lang: Lang) -> Result<Found, AppError> {
    if check_handle("handle", handle).is_some() {
        return Ok(Found::NotFound);
    }
    let cache = state.ext::<PageCache>();
    if let Some(e) = cache.get(&state.watcher, lang, handle) {
        return Ok(match e {
            Entry::Page(r) => Found::Page(r),
            Entry::Moved(h) => Found::Moved(h),
            Entry::Unpublished(_) | Entry::Missing => Found::NotFound,
        });
    }
    let ticket = cache.0.ticket(&state.watcher);
    let db = &state.db;
    if let Some(d) = db.global::<PageDoc>(PAGES).find_one(doc! { "handle": handle }).await? {
        return Ok(match d.published.clone() {
            Some(content) => {
                let r = Arc::new(render(state, &d, &content, lang));
                cache.put(ticket, lang, handle, Entry::Page(r.clone()), valid_for(&content, now_ms()));
                Found::Page(r)
            }
            None => {
                cache.put(ticket, lang, handle, Entry::Unpublished(d.id.clone()), MISS_AGE);
                Found::NotFound
            }
        });
    }
    let redirect = db.global::<RedirectDoc>(REDIRECTS).find_one(doc! { "handle": handle, "expires_at": { "$gt": DateTime::now() } }).await?;
    if let Some(r) = redirect {
        if let Some(d) = db.global::<PageDoc>(PAGES).find_one(doc! { "_id": &r.page_id }).await? {
            cache.put(ticket, lang, handle, Entry::Moved(d.handle.clone()), MAX_AGE);
            return Ok(Found::Moved(d.handle));
        }
    }
    cache.put(ticket, lang, handle, Entry::Missing, MISS_AGE);
    Ok(Found::NotFound)
}

/// The published page with id `page_id` (for custom domains), its chrome in `lang`.
pub async fn by_id(state: &AppState, page_id: &str, lang: Lang) -> Result<Found, AppError> {
    let d = state.global::<PageDoc>(PAGES).find_one(doc! { "_id": page_id }).await?;
    match d {
        Some(d) => by_handle(state, &d.handle, lang).await,
        None => Ok(Found::NotFound),
    }
}

/// Where a click on link block `block` of page `page_id` goes: only an address stored in the
/// published page, and only while the link is shown. Nothing else is ever redirected to.
pub async fn click_target(state: &AppState, page_id: &str, block: &str) -> Result<Option<(String, String)>, AppError> {
    let Some(d) = state.global::<PageDoc>(PAGES).find_one(doc! { "_id": page_id }).await? else { return Ok(None) };
    let Some(content) = &d.published else { return Ok(None) };
    let now = now_ms();
    Ok(content.blocks.iter().find(|b| b.id == block).and_then(|b| match &b.kind {
        BlockKind::Link { url, enabled, starts_at, ends_at, .. }
            if super::link_visible(*enabled, *starts_at, *ends_at, now) && super::check_link_url("url", url).is_none() =>
        {
            Some((url.trim().to_string(), d.workspace_id.clone()))
        }
        _ => None,
    }))
}

/// The outcome of an e-mail sign-up, as a sentence for the visitor.
pub enum SignupOutcome {
    Saved,
    Invalid(String),
    NotFound,
}

/// Stores a visitor's sign-up from an e-mail capture block, with the consent sentence they
/// agreed to and the time. Signing up twice keeps one record.
pub async fn subscribe(state: &AppState, handle: &str, block: &str, email: &str, consent: bool) -> Result<SignupOutcome, AppError> {
    let Some(d) = state.global::<PageDoc>(PAGES).find_one(doc! { "handle": handle }).await? else { return Ok(SignupOutcome::NotFound) };
    let Some(content) = &d.published else { return Ok(SignupOutcome::NotFound) };
    let Some(consent_text) = content.blocks.iter().find(|b| b.id == block).and_then(|b| match &b.kind {
        BlockKind::EmailCapture { consent, .. } => Some(consent.clone()),
        _ => None,
    }) else {
        return Ok(SignupOutcome::NotFound);
    };
    if let Some(e) = crate::validate::email("email", email) {
        return Ok(SignupOutcome::Invalid(e.message));
    }
    if !consent {
        return Ok(SignupOutcome::Invalid(BioTexts::now().err_tick_consent.into()));
    }
    let email = crate::validate::normalize_email(email);
    let s = SignupDoc {
        id: crypto::new_id(),
        workspace_id: d.workspace_id.clone(),
        page_id: d.id.clone(),
        page_handle: d.handle.clone(),
        email: email.clone(),
        consent_text,
        consented_at: DateTime::now(),
        source: "bio".into(),
    };
    match state.global::<SignupDoc>(SIGNUPS).insert_one(&s).await {
        Ok(_) => Ok(SignupOutcome::Saved),
        Err(e) if crate::platform::db::is_duplicate_key(&e) => Ok(SignupOutcome::Saved),
        Err(e) => Err(e.into()),
    }
}

/// The QR code of the published page at `handle` (the same in every language).
pub async fn qr(state: &AppState, handle: &str) -> Result<Option<String>, AppError> {
    match by_handle(state, handle, Lang::default()).await? {
        Found::Page(r) => Ok(super::render::qr_svg(&page_url(state, &r.handle))),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_one_entry_per_language_and_forgets_them_all_at_once() {
        let w = Watcher::default();
        w.opened();
        let cache = PageCache::default();
        cache.put(cache.0.ticket(&w), Lang::En, "ana", Entry::Moved("ana_en".into()), MAX_AGE);
        cache.put(cache.0.ticket(&w), Lang::Fr, "ana", Entry::Moved("ana_fr".into()), MAX_AGE);
        cache.put(cache.0.ticket(&w), Lang::Fr, "ben", Entry::Missing, MAX_AGE);
        assert!(matches!(cache.get(&w, Lang::En, "ana"), Some(Entry::Moved(h)) if h == "ana_en"));
        assert!(matches!(cache.get(&w, Lang::Fr, "ana"), Some(Entry::Moved(h)) if h == "ana_fr"));
        cache.invalidate("ana");
        assert!(cache.get(&w, Lang::En, "ana").is_none() && cache.get(&w, Lang::Fr, "ana").is_none());
        assert!(matches!(cache.get(&w, Lang::Fr, "ben"), Some(Entry::Missing)), "other pages stay");
        // A scheduled link ends: the rendering is not served past that time.
        cache.put(cache.0.ticket(&w), Lang::En, "cal", Entry::Missing, Duration::from_millis(0));
        assert!(cache.get(&w, Lang::En, "cal").is_none());
    }
}
