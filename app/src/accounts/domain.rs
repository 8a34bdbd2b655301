//! M01 rules. Public flows (sign-up, sign-in, reset) take the state and the request
//! metadata; signed-in flows take the caller's [`Ctx`] first.

use std::str::FromStr;
use std::time::Duration;

use mongodb::bson::{doc, to_bson};

use super::store::{self, RecoveryCode, TokenDoc, TotpState, UserDoc};
use super::texts::AccountsTexts;
use super::{password, session, totp, PlatformRole, SecurityEvent, SessionInfo, SessionUser, SignInOutcome, SignUpOutcome, TotpSetup};
use crate::error::{AppError, FieldError};
use crate::i18n::{fill, Lang};
use crate::platform::db::is_duplicate_key;
use crate::platform::mail::{self, action_email_in, recipient_lang};
use crate::platform::rate_limit::{self, Backoff, Limit};
use crate::platform::{crypto, AppState, Ctx, Job, RequestMeta};
use crate::validate;

pub const SIGN_IN_PER_IP: Limit = Limit { name: "sign_in_ip", max: 30, window: Duration::from_secs(15 * 60) };
/// Attempts at the current password by a signed-in person (changing it), per account.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit { name: "sign_in_account", max: 10, window: Duration::from_secs(15 * 60) };
/// Sign-in: see [`sign_in_throttle`] for how these three work together.
pub const SIGN_IN_BACKOFF: Backoff =
    Backoff { name: "sign_in_pair", free: 5, base: Duration::from_secs(1), max: Duration::from_secs(15 * 60), forget_after: Duration::from_secs(24 * 60 * 60) };
pub const SIGN_IN_FAILURES_PER_ACCOUNT: Limit = Limit { name: "sign_in_account_failures", max: 100, window: Duration::from_secs(60 * 60) };
pub const SIGN_UP_PER_IP: Limit = Limit { name: "sign_up_ip", max: 10, window: Duration::from_secs(60 * 60) };
pub const SIGN_UP_PER_ACCOUNT: Limit = Limit { name: "sign_up_account", max: 5, window: Duration::from_secs(60 * 60) };
pub const RESET_PER_IP: Limit = Limit { name: "reset_ip", max: 10, window: Duration::from_secs(60 * 60) };
pub const RESET_PER_ACCOUNT: Limit = Limit { name: "reset_account", max: 3, window: Duration::from_secs(60 * 60) };
pub const SECOND_FACTOR_PER_IP: Limit = Limit { name: "totp_ip", max: 20, window: Duration::from_secs(5 * 60) };
pub const SECOND_FACTOR_PER_ACCOUNT: Limit = Limit { name: "totp_account", max: 5, window: Duration::from_secs(5 * 60) };

pub const VERIFY_TTL: Duration = Duration::from_secs(24 * 60 * 60);
pub const RESET_TTL: Duration = Duration::from_secs(60 * 60);
pub const CHALLENGE_TTL: Duration = Duration::from_secs(5 * 60);

fn wrong_credentials() -> &'static str {
    AccountsTexts::now().err_wrong_credentials
}

fn field(name: &str, message: &str) -> AppError {
    AppError::field(name, message)
}

// ---------- one-time tokens ----------

async fn issue_token(state: &AppState, kind: &str, user_id: &str, ttl: Duration) -> Result<String, AppError> {
    let raw = crypto::random_token(32);
    let t = TokenDoc {
        hash: crypto::sha256_hex(&raw),
        kind: kind.into(),
        user_id: user_id.into(),
        created_at: store::now(),
        expires_at: store::after(ttl),
        used_at: None,
    };
    store::tokens(&state.db).insert_one(t).await?;
    Ok(raw)
}

/// Explains why a link does not work, without saying more than needed.
async fn link_problem(state: &AppState, kind: &str, hash: &str) -> Result<AppError, AppError> {
    let t = AccountsTexts::now();
    let msg = match store::tokens(&state.db).find_one(doc! { "_id": hash, "kind": kind }).await? {
        Some(t_) if t_.used_at.is_some() => t.err_link_used,
        Some(_) => t.err_link_expired,
        None => t.err_link_unknown,
    };
    Ok(field("token", msg))
}

async fn peek_token(state: &AppState, kind: &str, raw: &str) -> Result<TokenDoc, AppError> {
    let hash = crypto::sha256_hex(raw.trim());
    let found = store::tokens(&state.db).find_one(doc! { "_id": &hash, "kind": kind, "used_at": null, "expires_at": { "$gt": store::now() } }).await?;
    match found {
        Some(t) => Ok(t),
        None => Err(link_problem(state, kind, &hash).await?),
    }
}

