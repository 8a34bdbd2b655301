//! Custom domains of bio pages.
//!
//! An owner attaches a domain, publishes the TXT token we give at `_mewayz.<domain>`, and
//! asks us to check it. The check goes through the configured DNS-over-HTTPS JSON resolver
//! (`DNS_RESOLVER_URL`, Cloudflare's and Google's format). Only a verified domain serves
//! the page: [`page_for_host`] maps a request's `Host` to its page, cached for 30 s.
//!
//! An unverified claim holds nothing: several workspaces may claim the same domain, each
//! with its own token, and the first whose record is seen wins. A unique index on verified
//! domains ([`verified_domain_unique`]) makes that exclusive even when two checks run at the
//! same moment; the others' claims can then no longer verify and are listed as taken. An
//! unverified claim lapses [`CLAIM_TTL`] after it was made (a TTL index removes it, and
//! every read already ignores it).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use mongodb::bson::{doc, DateTime};
use serde::Deserialize;

use super::store::{DomainDoc, PageDoc, DOMAINS, PAGES};
use super::texts::BioTexts;
use super::{txt_record_name, BioPage, CustomDomain};
use crate::error::AppError;
use crate::i18n::fill;
use crate::platform::db::{is_duplicate_key, IndexSpec};
use crate::platform::{AppState, Ctx};
use crate::workspaces::Action;

/// How many domains one page may have.
pub const MAX_DOMAINS_PER_PAGE: u64 = 5;
/// How long [`page_for_host`] trusts what it read.
pub const HOST_CACHE_TTL: Duration = Duration::from_secs(30);
const HOST_CACHE_MAX: usize = 10_000;
const TOKEN_PREFIX: &str = "mewayz-verify=";
/// How long an unverified claim is kept.
pub const CLAIM_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// The index that lets only one claim of a domain be verified.
pub const VERIFIED_INDEX: &str = "verified_domain_unique";
/// The index of earlier versions, which let only one workspace claim a domain at all.
const LEGACY_INDEX: &str = "domain_unique";

/// Unique among verified claims only (a partial index), so unverified ones never collide.
/// Its keys differ from the legacy index's `{domain: 1}`, so both can exist during an upgrade.
pub fn verified_domain_unique() -> IndexSpec {
    use mongodb::options::IndexOptions;
    use mongodb::IndexModel;
    let options = IndexOptions::builder().name(VERIFIED_INDEX.to_string()).unique(true).partial_filter_expression(doc! { "verified": true }).build();
    IndexSpec { collection: DOMAINS, model: IndexModel::builder().keys(doc! { "domain": 1, "verified": 1 }).options(options).build() }
}

// ---------------------------------------------------------------- rules

/// Normalises and checks a domain as typed: trimmed, lowercase, no trailing dot. Refuses a
/// scheme, a path, a port, an IP address, a name without a dot and the app's own host.
pub fn check_domain(raw: &str, app_host: &str) -> Result<String, AppError> {
    let t = BioTexts::now();
    let fail = |m: &str| Err(AppError::field("domain", m));
    let d = raw.trim().to_ascii_lowercase();
    if d.is_empty() {
        return fail(t.dns_enter_domain);
    }
    if d.contains("://") || d.starts_with("http:") || d.starts_with("https:") {
        return fail(t.dns_no_scheme);
    }
    if d.contains(['/', '?', '#', '@', '\\']) {
        return fail(t.dns_no_path);
    }
    if d.contains(':') || d.starts_with('[') {
        return fail(t.dns_no_port);
    }
    let d = d.strip_suffix('.').unwrap_or(&d).to_string();
    if !d.is_ascii() {
        return fail(t.dns_ascii);
    }
    if d.parse::<std::net::IpAddr>().is_ok() {
        return fail(t.dns_no_ip);
    }
    if d.len() > 253 {
        return fail(t.dns_too_long);
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return fail(t.dns_one_dot);
    }
    for l in &labels {
        if l.is_empty() || l.len() > 63 {
            return fail(t.dns_label_length);
        }
        if !l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return fail(t.dns_label_chars);
        }
        if l.starts_with('-') || l.ends_with('-') {
            return fail(t.dns_label_hyphen);
        }
    }
    if labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        return fail(t.dns_no_ip);
    }
    if d == app_host || d == "localhost" || d.ends_with(".localhost") {
        return fail(t.dns_own_host);
    }
    Ok(d)
}

