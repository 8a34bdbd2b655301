//! M05 rules: pages, drafts and publishing, handles and their redirects, sign-ups, and which
//! media files a page uses. Every function takes the caller's `Ctx` first and reaches data
//! only through the workspace-scoped layer.

use mongodb::bson::{doc, DateTime};

use super::store::{PageDoc, RedirectDoc, SignupDoc, DAYS, PAGES, REDIRECTS, SIGNUPS, VISITORS};
use super::texts::BioTexts;
use super::{check_content, check_handle, BioContent, BioPage, BioPageList, BioPageSummary, BioSignup, BlockKind, AREA, HANDLE_REDIRECT_DAYS};
use crate::error::{AppError, FieldError};
use crate::platform::db::internal;
use crate::platform::tx::Tries;
use crate::platform::{crypto, Ctx};
use crate::workspaces::Action;

fn now() -> DateTime {
    DateTime::now()
}

fn to_page(d: PageDoc, domains: Vec<super::CustomDomain>, read_only: Option<String>) -> BioPage {
    BioPage {
        id: d.id,
        handle: d.handle,
        draft: d.draft,
        published: d.published,
        published_at: d.published_at.map(|t| t.timestamp_millis()),
        version: d.version,
        updated_at: d.updated_at.timestamp_millis(),
        domains,
        read_only,
    }
}

fn summary(d: &PageDoc, read_only: Option<String>) -> BioPageSummary {
    BioPageSummary {
        id: d.id.clone(),
        handle: d.handle.clone(),
        title: d.draft.seo.title.clone(),
        published: d.published.is_some(),
        unpublished_changes: d.published.as_ref() != Some(&d.draft),
        updated_at: d.updated_at.timestamp_millis(),
        read_only,
    }
}

/// What a page is called in a read-only refusal.
fn page_word() -> &'static str {
    BioTexts::now().page_word
}

/// What a missing page is called in "… was not found".
fn not_found() -> AppError {
    AppError::not_found(BioTexts::now().page_not_found)
}

/// The workspace's bio-page allowance: after its plan dropped, the oldest pages up to the
/// limit stay editable and later ones are read-only (kept, served, viewable, deletable).
pub(crate) async fn page_allowance(ctx: &Ctx) -> Result<crate::workspaces::plans::Allowance, AppError> {
    let records = page_records(ctx).await?;
    crate::workspaces::plans::allowance(ctx, super::PAGES_LIMIT.key, records).await
}

/// How many pages the workspace has, as the page limit counts them.
pub fn count_pages(ctx: &Ctx) -> crate::platform::BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move { Ok(ctx.scoped::<mongodb::bson::Document>(PAGES)?.count(doc! {}).await? as i64) })
}

/// How many pages of the workspace are published.
pub async fn count_published(ctx: &Ctx) -> Result<u64, AppError> {
    ctx.scoped::<mongodb::bson::Document>(PAGES)?.count(doc! { "published": { "$ne": null } }).await
}

/// Every page as (created, id), for the allowance.
pub fn page_records(ctx: &Ctx) -> crate::platform::BoxFut<'_, Result<Vec<(i64, String)>, AppError>> {
    Box::pin(async move {
        let docs = ctx.scoped::<PageDoc>(PAGES)?.find_projected(doc! {}, doc! { "_id": 1, "created_at": 1 }, doc! { "_id": 1 }, 10_000).await?;
        Ok(docs
            .iter()
            .filter_map(|d| Some((d.get_datetime("created_at").map(|t| t.timestamp_millis()).unwrap_or(0), d.get_str("_id").ok()?.to_string())))
            .collect())
    })
}

/// Refuses changing `page` while it is beyond the plan's bio-page limit. Called before
/// anything is written.
pub(crate) async fn require_editable(ctx: &Ctx, page: &str) -> Result<(), AppError> {
    let allowance = page_allowance(ctx).await?;
    if allowance.is_read_only(page.trim()) {
        return Err(allowance.error(page_word()));
    }
    Ok(())
}

async fn load(ctx: &Ctx, page: &str) -> Result<PageDoc, AppError> {
    ctx.scoped::<PageDoc>(PAGES)?.find_one(doc! { "_id": page.trim() }).await?.ok_or_else(not_found)
}

async fn full(ctx: &Ctx, d: PageDoc) -> Result<BioPage, AppError> {
    let allowance = page_allowance(ctx).await?;
    full_with(ctx, d, &allowance).await
}

