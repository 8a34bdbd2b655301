//! M01 Accounts and security: sign-up with e-mail verification, sign-in with optional
//! TOTP, sessions (short-lived JWT + rotating refresh tokens), password reset and change,
//! profile, active sessions, and a security log.

pub mod api;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod google;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod totp;

use serde::{Deserialize, Serialize};

/// Platform-wide role (workspace roles are separate, see M02).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PlatformRole {
    #[default]
    User,
    Admin,
    SuperAdmin,
}

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
    NeedsSecondFactor { challenge: String },
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
        match self.kind.as_str() {
            "sign_up" => "Account created",
            "email_verified" => "E-mail address confirmed",
            "sign_in" => "Signed in",
            "sign_in_failed" => "Failed sign-in attempt",
            "second_factor_failed" => "Wrong two-factor code",
            "signed_out" => "Signed out",
            "signed_out_everywhere" => "Signed out on all devices",
            "session_revoked" => "A session was revoked",
            "password_changed" => "Password changed",
            "password_reset" => "Password reset by e-mail link",
            "mfa_enabled" => "Two-factor authentication turned on",
            "mfa_disabled" => "Two-factor authentication turned off",
            "recovery_code_used" => "Signed in with a recovery code",
            "refresh_reuse_detected" => "A stolen or replayed session token was blocked; that session was ended",
            "google_linked" => "Google account linked",
            "profile_updated" => "Profile updated",
            _ => "Account event",
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

/// Languages the interface offers.
pub const LOCALES: &[(&str, &str)] = &[("en", "English"), ("fr", "Français")];