/// The host of the app's public URL.
fn app_host(state: &AppState) -> String {
    let url = &state.config.public_url;
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    super::analytics::strip_port(rest.split('/').next().unwrap_or(""))
}

/// When an unverified claim lapses: its `expires_at`, or (claims stored before claims
/// lapsed) [`CLAIM_TTL`] after it was made. `None` for a verified domain.
fn lapses_at(d: &DomainDoc) -> Option<DateTime> {
    if d.verified {
        return None;
    }
    Some(d.expires_at.unwrap_or_else(|| DateTime::from_millis(d.created_at.timestamp_millis().saturating_add(CLAIM_TTL.as_millis() as i64))))
}

fn is_lapsed(d: &DomainDoc, now: DateTime) -> bool {
    lapses_at(d).is_some_and(|at| at <= now)
}

fn claim_expiry(now: DateTime) -> DateTime {
    DateTime::from_millis(now.timestamp_millis() + CLAIM_TTL.as_millis() as i64)
}

/// `taken`: another claim of the same domain is verified.
fn to_custom(d: DomainDoc, taken: bool) -> CustomDomain {
    let expires_at = lapses_at(&d).map(|t| t.timestamp_millis());
    let last_error = if taken { Some(BioTexts::now().dns_taken.to_string()) } else { d.last_error };
    CustomDomain {
        domain: d.domain,
        token: d.token,
        verified: d.verified,
        verified_at: d.verified_at.map(|t| t.timestamp_millis()),
        last_error,
        expires_at,
        taken,
    }
}

/// Whether a claim of `domain` other than `id` is verified (by any workspace). At most one
/// is (the unique index), so the one found is compared here rather than in the filter.
async fn verified_elsewhere(state: &AppState, domain: &str, id: &str) -> Result<bool, AppError> {
    let verified = state.global::<DomainDoc>(DOMAINS).find_one(doc! { "domain": domain, "verified": true }).await?;
    Ok(verified.is_some_and(|v| v.id != id))
}

/// Drops the index of earlier versions (unique on the domain among all claims, so that one
/// unverified claim blocked every other workspace), once per database and process.
async fn retire_legacy_index(state: &AppState) {
    static DONE: OnceLock<Mutex<std::collections::HashSet<String>>> = OnceLock::new();
    let db = state.config.mongodb_db.clone();
    if DONE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner()).contains(&db) {
        return;
    }
    let coll = state.global::<mongodb::bson::Document>(DOMAINS);
    let outcome = match coll.list_index_names().await {
        Ok(names) if names.iter().any(|n| n == LEGACY_INDEX) => coll.drop_index(LEGACY_INDEX).await.map(|_| true),
        Ok(_) => Ok(false),
        // No collection yet: nothing to retire.
        Err(e) if matches!(&*e.kind, mongodb::error::ErrorKind::Command(c) if c.code == 26) => Ok(false),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(dropped) => {
            if dropped {
                tracing::info!(index = LEGACY_INDEX, "dropped the old unique index of custom domains: unverified claims no longer block other workspaces");
            }
            DONE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner()).insert(db);
        }
        Err(e) => tracing::warn!(error = %e, "could not check the old custom-domain index; will try again"),
    }
}

/// The page `page` of this workspace, or NotFound.
async fn own_page(ctx: &Ctx, page: &str) -> Result<PageDoc, AppError> {
    ctx.scoped::<PageDoc>(PAGES)?.find_one(doc! { "_id": page.trim() }).await?.ok_or_else(|| AppError::not_found(BioTexts::now().page_not_found))
}

/// A domain the caller names for an existing record: normalised the same way, or NotFound.
fn named(raw: &str) -> String {
    let d = raw.trim().to_ascii_lowercase();
    d.strip_suffix('.').unwrap_or(&d).to_string()
}

// ---------------------------------------------------------------- the host cache

type HostKey = (String, String);

/// Which page a host serves, per database, remembered for [`HOST_CACHE_TTL`].
pub struct HostCache;