/// [`full`], with the page allowance the call already worked out.
async fn full_with(ctx: &Ctx, d: PageDoc, allowance: &crate::workspaces::plans::Allowance) -> Result<BioPage, AppError> {
    let domains = super::domains::for_page(ctx, &d.id).await?;
    let read_only = allowance.reason(&d.id, page_word());
    Ok(to_page(d, domains, read_only))
}

/// Whether `handle` is held by a page or by an old handle that still redirects to a page
/// other than `except_page`.
async fn handle_taken(ctx: &Ctx, handle: &str, except_page: Option<&str>) -> Result<bool, AppError> {
    let db = ctx.db();
    if db.global::<PageDoc>(PAGES).find_one(doc! { "handle": handle }).await?.is_some_and(|p| Some(p.id.as_str()) != except_page) {
        return Ok(true);
    }
    let redirect = db.global::<RedirectDoc>(REDIRECTS).find_one(doc! { "handle": handle, "expires_at": { "$gt": now() } }).await?;
    Ok(redirect.is_some_and(|r| Some(r.page_id.as_str()) != except_page))
}

fn taken() -> AppError {
    AppError::field("handle", BioTexts::now().err_handle_taken)
}

/// The workspace's pages, newest change first, with the plan's page limit (so the list can
/// say when no more pages can be made, instead of offering a form that would be refused).
pub async fn list_pages(ctx: &Ctx) -> Result<BioPageList, AppError> {
    ctx.require(AREA, Action::View)?;
    let docs = ctx.scoped::<PageDoc>(PAGES)?.find(doc! {}, doc! { "updated_at": -1 }, 500).await?;
    let allowance = page_allowance(ctx).await?;
    let pages = docs.iter().map(|d| summary(d, allowance.reason(&d.id, page_word()))).collect();
    Ok(BioPageList { pages, limit: allowance.limit, used: allowance.used, plan: allowance.plan.clone(), upgrade_to: allowance.upgrade_to.clone() })
}

pub async fn create_page(ctx: &Ctx, handle: String) -> Result<BioPage, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let handle = handle.trim().to_string();
    AppError::check_fields(check_handle("handle", &handle).into_iter().collect())?;
    let pages = ctx.scoped::<PageDoc>(PAGES)?;
    let workspace = crate::workspaces::resolve::loaded(ctx).await?;
    if handle_taken(ctx, &handle, None).await? {
        return Err(taken());
    }
    // The room for the page is taken before it is written; an error below gives it back.
    let room = crate::workspaces::plans::reserve(ctx, &super::PAGES_LIMIT, 1).await?;
    let mut draft = BioContent::default();
    draft.seo.title = workspace.workspace.name.clone();
    let d = PageDoc {
        id: crypto::new_id(),
        workspace_id: pages.workspace_id().to_string(),
        handle: handle.clone(),
        draft,
        published: None,
        published_at: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    match pages.insert_one(&d).await {
        Ok(()) => {}
        // The unique handle index refused it: someone took the handle meanwhile.
        Err(e) if e.is_duplicate() => return Err(taken()),
        Err(e) => return Err(e.into()),
    }
    room.keep();
    crate::workspaces::domain::audit(ctx, "bio_page_created", format!("Created the bio page @{handle}")).await;
    full(ctx, d).await
}

pub async fn get_page(ctx: &Ctx, page: String) -> Result<BioPage, AppError> {
    ctx.require(AREA, Action::View)?;
    let d = load(ctx, &page).await?;
    full(ctx, d).await
}

async fn conflict(ctx: &Ctx, page: &str) -> AppError {
    match load(ctx, page).await {
        Ok(d) => match full(ctx, d).await.and_then(|p| serde_json::to_value(p).map_err(|e| internal("conflict copy", &e))) {
            Ok(current) => AppError::Conflict { current },
            Err(e) => e,
        },
        Err(e) => e,
    }
}