/// Marks a token used, atomically: of two concurrent uses, only one succeeds.
async fn consume_token(state: &AppState, kind: &str, raw: &str) -> Result<TokenDoc, AppError> {
    let hash = crypto::sha256_hex(raw.trim());
    let found = store::tokens(&state.db)
        .find_one_and_update(
            doc! { "_id": &hash, "kind": kind, "used_at": null, "expires_at": { "$gt": store::now() } },
            doc! { "$set": { "used_at": store::now() } },
        )
        .await?;
    match found {
        Some(t) => Ok(t),
        None => Err(link_problem(state, kind, &hash).await?),
    }
}

/// Marks every unused token of `kind` for `user_id` as used: an older link stops working.
async fn void_tokens(state: &AppState, user_id: &str, kind: &str) -> Result<(), AppError> {
    store::tokens(&state.db).update_many(doc! { "user_id": user_id, "kind": kind, "used_at": null }, doc! { "$set": { "used_at": store::now() } }).await?;
    Ok(())
}

/// The `$set` that marks an account's address as proven, with the super-admin role when the
/// address is `SUPER_ADMIN_EMAIL` (whichever way it was proven: link, reset or Google).
fn verified_fields(state: &AppState, email: &str) -> mongodb::bson::Document {
    let mut set = doc! { "email_verified": true, "updated_at": store::now() };
    if state.config.super_admin_email.as_deref() == Some(email) {
        set.insert("role", "super_admin");
    }
    set
}

async fn find_user_by_email(state: &AppState, email: &str) -> Result<Option<UserDoc>, AppError> {
    Ok(store::users(&state.db).find_one(doc! { "email": email }).await?)
}

fn url(state: &AppState, path: &str, token: &str) -> String {
    format!("{}{}?token={}", state.config.public_url, path, token)
}

async fn send_verification(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    let token = issue_token(state, "verify_email", &user.id, VERIFY_TTL).await?;
    let email = action_email_in(recipient_lang(&user.locale), &user.email, &url(state, "/verify-email", &token), |t| {
        (t.verify_subject.into(), fill(t.verify_intro, &[("name", &user.name)]), t.verify_action.into(), t.verify_outro.into())
    });
    mail::send_later(state, &format!("verify:{}", crypto::sha256_hex(&token)), email).await
}

// ---------- sign-up and verification ----------

pub async fn sign_up(state: &AppState, meta: &RequestMeta, name: String, email: String, password: String) -> Result<SignUpOutcome, AppError> {
    let fields: Vec<FieldError> = [
        validate::required_text("name", AccountsTexts::now().name_label_lower, &name, 80),
        validate::email("email", &email),
        password::check_new("password", &password, &email),
    ]
    .into_iter()
    .flatten()
    .collect();
    AppError::check_fields(fields)?;
    rate_limit::hit(&state.db, SIGN_UP_PER_IP, &meta.ip).await?;

    let email = validate::normalize_email(&email);
    rate_limit::hit(&state.db, SIGN_UP_PER_ACCOUNT, &email).await?;
    let outcome = SignUpOutcome { email_configured: state.config.smtp_url.is_some() };
    // Hash first in every case, so both paths take the same time.
    let hash = password::hash(password).await?;

    if let Some(existing) = find_user_by_email(state, &email).await? {
        notify_existing_account(state, &existing).await?;
        return Ok(outcome);
    }
    let now = store::now();
    let user = UserDoc {
        id: crypto::new_id(),
        email: email.clone(),
        email_verified: false,
        password_hash: Some(hash),
        name: name.trim().to_string(),
        // The language the person signed up in, until they choose another in the profile.
        locale: crate::i18n::lang().code().into(),
        time_zone: "UTC".into(),
        role: PlatformRole::User,
        google_sub: None,
        totp: None,
        totp_pending: None,
        recovery_codes: vec![],
        version: 0,
        created_at: now,
        updated_at: now,
    };
    match store::users(&state.db).insert_one(&user).await {
        Ok(_) => {}
        Err(e) if is_duplicate_key(&e) => {
            // Someone signed up with the same address at the same moment.
            if let Some(existing) = find_user_by_email(state, &email).await? {
                notify_existing_account(state, &existing).await?;
            }
            return Ok(outcome);
        }
        Err(e) => return Err(e.into()),
    }
    store::log_event(&state.db, &user.id, "sign_up", meta).await;
    send_verification(state, &user).await?;
    Ok(outcome)
}