impl HostCache {
    fn map() -> &'static Mutex<HashMap<HostKey, (Option<String>, Instant)>> {
        static CACHE: OnceLock<Mutex<HashMap<HostKey, (Option<String>, Instant)>>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    fn get(db: &str, host: &str) -> Option<Option<String>> {
        let map = Self::map().lock().unwrap_or_else(|p| p.into_inner());
        map.get(&(db.to_string(), host.to_string())).filter(|(_, at)| at.elapsed() < HOST_CACHE_TTL).map(|(v, _)| v.clone())
    }

    fn put(db: &str, host: &str, page: Option<String>) {
        let mut map = Self::map().lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= HOST_CACHE_MAX {
            map.retain(|_, (_, at)| at.elapsed() < HOST_CACHE_TTL);
            if map.len() >= HOST_CACHE_MAX {
                map.clear();
            }
        }
        map.insert((db.to_string(), host.to_string()), (page, Instant::now()));
    }

    /// Forgets `host` on this server (after an add, a check or a removal).
    pub fn invalidate(db: &str, host: &str) {
        let mut map = Self::map().lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&(db.to_string(), host.to_string()));
    }
}

/// The page served at `host` (a request's `Host` header), if a verified domain says so.
pub async fn page_for_host(state: &AppState, host: &str) -> Result<Option<String>, AppError> {
    let host = super::analytics::strip_port(host);
    if host.is_empty() || host.len() > 253 {
        return Ok(None);
    }
    let db = &state.config.mongodb_db;
    if let Some(hit) = HostCache::get(db, &host) {
        return Ok(hit);
    }
    let found = state.global::<DomainDoc>(DOMAINS).find_one(doc! { "domain": &host, "verified": true }).await?.map(|d| d.page_id);
    HostCache::put(db, &host, found.clone());
    Ok(found)
}

// ---------------------------------------------------------------- owner actions

/// Attaches `domain` to `page`, with a fresh token to publish as TXT. Refused when the
/// domain is verified anywhere, or already claimed in this workspace; other workspaces'
/// unverified claims do not matter.
pub async fn add(ctx: &Ctx, page: String, domain: String) -> Result<BioPage, AppError> {
    ctx.require(super::AREA, Action::Manage)?;
    let page_doc = own_page(ctx, &page).await?;
    super::domain::require_editable(ctx, &page_doc.id).await?;
    let domain = check_domain(&domain, &app_host(&ctx.state))?;
    let t = BioTexts::now();
    let now = DateTime::now();
    retire_legacy_index(&ctx.state).await;
    let all = ctx.global::<DomainDoc>(DOMAINS);
    let scoped = ctx.scoped::<DomainDoc>(DOMAINS)?;
    // Lapsed claims hold nothing: this workspace's own goes now (the TTL index takes the others).
    if let Some(old) = scoped.find_one(doc! { "domain": &domain }).await?.filter(|d| is_lapsed(d, now)) {
        scoped.delete_one(doc! { "_id": &old.id }).await?;
    }
    let live = scoped.find(doc! { "page_id": &page_doc.id }, doc! { "created_at": 1 }, MAX_DOMAINS_PER_PAGE as i64 * 4).await?;
    if live.iter().filter(|d| !is_lapsed(d, now)).count() as u64 >= MAX_DOMAINS_PER_PAGE {
        return Err(AppError::field("domain", fill(t.dns_page_limit, &[("max", &MAX_DOMAINS_PER_PAGE)])));
    }
    if all.find_one(doc! { "domain": &domain, "verified": true }).await?.is_some() {
        return Err(AppError::field("domain", t.dns_already_connected));
    }
    let d = DomainDoc {
        id: crate::platform::crypto::new_id(),
        workspace_id: scoped.workspace_id().to_string(),
        page_id: page_doc.id.clone(),
        domain: domain.clone(),
        token: format!("{TOKEN_PREFIX}{}", super::analytics::random_hex(16)),
        verified: false,
        verified_at: None,
        last_error: None,
        created_at: now,
        expires_at: Some(claim_expiry(now)),
    };
    match all.insert_one(&d).await {
        Ok(_) => {}
        // This workspace has it already (on this page or another).
        Err(e) if is_duplicate_key(&e) => return Err(AppError::field("domain", t.dns_already_connected)),
        Err(e) => return Err(e.into()),
    }
    HostCache::invalidate(&ctx.state.config.mongodb_db, &domain);
    super::domain::get_page(ctx, page_doc.id).await
}

