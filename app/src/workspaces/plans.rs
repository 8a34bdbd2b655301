//! Plans and their limits. The `plans` collection is filled by the admin command
//! `mewayz-server plans load FILE` (see `config/plans.json`); nothing about prices or limits
//! is a constant in the code. Limits are enforced here, on the server.

use futures_util::TryStreamExt;
use mongodb::bson::doc;
use serde::{Deserialize, Serialize};

use super::store::{WorkspaceDoc, PLANS};
use super::{PlanCatalog, PlanInfo, PlanLimit, LIMIT_KEYS};
use crate::error::AppError;
use crate::platform::{AppState, Db};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanDoc {
    #[serde(rename = "_id", alias = "id")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Orders the plans: a higher rank lifts limits.
    pub rank: i32,
    pub monthly_price: i64,
    pub yearly_price: i64,
    pub currency: String,
    /// Limit key → maximum; a missing key or `null` means no limit.
    #[serde(default)]
    pub limits: std::collections::BTreeMap<String, Option<i64>>,
    /// Stripe price ids (M04). Empty or missing: that interval cannot be bought. Set by a
    /// platform admin in the admin screen, or in the plan file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_price_monthly: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_price_yearly: Option<String>,
}

impl PlanDoc {
    pub fn limit(&self, key: &str) -> Option<i64> {
        self.limits.get(key).copied().flatten()
    }

    /// The Stripe price id for `interval` ("monthly" or "yearly"), if set.
    pub fn price_for(&self, interval: &str) -> Option<&str> {
        let p = if interval == "yearly" { &self.stripe_price_yearly } else { &self.stripe_price_monthly };
        p.as_deref().map(str::trim).filter(|p| !p.is_empty())
    }

