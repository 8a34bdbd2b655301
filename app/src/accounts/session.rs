//! Sessions: a short-lived access JWT and an opaque refresh token stored hashed and rotated
//! on every use. Presenting a refresh token that was already rotated ends the whole session
//! (its family), unless it is a concurrent request within a few seconds of the rotation.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use mongodb::bson::{doc, DateTime};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::store::{self, SessionDoc, UserDoc};
use super::PlatformRole;
use crate::error::AppError;
use crate::platform::cache::Cache;
use crate::platform::request::{private_cookie as cookie, set_cookie};
use crate::platform::watch::{Change, Op};
use crate::platform::{crypto, AppState, Ctx, RequestMeta};

pub const ACCESS_COOKIE: &str = "mw_at";
pub const REFRESH_COOKIE: &str = "mw_rt";
const ISSUER: &str = "mewayz";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub role: PlatformRole,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

pub fn issue_access(state: &AppState, user_id: &str, session_id: &str, role: PlatformRole) -> Result<String, AppError> {
    let now = unix_now();
    let claims =
        Claims { sub: user_id.into(), sid: session_id.into(), role, iss: ISSUER.into(), iat: now, nbf: now, exp: now + state.config.access_ttl.as_secs() };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&state.config.jwt_secret))
        .map_err(|e| crate::platform::db::internal("jwt encode", &e))
}

/// Accepts only HS256 tokens signed with our key, inside their validity window.
pub fn verify_access(state: &AppState, token: &str) -> Option<Claims> {
    let mut v = Validation::new(Algorithm::HS256);
    v.algorithms = vec![Algorithm::HS256];
    v.leeway = 2;
    v.validate_nbf = true;
    v.validate_exp = true;
    v.set_issuer(&[ISSUER]);
    v.set_required_spec_claims(&["exp", "nbf", "iat", "sub", "iss"]);
    decode::<Claims>(token, &DecodingKey::from_secret(&state.config.jwt_secret), &v).ok().map(|d| d.claims)
}

fn set_access_cookie(state: &AppState, token: &str) {
    set_cookie(cookie(state, ACCESS_COOKIE, token, "/", state.config.access_ttl.as_secs()));
}

fn set_refresh_cookie(state: &AppState, token: &str) {
    set_cookie(cookie(state, REFRESH_COOKIE, token, "/api", state.config.refresh_ttl.as_secs()));
}

pub fn clear_cookies(state: &AppState) {
    set_cookie(cookie(state, ACCESS_COOKIE, "", "/", 0));
    set_cookie(cookie(state, REFRESH_COOKIE, "", "/api", 0));
}

/// The pair of cookies for a new session, as header values (for routes outside server fns).
pub struct NewSession {
    pub session_id: String,
    pub access: String,
    pub refresh: String,
}

impl NewSession {
    pub fn cookies(&self, state: &AppState) -> [String; 2] {
        [
            cookie(state, ACCESS_COOKIE, &self.access, "/", state.config.access_ttl.as_secs()),
            cookie(state, REFRESH_COOKIE, &self.refresh, "/api", state.config.refresh_ttl.as_secs()),
        ]
    }
}

/// The cookie that identifies a browser across sign-ins.
pub const DEVICE_COOKIE: &str = "mw_dev";
/// How long a browser keeps its device id: two years.
const DEVICE_COOKIE_MAX_AGE_SECS: u64 = 63_072_000;