/// Someone tried to sign up with an address that has an account: tell its owner, not the form.
async fn notify_existing_account(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    let hour = store::now().timestamp_millis() / 3_600_000;
    let email = action_email_in(recipient_lang(&user.locale), &user.email, &format!("{}/login", state.config.public_url), |t| {
        (t.exists_subject.into(), t.exists_intro.into(), t.exists_action.into(), t.exists_outro.into())
    });
    mail::send_later(state, &format!("exists:{}:{hour}", user.id), email).await
}

pub async fn verify_email(state: &AppState, meta: &RequestMeta, token: String) -> Result<(), AppError> {
    let t = consume_token(state, "verify_email", &token).await?;
    let user = session::load_user(state, &t.user_id).await.map_err(|_| field("token", AccountsTexts::now().err_link_invalid))?;
    let set = verified_fields(state, &user.email);
    store::users(&state.db).update_one(doc! { "_id": &user.id }, doc! { "$set": set }).await?;
    store::log_event(&state.db, &user.id, "email_verified", meta).await;
    Ok(())
}

pub async fn resend_verification(state: &AppState, meta: &RequestMeta, email: String) -> Result<(), AppError> {
    AppError::check_fields(validate::email("email", &email).into_iter().collect())?;
    rate_limit::hit(&state.db, RESET_PER_IP, &meta.ip).await?;
    let email = validate::normalize_email(&email);
    rate_limit::hit(&state.db, RESET_PER_ACCOUNT, &email).await?;
    if let Some(user) = find_user_by_email(state, &email).await? {
        if !user.email_verified {
            send_verification(state, &user).await?;
        }
    }
    Ok(())
}

// ---------- sign-in ----------

/// Sign-in throttling. Wrong passwords are counted by who guesses at what, so that guessing
/// is slow but nobody can lock an account's owner out by knowing the address:
///
/// 1. Per (account, address) pair, [`SIGN_IN_BACKOFF`]: the first 5 wrong passwords from one
///    address for one account are answered at once (typos); after that this pair must wait
///    1 s, 2 s, 4 s, … (doubling, at most 15 minutes) before each next attempt, so one
///    address gets about 4 guesses an hour at one account. The right password clears the
///    pair; otherwise its failures are forgotten a day after the last one. Failures from
///    another address count against that address only: the owner at their usual address
///    signs in at once.
/// 2. Per address, across accounts, [`SIGN_IN_PER_IP`]: 30 attempts in 15 minutes from one
///    address whatever the accounts (credential stuffing, password spraying). Every attempt
///    counts, atomically, so a burst of parallel requests is bounded as well.
/// 3. Per account, across addresses, [`SIGN_IN_FAILURES_PER_ACCOUNT`], the last resort
///    against guessing one account's password from many addresses: after 100 wrong
///    passwords in an hour, the account accepts attempts for the rest of that hour only from
///    addresses it has signed in from before (its security log). So a botnet is stopped,
///    while the owner at a usual address still gets in (under that pair's own limit), and
///    anyone can still reset the password by e-mail.
///
/// An address without an account is throttled exactly like one with an account, so the
/// answers never tell which addresses have one. Returns the pair's key.
async fn sign_in_throttle(state: &AppState, meta: &RequestMeta, email: &str) -> Result<String, AppError> {
    rate_limit::hit(&state.db, SIGN_IN_PER_IP, &meta.ip).await?;
    let pair = format!("{email}|{}", meta.ip);
    rate_limit::check_backoff(&state.db, SIGN_IN_BACKOFF, &pair).await?;
    let (failures, retry_after_secs) = rate_limit::count(&state.db, SIGN_IN_FAILURES_PER_ACCOUNT, email).await?;
    if failures >= SIGN_IN_FAILURES_PER_ACCOUNT.max {
        let known = match find_user_by_email(state, email).await? {
            Some(u) => store::events(&state.db).find_one(doc! { "user_id": &u.id, "kind": "sign_in", "ip": &meta.ip }).await?.is_some(),
            None => false,
        };
        if !known {
            tracing::info!(limit = SIGN_IN_FAILURES_PER_ACCOUNT.name, "sign-in refused from an address the account has not used");
            return Err(AppError::RateLimited { retry_after_secs });
        }
    }
    Ok(pair)
}

