//! M07 rules for the form's owners: creating, editing, publishing and deleting forms, and
//! reading and deleting their submissions. What visitors do is in [`super::public`].

use mongodb::bson::{doc, Bson, DateTime};

use super::store::{DeliveryDoc, FormDoc, SubmissionDoc, DELIVERIES, FORMS, MONTHS, SUBMISSIONS};
use super::texts::FormsServerTexts;
use super::{check_def, Attempt, Delivery, FormConnect, FormDef, FormFull, FormSettings, FormSummary, MemberChoice, Submission, SubmissionPage, Webhook, AREA};
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
    AppError::not_found(FormsServerTexts::now().nf_form)
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
            settings: FormSettings::default(),
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

/// Whether `slug` is a published form of the caller's workspace: what a bio page's Form block
/// may embed.
pub async fn is_published(ctx: &Ctx, slug: &str) -> Result<bool, AppError> {
    Ok(ctx.scoped::<FormDoc>(FORMS)?.count(doc! { "slug": slug, "published": { "$ne": null } }).await? > 0)
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
    let t = FormsServerTexts::now();
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
    let deliveries = ctx.scoped::<DeliveryDoc>(DELIVERIES)?;
    let mut tries = Tries::default();
    loop {
        let mut tx = tries.start(ctx.db()).await?;
        let body = async {
            if forms.delete_one_in(&mut tx, doc! { "_id": &d.id }).await? == 0 {
                return Err(not_found());
            }
            subs.delete_many_in(&mut tx, doc! { "form_id": &d.id }).await?;
            deliveries.delete_many_in(&mut tx, doc! { "form_id": &d.id }).await?;
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
        None => Err(AppError::field(field, FormsServerTexts::now().ans_date)),
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
    let t = FormsServerTexts::now();
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
    d.map(to_submission).ok_or_else(|| AppError::not_found(FormsServerTexts::now().nf_submission))
}

/// Deletes one submission.
pub async fn delete_submission(ctx: &Ctx, id: String) -> Result<(), AppError> {
    ctx.require(AREA, Action::Edit)?;
    if ctx.scoped::<SubmissionDoc>(SUBMISSIONS)?.delete_one(doc! { "_id": id.trim() }).await? == 0 {
        return Err(AppError::not_found(FormsServerTexts::now().nf_submission));
    }
    Ok(())
}

// ---------------------------------------------------------------- the monthly limit

/// The counter of completed submissions of workspace `workspace_id` in the month of `at_ms`.
pub fn month_counter(workspace_id: &str, at_ms: i64) -> String {
    let day = crate::calendar::day_of_ms(at_ms);
    format!("{workspace_id}:{}", &day[..7.min(day.len())])
}

/// Completed submissions of the call's workspace this month, as the monthly limit counts them.
pub fn count_month(ctx: &Ctx) -> crate::platform::BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move {
        let id = month_counter(ctx.scoped::<mongodb::bson::Document>(MONTHS)?.workspace_id(), DateTime::now().timestamp_millis());
        let d = ctx.scoped::<mongodb::bson::Document>(MONTHS)?.find_one_raw(doc! { "_id": id }).await?;
        Ok(d.and_then(|d| match d.get("n") {
            Some(Bson::Int32(n)) => Some(*n as i64),
            Some(Bson::Int64(n)) => Some(*n),
            _ => None,
        })
        .unwrap_or(0))
    })
}

// ---------------------------------------------------------------- share and connect

/// The most webhooks a form has, and members told of its submissions.
pub const MAX_WEBHOOKS: usize = 5;
pub const MAX_NOTIFY: usize = 50;
/// Deliveries the log shows.
const DELIVERY_LOG: i64 = 50;

fn to_delivery(d: DeliveryDoc) -> Delivery {
    Delivery {
        id: d.id,
        hook_id: d.hook_id,
        url: d.url,
        submission_id: d.submission_id,
        state: d.state,
        attempts: d
            .attempts
            .into_iter()
            .map(|a| Attempt { at: a.at.timestamp_millis(), status: a.status.map(|s| s as u16), ms: a.ms.max(0) as u64, error: a.error })
            .collect(),
        created_at: d.created_at.timestamp_millis(),
        resent_from: d.resent_from,
    }
}

/// The "Share and connect" tab of form `form`.
pub async fn get_connect(ctx: &Ctx, form: String) -> Result<FormConnect, AppError> {
    ctx.require(AREA, Action::View)?;
    let d = load(ctx, &form).await?;
    connect_of(ctx, d).await
}

async fn connect_of(ctx: &Ctx, d: FormDoc) -> Result<FormConnect, AppError> {
    let manage = ctx.require(AREA, Action::Manage).is_ok();
    // Who may be told: the workspace's members, as the team page lists them (someone who
    // may not see the team sees only the names already chosen, as ids).
    let members = match crate::workspaces::domain::list_members(ctx).await {
        Ok(m) => m.into_iter().map(|m| MemberChoice { user_id: m.user_id, name: m.name, email: m.email }).collect(),
        Err(AppError::Forbidden) => vec![],
        Err(e) => return Err(e),
    };
    let deliveries = if manage {
        ctx.scoped::<DeliveryDoc>(DELIVERIES)?
            .find(doc! { "form_id": &d.id }, doc! { "created_at": -1, "_id": -1 }, DELIVERY_LOG)
            .await?
            .into_iter()
            .map(to_delivery)
            .collect()
    } else {
        vec![]
    };
    let month_used = count_month(ctx).await?;
    let month_limit = crate::workspaces::plans::limit_of(&ctx.state, &d.workspace_id, super::SUBMISSIONS_LIMIT.key).await?;
    Ok(FormConnect {
        url: format!("{}{}{}", ctx.state.config.public_url, super::PREFIX, d.slug),
        published: d.published.is_some(),
        notify: d.settings.notify,
        email: d.settings.email,
        members,
        email_configured: ctx.state.config.smtp_url.is_some(),
        webhooks: manage.then_some(d.settings.webhooks),
        deliveries,
        month_used,
        month_limit,
    })
}

