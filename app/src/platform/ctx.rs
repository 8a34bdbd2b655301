//! `Ctx`: who is calling, and in which workspace. Every authenticated server fn resolves one
//! first and hands it to the domain function, which decides what the caller may do.

use super::module_server::BoxFut;
use super::request::RequestMeta;
use super::roles::{Action, PlatformRole, WorkspaceRole};
use super::AppState;
use crate::error::AppError;

/// The caller's membership in the workspace the call is about.
#[derive(Clone)]
pub struct Membership {
    pub workspace_id: String,
    /// The role the caller acts with: their stored role, lowered to viewer while they hold
    /// a seat beyond the plan's seat limit (decided by the workspaces module).
    pub role: WorkspaceRole,
    /// Set when `role` was lowered for the seat limit: why, as a sentence.
    pub seat_limited: Option<String>,
    /// What the workspaces module loaded with the membership (the workspace and its plan in
    /// force), so domain functions do not read them again.
    pub loaded: Option<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership").field("workspace_id", &self.workspace_id).field("role", &self.role).field("seat_limited", &self.seat_limited).finish()
    }
}

#[derive(Clone, Debug)]
pub struct Ctx {
    pub state: AppState,
    pub user_id: String,
    pub session_id: String,
    pub role: PlatformRole,
    pub meta: RequestMeta,
    /// Set by [`require_member`]: the workspace this call acts in.
    pub workspace: Option<Membership>,
}

impl Ctx {
    pub fn db(&self) -> &super::Db {
        &self.state.db
    }

    /// Platform-wide records (people, sessions, handles, plans) and lookups across
    /// workspaces: the explicit door, next to [`Ctx::scoped`] for this workspace's data.
    pub fn global<T: Send + Sync>(&self, collection: &str) -> mongodb::Collection<T> {
        self.state.db.global(collection)
    }

    /// Refuses callers below `role`.
    pub fn require_platform_role(&self, role: PlatformRole) -> Result<(), AppError> {
        if self.role.rank() >= role.rank() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The workspace this call acts in. A domain function that needs one and was reached
    /// without [`require_member`] is a programming error; it is refused, never guessed.
    pub fn membership(&self) -> Result<&Membership, AppError> {
        self.workspace.as_ref().ok_or_else(|| {
            tracing::error!("workspace call without a resolved membership");
            AppError::Forbidden
        })
    }

    pub fn workspace_id(&self) -> Result<&str, AppError> {
        Ok(&self.membership()?.workspace_id)
    }

    pub fn workspace_role(&self) -> Result<WorkspaceRole, AppError> {
        Ok(self.membership()?.role)
    }

    /// Enforces the permission table: refuses unless the caller's role allows `action` in
    /// `module`.
    pub fn require(&self, module: &str, action: Action) -> Result<(), AppError> {
        let role = self.workspace_role()?;
        if self.state.registry.allows(role, module, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Workspace data in `collection`, always filtered to this call's workspace.
    pub fn scoped<T: Send + Sync>(&self, collection: &'static str) -> Result<super::scoped::Scoped<T>, AppError> {
        Ok(super::scoped::Scoped::new(self.db(), collection, self.workspace_id()?))
    }
}

/// The signed-in caller of the current server fn, or [`AppError::Unauthenticated`].
/// Refreshes an expired access token from the refresh cookie when it can.
pub async fn require_user() -> Result<Ctx, AppError> {
    let state = super::state()?;
    let meta = RequestMeta::current(&state);
    (state.identity.resolve_user)(&state, meta).await
}

/// The signed-in caller, as a member of `workspace_id`. Someone who is not a member gets
/// "not found", exactly as for a workspace that does not exist, so ids reveal nothing.
pub async fn require_member(workspace_id: &str) -> Result<Ctx, AppError> {
    let mut ctx = require_user().await?;
    enter_workspace(&mut ctx, workspace_id).await?;
    Ok(ctx)
}

/// Resolves `ctx`'s membership in `workspace_id` (for callers that already hold a `Ctx`,
/// such as plain HTTP routes). A member beyond the plan's seat limit acts as a viewer, so
/// every module's permission checks follow the plan.
pub async fn enter_workspace(ctx: &mut Ctx, workspace_id: &str) -> Result<(), AppError> {
    let workspace_id = workspace_id.trim();
    match (ctx.state.identity.resolve_member)(ctx, workspace_id).await? {
        Some(membership) => {
            ctx.workspace = Some(membership);
            Ok(())
        }
        None => Err(AppError::not_found(crate::i18n::CommonTexts::now().ctx_that_workspace)),
    }
}

/// How the caller and their membership are resolved. The accounts and workspaces modules
/// provide these (`lib.rs` wires them in), so the platform names neither.
#[derive(Clone, Copy)]
pub struct Identity {
    /// The signed-in caller of a request, or [`AppError::Unauthenticated`]; refreshes an
    /// expired access token from the refresh cookie when it can.
    pub resolve_user: for<'a> fn(&'a AppState, RequestMeta) -> BoxFut<'a, Result<Ctx, AppError>>,
    /// The caller's membership in a workspace (`None`: not a member, or no such workspace).
    pub resolve_member: for<'a> fn(&'a Ctx, &'a str) -> BoxFut<'a, Result<Option<Membership>, AppError>>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity")
    }
}
