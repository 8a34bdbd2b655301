//! M02 Workspaces and teams, and M03 the setup wizard: workspaces and their settings,
//! roles and the permission table, invitations, members, the audit log, plans and their
//! limits, and the wizard that creates a first workspace.
//!
//! Everything a business keeps in Mewayz belongs to one workspace. Server fns of every
//! module take the workspace id first, resolve the caller's membership through
//! [`crate::platform::require_member`], check the permission table, and reach stored data
//! only through the workspace-scoped layer ([`crate::platform::scoped`]).

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod plans;
#[cfg(feature = "ssr")]
pub mod resolve;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

use texts::WorkspacesTexts;

pub use crate::platform::{Action, ModulePermissions, WorkspaceRole};
use crate::platform::{Card, Limit, LimitKind, Module, NavEntry, NavScope};

/// The areas this module guards: the workspace's settings, its team, its audit log.
pub const AREA_SETTINGS: &str = "settings";
pub const AREA_TEAM: &str = "team";
pub const AREA_AUDIT: &str = "audit";

/// The seat limit: members plus pending invitations.
pub const MEMBERS_LIMIT: Limit = Limit {
    key: "members",
    label: || WorkspacesTexts::now().limit_members,
    phrase: || WorkspacesTexts::now().limit_members_phrase,
    kind: LimitKind::Count,
    order: 10,
    #[cfg(feature = "ssr")]
    count: Some(plans::count_seats),
    #[cfg(feature = "ssr")]
    reclaim: Some(plans::expire_invitations),
    read_only: Some(crate::platform::ReadOnlyRecords {
        href: "/workspace/team",
        order: 20,
        one: || WorkspacesTexts::now().ro_members_one,
        many: || WorkspacesTexts::now().ro_members_many,
        #[cfg(feature = "ssr")]
        records: plans::seat_records_of,
    }),
};

/// M02 and M03 in the registry.
pub const MODULE: Module = Module {
    key: "workspaces",
    name: || WorkspacesTexts::now().module_name,
    permissions: &[
        // The workspace's settings: everyone sees them, admins change them, the owner deletes.
        ModulePermissions { module: AREA_SETTINGS, view: WorkspaceRole::Viewer, edit: WorkspaceRole::Admin, manage: WorkspaceRole::Owner },
        // Members and invitations: everyone sees the team, admins invite and change roles.
        ModulePermissions { module: AREA_TEAM, view: WorkspaceRole::Viewer, edit: WorkspaceRole::Admin, manage: WorkspaceRole::Admin },
        // The audit log: owners and admins read it; nobody edits it.
        ModulePermissions { module: AREA_AUDIT, view: WorkspaceRole::Admin, edit: WorkspaceRole::Owner, manage: WorkspaceRole::Owner },
    ],
    limits: &[MEMBERS_LIMIT],
    endpoints: api::ENDPOINTS,
    nav: &[
        NavEntry {
            href: "/workspace/team",
            label: || WorkspacesTexts::now().nav_team,
            icon: "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20a6.5 6.5 0 0 1 13 0M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.2a6.5 6.5 0 0 1 3.5 5.8",
            section: false,
            scope: NavScope::Workspace { area: AREA_TEAM },
            order: 30,
        },
        NavEntry {
            href: "/workspace/settings",
            label: || WorkspacesTexts::now().nav_settings,
            icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-2.9 1.2V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-2.9-1.2l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1A1.7 1.7 0 0 0 3 15H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.2-2.9l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1A1.7 1.7 0 0 0 10 4.1V4a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 2.9 1.2l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0 1.2 2.9h.1a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
            section: false,
            scope: NavScope::Workspace { area: AREA_SETTINGS },
            order: 40,
        },
        NavEntry {
            href: "/workspace/audit",
            label: || WorkspacesTexts::now().nav_audit,
            icon: "M9 3h6v3H9zM8 4.5H6a1 1 0 0 0-1 1V20a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V5.5a1 1 0 0 0-1-1h-2M9 11h6M9 15h6M9 19h3",
            section: false,
            scope: NavScope::Workspace { area: AREA_AUDIT },
            order: 70,
        },
    ],
    cards: &[
        Card { area: AREA_TEAM, href: "/workspace/team", title: || WorkspacesTexts::now().card_team_title, text: || WorkspacesTexts::now().card_team_text, goals: &[], order: 50 },
        Card {
            area: AREA_SETTINGS,
            href: "/workspace/settings",
            title: || WorkspacesTexts::now().card_settings_title,
            text: || WorkspacesTexts::now().card_settings_text,
            goals: &[],
            order: 60,
        },
        Card { area: AREA_AUDIT, href: "/workspace/audit", title: || WorkspacesTexts::now().card_audit_title, text: || WorkspacesTexts::now().card_audit_text, goals: &[], order: 70 },
    ],
    #[cfg(feature = "ssr")]
    texts: &[WorkspacesTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: store::indexes,
        scoped_collections: store::SCOPED_COLLECTIONS,
        jobs: &[crate::platform::job::<domain::EraseWorkspaceJob>()],
        init: Some(|ext| {
            ext.insert(resolve::Caches::default());
        }),
        start: None,
        routes: Some(routes::routes),
        erase: None,
        watches: &[
            crate::platform::watch::Watch { collection: store::MEMBERS, changed: resolve::member_changed },
            crate::platform::watch::Watch { collection: store::WORKSPACES, changed: resolve::workspace_changed },
            crate::platform::watch::Watch { collection: store::PLANS, changed: resolve::plans_changed },
        ],
    },
};