/// Creates a session row and its tokens.
pub async fn create(state: &AppState, user: &UserDoc, meta: &RequestMeta) -> Result<NewSession, AppError> {
    let refresh = crypto::random_token(32);
    let now = store::now();
    // A device keeps its id in a long-lived cookie; a sign-in without a known one is a new
    // device, which the person is told about (unless it is their very first sign-in).
    let presented = meta.cookies.get(DEVICE_COOKIE).filter(|d| d.len() == 32 && d.chars().all(|c| c.is_ascii_hexdigit())).cloned();
    let device_id = presented.clone().unwrap_or_else(crypto::new_id);
    if presented.is_none() {
        set_cookie(cookie(state, DEVICE_COOKIE, &device_id, "/", DEVICE_COOKIE_MAX_AGE_SECS));
    }
    let earlier = store::sessions(&state.db).count_documents(doc! { "user_id": &user.id }).await?;
    let known = earlier > 0 && store::sessions(&state.db).count_documents(doc! { "user_id": &user.id, "device_id": &device_id }).await? > 0;
    if earlier > 0 && !known {
        // Stored as it is shown, so in the account's language.
        let lang = crate::platform::mail::recipient_lang(&user.locale);
        let (title, body) = crate::i18n::sync_scope(lang, || {
            let t = super::texts::AccountsTexts::now();
            let device = store::describe_device(&meta.user_agent);
            (crate::i18n::fill(t.new_sign_in_title, &[("device", &device)]), crate::i18n::fill(t.new_sign_in_body, &[("device", &device), ("ip", &meta.ip)]))
        });
        crate::notifications::domain::notify(state, &user.id, "new_sign_in", &title, &body, "/account").await;
    }
    let s = SessionDoc {
        id: crypto::new_id(),
        user_id: user.id.clone(),
        token_hash: crypto::sha256_hex(&refresh),
        old_hashes: vec![],
        rotated_at: now,
        created_at: now,
        last_seen: now,
        expires_at: store::after(state.config.refresh_ttl),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
        revoked_at: None,
        revoke_reason: None,
        device_id,
    };
    store::sessions(&state.db).insert_one(&s).await?;
    let access = issue_access(state, &user.id, &s.id, user.role)?;
    Ok(NewSession { session_id: s.id, access, refresh })
}

/// Creates a session and sets its cookies on the current server fn's response.
pub async fn start(state: &AppState, user: &UserDoc, meta: &RequestMeta) -> Result<String, AppError> {
    let s = create(state, user, meta).await?;
    set_access_cookie(state, &s.access);
    set_refresh_cookie(state, &s.refresh);
    Ok(s.session_id)
}

/// Sessions known to be active on this server: session id → (user id, expiry in ms). A
/// revocation through any replica removes the entry within the change stream's latency, and
/// at once on the replica that made it.
pub struct Sessions(Cache<String, (String, i64)>);

impl Default for Sessions {
    fn default() -> Self {
        Sessions(Cache::new(std::time::Duration::from_secs(300), 100_000))
    }
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sessions")
    }
}

/// A change to the sessions collection (through any replica): forget that session.
pub fn session_changed(state: &AppState, change: &Change<'_>) {
    match change.id_str() {
        Some(sid) if change.op != Op::Other => state.ext::<Sessions>().0.forget(sid),
        _ => state.ext::<Sessions>().0.clear(),
    }
}

/// Whether session `sid` is active: from memory when the change stream vouches for it,
/// otherwise one read.
async fn active_session(state: &AppState, sid: &str) -> Result<bool, AppError> {
    let sessions = &state.ext::<Sessions>().0;
    let now_ms = store::now().timestamp_millis();
    if let Some((_, expires)) = sessions.get(&state.watcher, sid) {
        if expires > now_ms {
            return Ok(true);
        }
    }
    let ticket = sessions.ticket(&state.watcher);
    let found = state
        .global::<mongodb::bson::Document>(store::SESSIONS)
        .find_one(doc! { "_id": sid, "revoked_at": null, "expires_at": { "$gt": store::now() } })
        .projection(doc! { "_id": 1, "user_id": 1, "expires_at": 1 })
        .await?;
    let Some(found) = found else { return Ok(false) };
    if let (Ok(user), Ok(expires)) = (found.get_str("user_id"), found.get_datetime("expires_at")) {
        sessions.put(ticket, sid.to_string(), (user.to_string(), expires.timestamp_millis()));
    }
    Ok(true)
}

