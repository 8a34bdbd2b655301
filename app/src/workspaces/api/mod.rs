//! The server fns of M02 and M03, one per file. Workspace fns take the workspace id first.

mod list_workspaces;
mod create_workspace;
mod list_plans;
mod get_workspace;
mod update_workspace;
mod set_workspace_logo;
mod remove_workspace_logo;
mod setup_name;
mod setup_goals;
mod setup_goto;
mod setup_plan;
mod workspace_audit_log;
mod list_members;
mod list_invitations;
mod invite_member;
mod resend_invitation;
mod revoke_invitation;
mod change_member_role;
mod remove_member;
mod leave_workspace;
mod transfer_ownership;
mod delete_workspace;
mod preview_invitation;
mod accept_invitation;
mod decline_invitation;

pub use list_workspaces::*;
pub use create_workspace::*;
pub use list_plans::*;
pub use get_workspace::*;
pub use update_workspace::*;
pub use set_workspace_logo::*;
pub use remove_workspace_logo::*;
pub use setup_name::*;
pub use setup_goals::*;
pub use setup_goto::*;
pub use setup_plan::*;
pub use workspace_audit_log::*;
pub use list_members::*;
pub use list_invitations::*;
pub use invite_member::*;
pub use resend_invitation::*;
pub use revoke_invitation::*;
pub use change_member_role::*;
pub use remove_member::*;
pub use leave_workspace::*;
pub use transfer_ownership::*;
pub use delete_workspace::*;
pub use preview_invitation::*;
pub use accept_invitation::*;
pub use decline_invitation::*;

/// How a server fn is reached, for the cross-workspace probe. Every module's `ENDPOINTS`
/// files each of its fns under one of these, and [`crate::API_MODULES`] gathers them all.
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

/// Every server fn of this module. A test checks that this list and the registered
/// endpoints agree, so a new fn cannot escape the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("list_workspaces", Reach::Person),
    ("create_workspace", Reach::Person),
    ("list_plans", Reach::Person),
    ("get_workspace", Reach::Workspace),
    ("update_workspace", Reach::Workspace),
    ("set_workspace_logo", Reach::Workspace),
    ("remove_workspace_logo", Reach::Workspace),
    ("setup_name", Reach::Workspace),
    ("setup_goals", Reach::Workspace),
    ("setup_goto", Reach::Workspace),
    ("setup_plan", Reach::Workspace),
    ("workspace_audit_log", Reach::Workspace),
    ("list_members", Reach::Workspace),
    ("list_invitations", Reach::Workspace),
    ("invite_member", Reach::Workspace),
    ("resend_invitation", Reach::Workspace),
    ("revoke_invitation", Reach::Workspace),
    ("change_member_role", Reach::Workspace),
    ("remove_member", Reach::Workspace),
    ("leave_workspace", Reach::Workspace),
    ("transfer_ownership", Reach::Workspace),
    ("delete_workspace", Reach::Workspace),
    ("preview_invitation", Reach::Link),
    ("accept_invitation", Reach::Person),
    ("decline_invitation", Reach::Link),
];
