//! `Ctx`: who is calling. Every authenticated server fn resolves one first and hands it to
//! the domain function, which decides what the caller may do.

use super::request::RequestMeta;
use super::AppState;
pub use crate::accounts::PlatformRole;
use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub state: AppState,
    pub user_id: String,
    pub session_id: String,
    pub role: PlatformRole,
    pub meta: RequestMeta,
}

impl Ctx {
    pub fn db(&self) -> &super::Db {
        &self.state.db
    }

    /// Refuses callers below `role`.
    pub fn require_platform_role(&self, role: PlatformRole) -> Result<(), AppError> {
        let rank = |r: PlatformRole| match r {
            PlatformRole::User => 0,
            PlatformRole::Admin => 1,
            PlatformRole::SuperAdmin => 2,
        };
        if rank(self.role) >= rank(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The signed-in caller of the current server fn, or [`AppError::Unauthenticated`].
/// Refreshes an expired access token from the refresh cookie when it can.
pub async fn require_user() -> Result<Ctx, AppError> {
    let state = super::state()?;
    let meta = RequestMeta::current(&state);
    crate::accounts::session::resolve(&state, meta).await
}