    pub fn to_info(&self) -> PlanInfo {
        PlanInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            monthly_price: self.monthly_price,
            yearly_price: self.yearly_price,
            currency: self.currency.clone(),
            limits: LIMIT_KEYS
                .iter()
                .filter(|(k, _)| self.limits.contains_key(*k))
                .map(|(k, label)| PlanLimit { key: k.to_string(), label: label.to_string(), value: self.limit(k) })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct PlanFile {
    plans: Vec<PlanDoc>,
}

pub const NOT_LOADED: &str =
    "No plans are set up on this server yet. An administrator loads them with: mewayz-server plans load config/plans.json";

/// Checks a plan file and writes its plans (replacing plans of the same id). Returns the
/// plans as stored, cheapest first. Nothing is written when any plan is invalid.
pub async fn load_from_json(db: &Db, json: &str) -> Result<Vec<PlanDoc>, String> {
    let file: PlanFile = serde_json::from_str(json).map_err(|e| format!("the plan file is not valid: {e}"))?;
    if file.plans.is_empty() {
        return Err("the plan file lists no plans".into());
    }
    if !file.plans.iter().any(|p| p.id == "free") {
        return Err("the plan file needs a plan with id \"free\": new workspaces start on it".into());
    }
    for p in &file.plans {
        if p.id.trim().is_empty() || !p.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(format!("plan id {:?}: use lowercase letters, digits and _", p.id));
        }
        if p.name.trim().is_empty() {
            return Err(format!("plan {}: a name is needed", p.id));
        }
        if p.monthly_price < 0 || p.yearly_price < 0 {
            return Err(format!("plan {}: prices cannot be negative", p.id));
        }
        if p.currency.len() != 3 || !p.currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(format!("plan {}: currency must be an ISO code such as USD", p.id));
        }
        for (k, v) in &p.limits {
            if !LIMIT_KEYS.iter().any(|(key, _)| key == k) {
                return Err(format!("plan {}: unknown limit {k:?} (known: {})", p.id, LIMIT_KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")));
            }
            if matches!(v, Some(n) if *n < 0) {
                return Err(format!("plan {}: limit {k} cannot be negative (use null for no limit)", p.id));
            }
        }
        if file.plans.iter().filter(|o| o.id == p.id).count() > 1 {
            return Err(format!("plan {} is listed twice", p.id));
        }
    }
    let coll = db.collection::<PlanDoc>(PLANS);
    for p in &file.plans {
        coll.replace_one(doc! { "_id": &p.id }, p).upsert(true).await.map_err(|e| format!("could not write plan {}: {e}", p.id))?;
    }
    all(db).await.map_err(|e| e.to_string())
}

/// Every plan, cheapest first.
pub async fn all(db: &Db) -> Result<Vec<PlanDoc>, AppError> {
    Ok(db.collection::<PlanDoc>(PLANS).find(doc! {}).sort(doc! { "rank": 1 }).await?.try_collect().await?)
}

pub async fn find(db: &Db, id: &str) -> Result<Option<PlanDoc>, AppError> {
    Ok(db.collection::<PlanDoc>(PLANS).find_one(doc! { "_id": id }).await?)
}

/// Whether `plan` can be bought here for `interval`: Stripe is configured
/// (`STRIPE_SECRET_KEY`) and the plan has a Stripe price id for that interval.
pub fn payments_configured(state: &AppState, plan: &PlanDoc, interval: &str) -> bool {
    state.config.stripe.is_some() && plan.price_for(interval).is_some()
}

/// The catalog says payments are set up when Stripe is configured and some paid plan has a
/// price id.
pub async fn catalog(state: &AppState) -> Result<PlanCatalog, AppError> {
    let plans = all(&state.db).await?;
    let any = plans.iter().any(|p| p.monthly_price > 0 && (payments_configured(state, p, "monthly") || payments_configured(state, p, "yearly")));
    Ok(PlanCatalog { plans: plans.iter().map(PlanDoc::to_info).collect(), payments_configured: any })
}

/// The plan whose limits apply to `workspace` now, and its per-workspace limit overrides
/// (M04: complimentary plan, expired grace period → Free, admin overrides).
pub async fn effective(db: &Db, workspace: &WorkspaceDoc) -> Result<(Vec<PlanDoc>, PlanDoc, std::collections::BTreeMap<String, Option<i64>>), AppError> {
    let plans = all(db).await?;
    let account = crate::billing::store::account(db, &workspace.id).await?;
    let id = crate::billing::store::effective_plan_id(&workspace.plan, account.as_ref(), mongodb::bson::DateTime::now().timestamp_millis());
    let Some(current) = plans.iter().find(|p| p.id == id).or_else(|| plans.iter().find(|p| p.id == workspace.plan)).cloned() else {
        return Err(AppError::unavailable(NOT_LOADED));
    };
    Ok((plans, current, account.map(|a| a.overrides).unwrap_or_default()))
}

/// The effective limit of `key` for `workspace` (`None`: no limit).
pub async fn effective_limit(db: &Db, workspace: &WorkspaceDoc, key: &str) -> Result<Option<i64>, AppError> {
    let (_, plan, overrides) = effective(db, workspace).await?;
    Ok(overrides.get(key).copied().unwrap_or_else(|| plan.limit(key)))
}

/// How a limit is named in "You have reached the … limit".
fn limit_phrase(key: &str) -> &str {
    match key {
        "members" => "team members",
        "storage_mb" => "storage",
        "bio_pages" => "link-in-bio pages",
        "emails_per_month" => "monthly e-mail",
        "ai_tokens_per_month" => "monthly AI",
        "upload_mb" => "upload size",
        "short_links" => "short links",
        other => other,
    }
}

/// Refuses with "limit reached" when `workspace` would have `would_be` of `key`, more than
/// its *effective* plan allows (see [`effective`]; an admin's override wins). Names the
/// cheapest plan that allows it.
pub async fn check(db: &Db, workspace: &WorkspaceDoc, key: &str, would_be: i64) -> Result<(), AppError> {
    let (plans, current, overrides) = effective(db, workspace).await?;
    let limit = overrides.get(key).copied().unwrap_or_else(|| current.limit(key));
    match limit {
        Some(max) if would_be > max => {
            let upgrade_to = plans
                .iter()
                .filter(|p| p.rank > current.rank && p.limit(key).is_none_or(|m| would_be <= m))
                .min_by_key(|p| p.rank)
                .map(|p| p.name.clone());
            Err(AppError::LimitReached { limit: limit_phrase(key).to_string(), plan: current.name.clone(), upgrade_to })
        }
        _ => Ok(()),
    }
}