/// Checks the TXT record of `domain` now and records the outcome. Refused when another
/// workspace verified the domain first (also when both checks run at the same moment: the
/// unique index on verified domains lets one of them through).
pub async fn verify(ctx: &Ctx, page: String, domain: String) -> Result<BioPage, AppError> {
    ctx.require(super::AREA, Action::Manage)?;
    let page_doc = own_page(ctx, &page).await?;
    super::domain::require_editable(ctx, &page_doc.id).await?;
    let t = BioTexts::now();
    let domain = named(&domain);
    let now = DateTime::now();
    let scoped = ctx.scoped::<DomainDoc>(DOMAINS)?;
    let d = scoped.find_one(doc! { "page_id": &page_doc.id, "domain": &domain }).await?.ok_or_else(|| AppError::not_found(t.dns_what_domain))?;
    if is_lapsed(&d, now) {
        scoped.delete_one(doc! { "_id": &d.id }).await?;
        return Err(AppError::not_found(t.dns_what_domain));
    }
    if !d.verified && verified_elsewhere(&ctx.state, &d.domain, &d.id).await? {
        return Err(AppError::field("domain", t.dns_taken));
    }
    let name = txt_record_name(&d.domain);
    let records = lookup_txt(&ctx.state, &name).await?;
    let matches = records.iter().any(|r| crate::platform::crypto::ct_eq(r.trim().as_bytes(), d.token.as_bytes()));
    let update = if matches {
        doc! { "$set": { "verified": true, "verified_at": DateTime::now(), "last_error": null, "expires_at": null } }
    } else {
        let why =
            if records.is_empty() { fill(t.dns_no_record, &[("name", &name)]) } else { fill(t.dns_wrong_record, &[("name", &name), ("token", &d.token)]) };
        // A domain that was verified stays verified only while its record is there; once it
        // is not, its claim lapses like any other unverified one.
        let expires_at = if d.verified { Some(claim_expiry(now)) } else { lapses_at(&d) };
        doc! { "$set": { "verified": false, "verified_at": null, "last_error": why, "expires_at": expires_at } }
    };
    match ctx.global::<DomainDoc>(DOMAINS).update_one(scoped.filter(doc! { "_id": &d.id }), update).await {
        Ok(_) => {}
        // Another workspace's check won the race.
        Err(e) if is_duplicate_key(&e) => return Err(AppError::field("domain", t.dns_taken)),
        Err(e) => return Err(e.into()),
    }
    HostCache::invalidate(&ctx.state.config.mongodb_db, &d.domain);
    super::domain::get_page(ctx, page_doc.id).await
}

/// Detaches `domain` from `page`.
pub async fn remove(ctx: &Ctx, page: String, domain: String) -> Result<BioPage, AppError> {
    ctx.require(super::AREA, Action::Manage)?;
    let page_doc = own_page(ctx, &page).await?;
    let domain = named(&domain);
    let n = ctx.scoped::<DomainDoc>(DOMAINS)?.delete_one(doc! { "page_id": &page_doc.id, "domain": &domain }).await?;
    if n == 0 {
        return Err(AppError::not_found(BioTexts::now().dns_what_domain));
    }
    HostCache::invalidate(&ctx.state.config.mongodb_db, &domain);
    super::domain::get_page(ctx, page_doc.id).await
}

/// The domains of `page_id` in this workspace, oldest first, without lapsed claims; an
/// unverified claim of a domain that another workspace verified is marked taken.
pub async fn for_page(ctx: &Ctx, page_id: &str) -> Result<Vec<CustomDomain>, AppError> {
    let now = DateTime::now();
    let docs = ctx.scoped::<DomainDoc>(DOMAINS)?.find(doc! { "page_id": page_id }, doc! { "created_at": 1 }, MAX_DOMAINS_PER_PAGE as i64 * 4).await?;
    let mut out = Vec::with_capacity(docs.len());
    for d in docs.into_iter().filter(|d| !is_lapsed(d, now)) {
        let taken = !d.verified && verified_elsewhere(&ctx.state, &d.domain, &d.id).await?;
        out.push(to_custom(d, taken));
    }
    Ok(out)
}