pub async fn sign_in(state: &AppState, meta: &RequestMeta, email: String, password: String) -> Result<SignInOutcome, AppError> {
    let mut fields: Vec<FieldError> = validate::email("email", &email).into_iter().collect();
    if password.is_empty() {
        fields.push(FieldError { field: "password".into(), message: AccountsTexts::now().err_enter_password.into() });
    } else if password.chars().count() > 1024 {
        fields.push(FieldError { field: "password".into(), message: wrong_credentials().into() });
    }
    AppError::check_fields(fields)?;
    let email = validate::normalize_email(&email);
    let pair = sign_in_throttle(state, meta, &email).await?;

    let user = find_user_by_email(state, &email).await?;
    let ok = password::verify(password, user.as_ref().and_then(|u| u.password_hash.clone())).await;
    let user = match (ok, user) {
        (true, Some(u)) => {
            rate_limit::clear(&state.db, SIGN_IN_BACKOFF, &pair).await?;
            u
        }
        (_, maybe) => {
            rate_limit::record_failure(&state.db, SIGN_IN_BACKOFF, &pair).await?;
            rate_limit::record(&state.db, SIGN_IN_FAILURES_PER_ACCOUNT, &email).await?;
            if let Some(u) = maybe {
                store::log_event(&state.db, &u.id, "sign_in_failed", meta).await;
            }
            return Err(field("password", wrong_credentials()));
        }
    };
    if !user.email_verified {
        send_verification(state, &user).await?;
        return Err(field("email", AccountsTexts::now().err_confirm_first));
    }
    if user.totp.is_some() {
        let challenge = issue_token(state, "second_factor", &user.id, CHALLENGE_TTL).await?;
        return Ok(SignInOutcome::NeedsSecondFactor { challenge });
    }
    session::start(state, &user, meta).await?;
    store::log_event(&state.db, &user.id, "sign_in", meta).await;
    Ok(SignInOutcome::SignedIn(user.to_session_user()))
}

/// Checks a TOTP code or an unused recovery code for `user`, consuming what it accepts.
/// Returns which kind matched.
async fn accept_second_factor(state: &AppState, user: &UserDoc, code: &str) -> Result<Option<&'static str>, AppError> {
    let Some(t) = &user.totp else { return Ok(None) };
    if let Some(step) = totp::check(&t.secret, code, t.last_step)? {
        // Atomic: the same code cannot be used twice, even concurrently.
        let r = store::users(&state.db)
            .update_one(doc! { "_id": &user.id, "totp.last_step": { "$lt": step } }, doc! { "$set": { "totp.last_step": step } })
            .await?;
        return Ok((r.modified_count == 1).then_some("totp"));
    }
    let hash = totp::recovery_hash(code);
    let r = store::users(&state.db)
        .update_one(
            doc! { "_id": &user.id, "recovery_codes": { "$elemMatch": { "hash": &hash, "used_at": null } } },
            doc! { "$set": { "recovery_codes.$.used_at": store::now() } },
        )
        .await?;
    Ok((r.modified_count == 1).then_some("recovery"))
}

fn wrong_code() -> &'static str {
    AccountsTexts::now().err_wrong_code
}

pub async fn sign_in_second_factor(state: &AppState, meta: &RequestMeta, challenge: String, code: String) -> Result<SessionUser, AppError> {
    if code.trim().is_empty() || code.len() > 64 {
        return Err(field("code", AccountsTexts::now().err_enter_code));
    }
    rate_limit::hit(&state.db, SECOND_FACTOR_PER_IP, &meta.ip).await?;
    let t = peek_token(state, "second_factor", &challenge).await.map_err(|_| field("code", AccountsTexts::now().err_sign_in_expired))?;
    rate_limit::hit(&state.db, SECOND_FACTOR_PER_ACCOUNT, &t.user_id).await?;
    let user = session::load_user(state, &t.user_id).await?;
    match accept_second_factor(state, &user, &code).await? {
        Some(kind) => {
            consume_token(state, "second_factor", &challenge).await.map_err(|_| field("code", AccountsTexts::now().err_sign_in_expired))?;
            session::start(state, &user, meta).await?;
            store::log_event(&state.db, &user.id, "sign_in", meta).await;
            if kind == "recovery" {
                store::log_event(&state.db, &user.id, "recovery_code_used", meta).await;
            }
            Ok(user.to_session_user())
        }
        None => {
            store::log_event(&state.db, &user.id, "second_factor_failed", meta).await;
            Err(field("code", wrong_code()))
        }
    }
}

pub async fn sign_out(state: &AppState, meta: RequestMeta) -> Result<(), AppError> {
    if let Ok(ctx) = session::resolve(state, meta).await {
        session::revoke(state, &ctx.user_id, &ctx.session_id, "signed out").await?;
        store::log_event(&state.db, &ctx.user_id, "signed_out", &ctx.meta).await;
    }
    session::clear_cookies(state);
    Ok(())
}

pub async fn sign_out_everywhere(ctx: &Ctx) -> Result<u64, AppError> {
    let n = session::revoke_all(&ctx.state, &ctx.user_id, None, "signed out everywhere").await?;
    store::log_event(ctx.db(), &ctx.user_id, "signed_out_everywhere", &ctx.meta).await;
    session::clear_cookies(&ctx.state);
    Ok(n)
}