/// How often a session's "last seen" time is written: the sessions list shows it to the
/// minute.
const TOUCH_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
/// Sessions remembered by [`Touched`]; past this, it starts afresh (costing one write each).
const TOUCHED_MAX: usize = 100_000;

/// When this server last wrote each session's "last seen" time, so a signed-in request does
/// not cost a database write (or a round trip that finds nothing to write) every time.
#[derive(Debug, Default)]
pub struct Touched(std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>);

impl Touched {
    /// True when `sid` was not written by this server within [`TOUCH_EVERY`]; records it.
    fn due(&self, sid: &str) -> bool {
        let now = std::time::Instant::now();
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(sid).is_some_and(|at| now.duration_since(*at) < TOUCH_EVERY) {
            return false;
        }
        if map.len() >= TOUCHED_MAX {
            map.clear();
        }
        map.insert(sid.to_string(), now);
        true
    }
}

async fn touch(state: &AppState, sid: &str) {
    if !state.ext::<crate::accounts::session::Touched>().due(sid) {
        return;
    }
    let now = store::now();
    let stale = DateTime::from_millis(now.timestamp_millis() - TOUCH_EVERY.as_millis() as i64);
    let _ = store::sessions(&state.db).update_one(doc! { "_id": sid, "last_seen": { "$lt": stale } }, doc! { "$set": { "last_seen": now } }).await;
}

/// Resolves the caller from the access token, or from the refresh cookie when the access
/// token is missing or expired.
pub fn resolve_boxed(state: &AppState, meta: RequestMeta) -> crate::platform::BoxFut<'_, Result<Ctx, AppError>> {
    Box::pin(resolve(state, meta))
}

/// The signed-in caller of a request (see [`resolve_boxed`], which the platform calls).
pub async fn resolve(state: &AppState, meta: RequestMeta) -> Result<Ctx, AppError> {
    let access = meta.bearer.clone().or_else(|| meta.cookies.get(ACCESS_COOKIE).cloned()).filter(|t| !t.is_empty());
    if access.as_deref().and_then(|t| verify_access(state, t)).is_none() {
        return match meta.cookies.get(REFRESH_COOKIE).filter(|t| !t.is_empty()).cloned() {
            Some(rt) => refresh(state, meta, &rt).await,
            None => Err(AppError::Unauthenticated),
        };
    }
    resolve_access(state, meta).await
}

/// Resolves the caller from the access token only, never rotating the refresh token. For
/// plain HTTP routes (downloads), which cannot hand a rotated refresh cookie back safely.
pub async fn resolve_access(state: &AppState, meta: RequestMeta) -> Result<Ctx, AppError> {
    let access = meta.bearer.clone().or_else(|| meta.cookies.get(ACCESS_COOKIE).cloned()).filter(|t| !t.is_empty());
    if let Some(claims) = access.as_deref().and_then(|t| verify_access(state, t)) {
        if active_session(state, &claims.sid).await? {
            touch(state, &claims.sid).await;
            return Ok(Ctx { state: state.clone(), user_id: claims.sub, session_id: claims.sid, role: claims.role, meta, workspace: None });
        }
        // A revoked session's access token is refused at once.
        return Err(AppError::Unauthenticated);
    }
    Err(AppError::Unauthenticated)
}