/// How a role is named and described, in the current language.
pub trait RoleText {
    fn label(self) -> &'static str;
    fn describe(self) -> &'static str;
}

impl RoleText for WorkspaceRole {
    fn label(self) -> &'static str {
        let t = WorkspacesTexts::now();
        match self {
            WorkspaceRole::Viewer => t.role_viewer,
            WorkspaceRole::Editor => t.role_editor,
            WorkspaceRole::Admin => t.role_admin,
            WorkspaceRole::Owner => t.role_owner,
        }
    }

    fn describe(self) -> &'static str {
        let t = WorkspacesTexts::now();
        match self {
            WorkspaceRole::Viewer => t.role_viewer_does,
            WorkspaceRole::Editor => t.role_editor_does,
            WorkspaceRole::Admin => t.role_admin_does,
            WorkspaceRole::Owner => t.role_owner_does,
        }
    }
}

/// What kind of business the workspace is for (step 1 of the wizard).
pub const KINDS: &[&str] = &["creator", "coach", "shop", "services", "agency", "nonprofit", "other"];

/// How a kind is shown, in the current language (empty for an unknown key).
pub fn kind_label(key: &str) -> &'static str {
    let t = WorkspacesTexts::now();
    match key {
        "creator" => t.kind_creator,
        "coach" => t.kind_coach,
        "shop" => t.kind_shop,
        "services" => t.kind_services,
        "agency" => t.kind_agency,
        "nonprofit" => t.kind_nonprofit,
        "other" => t.kind_other,
        _ => "",
    }
}

/// The six main goals of M03 (step 2 of the wizard).
pub const GOALS: &[&str] = &["social_growth", "link_in_bio", "courses_community", "online_store", "crm_email", "website_bookings"];

/// How a goal is shown, in the current language (empty for an unknown key).
pub fn goal_label(key: &str) -> &'static str {
    let t = WorkspacesTexts::now();
    match key {
        "social_growth" => t.goal_social_growth,
        "link_in_bio" => t.goal_link_in_bio,
        "courses_community" => t.goal_courses_community,
        "online_store" => t.goal_online_store,
        "crm_email" => t.goal_crm_email,
        "website_bookings" => t.goal_website_bookings,
        _ => "",
    }
}

/// Currencies a workspace can use by default (ISO 4217).
pub const CURRENCIES: &[&str] =
    &["USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "SGD", "INR", "AED", "BRL", "MXN", "NGN", "KES", "ZAR"];

/// A currency's name, in the current language (empty for an unknown code).
pub fn currency_name(code: &str) -> &'static str {
    let t = WorkspacesTexts::now();
    match code {
        "USD" => t.currency_usd,
        "EUR" => t.currency_eur,
        "GBP" => t.currency_gbp,
        "CAD" => t.currency_cad,
        "AUD" => t.currency_aud,
        "NZD" => t.currency_nzd,
        "CHF" => t.currency_chf,
        "SEK" => t.currency_sek,
        "NOK" => t.currency_nok,
        "DKK" => t.currency_dkk,
        "PLN" => t.currency_pln,
        "JPY" => t.currency_jpy,
        "SGD" => t.currency_sgd,
        "INR" => t.currency_inr,
        "AED" => t.currency_aed,
        "BRL" => t.currency_brl,
        "MXN" => t.currency_mxn,
        "NGN" => t.currency_ngn,
        "KES" => t.currency_kes,
        "ZAR" => t.currency_zar,
        _ => "",
    }
}

/// One line of the workspace list (the switcher).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub role: WorkspaceRole,
    /// False while the owner is still in the setup wizard.
    pub setup_done: bool,
    /// Set while the person holds a seat beyond the plan's seat limit: `role` is then
    /// viewer whatever their stored role, and this says why.
    #[serde(default)]
    pub view_only_reason: Option<String>,
}

/// Where the setup wizard stands. Saved at every step, so another device resumes there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SetupState {
    /// The step to show next: 1 name and kind, 2 goals, 3 team, 4 plan.
    pub step: u8,
    /// The furthest step reached, so forward works after going back.
    pub reached: u8,
    pub goals: Vec<String>,
    pub completed: bool,
}