pub async fn current_user(ctx: &Ctx) -> Result<SessionUser, AppError> {
    Ok(session::load_user(&ctx.state, &ctx.user_id).await?.to_session_user())
}

// ---------- passwords ----------

/// The job that sends a password-reset link (see [`request_password_reset`]): the address
/// asked for, and the language the request was made in.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PasswordResetJob {
    pub email: String,
    #[serde(default)]
    pub lang: String,
}

/// For an address with an account, a new link by e-mail (in the account's language, else
/// the language the request was made in); otherwise nothing.
impl Job for PasswordResetJob {
    const KIND: &'static str = "accounts.password_reset";

    async fn run(self, state: &AppState) -> Result<(), String> {
        let lang = crate::i18n::Lang::from_code(&self.lang).unwrap_or_default();
        crate::i18n::scope(lang, send_password_reset(state, self.email)).await.map_err(|e| e.to_string())
    }
}

/// Asks for a reset link. The request does the same work whether or not the address has an
/// account (its limits, then one job in the queue), so neither its answer nor its timing
/// tells who has one; the job ([`PasswordResetJob`]) looks the address up and sends
/// the mail only to an account.
pub async fn request_password_reset(state: &AppState, meta: &RequestMeta, email: String) -> Result<(), AppError> {
    AppError::check_fields(validate::email("email", &email).into_iter().collect())?;
    rate_limit::hit(&state.db, RESET_PER_IP, &meta.ip).await?;
    let email = validate::normalize_email(&email);
    rate_limit::hit(&state.db, RESET_PER_ACCOUNT, &email).await?;
    let job = PasswordResetJob { email, lang: crate::i18n::lang().code().to_string() };
    crate::platform::module_server::enqueue(state, &job, &format!("reset-request:{}", crypto::new_id())).await
}

async fn send_password_reset(state: &AppState, email: String) -> Result<(), AppError> {
    if let Some(user) = find_user_by_email(state, &email).await? {
        let token = issue_token(state, "reset_password", &user.id, RESET_TTL).await?;
        let message = action_email_in(recipient_lang(&user.locale), &user.email, &url(state, "/reset-password", &token), |t| {
            (t.reset_subject.into(), t.reset_intro.into(), t.reset_action.into(), t.reset_outro.into())
        });
        mail::send_later(state, &format!("reset:{}", crypto::sha256_hex(&token)), message).await?;
    }
    Ok(())
}

pub async fn reset_password(state: &AppState, meta: &RequestMeta, token: String, new_password: String) -> Result<(), AppError> {
    let t = peek_token(state, "reset_password", &token).await?;
    let user = session::load_user(state, &t.user_id).await.map_err(|_| field("token", AccountsTexts::now().err_link_invalid))?;
    password::require_new("password", &new_password, &user.email)?;
    let hash = password::hash(new_password).await?;
    consume_token(state, "reset_password", &token).await?;
    // Opening the link proves the inbox is theirs, so the address counts as verified.
    let mut set = verified_fields(state, &user.email);
    set.insert("password_hash", hash);
    store::users(&state.db).update_one(doc! { "_id": &user.id }, doc! { "$set": set }).await?;
    // Any other reset link still in someone's inbox stops working too.
    void_tokens(state, &user.id, "reset_password").await?;
    session::revoke_all(state, &user.id, None, "password reset").await?;
    store::log_event(&state.db, &user.id, "password_reset", meta).await;
    Ok(())
}

pub async fn change_password(ctx: &Ctx, current: String, new_password: String) -> Result<(), AppError> {
    let user = session::load_user(&ctx.state, &ctx.user_id).await?;
    rate_limit::hit(ctx.db(), SIGN_IN_PER_ACCOUNT, &user.email).await?;
    if !password::verify(current, user.password_hash.clone()).await {
        return Err(field("current_password", AccountsTexts::now().err_current_password));
    }
    password::require_new("new_password", &new_password, &user.email)?;
    let hash = password::hash(new_password).await?;
    store::users(ctx.db()).update_one(doc! { "_id": &user.id }, doc! { "$set": { "password_hash": hash, "updated_at": store::now() } }).await?;
    // Other devices must sign in again with the new password, and reset links asked for
    // before the change no longer work.
    session::revoke_all(&ctx.state, &user.id, Some(&ctx.session_id), "password changed").await?;
    void_tokens(&ctx.state, &user.id, "reset_password").await?;
    store::log_event(ctx.db(), &user.id, "password_changed", &ctx.meta).await;
    let note = action_email_in(recipient_lang(&user.locale), &user.email, &format!("{}/account", ctx.state.config.public_url), |t| {
        (t.pw_changed_subject.into(), t.pw_changed_intro.into(), t.pw_changed_action.into(), t.pw_changed_outro.into())
    });
    mail::send_later(&ctx.state, &format!("pwchanged:{}:{}", user.id, store::now().timestamp_millis()), note).await
}

