//! M04 Plans, subscriptions and billing: Stripe Checkout for new subscriptions, plan
//! changes with proration, the Stripe customer portal, invoices, signed webhooks applied
//! exactly once, failed payments with a grace period, and what platform administrators
//! grant (complimentary plans, limit overrides, coupons).
//!
//! The plan a workspace is *subscribed* to lives on the workspace (`plan`,
//! `billing_interval`); its billing state (Stripe customer and subscription, grace period,
//! complimentary plan, overrides) lives in `billing_accounts`. The *effective* limits
//! ([`crate::workspaces::plans::check`]) combine both: a complimentary plan wins over the
//! subscription, an expired grace period means Free, and per-workspace overrides win over
//! any plan.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod webhook;

use serde::{Deserialize, Serialize};

use crate::workspaces::PlanCatalog;

/// Billing states a workspace can be in ([`BillingOverview::status`]).
pub mod status {
    /// On the Free plan, no subscription.
    pub const FREE: &str = "free";
    /// A paid subscription in good standing.
    pub const ACTIVE: &str = "active";
    /// A payment failed and the grace period is over: the workspace has Free's limits until
    /// it pays. Its data is kept; what exceeds Free's limits cannot grow, and the records
    /// beyond them (later bio pages, later members' seats) are read-only
    /// ([`crate::workspaces::plans::beyond_allowance`]).
    pub const PAST_DUE: &str = "past_due";
    /// A payment failed; the paid plan still applies until `grace_ends_at_ms`.
    pub const GRACE: &str = "grace";
    /// The subscription ended; the workspace is on Free.
    pub const CANCELED: &str = "canceled";
    /// A platform administrator granted a plan for free.
    pub const COMPLIMENTARY: &str = "complimentary";
}

/// One limit of the effective plan next to what the workspace uses of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub key: String,
    pub label: String,
    pub used: i64,
    /// `None`: no limit.
    pub limit: Option<i64>,
}

/// An invoice as Stripe lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    /// In the smallest unit of `currency` (cents); what was paid or is due.
    pub amount: i64,
    /// Upper-case ISO code, e.g. "USD".
    pub currency: String,
    /// Stripe's status: draft, open, paid, uncollectible, void.
    pub status: String,
    pub created_ms: i64,
    pub hosted_url: Option<String>,
    pub pdf_url: Option<String>,
}

/// Everything the billing page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOverview {
    /// The plan the workspace is subscribed to (or granted), e.g. "pro".
    pub plan: String,
    pub plan_name: String,
    /// The plan whose limits apply now (differs from `plan` after an expired grace period).
    pub effective_plan: String,
    pub effective_plan_name: String,
    /// "monthly" or "yearly".
    pub interval: String,
    /// One of [`status`].
    pub status: String,
    /// Stripe is set up on this server (paid plans can be bought).
    pub payments_configured: bool,
    /// The workspace has a Stripe customer, so the customer portal can be opened.
    pub has_customer: bool,
    /// The caller may change the plan (owner), as the permission table says.
    pub can_manage: bool,
    /// Next renewal (end of the current period), from the subscription.
    pub renews_at_ms: Option<i64>,
    /// The subscription ends at `renews_at_ms` instead of renewing.
    pub cancel_at_period_end: bool,
    /// While a failed payment is being retried: when the paid plan's limits stop applying.
    pub grace_ends_at_ms: Option<i64>,
    /// A complimentary plan's end (`None` with status complimentary: no end).
    pub complimentary_until_ms: Option<i64>,
    pub usage: Vec<UsageLine>,
    pub invoices: Vec<Invoice>,
    /// Set when Stripe could not be asked for the invoices (the rest of the page still works).
    pub invoices_error: Option<String>,
    pub catalog: PlanCatalog,
    /// What is beyond the effective plan's limits and so read-only (kept, not changeable),
    /// one line per limit; empty when everything is within.
    #[serde(default)]
    pub read_only: Vec<ReadOnlyLine>,
    /// The same as one sentence, e.g. "2 link-in-bio pages and 1 team member are read-only
    /// until you upgrade."; `None` when nothing is.
    #[serde(default)]
    pub read_only_notice: Option<String>,
}

/// Records of one limit that are beyond the effective plan's allowance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOnlyLine {
    /// The limit key, e.g. "bio_pages".
    pub key: String,
    /// How many records are read-only.
    pub count: i64,
    /// The same in words: "2 link-in-bio pages", "1 team member".
    pub text: String,
    /// Where they are managed, e.g. "/bio".
    pub href: String,
}

