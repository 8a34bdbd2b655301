//! What a visitor does with a published form: open it, go through its steps (each finished
//! step saved on the server, so a visitor can resume from a link), and submit it.
//!
//! A visitor's run is one document of `form_submissions`, found by the form and the
//! visitor's key (unique together). The key is chosen by the visitor's browser (the script
//! keeps it with the answers) or by the server for a visitor without script (a hidden
//! field), so a submission posted twice, or retried after a lost answer, is stored once. The
//! owner's counts are counted from these documents, so each run is one write.

use mongodb::bson::{doc, DateTime, Document};

use super::logic::{judge, judge_step, next_step, path};
use super::store::{search_text, FormDoc, SubmissionDoc, FORMS, MONTHS, SUBMISSIONS};
use super::{Answers, FormDef, SubmissionStatus};
use crate::error::{AppError, FieldError};
use crate::platform::scoped::Scoped;
use crate::platform::tx::Tries;
use crate::platform::{crypto, AppState};

/// A published form, as visitors see it.
#[derive(Clone, Debug)]
pub struct Published {
    pub id: String,
    pub workspace_id: String,
    pub slug: String,
    pub def: FormDef,
}

pub enum Lookup {
    Open(std::sync::Arc<Published>),
    /// It exists but is not published (any more).
    Closed,
    Missing,
}

/// The form at `/f/{slug}`.
pub async fn find(app: &AppState, slug: &str) -> Result<Lookup, AppError> {
    let slug = slug.trim();
    if slug.is_empty() || slug.len() > 64 {
        return Ok(Lookup::Missing);
    }
    let d: Option<FormDoc> = app.db.global(FORMS).find_one(doc! { "slug": slug }).await?;
    Ok(match d {
        Some(FormDoc { id, workspace_id, slug, published: Some(def), .. }) => Lookup::Open(std::sync::Arc::new(Published { id, workspace_id, slug, def })),
        Some(_) => Lookup::Closed,
        None => Lookup::Missing,
    })
}