/// Chooses who is told of each submission (`notify`, members' user ids), and whether by
/// e-mail too.
pub async fn save_notify(ctx: &Ctx, form: String, notify: Vec<String>, email: bool) -> Result<FormConnect, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let t = FormsServerTexts::now();
    let d = load(ctx, &form).await?;
    let mut chosen: Vec<String> = vec![];
    for id in notify.iter().map(|s| s.trim()) {
        if !chosen.iter().any(|c| c == id) {
            chosen.push(id.to_string());
        }
    }
    if chosen.len() > MAX_NOTIFY {
        return Err(AppError::field("notify", t.err_notify_member));
    }
    for id in &chosen {
        if id.len() > 64 || !crate::workspaces::domain::is_member(&ctx.state, &d.workspace_id, id).await? {
            return Err(AppError::field("notify", t.err_notify_member));
        }
    }
    ctx.scoped::<FormDoc>(FORMS)?
        .update_one(doc! { "_id": &d.id }, doc! { "$set": { "settings.notify": &chosen, "settings.email": email, "updated_at": DateTime::now() } })
        .await?;
    get_connect(ctx, d.id).await
}

/// Adds a webhook posting every completed submission to `url`, with a new secret.
pub async fn add_webhook(ctx: &Ctx, form: String, url: String) -> Result<FormConnect, AppError> {
    ctx.require(AREA, Action::Manage)?;
    let t = FormsServerTexts::now();
    let d = load(ctx, &form).await?;
    let url = super::effects::check_url(&url, ctx.state.config.webhooks_allow_private).map_err(|m| AppError::field("url", m))?;
    if d.settings.webhooks.len() >= MAX_WEBHOOKS {
        return Err(AppError::field("url", t.err_webhooks_max));
    }
    if d.settings.webhooks.iter().any(|h| h.url == url) {
        return Err(AppError::field("url", t.err_webhook_twice));
    }
    let hook = Webhook {
        id: crypto::new_id()[..12].to_string(),
        url,
        secret: format!("whsec_{}", crypto::random_token(24)),
        created_at: DateTime::now().timestamp_millis(),
    };
    let hook_bson = mongodb::bson::to_bson(&hook).map_err(|e| internal("webhook", &e))?;
    // Pushed only while there is room, whatever another admin added meanwhile.
    let room = format!("settings.webhooks.{}", MAX_WEBHOOKS - 1);
    let n = ctx
        .scoped::<FormDoc>(FORMS)?
        .update_one(doc! { "_id": &d.id, room: { "$exists": false } }, doc! { "$push": { "settings.webhooks": hook_bson } })
        .await?;
    if n == 0 {
        return Err(AppError::field("url", t.err_webhooks_max));
    }
    crate::workspaces::domain::audit(ctx, "form_webhook_added", format!("Added a webhook to the form {}", d.draft.title)).await;
    get_connect(ctx, d.id).await
}

/// Removes webhook `hook`; deliveries still to try are marked failed when their turn comes.
pub async fn delete_webhook(ctx: &Ctx, form: String, hook: String) -> Result<FormConnect, AppError> {
    ctx.require(AREA, Action::Manage)?;
    let d = load(ctx, &form).await?;
    let n = ctx
        .scoped::<FormDoc>(FORMS)?
        .update_one(doc! { "_id": &d.id, "settings.webhooks.id": hook.trim() }, doc! { "$pull": { "settings.webhooks": { "id": hook.trim() } } })
        .await?;
    if n == 0 {
        return Err(AppError::not_found(FormsServerTexts::now().nf_webhook));
    }
    crate::workspaces::domain::audit(ctx, "form_webhook_removed", format!("Removed a webhook of the form {}", d.draft.title)).await;
    get_connect(ctx, d.id).await
}

/// Sends delivery `delivery` again, as a new delivery of the same body to the same webhook.
pub async fn resend_delivery(ctx: &Ctx, form: String, delivery: String) -> Result<FormConnect, AppError> {
    ctx.require(AREA, Action::Manage)?;
    let t = FormsServerTexts::now();
    let d = load(ctx, &form).await?;
    let deliveries = ctx.scoped::<DeliveryDoc>(DELIVERIES)?;
    let Some(old) = deliveries.find_one(doc! { "_id": delivery.trim(), "form_id": &d.id }).await? else {
        return Err(AppError::not_found(t.nf_delivery));
    };
    let Some(hook) = d.settings.webhooks.iter().find(|h| h.id == old.hook_id) else {
        return Err(AppError::not_found(t.nf_webhook));
    };
    let id = time_ordered_id();
    let fresh = DeliveryDoc {
        body: old.body.replacen(&format!("\"delivery\":\"{}\"", old.id), &format!("\"delivery\":\"{id}\""), 1),
        id,
        workspace_id: d.workspace_id.clone(),
        form_id: d.id.clone(),
        hook_id: hook.id.clone(),
        url: hook.url.clone(),
        submission_id: old.submission_id.clone(),
        state: super::DeliveryState::Pending,
        attempts: vec![],
        created_at: DateTime::now(),
        resent_from: Some(old.id.clone()),
    };
    super::effects::start_delivery(&ctx.state, &fresh).await?;
    get_connect(ctx, d.id).await
}
