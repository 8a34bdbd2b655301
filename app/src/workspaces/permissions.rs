//! The permission table: module × (view, edit, manage) → the lowest role allowed.
//!
//! Each module registers its row in [`permission_table`]. The server enforces the table
//! through `Ctx::require` in every domain function; the UI reads the same table only to
//! hide controls a member cannot use.

use serde::{Deserialize, Serialize};

use super::WorkspaceRole;

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

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModulePermissions {
    /// The module's key, used by domain code (`ctx.require("team", Action::Edit)`).
    pub module: &'static str,
    pub label: &'static str,
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

/// The rows of M02 itself.
pub const WORKSPACE_ROWS: &[ModulePermissions] = &[
    // The workspace's settings: everyone sees them, admins change them, the owner deletes.
    ModulePermissions {
        module: "settings",
        label: "Workspace settings",
        view: WorkspaceRole::Viewer,
        edit: WorkspaceRole::Admin,
        manage: WorkspaceRole::Owner,
    },
    // Members and invitations: everyone sees the team, admins invite and change roles.
    ModulePermissions { module: "team", label: "Team and invitations", view: WorkspaceRole::Viewer, edit: WorkspaceRole::Admin, manage: WorkspaceRole::Admin },
    // The audit log: owners and admins read it; nobody edits it.
    ModulePermissions { module: "audit", label: "Audit log", view: WorkspaceRole::Admin, edit: WorkspaceRole::Owner, manage: WorkspaceRole::Owner },
];

/// Every module's row. Later modules append theirs here.
pub fn permission_table() -> Vec<ModulePermissions> {
    let mut rows = Vec::new();
    rows.extend_from_slice(WORKSPACE_ROWS);
    rows.extend_from_slice(MODULE_ROWS);
    rows
}

/// The rows of the content modules: everyone sees, editors create and change, admins manage
/// (domains, deleting in bulk).
pub const MODULE_ROWS: &[ModulePermissions] = &[
    ModulePermissions { module: "bio", label: "Link-in-bio pages", view: WorkspaceRole::Viewer, edit: WorkspaceRole::Editor, manage: WorkspaceRole::Admin },
    ModulePermissions { module: "media", label: "Media library", view: WorkspaceRole::Viewer, edit: WorkspaceRole::Editor, manage: WorkspaceRole::Admin },
    ModulePermissions { module: "links", label: "Short links", view: WorkspaceRole::Viewer, edit: WorkspaceRole::Editor, manage: WorkspaceRole::Admin },
    // Billing (M04): admins see the plan, usage and invoices; only the owner changes the plan.
    ModulePermissions { module: "billing", label: "Plan and billing", view: WorkspaceRole::Admin, edit: WorkspaceRole::Admin, manage: WorkspaceRole::Owner },
];

/// Whether `role` may do `action` in `module`. An unknown module allows nothing.
pub fn allows(role: WorkspaceRole, module: &str, action: Action) -> bool {
    permission_table().iter().find(|r| r.module == module).is_some_and(|r| role >= r.lowest_role(action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_orders_its_actions_and_modules_are_unique() {
        let rows = permission_table();
        for r in &rows {
            assert!(r.view <= r.edit && r.edit <= r.manage, "{}: view ≤ edit ≤ manage", r.module);
            assert_eq!(rows.iter().filter(|o| o.module == r.module).count(), 1, "{} registered twice", r.module);
        }
    }

    #[test]
    fn the_table_decides() {
        assert!(allows(WorkspaceRole::Viewer, "settings", Action::View));
        assert!(!allows(WorkspaceRole::Viewer, "settings", Action::Edit));
        assert!(!allows(WorkspaceRole::Editor, "team", Action::Edit));
        assert!(allows(WorkspaceRole::Admin, "team", Action::Manage));
        assert!(!allows(WorkspaceRole::Admin, "settings", Action::Manage));
        assert!(allows(WorkspaceRole::Owner, "settings", Action::Manage));
        assert!(!allows(WorkspaceRole::Editor, "audit", Action::View));
        assert!(!allows(WorkspaceRole::Owner, "no_such_module", Action::View));
    }
}