// ---------- profile ----------

/// Saves the profile. With `version` (what the form was loaded with), a save over a newer
/// profile is refused with a conflict carrying the current one; without it (API clients),
/// the save applies.
pub async fn update_profile(ctx: &Ctx, name: String, locale: String, time_zone: String, version: Option<i64>) -> Result<SessionUser, AppError> {
    let t = AccountsTexts::now();
    let mut fields: Vec<FieldError> = validate::required_text("name", t.name_label_lower, &name, 80).into_iter().collect();
    if !Lang::ALL.iter().any(|l| l.code() == locale) {
        fields.push(FieldError { field: "locale".into(), message: t.err_language.into() });
    }
    if chrono_tz::Tz::from_str(time_zone.trim()).is_err() {
        fields.push(FieldError { field: "time_zone".into(), message: t.err_time_zone.into() });
    }
    AppError::check_fields(fields)?;
    let mut filter = doc! { "_id": &ctx.user_id };
    if let Some(v) = version {
        // Accounts created before versions existed have none: that counts as 0.
        if v == 0 {
            filter.insert("$or", vec![doc! { "version": 0_i64 }, doc! { "version": { "$exists": false } }]);
        } else {
            filter.insert("version", v);
        }
    }
    // Two round trips: the write (which answers with the updated account) and the event.
    let updated = store::users(ctx.db())
        .find_one_and_update(
            filter,
            doc! { "$set": { "name": name.trim(), "locale": &locale, "time_zone": time_zone.trim(), "updated_at": store::now() }, "$inc": { "version": 1_i64 } },
        )
        .return_document(mongodb::options::ReturnDocument::After)
        .await?;
    let Some(updated) = updated else {
        let current = current_user(ctx).await?;
        return Err(AppError::Conflict { current: serde_json::to_value(current).map_err(|e| crate::platform::db::internal("conflict copy", &e))? });
    };
    store::log_event(ctx.db(), &ctx.user_id, "profile_updated", &ctx.meta).await;
    Ok(updated.to_session_user())
}

// ---------- sessions and security log ----------

pub async fn list_sessions(ctx: &Ctx) -> Result<Vec<SessionInfo>, AppError> {
    use futures_util::TryStreamExt;
    let docs: Vec<store::SessionDoc> = store::sessions(ctx.db())
        .find(doc! { "user_id": &ctx.user_id, "revoked_at": null, "expires_at": { "$gt": store::now() } })
        .sort(doc! { "last_seen": -1 })
        .limit(100)
        .await?
        .try_collect()
        .await?;
    Ok(docs
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == ctx.session_id,
            device: store::describe_device(&s.user_agent),
            ip: s.ip,
            created_at_ms: s.created_at.timestamp_millis(),
            last_seen_ms: s.last_seen.timestamp_millis(),
            id: s.id,
        })
        .collect())
}

pub async fn revoke_session(ctx: &Ctx, session_id: String) -> Result<(), AppError> {
    if !session::revoke(&ctx.state, &ctx.user_id, &session_id, "revoked by user").await? {
        return Err(AppError::not_found(AccountsTexts::now().err_session_what));
    }
    if session_id == ctx.session_id {
        session::clear_cookies(&ctx.state);
    }
    store::log_event(ctx.db(), &ctx.user_id, "session_revoked", &ctx.meta).await;
    Ok(())
}

pub async fn security_log(ctx: &Ctx) -> Result<Vec<SecurityEvent>, AppError> {
    use futures_util::TryStreamExt;
    let docs: Vec<store::EventDoc> = store::events(ctx.db())
        .find(doc! { "user_id": &ctx.user_id })
        // Ids follow the recording order, so events of the same millisecond keep theirs.
        .sort(doc! { "at": -1, "_id": -1 })
        .limit(100)
        .await?
        .try_collect()
        .await?;
    Ok(docs.iter().map(store::EventDoc::to_public).collect())
}

// ---------- two-factor ----------

pub async fn totp_begin(ctx: &Ctx) -> Result<TotpSetup, AppError> {
    let user = session::load_user(&ctx.state, &ctx.user_id).await?;
    if user.totp.is_some() {
        return Err(AppError::Validation { message: AccountsTexts::now().err_totp_already_on.into(), fields: vec![] });
    }
    let secret = totp::new_secret();
    store::users(ctx.db()).update_one(doc! { "_id": &user.id }, doc! { "$set": { "totp_pending": &secret, "updated_at": store::now() } }).await?;
    totp::setup(&secret, &user.email)
}