/// A visitor's key: 16 to 64 URL-safe characters.
pub fn valid_key(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new key, for a visitor without script.
pub fn new_key() -> String {
    crypto::random_token(18)
}

/// When the visitor opened the form, signed so it cannot be backdated: `{ms}.{tag}`.
pub fn start_token(app: &AppState, form_id: &str) -> String {
    let ms = DateTime::now().timestamp_millis().to_string();
    let tag = crypto::hmac_sha256(&app.config.jwt_secret, &[b"form-start:", form_id.as_bytes(), b":", ms.as_bytes()]);
    format!("{ms}.{}", tag.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The time a start token says, if it is genuine.
fn started_at(app: &AppState, form_id: &str, token: &str) -> Option<i64> {
    let (ms, hex) = token.trim().split_once('.')?;
    if hex.len() != 64 || ms.len() > 15 {
        return None;
    }
    let tag: Vec<u8> = (0..32).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect::<Option<_>>()?;
    crypto::hmac_sha256_verify(&app.config.jwt_secret, &[b"form-start:", form_id.as_bytes(), b":", ms.as_bytes()], &tag).then(|| ms.parse().ok()).flatten()
}

/// Whether the visitor took at least the configured time since they opened the form: since
/// their run was first saved (a multi-step run), or else since the signed start time.
pub fn slow_enough(app: &AppState, form_id: &str, token: &str, run_started: Option<i64>) -> bool {
    let min = app.config.forms_min_fill.as_millis() as i64;
    if min == 0 {
        return true;
    }
    let signed = started_at(app, form_id, token);
    let started = match (run_started, signed) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    started.is_some_and(|t| DateTime::now().timestamp_millis() - t >= min)
}

/// A visitor's run so far.
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub answers: Answers,
    /// The step reached (the furthest one they may post).
    pub step: usize,
    pub complete: bool,
    /// When it was first saved, in ms.
    pub started: Option<i64>,
}

/// The visitor's run with `key`, if they started one.
pub async fn run_of(app: &AppState, form: &Published, key: &str) -> Result<Option<Run>, AppError> {
    if !valid_key(key) {
        return Ok(None);
    }
    let subs: Scoped<SubmissionDoc> = Scoped::of_workspace(&app.db, SUBMISSIONS, &form.workspace_id);
    let d = subs.find_one(doc! { "form_id": &form.id, "key": key }).await?;
    Ok(d.map(|d| Run {
        answers: d.answers,
        step: d.step.max(0) as usize,
        complete: d.status == SubmissionStatus::Complete,
        started: Some(d.created_at.timestamp_millis()),
    }))
}

/// What became of a posted step.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Saved; the visitor goes on to `step`.
    Next { step: usize },
    /// Refused: show `step` again with the answers and these errors.
    Invalid { step: usize, errors: Vec<FieldError> },
    /// Submitted too soon after opening: saved as a partial, to be sent again.
    TooFast { step: usize },
    /// Stored (now, or by an earlier post with the same key).
    Done,
    /// The workspace took all the submissions its plan allows this month: saved as a
    /// partial, to be sent again later.
    Full { step: usize },
}

/// Step `step`'s answers `raw`, posted by the visitor with `key`. `answers` comes back
/// merged with what was saved before, for showing the step again.
pub async fn post_step(app: &AppState, form: &Published, key: &str, step: usize, raw: &Answers, start: &str) -> Result<(Outcome, Answers), AppError> {
    let def = &form.def;
    let run = run_of(app, form, key).await?.unwrap_or_default();
    if run.complete {
        return Ok((Outcome::Done, run.answers));
    }
    // Only a step on the visitor's path, up to the one reached, may be posted.
    let allowed = path(def, &run.answers);
    if step >= def.steps.len() || !allowed.contains(&step) || step > run.step {
        let at = if allowed.contains(&run.step) { run.step } else { 0 };
        return Ok((Outcome::Next { step: at }, run.answers));
    }
    let own: Vec<&str> = def.steps[step].fields.iter().map(|f| f.id.as_str()).collect();
    let mut merged: Answers = run.answers.into_iter().filter(|(k, _)| !own.contains(&k.as_str())).collect();
    for id in &own {
        if let Some(v) = raw.get(*id) {
            merged.insert(id.to_string(), v.clone());
        }
    }
    let kept = match judge_step(def, step, &merged) {
        Ok(kept) => kept,
        Err(errors) => return Ok((Outcome::Invalid { step, errors }, merged)),
    };
    merged.retain(|k, _| !own.contains(&k.as_str()));
    merged.extend(kept);
    match next_step(def, step, &merged) {
        Some(next) => {
            // The furthest step reached stays reached while it is still on the path (the
            // visitor went back to change an earlier answer); otherwise it is the next one.
            let reached = if run.step > next && path(def, &merged).contains(&run.step) { run.step } else { next };
            save_partial(app, form, key, &merged, reached).await?;
            Ok((Outcome::Next { step: next }, merged))
        }
        None => {
            if !slow_enough(app, &form.id, start, run.started) {
                save_partial(app, form, key, &merged, step).await?;
                return Ok((Outcome::TooFast { step }, merged));
            }
            finish(app, form, key, &merged).await
        }
    }
}

/// A whole submission at once (the script's way): judged over every step, then stored once
/// for `key`, however many times it is posted.
pub async fn submit(app: &AppState, form: &Published, key: &str, answers: &Answers, start: &str) -> Result<(Outcome, Answers), AppError> {
    let run = run_of(app, form, key).await?;
    if let Some(run) = &run {
        if run.complete {
            return Ok((Outcome::Done, run.answers.clone()));
        }
    }
    if !slow_enough(app, &form.id, start, run.and_then(|r| r.started)) {
        return Ok((Outcome::TooFast { step: 0 }, answers.clone()));
    }
    finish(app, form, key, answers).await
}

/// The server's verdict over the whole run, then the one write that completes it.
async fn finish(app: &AppState, form: &Published, key: &str, answers: &Answers) -> Result<(Outcome, Answers), AppError> {
    let kept = match judge(&form.def, answers) {
        Ok(kept) => kept,
        // A step on the path fails (a crafted post that skipped it): back to that step.
        Err((step, errors)) => return Ok((Outcome::Invalid { step, errors }, answers.clone())),
    };
    if !complete(app, form, key, &kept).await? {
        let last = path(&form.def, &kept).last().copied().unwrap_or(0);
        save_partial(app, form, key, &kept, last).await?;
        return Ok((Outcome::Full { step: last }, kept));
    }
    Ok((Outcome::Done, kept))
}

/// The first e-mail address answered, lowercased: the contact the CRM will know.
fn contact_email(def: &FormDef, answers: &Answers) -> Option<String> {
    def.fields()
        .filter(|(_, f)| f.kind == super::FieldKind::Email)
        .find_map(|(_, f)| answers.get(&f.id).and_then(|v| v.first()).map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty()))
}

fn new_doc(form: &Published, key: &str, answers: &Answers, step: usize, status: SubmissionStatus) -> SubmissionDoc {
    let now = DateTime::now();
    SubmissionDoc {
        id: super::domain::time_ordered_id(),
        workspace_id: form.workspace_id.clone(),
        form_id: form.id.clone(),
        key: key.to_string(),
        status,
        answers: answers.clone(),
        step: step as i64,
        search: search_text(answers),
        created_at: now,
        updated_at: now,
        completed_at: (status == SubmissionStatus::Complete).then_some(now),
        contact_email: (status == SubmissionStatus::Complete).then(|| contact_email(&form.def, answers)).flatten(),
    }
}