/// "2 link-in-bio pages and 1 team member are read-only until you upgrade." `upgrade`: a
/// higher plan lifts the limits (otherwise only getting back within them does).
pub fn read_only_sentence(lines: &[ReadOnlyLine], upgrade: bool) -> Option<String> {
    use crate::i18n::fill;
    let t = texts::BillingTexts::now();
    let texts: Vec<&str> = lines.iter().filter(|l| l.count > 0).map(|l| l.text.as_str()).collect();
    let list = match texts.as_slice() {
        [] => return None,
        [one] => one.to_string(),
        [init @ .., last] => fill(t.ro_list, &[("list", &init.join(", ")), ("last", last)]),
    };
    let single = texts.len() == 1 && lines.iter().find(|l| l.count > 0).is_some_and(|l| l.count == 1);
    let sentence = match (single, upgrade) {
        (true, true) => t.ro_one_upgrade,
        (false, true) => t.ro_many_upgrade,
        (true, false) => t.ro_one_wait,
        (false, false) => t.ro_many_wait,
    };
    Some(fill(sentence, &[("list", &list)]))
}

/// A plan as the platform admin screen edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPlan {
    pub id: String,
    pub name: String,
    pub description: String,
    pub rank: i32,
    pub monthly_price: i64,
    pub yearly_price: i64,
    pub currency: String,
    /// The limits as a JSON object, e.g. `{"members": 2, "bio_pages": 1, "short_links": null}`.
    pub limits_json: String,
    /// Stripe price ids ("price_…"); empty when not set, then that interval cannot be bought.
    pub stripe_price_monthly: String,
    pub stripe_price_yearly: String,
}

/// A discount code, created in Stripe and stored here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    /// What customers type, e.g. "LAUNCH20" (also the Stripe coupon id).
    pub code: String,
    pub percent_off: i64,
    /// `None`: applies forever; otherwise the number of months ("repeating").
    pub duration_months: Option<i64>,
    pub created_ms: i64,
    pub created_by: String,
}

/// A workspace's billing as platform administrators see and change it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminWorkspaceBilling {
    pub workspace_id: String,
    pub name: String,
    pub slug: String,
    pub plan: String,
    pub effective_plan: String,
    pub status: String,
    pub complimentary_plan: Option<String>,
    pub complimentary_until_ms: Option<i64>,
    /// Limit key → value (`None`: no limit) that wins over any plan.
    pub overrides: Vec<crate::workspaces::PlanLimit>,
    pub stripe_customer: Option<String>,
    pub stripe_subscription: Option<String>,
}

/// The area this module guards.
pub const AREA: &str = "billing";

/// M04 in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "billing",
    name: || texts::BillingTexts::now().module_name,
    // Admins see the plan, usage and invoices; only the owner changes the plan.
    permissions: &[crate::platform::ModulePermissions {
        module: AREA,
        view: crate::platform::WorkspaceRole::Admin,
        edit: crate::platform::WorkspaceRole::Admin,
        manage: crate::platform::WorkspaceRole::Owner,
    }],
    limits: &[],
    endpoints: api::ENDPOINTS,
    nav: &[
        crate::platform::NavEntry {
            href: "/billing",
            label: || texts::BillingTexts::now().nav,
            icon: "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM2 10h20M6 15h4",
            section: false,
            scope: crate::platform::NavScope::Workspace { area: AREA },
            order: 60,
        },
        crate::platform::NavEntry {
            href: "/admin/billing",
            label: || texts::BillingTexts::now().nav_admin,
            icon: "M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5zM9 12l2 2 4-4",
            section: false,
            scope: crate::platform::NavScope::PlatformAdmin,
            order: 90,
        },
    ],
    cards: &[crate::platform::Card {
        area: AREA,
        href: "/billing",
        title: || texts::BillingTexts::now().card_title,
        text: || texts::BillingTexts::now().card_text,
        goals: &[],
        order: 40,
    }],
    #[cfg(feature = "ssr")]
    texts: &[texts::BillingTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: store::indexes,
        scoped_collections: store::SCOPED_COLLECTIONS,
        jobs: &[],
        init: None,
        start: None,
        routes: Some(routes::routes),
        erase: None,
        watches: &[crate::platform::watch::Watch { collection: store::ACCOUNTS, changed: domain::account_changed }],
    },
};