pub async fn totp_confirm(ctx: &Ctx, code: String) -> Result<Vec<String>, AppError> {
    rate_limit::hit(ctx.db(), SECOND_FACTOR_PER_ACCOUNT, &ctx.user_id).await?;
    let user = session::load_user(&ctx.state, &ctx.user_id).await?;
    let Some(secret) = user.totp_pending.clone() else {
        return Err(field("code", AccountsTexts::now().err_totp_restart));
    };
    let Some(step) = totp::check(&secret, &code, 0)? else {
        return Err(field("code", AccountsTexts::now().err_totp_wrong_now));
    };
    let codes = totp::recovery_codes();
    let stored: Vec<RecoveryCode> = codes.iter().map(|c| RecoveryCode { hash: totp::recovery_hash(c), used_at: None }).collect();
    let state = TotpState { secret, enabled_at: store::now(), last_step: step };
    store::users(ctx.db())
        .update_one(
            doc! { "_id": &user.id, "totp_pending": { "$ne": null } },
            doc! {
                "$set": { "totp": to_bson(&state)?, "recovery_codes": to_bson(&stored)?, "updated_at": store::now() },
                "$unset": { "totp_pending": "" },
            },
        )
        .await?;
    store::log_event(ctx.db(), &user.id, "mfa_enabled", &ctx.meta).await;
    Ok(codes)
}

pub async fn totp_disable(ctx: &Ctx, password_value: String, code: String) -> Result<(), AppError> {
    rate_limit::hit(ctx.db(), SECOND_FACTOR_PER_ACCOUNT, &ctx.user_id).await?;
    let user = session::load_user(&ctx.state, &ctx.user_id).await?;
    if user.totp.is_none() {
        return Err(AppError::Validation { message: AccountsTexts::now().err_totp_already_off.into(), fields: vec![] });
    }
    let mut fields = vec![];
    if !password::verify(password_value, user.password_hash.clone()).await {
        fields.push(FieldError { field: "password".into(), message: AccountsTexts::now().err_password.into() });
    }
    if fields.is_empty() && accept_second_factor(&ctx.state, &user, &code).await?.is_none() {
        fields.push(FieldError { field: "code".into(), message: wrong_code().into() });
    }
    AppError::check_fields(fields)?;
    store::users(ctx.db()).update_one(doc! { "_id": &user.id }, doc! { "$set": { "totp": null, "recovery_codes": [], "updated_at": store::now() } }).await?;
    store::log_event(ctx.db(), &user.id, "mfa_disabled", &ctx.meta).await;
    Ok(())
}

// ---------- platform roles ----------

/// Sets a user's platform role (used by the `promote` admin command).
pub async fn set_platform_role(state: &AppState, email: &str, role: PlatformRole) -> Result<(), AppError> {
    let email = validate::normalize_email(email);
    let r = store::users(&state.db).update_one(doc! { "email": &email }, doc! { "$set": { "role": to_bson(&role)?, "updated_at": store::now() } }).await?;
    if r.matched_count == 0 {
        return Err(AppError::not_found(fill(AccountsTexts::now().err_account_what, &[("email", &email)])));
    }
    Ok(())
}

/// Applies `SUPER_ADMIN_EMAIL` to an account that already exists and is verified.
pub async fn apply_super_admin_email(state: &AppState) -> Result<(), AppError> {
    if let Some(email) = &state.config.super_admin_email {
        store::users(&state.db).update_one(doc! { "email": email, "email_verified": true }, doc! { "$set": { "role": "super_admin" } }).await?;
    }
    Ok(())
}

// ---------- Sign in with Google ----------

pub struct GoogleRedirect {
    pub url: String,
    /// Also set as a cookie, so the callback proves it returns to the same browser.
    pub state: String,
}

pub enum GoogleOutcome {
    Session(session::NewSession),
    NeedsSecondFactor { challenge: String },
}

fn google_not_configured() -> AppError {
    AppError::unavailable(AccountsTexts::now().err_google_not_configured)
}

pub async fn google_start(state: &AppState) -> Result<GoogleRedirect, AppError> {
    let cfg = state.config.google.as_ref().ok_or_else(google_not_configured)?;
    let start = super::google::start(cfg);
    let doc = store::OAuthStateDoc {
        state_hash: crypto::sha256_hex(&start.state),
        nonce: start.nonce.clone(),
        verifier: start.pkce_verifier.clone(),
        created_at: store::now(),
        expires_at: store::after(Duration::from_secs(600)),
        used_at: None,
    };
    store::oauth_states(&state.db).insert_one(doc).await?;
    Ok(GoogleRedirect { url: start.url, state: start.state })
}

