//! M01 Accounts and security: sign-up with e-mail verification, sign-in with optional
//! TOTP, sessions (short-lived JWT + rotating refresh tokens), password reset and change,
//! profile, active sessions, and a security log.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod google;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod totp;

use serde::{Deserialize, Serialize};

pub use crate::platform::PlatformRole;

/// The signed-in person, as the client sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    pub role: PlatformRole,
    pub locale: String,
    pub time_zone: String,
    pub totp_enabled: bool,
    /// The profile's version: a profile save from an older one is refused with a conflict.
    #[serde(default)]
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInOutcome {
    SignedIn(SessionUser),
    /// The password was right; a TOTP or recovery code is needed to finish.
    NeedsSecondFactor {
        challenge: String,
    },
}

/// What sign-up tells the person. The same whether or not the address already had an
/// account, so the form reveals nothing about who uses Mewayz.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpOutcome {
    /// False when this server has no SMTP configured, so no link can be sent.
    pub email_configured: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: String,
    pub device: String,
    pub ip: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub kind: String,
    pub at_ms: i64,
    pub ip: String,
    pub device: String,
}

impl SecurityEvent {
    /// A sentence for the security log.
    pub fn describe(&self) -> &'static str {
        let t = texts::AccountsTexts::now();
        match self.kind.as_str() {
            "sign_up" => t.ev_sign_up,
            "email_verified" => t.ev_email_verified,
            "sign_in" => t.ev_sign_in,
            "sign_in_failed" => t.ev_sign_in_failed,
            "second_factor_failed" => t.ev_second_factor_failed,
            "signed_out" => t.ev_signed_out,
            "signed_out_everywhere" => t.ev_signed_out_everywhere,
            "session_revoked" => t.ev_session_revoked,
            "password_changed" => t.ev_password_changed,
            "password_reset" => t.ev_password_reset,
            "mfa_enabled" => t.ev_mfa_enabled,
            "mfa_disabled" => t.ev_mfa_disabled,
            "recovery_code_used" => t.ev_recovery_code_used,
            "refresh_reuse_detected" => t.ev_refresh_reuse_detected,
            "google_linked" => t.ev_google_linked,
            "profile_updated" => t.ev_profile_updated,
            _ => t.ev_other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// Base32 key for manual entry.
    pub secret: String,
    pub otpauth_url: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

/// What this server offers for signing in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthOptions {
    /// Sign in with Google is configured.
    pub google: bool,
    /// Outgoing e-mail (verification, reset) is configured.
    pub email_configured: bool,
}

/// Languages the interface offers: (profile code, the language's own name), from
/// [`crate::i18n::Lang::ALL`].
pub fn locales() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::i18n::Lang::ALL.iter().map(|l| (l.code(), l.native_name()))
}

/// M01 in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "accounts",
    name: || texts::AccountsTexts::now().module_name,
    permissions: &[],
    limits: &[],
    endpoints: api::ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/account",
        label: || texts::AccountsTexts::now().nav,
        icon: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9a8 8 0 0 1 16 0",
        section: false,
        scope: crate::platform::NavScope::Person,
        order: 85,
    }],
    cards: &[],
    #[cfg(feature = "ssr")]
    texts: &[texts::AccountsTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: store::indexes,
        scoped_collections: &[],
        jobs: &[crate::platform::job::<domain::PasswordResetJob>()],
        init: Some(|ext| {
            ext.insert(google::JwksCache::new());
            ext.insert(session::Touched::default());
            ext.insert(session::Sessions::default());
        }),
        start: None,
        routes: Some(routes::routes),
        erase: None,
        watches: &[crate::platform::watch::Watch { collection: store::SESSIONS, changed: session::session_changed }],
    },
};
