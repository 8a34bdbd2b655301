//! M07 rules for the form's owners: creating, editing, publishing and deleting forms, and
//! reading and deleting their submissions. What visitors do is in [`super::public`].

use mongodb::bson::{doc, Bson, DateTime};

use super::store::{FormDoc, SubmissionDoc, FORMS, SUBMISSIONS};
use super::texts::FormsTexts;
use super::{check_def, FormDef, FormFull, FormSummary, Submission, SubmissionPage, AREA};
use crate::error::AppError;
use crate::platform::db::internal;
use crate::platform::tx::Tries;
use crate::platform::{crypto, Ctx};
use crate::workspaces::Action;

/// The largest definition accepted, as JSON.
const MAX_DEF_BYTES: usize = 256 * 1024;
/// The most forms a list shows.
const MAX_LIST: i64 = 1000;
/// Submissions per page.
pub const PAGE_SIZE: i64 = 50;
/// Letters of automatic slugs (no look-alikes) and their length.
const SLUG_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const SLUG_LEN: usize = 8;

fn not_found() -> AppError {
    AppError::not_found(FormsTexts::now().nf_form)
}

/// How many forms the workspace has, as the limit counts them.
pub fn count_forms(ctx: &Ctx) -> crate::platform::BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move { Ok(ctx.scoped::<mongodb::bson::Document>(FORMS)?.count(doc! {}).await? as i64) })
}

fn full(d: FormDoc, submissions: u64) -> FormFull {
    FormFull {
        id: d.id,
        slug: d.slug,
        draft: d.draft,
        published: d.published,
        published_at: d.published_at.map(|t| t.timestamp_millis()),
        version: d.version,
        updated_at: d.updated_at.timestamp_millis(),
        submissions,
    }
}

/// Per form: (complete, partial) submissions, counted in one aggregation over the
/// workspace's submissions (`form` narrows it to one form).
async fn counts(ctx: &Ctx, form: Option<&str>) -> Result<std::collections::HashMap<String, (u64, u64)>, AppError> {
    let filter = match form {
        Some(f) => doc! { "form_id": f },
        None => doc! {},
    };
    let pipeline = vec![doc! { "$match": filter }, doc! { "$group": { "_id": { "f": "$form_id", "s": "$status" }, "n": { "$sum": 1 } } }];
    let rows = ctx.scoped::<mongodb::bson::Document>(SUBMISSIONS)?.aggregate(pipeline).await?;
    let mut out: std::collections::HashMap<String, (u64, u64)> = Default::default();
    for r in rows {
        let Ok(id) = r.get_document("_id") else { continue };
        let n = match r.get("n") {
            Some(Bson::Int32(n)) => *n as u64,
            Some(Bson::Int64(n)) => *n as u64,
            _ => 0,
        };
        let e = out.entry(id.get_str("f").unwrap_or("").to_string()).or_default();
        if id.get_str("s") == Ok("complete") {
            e.0 += n;
        } else {
            e.1 += n;
        }
    }
    Ok(out)
}

async fn full_counted(ctx: &Ctx, d: FormDoc) -> Result<FormFull, AppError> {
    let n = counts(ctx, Some(&d.id)).await?.get(&d.id).map(|c| c.0).unwrap_or(0);
    Ok(full(d, n))
}

fn random_slug() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..SLUG_LEN).map(|_| SLUG_ALPHABET[rng.gen_range(0..SLUG_ALPHABET.len())] as char).collect()
}

/// A submission id that sorts by creation time (milliseconds, then randomness), so pages
/// newest first are stable.
pub fn time_ordered_id() -> String {
    format!("{:013x}{}", DateTime::now().timestamp_millis().max(0), &crypto::new_id()[..19])
}