async fn refresh(state: &AppState, meta: RequestMeta, presented: &str) -> Result<Ctx, AppError> {
    let hash = crypto::sha256_hex(presented);
    let now = store::now();
    let fresh = crypto::random_token(32);
    let rotated = store::sessions(&state.db)
        .find_one_and_update(
            doc! { "token_hash": &hash, "revoked_at": null, "expires_at": { "$gt": now } },
            doc! {
                "$set": { "token_hash": crypto::sha256_hex(&fresh), "rotated_at": now, "last_seen": now },
                "$push": { "old_hashes": { "$each": [ &hash ], "$slice": -50 } },
            },
        )
        .return_document(ReturnDocument::After)
        .await?;

    if let Some(session) = rotated {
        let user = load_user(state, &session.user_id).await?;
        let access = issue_access(state, &user.id, &session.id, user.role)?;
        set_access_cookie(state, &access);
        set_refresh_cookie(state, &fresh);
        return Ok(Ctx { state: state.clone(), user_id: user.id, session_id: session.id, role: user.role, meta, workspace: None });
    }

    // Not current: was it one this session used before?
    if let Some(session) = store::sessions(&state.db).find_one(doc! { "old_hashes": &hash }).await? {
        let since_rotation = now.timestamp_millis() - session.rotated_at.timestamp_millis();
        let is_latest = session.old_hashes.last() == Some(&hash);
        let grace = state.config.refresh_reuse_grace.as_millis() as i64;
        if session.revoked_at.is_none() && is_latest && since_rotation <= grace {
            // Two requests raced with the same token; the other one already rotated it.
            let user = load_user(state, &session.user_id).await?;
            let access = issue_access(state, &user.id, &session.id, user.role)?;
            set_access_cookie(state, &access);
            return Ok(Ctx { state: state.clone(), user_id: user.id, session_id: session.id, role: user.role, meta, workspace: None });
        }
        if session.revoked_at.is_none() {
            store::sessions(&state.db)
                .update_one(doc! { "_id": &session.id }, doc! { "$set": { "revoked_at": now, "revoke_reason": "refresh token reuse" } })
                .await?;
            state.ext::<Sessions>().0.forget(session.id.as_str());
            tracing::warn!(session = %session.id, "refresh token reuse detected: session revoked");
            store::log_event(&state.db, &session.user_id, "refresh_reuse_detected", &meta).await;
        }
    }
    clear_cookies(state);
    Err(AppError::Unauthenticated)
}

pub async fn load_user(state: &AppState, user_id: &str) -> Result<UserDoc, AppError> {
    store::users(&state.db).find_one(doc! { "_id": user_id }).await?.ok_or(AppError::Unauthenticated)
}

/// Ends one session of `user_id`.
pub async fn revoke(state: &AppState, user_id: &str, session_id: &str, reason: &str) -> Result<bool, AppError> {
    let r = store::sessions(&state.db)
        .update_one(
            doc! { "_id": session_id, "user_id": user_id, "revoked_at": null },
            doc! { "$set": { "revoked_at": store::now(), "revoke_reason": reason } },
        )
        .await?;
    state.ext::<Sessions>().0.forget(session_id);
    Ok(r.modified_count == 1)
}

/// Ends every session of `user_id`, except `keep` when given.
pub async fn revoke_all(state: &AppState, user_id: &str, keep: Option<&str>, reason: &str) -> Result<u64, AppError> {
    let mut filter = doc! { "user_id": user_id, "revoked_at": null };
    if let Some(k) = keep {
        filter.insert("_id", doc! { "$ne": k });
    }
    let r = store::sessions(&state.db).update_many(filter, doc! { "$set": { "revoked_at": store::now(), "revoke_reason": reason } }).await?;
    state.ext::<Sessions>().0.forget_where(|sid, (user, _)| user == user_id && Some(sid.as_str()) != keep);
    Ok(r.modified_count)
}

#[cfg(test)]
mod touched_tests {
    use super::Touched;

    #[test]
    fn a_session_is_written_once_per_interval_per_server() {
        let t = Touched::default();
        assert!(t.due("s1"), "first sight writes");
        assert!(!t.due("s1"), "again within the interval does not");
        assert!(t.due("s2"), "another session writes");
        // Seen long ago: due again.
        t.0.lock().unwrap().insert("s1".into(), std::time::Instant::now() - super::TOUCH_EVERY - std::time::Duration::from_secs(1));
        assert!(t.due("s1"));
        assert!(!t.due("s1"));
    }
}
