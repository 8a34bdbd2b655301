//! M23 rules and storage: creating, listing, deleting short links and their statistics.
//! Following a link (the public redirect, which counts the click) is in [`super::redirect`].
//!
//! Each call to [`create_short_link`] makes a new link, even for a URL the workspace has
//! shortened before: two buttons with the same destination get their own counts.
//!
//! Clicks are stored twice: the link's running total (`clicks`), and one document per link
//! and UTC day in [`DAYS`] (`$inc` upserts), so statistics over any range read O(days).

use mongodb::bson::{doc, DateTime};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::texts::LinksTexts;
use super::{check_slug, day_string, ShortLink, ShortLinkStats, AREA, AUTO_ALPHABET, AUTO_LEN, MAX_STATS_DAYS};
use crate::error::{AppError, FieldError};
use crate::platform::db::{internal, IndexSpec};
use crate::platform::tx::Tries;
use crate::platform::{crypto, Ctx};
use crate::workspaces::Action;

/// The links.
pub const LINKS: &str = "short_links";
/// Clicks per link and UTC day.
pub const DAYS: &str = "short_link_days";

pub const SCOPED_COLLECTIONS: &[&str] = &[LINKS, DAYS];

/// How many short links the workspace has, as the limit counts them.
pub fn count_links(ctx: &Ctx) -> crate::platform::BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move { Ok(ctx.scoped::<mongodb::bson::Document>(LINKS)?.count(doc! {}).await? as i64) })
}

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        // Slugs are unique across the whole platform: `/s/{slug}` has no workspace in it.
        IndexSpec::unique(LINKS, "slug_unique", doc! { "slug": 1 }),
        IndexSpec::new(LINKS, "workspace_created", doc! { "workspace_id": 1, "created_at": -1 }),
        IndexSpec::unique(DAYS, "link_day_unique", doc! { "link_id": 1, "day": 1 }),
        IndexSpec::new(DAYS, "workspace_link", doc! { "workspace_id": 1, "link_id": 1, "day": 1 }),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LinkDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub slug: String,
    pub url: String,
    #[serde(default)]
    pub clicks: i64,
    pub created_at: DateTime,
    pub created_by: String,
}