/// Removes every domain of `page_id` (when the page is deleted).
/// Deletes the page's domains inside the transaction `tx`; answers them, so that their Host
/// routing can be forgotten once it commits ([`forget_hosts`]).
pub async fn delete_for_page_in(ctx: &Ctx, tx: &mut crate::platform::tx::Tx, page_id: &str) -> Result<Vec<String>, AppError> {
    let scoped = ctx.scoped::<DomainDoc>(DOMAINS)?;
    let docs = scoped.find_projected(doc! { "page_id": page_id }, doc! { "domain": 1 }, doc! { "_id": 1 }, 1000).await?;
    scoped.delete_many_in(tx, doc! { "page_id": page_id }).await?;
    Ok(docs.iter().filter_map(|d| d.get_str("domain").ok().map(str::to_string)).collect())
}

/// Forgets the Host routing of deleted domains on this server.
pub fn forget_hosts(ctx: &Ctx, domains: &[String]) {
    for d in domains {
        HostCache::invalidate(&ctx.state.config.mongodb_db, d);
    }
}

// ---------------------------------------------------------------- DNS over HTTPS

#[derive(Debug, Deserialize)]
struct DohAnswer {
    #[serde(rename = "Status", default)]
    status: i64,
    #[serde(rename = "Answer", default)]
    answer: Vec<DohRecord>,
}

#[derive(Debug, Deserialize)]
struct DohRecord {
    #[serde(rename = "type", default)]
    kind: i64,
    #[serde(default)]
    data: String,
}

/// A TXT record's data as the resolver shows it (`"a" "b"` or `a`) → `ab`.
pub fn txt_value(data: &str) -> String {
    let data = data.trim();
    if !data.starts_with('"') {
        return data.to_string();
    }
    let mut out = String::new();
    let mut inside = false;
    let mut chars = data.chars();
    while let Some(c) = chars.next() {
        match (c, inside) {
            ('"', _) => inside = !inside,
            ('\\', true) => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            (c, true) => out.push(c),
            _ => {}
        }
    }
    out
}

/// The TXT values at `name`. Unavailable when the resolver cannot be asked.
async fn lookup_txt(state: &AppState, name: &str) -> Result<Vec<String>, AppError> {
    let unreachable = || AppError::unavailable(BioTexts::now().dns_unreachable);
    let res = state
        .http
        .get(&state.config.dns_resolver_url)
        .query(&[("name", name), ("type", "TXT")])
        .header("accept", "application/dns-json")
        .timeout(Duration::from_secs(8))
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "DNS resolver unreachable");
            unreachable()
        })?;
    if !res.status().is_success() {
        tracing::warn!(status = %res.status(), "DNS resolver answered with an error");
        return Err(unreachable());
    }
    let body: DohAnswer = res.json().await.map_err(|e| {
        tracing::warn!(error = %e, "DNS resolver answer unreadable");
        unreachable()
    })?;
    // 0 = found, 3 = no such name; anything else (2 = server failure…) is the resolver's trouble.
    match body.status {
        0 => Ok(body.answer.into_iter().filter(|r| r.kind == 16).map(|r| txt_value(&r.data)).collect()),
        3 => Ok(vec![]),
        _ => Err(unreachable()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        let ok = |s: &str| check_domain(s, "app.mewayz.test").unwrap();
        assert_eq!(ok(" Links.Example.COM. "), "links.example.com");
        assert_eq!(ok("a-b.co.uk"), "a-b.co.uk");
        assert_eq!(ok("xn--mnchen-3ya.de"), "xn--mnchen-3ya.de");
        for bad in [
            "",
            "https://example.com",
            "example.com/path",
            "example",
            "1.2.3.4",
            "[::1]",
            "::1",
            "-a.com",
            "a-.com",
            "a..com",
            "ex ample.com",
            "münchen.de",
            "app.mewayz.test",
            "example.com:8080",
            "localhost",
            &format!("{}.com", "a".repeat(64)),
            "a.123",
        ] {
            let e = check_domain(bad, "app.mewayz.test").expect_err(bad);
            assert!(e.field_message("domain").is_some(), "{bad}");
        }
    }

    #[test]
    fn txt_values() {
        assert_eq!(txt_value("\"mewayz-verify=abc\""), "mewayz-verify=abc");
        assert_eq!(txt_value("\"mewayz-verify=\" \"abc\""), "mewayz-verify=abc");
        assert_eq!(txt_value("plain"), "plain");
        assert_eq!(txt_value("\"a\\\"b\""), "a\"b");
    }
}
