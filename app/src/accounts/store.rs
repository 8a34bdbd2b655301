//! Stored documents of M01 and their indexes. Accounts are platform records (not
//! workspace records), so these collections are not workspace-scoped.

use std::time::Duration;

use mongodb::bson::{doc, DateTime};
use mongodb::Collection;
use serde::{Deserialize, Serialize};

use super::{PlatformRole, SecurityEvent, SessionUser};
use crate::platform::db::IndexSpec;
use crate::platform::{crypto, Db, RequestMeta};

pub const USERS: &str = "users";
pub const SESSIONS: &str = "sessions";
pub const TOKENS: &str = "one_time_tokens";
pub const EVENTS: &str = "security_events";
pub const OAUTH_STATES: &str = "oauth_states";

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::unique(USERS, "email_unique", doc! { "email": 1 }),
        IndexSpec::new(USERS, "google_sub", doc! { "google_sub": 1 }),
        IndexSpec::unique(SESSIONS, "token_hash_unique", doc! { "token_hash": 1 }),
        IndexSpec::new(SESSIONS, "old_hashes", doc! { "old_hashes": 1 }),
        IndexSpec::new(SESSIONS, "user_sessions", doc! { "user_id": 1, "created_at": -1 }),
        IndexSpec::ttl(SESSIONS, "expired_sessions", "expires_at", Duration::from_secs(86_400)),
        IndexSpec::ttl(TOKENS, "expired_tokens", "expires_at", Duration::from_secs(86_400)),
        IndexSpec::new(EVENTS, "user_events", doc! { "user_id": 1, "at": -1 }),
        IndexSpec::ttl(OAUTH_STATES, "expired_oauth_states", "expires_at", Duration::from_secs(3600)),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TotpState {
    pub secret: String,
    pub enabled_at: DateTime,
    /// The last accepted time step: a code is never accepted twice.
    pub last_step: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecoveryCode {
    pub hash: String,
    pub used_at: Option<DateTime>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub name: String,
    pub locale: String,
    pub time_zone: String,
    pub role: PlatformRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_sub: Option<String>,
    #[serde(default)]
    pub totp: Option<TotpState>,
    #[serde(default)]
    pub totp_pending: Option<String>,
    #[serde(default)]
    pub recovery_codes: Vec<RecoveryCode>,
    /// Incremented by every profile change (name, language, time zone).
    #[serde(default)]
    pub version: i64,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl UserDoc {
    pub fn to_session_user(&self) -> SessionUser {
        SessionUser {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            email_verified: self.email_verified,
            role: self.role,
            locale: self.locale.clone(),
            time_zone: self.time_zone.clone(),
            totp_enabled: self.totp.is_some(),
            version: self.version,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    #[serde(default)]
    pub old_hashes: Vec<String>,
    pub rotated_at: DateTime,
    pub created_at: DateTime,
    pub last_seen: DateTime,
    pub expires_at: DateTime,
    pub ip: String,
    pub user_agent: String,
    pub revoked_at: Option<DateTime>,
    pub revoke_reason: Option<String>,
    /// The browser's device id (`mw_dev` cookie), to tell a new device from a known one.
    #[serde(default)]
    pub device_id: String,
}

/// A single-use token (e-mail verification, password reset, second-factor challenge),
/// stored only as its hash.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenDoc {
    #[serde(rename = "_id")]
    pub hash: String,
    pub kind: String,
    pub user_id: String,
    pub created_at: DateTime,
    pub expires_at: DateTime,
    pub used_at: Option<DateTime>,
}

/// A pending "Sign in with Google": its state (hashed), nonce and PKCE verifier.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OAuthStateDoc {
    #[serde(rename = "_id")]
    pub state_hash: String,
    pub nonce: String,
    pub verifier: String,
    pub created_at: DateTime,
    pub expires_at: DateTime,
    pub used_at: Option<DateTime>,
}

pub fn oauth_states(db: &Db) -> Collection<OAuthStateDoc> {
    db.global(OAUTH_STATES)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub at: DateTime,
    pub ip: String,
    pub user_agent: String,
}

pub fn users(db: &Db) -> Collection<UserDoc> {
    db.global(USERS)
}
pub fn sessions(db: &Db) -> Collection<SessionDoc> {
    db.global(SESSIONS)
}
pub fn tokens(db: &Db) -> Collection<TokenDoc> {
    db.global(TOKENS)
}
pub fn events(db: &Db) -> Collection<EventDoc> {
    db.global(EVENTS)
}

pub fn now() -> DateTime {
    DateTime::now()
}

pub fn after(d: Duration) -> DateTime {
    DateTime::from_millis(DateTime::now().timestamp_millis() + d.as_millis() as i64)
}

/// An event id that sorts in recording order: the time, then a per-process sequence number
/// (two events of one request often share a millisecond), then randomness.
fn event_id(at: DateTime) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) % 0x100_0000;
    format!("{:012x}{seq:06x}{}", at.timestamp_millis().max(0), &crypto::new_id()[..14])
}

/// Records a security event. A failure to record is logged, never shown to the person.
pub async fn log_event(db: &Db, user_id: &str, kind: &str, meta: &RequestMeta) {
    let at = now();
    let ev = EventDoc { id: event_id(at), user_id: user_id.to_string(), kind: kind.to_string(), at, ip: meta.ip.clone(), user_agent: meta.user_agent.clone() };
    if let Err(e) = events(db).insert_one(ev).await {
        tracing::warn!(error = %e, kind, "could not record security event");
    }
}

impl EventDoc {
    pub fn to_public(&self) -> SecurityEvent {
        SecurityEvent { kind: self.kind.clone(), at_ms: self.at.timestamp_millis(), ip: self.ip.clone(), device: describe_device(&self.user_agent) }
    }
}

/// "Chrome on Android" from a user-agent string, in the current language.
pub fn describe_device(ua: &str) -> String {
    let t = super::texts::AccountsTexts::now();
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.is_empty() {
        return t.device_unknown.into();
    } else {
        t.device_program
    };
    let os = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") || ua.contains("X11") {
        "Linux"
    } else {
        return browser.to_string();
    };
    crate::i18n::fill(t.device_on, &[("browser", &browser), ("os", &os)])
}