/// Creates a form titled `title`, with a starter step (a name and an e-mail address).
pub async fn create_form(ctx: &Ctx, title: String) -> Result<FormFull, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let title = title.trim().to_string();
    let def = FormDef::starter(&title);
    AppError::check_fields(check_def(&def, false))?;
    let forms = ctx.scoped::<FormDoc>(FORMS)?;
    let room = crate::workspaces::plans::reserve(ctx, &super::FORMS_LIMIT, 1).await?;
    for _ in 0..8 {
        let now = DateTime::now();
        let d = FormDoc {
            id: crypto::new_id(),
            workspace_id: forms.workspace_id().to_string(),
            slug: random_slug(),
            draft: def.clone(),
            published: None,
            published_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: ctx.user_id.clone(),
        };
        match forms.insert_one(&d).await {
            Ok(()) => {
                room.keep();
                return Ok(full(d, 0));
            }
            Err(e) if e.is_duplicate() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(internal("create form", &"no free slug after several attempts"))
}

/// The workspace's forms, most recently changed first.
pub async fn list_forms(ctx: &Ctx) -> Result<Vec<FormSummary>, AppError> {
    ctx.require(AREA, Action::View)?;
    let docs = ctx.scoped::<FormDoc>(FORMS)?.find(doc! {}, doc! { "updated_at": -1, "_id": 1 }, MAX_LIST).await?;
    let counts = counts(ctx, None).await?;
    Ok(docs
        .into_iter()
        .map(|d| FormSummary {
            title: d.draft.title.clone(),
            published: d.published.is_some(),
            unpublished_changes: d.published.as_ref() != Some(&d.draft),
            submissions: counts.get(&d.id).map(|c| c.0).unwrap_or(0),
            partials: counts.get(&d.id).map(|c| c.1).unwrap_or(0),
            updated_at: d.updated_at.timestamp_millis(),
            id: d.id,
            slug: d.slug,
        })
        .collect())
}

async fn load(ctx: &Ctx, form: &str) -> Result<FormDoc, AppError> {
    ctx.scoped::<FormDoc>(FORMS)?.find_one(doc! { "_id": form.trim() }).await?.ok_or_else(not_found)
}

pub async fn get_form(ctx: &Ctx, form: String) -> Result<FormFull, AppError> {
    ctx.require(AREA, Action::View)?;
    full_counted(ctx, load(ctx, &form).await?).await
}

/// The server's copy, as a conflict carries it.
async fn conflict(ctx: &Ctx, form: &str) -> AppError {
    match load(ctx, form).await {
        Ok(d) => AppError::Conflict { current: serde_json::to_value(full(d, 0)).unwrap_or_default() },
        Err(e) => e,
    }
}

/// Saves the draft `content` (the definition as JSON) over version `version`.
pub async fn save_form(ctx: &Ctx, form: String, content: String, version: i64) -> Result<FormFull, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let t = FormsTexts::now();
    if content.len() > MAX_DEF_BYTES {
        return Err(AppError::field("content", t.err_content_large));
    }
    let def: FormDef = serde_json::from_str(&content).map_err(|_| AppError::field("content", t.err_content_unreadable))?;
    AppError::check_fields(check_def(&def, false))?;
    let draft = mongodb::bson::to_bson(&def).map_err(|e| internal("form draft", &e))?;
    let updated = ctx
        .scoped::<FormDoc>(FORMS)?
        .find_one_and_update(
            doc! { "_id": form.trim(), "version": version },
            doc! { "$set": { "draft": draft, "updated_at": DateTime::now() }, "$inc": { "version": 1_i64 } },
        )
        .await?;
    match updated {
        Some(d) => full_counted(ctx, d).await,
        None => Err(conflict(ctx, &form).await),
    }
}

/// Publishes the draft as it was at `version`.
pub async fn publish_form(ctx: &Ctx, form: String, version: i64) -> Result<FormFull, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let d = load(ctx, &form).await?;
    if d.version != version {
        return Err(conflict(ctx, &form).await);
    }
    AppError::check_fields(check_def(&d.draft, true))?;
    let published = mongodb::bson::to_bson(&d.draft).map_err(|e| internal("form publish", &e))?;
    let updated = ctx
        .scoped::<FormDoc>(FORMS)?
        .find_one_and_update(doc! { "_id": &d.id, "version": version }, doc! { "$set": { "published": published, "published_at": DateTime::now() } })
        .await?;
    let Some(updated) = updated else { return Err(conflict(ctx, &form).await) };
    crate::workspaces::domain::audit(ctx, "form_published", format!("Published the form {}", updated.draft.title)).await;
    full_counted(ctx, updated).await
}

/// Takes the form offline: `/f/{slug}` says it is closed. Submissions are kept.
pub async fn unpublish_form(ctx: &Ctx, form: String) -> Result<FormFull, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let updated = ctx
        .scoped::<FormDoc>(FORMS)?
        .find_one_and_update(doc! { "_id": form.trim() }, doc! { "$set": { "published": Bson::Null, "published_at": Bson::Null } })
        .await?;
    match updated {
        Some(d) => full_counted(ctx, d).await,
        None => Err(not_found()),
    }
}

