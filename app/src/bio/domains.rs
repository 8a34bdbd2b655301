//! Custom domains of bio pages.
//!
//! An owner attaches a domain, publishes the TXT token we give at `_mewayz.<domain>`, and
//! asks us to check it. The check goes through the configured DNS-over-HTTPS JSON resolver
//! (`DNS_RESOLVER_URL`, Cloudflare's and Google's format). Only a verified domain serves
//! the page: [`page_for_host`] maps a request's `Host` to its page, cached for 30 s.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use mongodb::bson::{doc, DateTime};
use serde::Deserialize;

use super::store::{DomainDoc, PageDoc, DOMAINS, PAGES};
use super::{txt_record_name, BioPage, CustomDomain};
use crate::error::AppError;
use crate::platform::{AppState, Ctx};
use crate::workspaces::Action;

/// How many domains one page may have.
pub const MAX_DOMAINS_PER_PAGE: u64 = 5;
/// How long [`page_for_host`] trusts what it read.
pub const HOST_CACHE_TTL: Duration = Duration::from_secs(30);
const HOST_CACHE_MAX: usize = 10_000;
const TOKEN_PREFIX: &str = "mewayz-verify=";

// ---------------------------------------------------------------- rules

/// Normalises and checks a domain as typed: trimmed, lowercase, no trailing dot. Refuses a
/// scheme, a path, a port, an IP address, a name without a dot and the app's own host.
pub fn check_domain(raw: &str, app_host: &str) -> Result<String, AppError> {
    let fail = |m: &str| Err(AppError::field("domain", m));
    let d = raw.trim().to_ascii_lowercase();
    if d.is_empty() {
        return fail("Enter a domain, such as links.example.com.");
    }
    if d.contains("://") || d.starts_with("http:") || d.starts_with("https:") {
        return fail("Enter only the domain, such as links.example.com, without https://.");
    }
    if d.contains(['/', '?', '#', '@', '\\']) {
        return fail("Enter only the domain, such as links.example.com, without a path.");
    }
    if d.contains(':') || d.starts_with('[') {
        return fail("Enter only the domain, without a port or an IP address.");
    }
    let d = d.strip_suffix('.').unwrap_or(&d).to_string();
    if !d.is_ascii() {
        return fail("Enter the domain in its ASCII form (an internationalised name starts with xn--).");
    }
    if d.parse::<std::net::IpAddr>().is_ok() {
        return fail("An IP address cannot be used. Enter a domain name, such as links.example.com.");
    }
    if d.len() > 253 {
        return fail("That domain is too long (253 characters at most).");
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return fail("A domain has at least one dot, such as example.com.");
    }
    for l in &labels {
        if l.is_empty() || l.len() > 63 {
            return fail("Each part of a domain between dots has 1 to 63 characters.");
        }
        if !l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return fail("A domain holds only letters, digits, hyphens and dots.");
        }
        if l.starts_with('-') || l.ends_with('-') {
            return fail("A part of a domain cannot start or end with a hyphen.");
        }
    }
    if labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        return fail("An IP address cannot be used. Enter a domain name, such as links.example.com.");
    }
    if d == app_host || d == "localhost" || d.ends_with(".localhost") {
        return fail("That is this app's own address. Enter a domain you own.");
    }
    Ok(d)
}

/// The host of the app's public URL.
fn app_host(state: &AppState) -> String {
    let url = &state.config.public_url;
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    super::analytics::strip_port(rest.split('/').next().unwrap_or(""))
}

fn to_custom(d: DomainDoc) -> CustomDomain {
    CustomDomain { domain: d.domain, token: d.token, verified: d.verified, verified_at: d.verified_at.map(|t| t.timestamp_millis()), last_error: d.last_error }
}

/// The page `page` of this workspace, or NotFound.
async fn own_page(ctx: &Ctx, page: &str) -> Result<PageDoc, AppError> {
    ctx.scoped::<PageDoc>(PAGES)?.find_one(doc! { "_id": page.trim() }).await?.ok_or_else(|| AppError::not_found("That page"))
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
    let found = state.db.collection::<DomainDoc>(DOMAINS).find_one(doc! { "domain": &host, "verified": true }).await?.map(|d| d.page_id);
    HostCache::put(db, &host, found.clone());
    Ok(found)
}

// ---------------------------------------------------------------- owner actions