impl LinkDoc {
    fn public(&self) -> ShortLink {
        ShortLink {
            id: self.id.clone(),
            slug: self.slug.clone(),
            url: self.url.clone(),
            clicks: self.clicks.max(0) as u64,
            created_at: self.created_at.timestamp_millis(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DayDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub link_id: String,
    pub workspace_id: String,
    pub day: String,
    pub clicks: i64,
}

/// Attempts at a fresh automatic slug before giving up (31^7 ≈ 27 billion slugs).
const AUTO_ATTEMPTS: usize = 8;
const MAX_LIST: i64 = 5000;

fn random_slug() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..AUTO_LEN).map(|_| AUTO_ALPHABET[rng.gen_range(0..AUTO_ALPHABET.len())] as char).collect()
}

/// Percent-encodes every non-ASCII byte, so the stored address is exactly what goes into
/// the `Location` header (browsers decode it back, hosts included).
pub fn encode_non_ascii(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn taken() -> AppError {
    AppError::field("slug", LinksTexts::now().err_taken)
}

/// Creates a short link to `url`. An empty `slug` gets an automatic one.
pub async fn create_short_link(ctx: &Ctx, url: String, slug: String) -> Result<ShortLink, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let url = url.trim().to_string();
    let slug = slug.trim().to_string();
    let mut fields: Vec<FieldError> = vec![];
    fields.extend(crate::bio::check_link_url("url", &url));
    if !slug.is_empty() {
        fields.extend(check_slug("slug", &slug));
    }
    AppError::check_fields(fields)?;

    let links = ctx.scoped::<LinkDoc>(LINKS)?;
    // The room for the link is taken before it is written; an error below gives it back.
    let room = crate::workspaces::plans::reserve(ctx, &super::LINKS_LIMIT, 1).await?;

    let url = encode_non_ascii(&url);
    // The slug index is global, so the lookup is by slug alone (it reveals only "taken").
    let raw = ctx.global::<mongodb::bson::Document>(LINKS);
    let custom = !slug.is_empty();
    for _ in 0..(if custom { 1 } else { AUTO_ATTEMPTS }) {
        let slug = if custom { slug.clone() } else { random_slug() };
        if raw.find_one(doc! { "slug": &slug }).projection(doc! { "_id": 1 }).await?.is_some() {
            if custom {
                return Err(taken());
            }
            continue;
        }
        let link = LinkDoc {
            id: crypto::new_id(),
            workspace_id: links.workspace_id().to_string(),
            slug: slug.clone(),
            url: url.clone(),
            clicks: 0,
            created_at: DateTime::now(),
            created_by: ctx.user_id.clone(),
        };
        match links.insert_one(&link).await {
            Ok(()) => {
                room.keep();
                return Ok(link.public());
            }
            // Someone took the slug between the lookup and the insert (the unique index
            // refused it): say so, or draw another.
            Err(e) => {
                if !e.is_duplicate() {
                    return Err(e.into());
                }
                if custom {
                    return Err(taken());
                }
            }
        }
    }
    Err(internal("create short link", &"no free automatic slug after several attempts"))
}

/// The workspace's links, newest first.
pub async fn list_short_links(ctx: &Ctx) -> Result<Vec<ShortLink>, AppError> {
    ctx.require(AREA, Action::View)?;
    let links = ctx.scoped::<LinkDoc>(LINKS)?;
    // Clicks this server has answered but not yet written are counted too.
    super::redirect::flush(&ctx.state).await?;
    Ok(links.find(doc! {}, doc! { "created_at": -1, "_id": -1 }, MAX_LIST).await?.iter().map(LinkDoc::public).collect())
}

/// Deletes a link and its statistics. Its address stops working at once.
pub async fn delete_short_link(ctx: &Ctx, id: String) -> Result<(), AppError> {
    ctx.require(AREA, Action::Edit)?;
    let links = ctx.scoped::<LinkDoc>(LINKS)?;
    let Some(link) = links.find_one(doc! { "_id": id.trim() }).await? else {
        return Err(AppError::not_found(LinksTexts::now().nf_link));
    };
    // One transaction: the link, its daily counts and its room in the limit.
    let mut tries = Tries::default();
    loop {
        let mut tx = tries.start(ctx.db()).await?;
        let body = async {
            if links.delete_one_in(&mut tx, doc! { "_id": &link.id }).await? == 0 {
                return Err(AppError::not_found(LinksTexts::now().nf_link));
            }
            ctx.scoped::<DayDoc>(DAYS)?.delete_many_in(&mut tx, doc! { "link_id": &link.id }).await?;
            crate::platform::usage::release_in(ctx, &mut tx, &super::LINKS_LIMIT, 1).await
        }
        .await;
        if tx.finish(body).await?.is_some() {
            break;
        }
    }
    ctx.state.ext::<crate::shortlinks::redirect::Redirects>().forget(&link.slug);
    Ok(())
}

/// Clicks per UTC day over the last `days` days (today included), one entry per day.
pub async fn short_link_stats(ctx: &Ctx, id: String, days: u32) -> Result<ShortLinkStats, AppError> {
    ctx.require(AREA, Action::View)?;
    if !(1..=MAX_STATS_DAYS).contains(&days) {
        return Err(AppError::field("days", LinksTexts::now().err_days));
    }
    super::redirect::flush(&ctx.state).await?;
    let link = ctx.scoped::<LinkDoc>(LINKS)?.find_one(doc! { "_id": id.trim() }).await?.ok_or_else(|| AppError::not_found(LinksTexts::now().nf_link))?;
    let today = DateTime::now().timestamp_millis().div_euclid(86_400_000);
    let range: Vec<String> = (0..days as i64).rev().map(|back| day_string(today - back)).collect();
    let (first, last) = (range[0].clone(), range[range.len() - 1].clone());
    let found =
        ctx.scoped::<DayDoc>(DAYS)?.find(doc! { "link_id": &link.id, "day": { "$gte": &first, "$lte": &last } }, doc! { "day": 1 }, days as i64).await?;
    let days: Vec<(String, u64)> = range
        .into_iter()
        .map(|d| {
            let n = found.iter().find(|f| f.day == d).map(|f| f.clicks.max(0) as u64).unwrap_or(0);
            (d, n)
        })
        .collect();
    let total = days.iter().map(|(_, n)| n).sum();
    Ok(ShortLinkStats { link: Some(link.public()), days, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_is_percent_encoded_and_ascii_kept() {
        assert_eq!(encode_non_ascii("https://example.com/a?b=1%20#x"), "https://example.com/a?b=1%20#x");
        assert_eq!(encode_non_ascii("https://example.com/café"), "https://example.com/caf%C3%A9");
        assert_eq!(encode_non_ascii("https://bücher.example/"), "https://b%C3%BCcher.example/");
    }

    #[test]
    fn random_slugs_have_the_automatic_shape() {
        for _ in 0..200 {
            let s = random_slug();
            assert!(super::super::is_auto_slug(&s), "{s}");
            assert!(check_slug("slug", &s).is_none(), "{s}");
        }
    }
}