/// A workspace with its settings, as its members see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceDetail {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub brand_color: String,
    pub time_zone: String,
    pub currency: String,
    /// Address of the logo image, with a version so a new logo is fetched at once.
    pub logo_url: Option<String>,
    pub plan: String,
    pub plan_name: String,
    pub billing_interval: String,
    /// The caller's role here.
    pub role: WorkspaceRole,
    pub owner_name: String,
    pub member_count: u32,
    pub storage_used_bytes: i64,
    pub setup: SetupState,
    /// Incremented by every settings change; a save with an older version is refused.
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: WorkspaceRole,
    pub joined_at_ms: i64,
    /// This member is the caller.
    pub you: bool,
}

/// A pending invitation, as the workspace's admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: WorkspaceRole,
    pub invited_by: String,
    pub sent_at_ms: i64,
    pub expires_at_ms: i64,
    pub expired: bool,
}

/// An invitation, as the person who opened its link sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub workspace_name: String,
    pub invited_by: String,
    pub email: String,
    pub role: WorkspaceRole,
    pub expires_at_ms: i64,
    /// The signed-in account (if any) has the invited address, so it can accept.
    pub can_accept: bool,
    /// Why it cannot accept yet, in a sentence; `None` when it can.
    pub blocker: Option<String>,
}

/// What accepting an invitation leads to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    pub workspace: WorkspaceSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

/// One step of the dashboard's "Getting started" list. Which steps there are follows the
/// goals chosen in the wizard; whether each is done comes from the workspace's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartStep {
    /// What the step is: `goals`, `bio_page`, `bio_publish`, `short_link`, `media`, `team`,
    /// `logo` (the client shows each in the person's language).
    pub key: String,
    /// The page where it is done.
    pub href: String,
    pub done: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartChecklist {
    /// The steps the caller can take, in order.
    pub steps: Vec<StartStep>,
    /// Chosen goals whose modules Mewayz does not have yet (keys of [`GOALS`]), so the
    /// dashboard can say so instead of offering a step that leads nowhere.
    pub not_yet: Vec<String>,
}

/// One limit of a plan. `value` is `None` for "no limit".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimit {
    pub key: String,
    pub label: String,
    pub value: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Prices in the smallest unit of `currency` (cents).
    pub monthly_price: i64,
    pub yearly_price: i64,
    pub currency: String,
    pub limits: Vec<PlanLimit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCatalog {
    /// Cheapest first. Empty when no administrator has loaded the plans yet.
    pub plans: Vec<PlanInfo>,
    /// Payment for paid plans is set up on this server.
    pub payments_configured: bool,
}

/// Formats a price in the smallest currency unit, e.g. 1900 USD → "$19".
pub fn format_price(amount: i64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => "",
    };
    let whole = amount / 100;
    let cents = amount % 100;
    let number = if cents == 0 { format!("{whole}") } else { format!("{whole}.{cents:02}") };
    if symbol.is_empty() {
        format!("{number} {currency}")
    } else {
        format!("{symbol}{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_from_viewer_to_owner() {
        assert!(WorkspaceRole::Viewer < WorkspaceRole::Editor);
        assert!(WorkspaceRole::Admin < WorkspaceRole::Owner);
        assert_eq!(WorkspaceRole::parse(" admin "), Some(WorkspaceRole::Admin));
        assert_eq!(WorkspaceRole::parse("root"), None);
    }

    #[test]
    fn every_kind_goal_currency_and_role_has_a_name_in_both_languages() {
        for lang in crate::i18n::Lang::ALL {
            crate::i18n::sync_scope(lang, || {
                for k in KINDS {
                    assert!(!kind_label(k).is_empty(), "kind {k} in {lang:?}");
                }
                for g in GOALS {
                    assert!(!goal_label(g).is_empty(), "goal {g} in {lang:?}");
                }
                for c in CURRENCIES {
                    assert!(!currency_name(c).is_empty(), "currency {c} in {lang:?}");
                }
                for r in WorkspaceRole::ALL {
                    assert!(!r.label().is_empty() && r.describe().ends_with('.'), "{r:?} in {lang:?}");
                }
            });
        }
        assert_eq!(crate::i18n::sync_scope(crate::i18n::Lang::Fr, || WorkspaceRole::Owner.label()), "Propriétaire");
        assert_eq!(kind_label("spaceship"), "");
    }

    #[test]
    fn prices_read_naturally() {
        assert_eq!(format_price(1900, "USD"), "$19");
        assert_eq!(format_price(1999, "EUR"), "€19.99");
        assert_eq!(format_price(500, "SEK"), "5 SEK");
    }
}
