//! The server fns of M01, one per file. Each resolves the caller and calls one domain fn.

mod auth_options;
mod change_password;
mod current_user;
mod list_sessions;
mod request_password_reset;
mod resend_verification;
mod reset_password;
mod revoke_session;
mod security_log;
mod sign_in;
mod sign_in_second_factor;
mod sign_out;
mod sign_out_everywhere;
mod sign_up;
mod totp_begin;
mod totp_confirm;
mod totp_disable;
mod update_profile;
mod verify_email;

pub use auth_options::*;
pub use change_password::*;
pub use current_user::*;
pub use list_sessions::*;
pub use request_password_reset::*;
pub use resend_verification::*;
pub use reset_password::*;
pub use revoke_session::*;
pub use security_log::*;
pub use sign_in::*;
pub use sign_in_second_factor::*;
pub use sign_out::*;
pub use sign_out_everywhere::*;
pub use sign_up::*;
pub use totp_begin::*;
pub use totp_confirm::*;
pub use totp_disable::*;
pub use update_profile::*;
pub use verify_email::*;

use crate::platform::Reach;

/// Every server fn of this module, for the cross-workspace probe (checked against the
/// source and the server's registry, so a new fn cannot escape it).
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("auth_options", Reach::Public),
    // Signed out it answers `None`.
    ("current_user", Reach::Public),
    ("sign_up", Reach::Public),
    ("sign_in", Reach::Public),
    ("sign_out", Reach::Public),
    ("request_password_reset", Reach::Public),
    ("resend_verification", Reach::Public),
    ("verify_email", Reach::Link),
    ("reset_password", Reach::Link),
    ("sign_in_second_factor", Reach::Link),
    ("change_password", Reach::Person),
    ("list_sessions", Reach::Person),
    ("revoke_session", Reach::Person),
    ("security_log", Reach::Person),
    ("sign_out_everywhere", Reach::Person),
    ("totp_begin", Reach::Person),
    ("totp_confirm", Reach::Person),
    ("totp_disable", Reach::Person),
    ("update_profile", Reach::Person),
];
