//! The shared concepts every module's permissions are written in: the roles a person holds
//! on the platform and in a workspace, what a permission guards (view, edit, manage), one
//! row of the permission table, and how a server fn is reached. Compiled for the client too,
//! which reads the same table to hide controls a member cannot use.

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

impl PlatformRole {
    /// Orders the roles: a higher rank includes what a lower one may do.
    pub fn rank(self) -> u8 {
        match self {
            PlatformRole::User => 0,
            PlatformRole::Admin => 1,
            PlatformRole::SuperAdmin => 2,
        }
    }
}

/// A member's role in one workspace, lowest first. Its names in each language belong to the
/// workspaces module (`workspaces::RoleText`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceRole {
    Viewer,
    Editor,
    Admin,
    Owner,
}

impl WorkspaceRole {
    pub const ALL: [WorkspaceRole; 4] = [WorkspaceRole::Viewer, WorkspaceRole::Editor, WorkspaceRole::Admin, WorkspaceRole::Owner];
    /// The roles an invitation or a role change can give (ownership is transferred instead).
    pub const ASSIGNABLE: [WorkspaceRole; 3] = [WorkspaceRole::Viewer, WorkspaceRole::Editor, WorkspaceRole::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceRole::Viewer => "viewer",
            WorkspaceRole::Editor => "editor",
            WorkspaceRole::Admin => "admin",
            WorkspaceRole::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<WorkspaceRole> {
        WorkspaceRole::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// What a permission guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read the module's data.
    View,
    /// Create and change the module's content.
    Edit,
    /// Change how the module is set up, delete in bulk, manage others' access.
    Manage,
}

/// One row of the permission table: the lowest role allowed each action in one area. A
/// module lists its rows in its descriptor ([`super::module::Module::permissions`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModulePermissions {
    /// The area's key, used by domain code (`ctx.require(bio::AREA, Action::Edit)`).
    pub module: &'static str,
    pub view: WorkspaceRole,
    pub edit: WorkspaceRole,
    pub manage: WorkspaceRole,
}

impl ModulePermissions {
    pub fn lowest_role(&self, action: Action) -> WorkspaceRole {
        match action {
            Action::View => self.view,
            Action::Edit => self.edit,
            Action::Manage => self.manage,
        }
    }
}

/// How a server fn is reached, for the cross-workspace probe and the hostile-input harness.
/// Every module's descriptor files each of its fns under one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// About one workspace: its id comes first, and only members get through.
    Workspace,
    /// About the signed-in person only (their list, a new workspace); signed out: 401.
    Person,
    /// Answers to whoever holds a secret from a link or an earlier step (an invitation, an
    /// e-mail verification or password reset link, a second-factor challenge); without it,
    /// a 4xx.
    Link,
    /// For platform administrators only; refused to everyone else.
    Platform,
    /// Anyone may call it signed out (sign up, sign in, the server's status): it acts on or
    /// reveals nothing of any workspace, and nothing of a person beyond what the caller gave.
    Public,
}