/// Saves a partial run: the answers so far, and the step reached. One write: an update of
/// the visitor's partial run, or the insert of a new one.
async fn save_partial(app: &AppState, form: &Published, key: &str, answers: &Answers, step: usize) -> Result<(), AppError> {
    let subs: Scoped<SubmissionDoc> = Scoped::of_workspace(&app.db, SUBMISSIONS, &form.workspace_id);
    let filter = doc! { "form_id": &form.id, "key": key, "status": "partial" };
    let update =
        doc! { "$set": { "answers": mongodb::bson::to_bson(answers)?, "step": step as i64, "search": search_text(answers), "updated_at": DateTime::now() } };
    for _ in 0..2 {
        if subs.update_one(filter.clone(), update.clone()).await? == 1 {
            return Ok(());
        }
        match subs.insert_one(&new_doc(form, key, answers, step, SubmissionStatus::Partial)).await {
            Ok(()) => return Ok(()),
            // Another post with this key got there first: a partial run (update it), or a
            // complete one (nothing left to save).
            Err(e) if e.is_duplicate() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Marks the run complete with `answers` (inserting it when no step was saved before) and
/// queues what follows it ([`super::effects`]), in one transaction. A run already complete
/// is left as it is: one document per key, whatever the retries. False when the workspace's
/// month is full (nothing written).
///
/// The month's count is taken first, by one conditional increment of its counter outside
/// the transaction (a counter every submission touches would make concurrent transactions
/// conflict), and given back when the submission is not stored by this call.
async fn complete(app: &AppState, form: &Published, key: &str, answers: &Answers) -> Result<bool, AppError> {
    let months: Scoped<Document> = Scoped::of_workspace(&app.db, MONTHS, &form.workspace_id);
    let counter = super::domain::month_counter(&form.workspace_id, DateTime::now().timestamp_millis());
    let max = crate::workspaces::plans::limit_of(app, &form.workspace_id, super::SUBMISSIONS_LIMIT.key).await?;
    if max.is_some_and(|m| m <= 0) {
        return Ok(false);
    }
    let mut room = doc! { "_id": &counter };
    if let Some(max) = max {
        room.insert("n", doc! { "$lt": max });
    }
    let taken = match months.upsert_one(room, doc! { "$inc": { "n": 1_i64 } }).await {
        Ok(_) => true,
        // The counter exists and is at the limit (the upsert tried to make a second one).
        Err(e) if e.is_duplicate() => false,
        Err(e) => return Err(e.into()),
    };
    if !taken {
        return Ok(false);
    }
    let stored = store_complete(app, form, key, answers).await;
    if !matches!(stored, Ok(true)) {
        if let Err(e) = months.update_one(doc! { "_id": &counter }, doc! { "$inc": { "n": -1_i64 } }).await {
            tracing::warn!(error = %e, "could not give back a month's submission");
        }
    }
    stored.map(|_| true)
}

/// The transaction of [`complete`]. True when this call stored the completion; false when
/// another post with the same key had.
async fn store_complete(app: &AppState, form: &Published, key: &str, answers: &Answers) -> Result<bool, AppError> {
    let subs: Scoped<SubmissionDoc> = Scoped::of_workspace(&app.db, SUBMISSIONS, &form.workspace_id);
    let now = DateTime::now();
    let filter = doc! { "form_id": &form.id, "key": key, "status": "partial" };
    let update = doc! { "$set": {
        "status": "complete", "answers": mongodb::bson::to_bson(answers)?, "search": search_text(answers), "updated_at": now, "completed_at": now,
        "contact_email": contact_email(&form.def, answers),
    } };
    let job = super::effects::SubmittedJob { workspace_id: form.workspace_id.clone(), form_id: form.id.clone(), key: key.to_string() };
    let job_key = format!("forms.submitted:{}:{key}", form.id);
    let mut tries = Tries::default();
    loop {
        let mut tx = tries.start(&app.db).await?;
        let body = async {
            if subs.update_one_in(&mut tx, filter.clone(), update.clone()).await? == 0 {
                match subs.insert_one_in(&mut tx, &new_doc(form, key, answers, 0, SubmissionStatus::Complete)).await {
                    Ok(()) => {}
                    // Another post with this key completed it, or saved a step, meanwhile.
                    Err(e) if e.is_duplicate() => return Ok(false),
                    Err(e) => return Err(AppError::from(e)),
                }
            }
            crate::platform::module_server::enqueue_in(app, &mut tx, &job, &job_key).await?;
            Ok(true)
        }
        .await;
        match body {
            Ok(false) => {
                // Nothing of this try is kept: dropped, the transaction is aborted.
                drop(tx);
                if run_of(app, form, key).await?.is_some_and(|r| r.complete) {
                    return Ok(false);
                }
            }
            body => {
                if tx.finish(body).await?.is_some() {
                    return Ok(true);
                }
            }
        }
    }
}