/// Deletes a form and every submission to it, in one transaction.
pub async fn delete_form(ctx: &Ctx, form: String) -> Result<(), AppError> {
    ctx.require(AREA, Action::Manage)?;
    let d = load(ctx, &form).await?;
    let forms = ctx.scoped::<FormDoc>(FORMS)?;
    let subs = ctx.scoped::<SubmissionDoc>(SUBMISSIONS)?;
    let mut tries = Tries::default();
    loop {
        let mut tx = tries.start(ctx.db()).await?;
        let body = async {
            if forms.delete_one_in(&mut tx, doc! { "_id": &d.id }).await? == 0 {
                return Err(not_found());
            }
            subs.delete_many_in(&mut tx, doc! { "form_id": &d.id }).await?;
            crate::platform::usage::release_in(ctx, &mut tx, &super::FORMS_LIMIT, 1).await
        }
        .await;
        if tx.finish(body).await?.is_some() {
            break;
        }
    }
    crate::workspaces::domain::audit(ctx, "form_deleted", format!("Deleted the form {}", d.draft.title)).await;
    Ok(())
}

pub(crate) fn to_submission(d: SubmissionDoc) -> Submission {
    Submission {
        id: d.id,
        form_id: d.form_id,
        status: d.status,
        answers: d.answers,
        created_at: d.created_at.timestamp_millis(),
        updated_at: d.updated_at.timestamp_millis(),
        completed_at: d.completed_at.map(|t| t.timestamp_millis()),
    }
}

/// `YYYY-MM-DD` as the UTC midnight starting it, in ms.
fn day_start(field: &str, day: &str) -> Result<Option<i64>, AppError> {
    let day = day.trim();
    if day.is_empty() {
        return Ok(None);
    }
    match crate::calendar::parse_day(day) {
        Some(days) => Ok(Some(days * 86_400_000)),
        None => Err(AppError::field(field, FormsTexts::now().ans_date)),
    }
}

/// One page of a form's submissions, newest first: `status` "", "partial" or "complete";
/// `from` and `to` days (UTC, both included) or empty; `query` text in any answer; `after`
/// the previous page's `next`.
#[allow(clippy::too_many_arguments)]
pub async fn list_submissions(
    ctx: &Ctx,
    form: String,
    status: String,
    from: String,
    to: String,
    query: String,
    after: String,
) -> Result<SubmissionPage, AppError> {
    ctx.require(AREA, Action::View)?;
    let t = FormsTexts::now();
    let d = load(ctx, &form).await?;
    let mut filter = doc! { "form_id": &d.id };
    match status.trim() {
        "" => {}
        "partial" => {
            filter.insert("status", "partial");
        }
        "complete" => {
            filter.insert("status", "complete");
        }
        _ => return Err(AppError::field("status", t.err_status)),
    }
    let from_ms = day_start("from", &from)?;
    let to_ms = day_start("to", &to)?.map(|t| t + 86_400_000);
    if let (Some(a), Some(b)) = (from_ms, to_ms) {
        if a >= b {
            return Err(AppError::field("to", t.err_range));
        }
    }
    let mut created = mongodb::bson::Document::new();
    if let Some(a) = from_ms {
        created.insert("$gte", DateTime::from_millis(a));
    }
    if let Some(b) = to_ms {
        created.insert("$lt", DateTime::from_millis(b));
    }
    if !created.is_empty() {
        filter.insert("created_at", created);
    }
    let query = query.trim().to_lowercase();
    if query.chars().count() > 200 {
        return Err(AppError::field("query", t.err_query_long));
    }
    if !query.is_empty() {
        filter.insert("search", doc! { "$regex": regex::escape(&query) });
    }
    let after = after.trim();
    if after.len() > 64 {
        return Err(AppError::field("after", t.err_status));
    }
    let subs = ctx.scoped::<SubmissionDoc>(SUBMISSIONS)?;
    let total = subs.count(filter.clone()).await?;
    let page = subs.page_newest_first(filter, (!after.is_empty()).then(|| Bson::String(after.to_string())), PAGE_SIZE).await?;
    Ok(SubmissionPage { items: page.items.into_iter().map(to_submission).collect(), next: page.next.and_then(|b| b.as_str().map(str::to_string)), total })
}

pub async fn get_submission(ctx: &Ctx, id: String) -> Result<Submission, AppError> {
    ctx.require(AREA, Action::View)?;
    let d = ctx.scoped::<SubmissionDoc>(SUBMISSIONS)?.find_one(doc! { "_id": id.trim() }).await?;
    d.map(to_submission).ok_or_else(|| AppError::not_found(FormsTexts::now().nf_submission))
}

/// Deletes one submission.
pub async fn delete_submission(ctx: &Ctx, id: String) -> Result<(), AppError> {
    ctx.require(AREA, Action::Edit)?;
    if ctx.scoped::<SubmissionDoc>(SUBMISSIONS)?.delete_one(doc! { "_id": id.trim() }).await? == 0 {
        return Err(AppError::not_found(FormsTexts::now().nf_submission));
    }
    Ok(())
}