/// Saves the draft. `content` is JSON; unfinished blocks are fine, unsafe values are not.
pub async fn save_draft(ctx: &Ctx, page: String, content: String, version: i64) -> Result<BioPage, AppError> {
    ctx.require(AREA, Action::Edit)?;
    // An autosave: three round trips in all (the allowance, the write, the page's domains).
    let allowance = page_allowance(ctx).await?;
    if allowance.is_read_only(page.trim()) {
        return Err(allowance.error(page_word()));
    }
    if content.len() > 512 * 1024 {
        return Err(AppError::field("content", BioTexts::now().err_page_too_large));
    }
    let content: BioContent = serde_json::from_str(&content).map_err(|_| AppError::field("content", BioTexts::now().err_page_unreadable))?;
    AppError::check_fields(check_content(&content, false))?;
    let draft = mongodb::bson::to_bson(&content).map_err(|e| internal("draft", &e))?;
    let pages = ctx.scoped::<PageDoc>(PAGES)?;
    let updated = pages
        .find_one_and_update(
            doc! { "_id": page.trim(), "version": version },
            doc! { "$set": { "draft": draft, "updated_at": now() }, "$inc": { "version": 1_i64 } },
        )
        .await?;
    match updated {
        Some(d) => full_with(ctx, d, &allowance).await,
        None => Err(conflict(ctx, &page).await),
    }
}

/// Publishes the draft as it was at `version`; a newer draft (saved elsewhere) is a conflict,
/// so nobody publishes what they have not seen.
pub async fn publish(ctx: &Ctx, page: String, version: i64) -> Result<BioPage, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let d = load(ctx, &page).await?;
    require_editable(ctx, &d.id).await?;
    if d.version != version {
        return Err(conflict(ctx, &page).await);
    }
    AppError::check_fields(check_content(&d.draft, true))?;
    let mut unpublished = vec![];
    for (i, b) in d.draft.blocks.iter().enumerate() {
        if let BlockKind::Form { url } = &b.kind {
            let slug = crate::bio::form_slug(url).unwrap_or_default();
            if !crate::forms::domain::is_published(ctx, &slug).await? {
                unpublished.push(FieldError { field: format!("blocks.{i}.url"), message: BioTexts::now().err_form_unpublished.to_string() });
            }
        }
    }
    AppError::check_fields(unpublished)?;
    let published = mongodb::bson::to_bson(&d.draft).map_err(|e| internal("publish", &e))?;
    let updated = ctx
        .scoped::<PageDoc>(PAGES)?
        .find_one_and_update(doc! { "_id": &d.id, "version": version }, doc! { "$set": { "published": published, "published_at": now() } })
        .await?;
    let Some(updated) = updated else { return Err(conflict(ctx, &page).await) };
    ctx.state.ext::<crate::bio::public::PageCache>().invalidate(&updated.handle);
    crate::workspaces::domain::audit(ctx, "bio_page_published", format!("Published the bio page @{}", updated.handle)).await;
    full(ctx, updated).await
}

pub async fn unpublish(ctx: &Ctx, page: String) -> Result<BioPage, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let d = load(ctx, &page).await?;
    let updated = ctx
        .scoped::<PageDoc>(PAGES)?
        .find_one_and_update(doc! { "_id": &d.id }, doc! { "$set": { "published": null, "published_at": null } })
        .await?
        .ok_or_else(not_found)?;
    ctx.state.ext::<crate::bio::public::PageCache>().invalidate(&updated.handle);
    crate::workspaces::domain::audit(ctx, "bio_page_unpublished", format!("Took the bio page @{} offline", updated.handle)).await;
    full(ctx, updated).await
}

