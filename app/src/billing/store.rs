//! Stored documents of M04 and the rule for a workspace's effective plan.
//!
//! `billing_accounts` (one per workspace, `_id` = workspace id, scoped) holds the Stripe
//! customer and subscription, the grace period, a complimentary plan and limit overrides.
//! `billing_events` records each Stripe event id once (its `_id`), so an event takes effect
//! exactly once. `billing_coupons` and `platform_audit` are platform-level.

use std::collections::BTreeMap;

use mongodb::bson::{doc, DateTime};
use serde::{Deserialize, Serialize};

use super::status;
use crate::error::AppError;
use crate::platform::db::IndexSpec;
use crate::platform::Db;

pub const ACCOUNTS: &str = "billing_accounts";
pub const EVENTS: &str = "billing_events";
pub const COUPONS: &str = "billing_coupons";
pub const PLATFORM_AUDIT: &str = "platform_audit";

pub const SCOPED_COLLECTIONS: &[&str] = &[ACCOUNTS];

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::unique(ACCOUNTS, "account_per_workspace", doc! { "workspace_id": 1 }),
        IndexSpec::new(ACCOUNTS, "by_customer", doc! { "customer_id": 1 }),
        IndexSpec::new(ACCOUNTS, "by_subscription", doc! { "subscription_id": 1 }),
        IndexSpec::new(EVENTS, "by_received", doc! { "received_at": -1 }),
        IndexSpec::new(PLATFORM_AUDIT, "by_time", doc! { "at": -1 }),
    ]
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Stored state: free, active, grace, canceled (past_due and complimentary are derived).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub price_id: Option<String>,
    #[serde(default)]
    pub current_period_end: Option<DateTime>,
    #[serde(default)]
    pub cancel_at_period_end: bool,
    #[serde(default)]
    pub grace_ends_at: Option<DateTime>,
    #[serde(default)]
    pub complimentary_plan: Option<String>,
    #[serde(default)]
    pub complimentary_until: Option<DateTime>,
    /// Limit key → value (`None`: no limit), winning over any plan.
    #[serde(default)]
    pub overrides: BTreeMap<String, Option<i64>>,
}

impl AccountDoc {
    pub fn complimentary_active(&self, now_ms: i64) -> Option<&str> {
        match (&self.complimentary_plan, self.complimentary_until) {
            (Some(p), None) => Some(p),
            (Some(p), Some(until)) if until.timestamp_millis() > now_ms => Some(p),
            _ => None,
        }
    }

    pub fn grace_expired(&self, now_ms: i64) -> bool {
        self.status.as_deref() == Some("grace") && self.grace_ends_at.is_some_and(|g| g.timestamp_millis() <= now_ms)
    }
}

/// When the plan in force changes by the clock alone (a complimentary plan or a grace period
/// ends), if that is still ahead.
pub fn plan_changes_at(account: Option<&AccountDoc>, now_ms: i64) -> Option<i64> {
    let a = account?;
    let ends = [a.complimentary_until.filter(|_| a.complimentary_plan.is_some()), a.grace_ends_at.filter(|_| a.status.as_deref() == Some("grace"))];
    ends.into_iter().flatten().map(|t| t.timestamp_millis()).filter(|t| *t > now_ms).min()
}

/// The plan whose limits apply now. A complimentary plan wins; after an expired grace
/// period it is Free; otherwise the subscribed plan. Evaluated from stored timestamps on
/// every check, so nothing needs to run when a grace period ends.
pub fn effective_plan_id(subscribed: &str, account: Option<&AccountDoc>, now_ms: i64) -> String {
    match account {
        Some(a) => {
            if let Some(p) = a.complimentary_active(now_ms) {
                p.to_string()
            } else if a.grace_expired(now_ms) {
                "free".to_string()
            } else {
                subscribed.to_string()
            }
        }
        None => subscribed.to_string(),
    }
}

/// The status the billing page shows (one of [`status`]).
pub fn display_status(subscribed: &str, account: Option<&AccountDoc>, now_ms: i64) -> &'static str {
    let Some(a) = account else {
        return if subscribed == "free" { status::FREE } else { status::ACTIVE };
    };
    if a.complimentary_active(now_ms).is_some() {
        return status::COMPLIMENTARY;
    }
    match a.status.as_deref() {
        Some("grace") if a.grace_expired(now_ms) => status::PAST_DUE,
        Some("grace") => status::GRACE,
        Some("canceled") if subscribed == "free" => status::CANCELED,
        Some("active") if subscribed != "free" => status::ACTIVE,
        _ if subscribed == "free" => status::FREE,
        _ => status::ACTIVE,
    }
}

pub async fn account(db: &Db, workspace_id: &str) -> Result<Option<AccountDoc>, AppError> {
    Ok(db.global::<AccountDoc>(ACCOUNTS).find_one(doc! { "_id": workspace_id }).await?)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub kind: String,
    pub state: String,
    pub received_at: DateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CouponDoc {
    /// The code, which is also the Stripe coupon id.
    #[serde(rename = "_id")]
    pub code: String,
    pub percent_off: i64,
    #[serde(default)]
    pub duration_months: Option<i64>,
    pub created_at: DateTime,
    pub created_by: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlatformAuditDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub detail: String,
    pub at: DateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct() -> AccountDoc {
        AccountDoc { id: "w".into(), workspace_id: "w".into(), ..Default::default() }
    }

    #[test]
    fn effective_plan_rules() {
        let now = 1_000_000;
        assert_eq!(effective_plan_id("pro", None, now), "pro");
        let mut a = acct();
        a.status = Some("grace".into());
        a.grace_ends_at = Some(DateTime::from_millis(now + 1));
        assert_eq!(effective_plan_id("pro", Some(&a), now), "pro");
        assert_eq!(display_status("pro", Some(&a), now), status::GRACE);
        a.grace_ends_at = Some(DateTime::from_millis(now - 1));
        assert_eq!(effective_plan_id("pro", Some(&a), now), "free");
        assert_eq!(display_status("pro", Some(&a), now), status::PAST_DUE);
        a.complimentary_plan = Some("enterprise".into());
        assert_eq!(effective_plan_id("pro", Some(&a), now), "enterprise");
        a.complimentary_until = Some(DateTime::from_millis(now - 1));
        assert_eq!(effective_plan_id("pro", Some(&a), now), "free");
    }
}