/// Attaches `domain` to `page`, with a fresh token to publish as TXT.
pub async fn add(ctx: &Ctx, page: String, domain: String) -> Result<BioPage, AppError> {
    ctx.require(super::MODULE, Action::Manage)?;
    let page_doc = own_page(ctx, &page).await?;
    super::domain::require_editable(ctx, &page_doc.id).await?;
    let domain = check_domain(&domain, &app_host(&ctx.state))?;
    let scoped = ctx.scoped::<DomainDoc>(DOMAINS)?;
    if scoped.count(doc! { "page_id": &page_doc.id }).await? >= MAX_DOMAINS_PER_PAGE {
        return Err(AppError::field("domain", format!("A page can have {MAX_DOMAINS_PER_PAGE} domains at most. Remove one first.")));
    }
    let d = DomainDoc {
        id: crate::platform::crypto::new_id(),
        workspace_id: page_doc.workspace_id.clone(),
        page_id: page_doc.id.clone(),
        domain: domain.clone(),
        token: format!("{TOKEN_PREFIX}{}", super::analytics::random_hex(16)),
        verified: false,
        verified_at: None,
        last_error: None,
        created_at: DateTime::now(),
    };
    match scoped.insert_one(&d).await {
        Ok(()) => {}
        Err(_) if ctx.state.db.collection::<DomainDoc>(DOMAINS).find_one(doc! { "domain": &domain }).await.ok().flatten().is_some() => {
            return Err(AppError::field("domain", "That domain is already connected to a page."));
        }
        Err(e) => return Err(e),
    }
    HostCache::invalidate(&ctx.state.config.mongodb_db, &domain);
    super::domain::get_page(ctx, page_doc.id).await
}

/// Checks the TXT record of `domain` now and records the outcome.
pub async fn verify(ctx: &Ctx, page: String, domain: String) -> Result<BioPage, AppError> {
    ctx.require(super::MODULE, Action::Manage)?;
    let page_doc = own_page(ctx, &page).await?;
    super::domain::require_editable(ctx, &page_doc.id).await?;
    let domain = named(&domain);
    let scoped = ctx.scoped::<DomainDoc>(DOMAINS)?;
    let d = scoped.find_one(doc! { "page_id": &page_doc.id, "domain": &domain }).await?.ok_or_else(|| AppError::not_found("That domain"))?;
    let name = txt_record_name(&d.domain);
    let records = lookup_txt(&ctx.state, &name).await?;
    let matches = records.iter().any(|r| crate::platform::crypto::ct_eq(r.trim().as_bytes(), d.token.as_bytes()));
    let update = if matches {
        doc! { "$set": { "verified": true, "verified_at": DateTime::now(), "last_error": null } }
    } else {
        let why = if records.is_empty() {
            format!("No TXT record at {name} yet. DNS changes can take up to an hour.")
        } else {
            format!("Found a TXT record at {name}, but it does not match. Its value must be exactly {}.", d.token)
        };
        // A domain that was verified stays verified only while its record is there.
        doc! { "$set": { "verified": false, "verified_at": null, "last_error": why } }
    };
    scoped.update_one(doc! { "_id": &d.id }, update).await?;
    HostCache::invalidate(&ctx.state.config.mongodb_db, &d.domain);
    super::domain::get_page(ctx, page_doc.id).await
}

/// Detaches `domain` from `page`.
pub async fn remove(ctx: &Ctx, page: String, domain: String) -> Result<BioPage, AppError> {
    ctx.require(super::MODULE, Action::Manage)?;
    let page_doc = own_page(ctx, &page).await?;
    let domain = named(&domain);
    let n = ctx.scoped::<DomainDoc>(DOMAINS)?.delete_one(doc! { "page_id": &page_doc.id, "domain": &domain }).await?;
    if n == 0 {
        return Err(AppError::not_found("That domain"));
    }
    HostCache::invalidate(&ctx.state.config.mongodb_db, &domain);
    super::domain::get_page(ctx, page_doc.id).await
}

/// The domains of `page_id` in this workspace, oldest first.
pub async fn for_page(ctx: &Ctx, page_id: &str) -> Result<Vec<CustomDomain>, AppError> {
    let docs = ctx.scoped::<DomainDoc>(DOMAINS)?.find(doc! { "page_id": page_id }, doc! { "created_at": 1 }, MAX_DOMAINS_PER_PAGE as i64 * 4).await?;
    Ok(docs.into_iter().map(to_custom).collect())
}

/// Removes every domain of `page_id` (when the page is deleted).
pub async fn delete_for_page(ctx: &Ctx, page_id: &str) -> Result<(), AppError> {
    let scoped = ctx.scoped::<DomainDoc>(DOMAINS)?;
    let docs = scoped.find(doc! { "page_id": page_id }, doc! { "created_at": 1 }, 1000).await?;
    scoped.delete_many(doc! { "page_id": page_id }).await?;
    for d in docs {
        HostCache::invalidate(&ctx.state.config.mongodb_db, &d.domain);
    }
    Ok(())
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
    let unreachable = || AppError::unavailable("The DNS resolver could not be reached, so the domain was not checked. Try again in a minute.");
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
        for bad in ["", "https://example.com", "example.com/path", "example", "1.2.3.4", "[::1]", "::1", "-a.com", "a-.com", "a..com", "ex ample.com", "münchen.de", "app.mewayz.test", "example.com:8080", "localhost", &format!("{}.com", "a".repeat(64)), "a.123"] {
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