/// Changes the handle. The old one keeps redirecting to the page for 30 days, and nobody
/// else can take it in that time.
pub async fn change_handle(ctx: &Ctx, page: String, handle: String) -> Result<BioPage, AppError> {
    ctx.require(AREA, Action::Edit)?;
    require_editable(ctx, &page).await?;
    let handle = handle.trim().to_string();
    AppError::check_fields(check_handle("handle", &handle).into_iter().collect())?;
    let d = load(ctx, &page).await?;
    if d.handle == handle {
        return full(ctx, d).await;
    }
    if handle_taken(ctx, &handle, Some(&d.id)).await? {
        return Err(taken());
    }
    let pages = ctx.scoped::<PageDoc>(PAGES)?;
    let redirects = ctx.scoped::<RedirectDoc>(REDIRECTS)?;
    // Taking back one of this page's own old handles ends that redirect.
    redirects.delete_many(doc! { "handle": &handle, "page_id": &d.id }).await?;
    match pages.update_one(doc! { "_id": &d.id }, doc! { "$set": { "handle": &handle, "updated_at": now() } }).await {
        Ok(_) => {}
        Err(e) if e.is_duplicate() => return Err(taken()),
        Err(e) => return Err(e.into()),
    }
    // Any expired redirect document for the old handle is replaced.
    ctx.global::<RedirectDoc>(REDIRECTS).delete_many(doc! { "handle": &d.handle, "expires_at": { "$lte": now() } }).await?;
    redirects.delete_many(doc! { "handle": &d.handle }).await?;
    let expires = DateTime::from_millis(now().timestamp_millis() + HANDLE_REDIRECT_DAYS * 86_400_000);
    let r = RedirectDoc { id: crypto::new_id(), workspace_id: d.workspace_id.clone(), handle: d.handle.clone(), page_id: d.id.clone(), expires_at: expires };
    if let Err(e) = redirects.insert_one(&r).await {
        tracing::warn!(error = %e, "could not keep the redirect from the old handle");
    }
    ctx.state.ext::<crate::bio::public::PageCache>().invalidate(&d.handle);
    ctx.state.ext::<crate::bio::public::PageCache>().invalidate(&handle);
    crate::workspaces::domain::audit(ctx, "bio_handle_changed", format!("Changed the bio handle @{} → @{handle}", d.handle)).await;
    get_page(ctx, d.id).await
}

/// Deletes a page with its redirects, sign-ups, domains and statistics.
pub async fn delete_page(ctx: &Ctx, page: String) -> Result<(), AppError> {
    ctx.require(AREA, Action::Manage)?;
    let d = load(ctx, &page).await?;
    super::analytics::forget_page(ctx, &d.id);
    // One transaction: the page, its custom domains, statistics, old-handle redirects,
    // sign-ups, and its room in the page limit. A crash or a lost database halfway leaves
    // all of it or none of it.
    let mut tries = Tries::default();
    let domains = loop {
        let mut tx = tries.start(ctx.db()).await?;
        let body = async {
            let domains = super::domains::delete_for_page_in(ctx, &mut tx, &d.id).await?;
            for coll in [DAYS, VISITORS, REDIRECTS, SIGNUPS] {
                ctx.scoped::<mongodb::bson::Document>(coll)?.delete_many_in(&mut tx, doc! { "page_id": &d.id }).await?;
            }
            let removed = ctx.scoped::<PageDoc>(PAGES)?.delete_one_in(&mut tx, doc! { "_id": &d.id }).await?;
            crate::platform::usage::release_in(ctx, &mut tx, &super::PAGES_LIMIT, removed as i64).await?;
            Ok(domains)
        }
        .await;
        if let Some(domains) = tx.finish(body).await? {
            break domains;
        }
    };
    super::domains::forget_hosts(ctx, &domains);
    ctx.state.ext::<crate::bio::public::PageCache>().invalidate(&d.handle);
    crate::workspaces::domain::audit(ctx, "bio_page_deleted", format!("Deleted the bio page @{}", d.handle)).await;
    Ok(())
}

pub async fn list_signups(ctx: &Ctx, page: String) -> Result<Vec<BioSignup>, AppError> {
    ctx.require(AREA, Action::View)?;
    let d = load(ctx, &page).await?;
    let docs = ctx.scoped::<SignupDoc>(SIGNUPS)?.find(doc! { "page_id": &d.id }, doc! { "consented_at": -1 }, 5000).await?;
    Ok(docs
        .into_iter()
        .map(|s| BioSignup { email: s.email, page_handle: s.page_handle, consent_text: s.consent_text, consented_at: s.consented_at.timestamp_millis() })
        .collect())
}

/// Where the workspace's bio pages use the media file `media_id`, in words.
pub async fn media_usage(ctx: &Ctx, media_id: &str) -> Result<Vec<String>, AppError> {
    let docs = ctx.scoped::<PageDoc>(PAGES)?.find(doc! {}, doc! { "_id": 1 }, 10_000).await?;
    let mut out: Vec<String> = Vec::new();
    for d in docs {
        let uses = super::media_uses(&d.draft).into_iter().chain(d.published.iter().flat_map(super::media_uses));
        for (id, place) in uses {
            let line = crate::i18n::fill(BioTexts::now().use_page, &[("handle", &d.handle), ("place", &place)]);
            if id == media_id && !out.contains(&line) {
                out.push(line);
            }
        }
    }
    Ok(out)
}