fn google_failed() -> &'static str {
    AccountsTexts::now().err_google_failed
}

pub async fn google_finish(state: &AppState, meta: &RequestMeta, code: &str, state_param: &str, cookie_state: Option<&str>) -> Result<GoogleOutcome, AppError> {
    let cfg = state.config.google.as_ref().ok_or_else(google_not_configured)?;
    let bound = cookie_state.is_some_and(|c| super::google::constant_time_eq(c, state_param));
    if !bound || code.is_empty() || code.len() > 2048 {
        return Err(field("state", google_failed()));
    }
    let pending = store::oauth_states(&state.db)
        .find_one_and_update(
            doc! { "_id": crypto::sha256_hex(state_param), "used_at": null, "expires_at": { "$gt": store::now() } },
            doc! { "$set": { "used_at": store::now() } },
        )
        .await?
        .ok_or_else(|| field("state", AccountsTexts::now().err_google_expired))?;
    let identity =
        super::google::finish(cfg, &state.http, state.ext::<super::google::JwksCache>(), code, &pending.verifier, &pending.nonce).await.map_err(|e| {
            tracing::warn!(error = %e, "Google sign-in refused");
            field("state", google_failed())
        })?;
    if !identity.email_verified {
        return Err(field("email", AccountsTexts::now().err_google_unverified));
    }
    let email = validate::normalize_email(&identity.email);
    let users = store::users(&state.db);
    let user = if let Some(u) = users.find_one(doc! { "google_sub": &identity.subject }).await? {
        u
    } else if let Some(u) = users.find_one(doc! { "email": &email }).await? {
        // Same verified address: link, never duplicate.
        let mut set = verified_fields(state, &email);
        set.insert("google_sub", &identity.subject);
        if !u.email_verified {
            // Nobody had proven this address before Google did, so whoever signed up with it
            // may not own it (an account squatted before its owner arrives). Nothing they
            // chose may survive: not their password, their second factor or their name.
            set.insert("password_hash", mongodb::bson::Bson::Null);
            set.insert("totp", mongodb::bson::Bson::Null);
            set.insert("totp_pending", mongodb::bson::Bson::Null);
            set.insert("recovery_codes", mongodb::bson::Bson::Array(vec![]));
            if let Some(name) = identity.name.as_deref().filter(|n| validate::required_text("name", "name", n, 80).is_none()) {
                set.insert("name", name.trim());
            }
            session::revoke_all(state, &u.id, None, "address confirmed by Google").await?;
        }
        users.update_one(doc! { "_id": &u.id }, doc! { "$set": set }).await?;
        store::log_event(&state.db, &u.id, "google_linked", meta).await;
        session::load_user(state, &u.id).await?
    } else {
        let now = store::now();
        let name = identity
            .name
            .clone()
            .filter(|n| validate::required_text("name", "name", n, 80).is_none())
            .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
        let u = UserDoc {
            id: crypto::new_id(),
            email: email.clone(),
            email_verified: true,
            password_hash: None,
            name,
            locale: crate::i18n::lang().code().into(),
            time_zone: "UTC".into(),
            role: if state.config.super_admin_email.as_deref() == Some(email.as_str()) { PlatformRole::SuperAdmin } else { PlatformRole::User },
            google_sub: Some(identity.subject.clone()),
            totp: None,
            totp_pending: None,
            recovery_codes: vec![],
            version: 0,
            created_at: now,
            updated_at: now,
        };
        match users.insert_one(&u).await {
            Ok(_) => {
                store::log_event(&state.db, &u.id, "sign_up", meta).await;
                store::log_event(&state.db, &u.id, "google_linked", meta).await;
                u
            }
            Err(e) if is_duplicate_key(&e) => users.find_one(doc! { "email": &email }).await?.ok_or_else(|| field("state", google_failed()))?,
            Err(e) => return Err(e.into()),
        }
    };
    if user.totp.is_some() {
        let challenge = issue_token(state, "second_factor", &user.id, CHALLENGE_TTL).await?;
        return Ok(GoogleOutcome::NeedsSecondFactor { challenge });
    }
    let s = session::create(state, &user, meta).await?;
    store::log_event(&state.db, &user.id, "sign_in", meta).await;
    Ok(GoogleOutcome::Session(s))
}

/// What the sign-in page may offer on this server.
pub fn auth_options(state: &AppState) -> super::AuthOptions {
    super::AuthOptions { google: state.config.google.is_some(), email_configured: state.config.smtp_url.is_some() }
}
