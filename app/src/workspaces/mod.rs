//! M02 Workspaces and teams, and M03 the setup wizard: workspaces and their settings,
//! roles and the permission table, invitations, members, the audit log, plans and their
//! limits, and the wizard that creates a first workspace.
//!
//! Everything a business keeps in Mewayz belongs to one workspace. Server fns of every
//! module take the workspace id first, resolve the caller's membership through
//! [`crate::platform::require_member`], check the permission table, and reach stored data
//! only through the workspace-scoped layer ([`crate::platform::scoped`]).

pub mod api;
pub mod permissions;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod plans;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

use texts::WorkspacesTexts;

pub use permissions::{allows, permission_table, Action, ModulePermissions};

/// A member's role in one workspace, lowest first.
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

    /// The role's name, in the current language.
    pub fn label(self) -> &'static str {
        let t = WorkspacesTexts::now();
        match self {
            WorkspaceRole::Viewer => t.role_viewer,
            WorkspaceRole::Editor => t.role_editor,
            WorkspaceRole::Admin => t.role_admin,
            WorkspaceRole::Owner => t.role_owner,
        }
    }

    /// What the role allows, as a sentence, in the current language.
    pub fn describe(self) -> &'static str {
        let t = WorkspacesTexts::now();
        match self {
            WorkspaceRole::Viewer => t.role_viewer_does,
            WorkspaceRole::Editor => t.role_editor_does,
            WorkspaceRole::Admin => t.role_admin_does,
            WorkspaceRole::Owner => t.role_owner_does,
        }
    }

    pub fn parse(s: &str) -> Option<WorkspaceRole> {
        WorkspaceRole::ALL.into_iter().find(|r| r.as_str() == s.trim())
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

/// The label of `key` in a registry of (key, label) pairs such as [`LIMIT_KEYS`].
pub fn label_of(table: &'static [(&'static str, &'static str)], key: &str) -> &'static str {
    table.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or("")
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

/// The limits a plan can carry, with how they are shown. Later modules enforce theirs.
pub const LIMIT_KEYS: &[(&str, &str)] = &[
    ("members", "Team members"),
    ("storage_mb", "Storage"),
    ("bio_pages", "Link-in-bio pages"),
    ("sites", "Websites"),
    ("contacts", "Contacts"),
    ("emails_per_month", "E-mails a month"),
    ("ai_tokens_per_month", "AI tokens a month"),
    ("upload_mb", "Largest upload"),
    ("short_links", "Short links"),
];

/// The label of a plan limit in the current language ("Storage", "Stockage"); the English
/// label of [`LIMIT_KEYS`] for a key this table does not know.
pub fn limit_label(key: &str) -> &'static str {
    let t = texts::WorkspacesTexts::now();
    match key {
        "members" => t.limit_members,
        "storage_mb" => t.limit_storage_mb,
        "bio_pages" => t.limit_bio_pages,
        "sites" => t.limit_sites,
        "contacts" => t.limit_contacts,
        "emails_per_month" => t.limit_emails_per_month,
        "ai_tokens_per_month" => t.limit_ai_tokens_per_month,
        "upload_mb" => t.limit_upload_mb,
        "short_links" => t.limit_short_links,
        other => label_of(LIMIT_KEYS, other),
    }
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
