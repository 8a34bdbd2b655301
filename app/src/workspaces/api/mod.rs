//! The server fns of M02 and M03, one per file. Workspace fns take the workspace id first.

mod accept_invitation;
mod change_member_role;
mod create_workspace;
mod decline_invitation;
mod delete_workspace;
mod get_workspace;
mod getting_started;
mod invite_member;
mod leave_workspace;
mod list_invitations;
mod list_members;
mod list_plans;
mod list_workspaces;
mod preview_invitation;
mod remove_member;
mod remove_workspace_logo;
mod resend_invitation;
mod revoke_invitation;
mod set_workspace_logo;
mod setup_goals;
mod setup_goto;
mod setup_name;
mod setup_plan;
mod transfer_ownership;
mod update_workspace;
mod workspace_audit_log;

pub use accept_invitation::*;
pub use change_member_role::*;
pub use create_workspace::*;
pub use decline_invitation::*;
pub use delete_workspace::*;
pub use get_workspace::*;
pub use getting_started::*;
pub use invite_member::*;
pub use leave_workspace::*;
pub use list_invitations::*;
pub use list_members::*;
pub use list_plans::*;
pub use list_workspaces::*;
pub use preview_invitation::*;
pub use remove_member::*;
pub use remove_workspace_logo::*;
pub use resend_invitation::*;
pub use revoke_invitation::*;
pub use set_workspace_logo::*;
pub use setup_goals::*;
pub use setup_goto::*;
pub use setup_name::*;
pub use setup_plan::*;
pub use transfer_ownership::*;
pub use update_workspace::*;
pub use workspace_audit_log::*;

use crate::platform::Reach;

/// Every server fn of this module. A test checks that this list and the registered
/// endpoints agree, so a new fn cannot escape the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("list_workspaces", Reach::Person),
    ("create_workspace", Reach::Person),
    ("list_plans", Reach::Person),
    ("get_workspace", Reach::Workspace),
    ("getting_started", Reach::Workspace),
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
