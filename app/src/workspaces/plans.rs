//! Plans and their limits. The `plans` collection is filled by the admin command
//! `mewayz-server plans load FILE` (see `config/plans.json`); nothing about prices or limits
//! is a constant in the code. Limits are enforced here, on the server.

use futures_util::TryStreamExt;
use mongodb::bson::doc;
use serde::{Deserialize, Serialize};

use super::store::{WorkspaceDoc, PLANS};
use super::{PlanCatalog, PlanInfo, PlanLimit};
use crate::error::AppError;
use crate::platform::scoped::Scoped;
use crate::platform::usage::{self, Reservation};
use crate::platform::{AppState, BoxFut, Ctx, Db, Limit, Registry};

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

    pub fn to_info(&self, registry: &Registry) -> PlanInfo {
        PlanInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            monthly_price: self.monthly_price,
            yearly_price: self.yearly_price,
            currency: self.currency.clone(),
            limits: registry
                .limits()
                .filter(|l| self.limits.contains_key(l.key))
                .map(|l| PlanLimit { key: l.key.to_string(), label: (l.label)().to_string(), value: self.limit(l.key) })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct PlanFile {
    plans: Vec<PlanDoc>,
}

/// The same message in English, for callers that have not moved to [`not_loaded`].
pub const NOT_LOADED: &str = super::texts::WorkspacesTexts::EN.plans_not_loaded;

/// "No plans are set up on this server yet…", in the current language.
pub fn not_loaded() -> &'static str {
    super::texts::WorkspacesTexts::now().plans_not_loaded
}

/// Checks a plan file against the modules' limits in `registry` and writes its plans
/// (replacing plans of the same id). Returns the plans as stored, cheapest first. Nothing is
/// written when any plan is invalid.
pub async fn load_from_json(db: &Db, registry: &Registry, json: &str) -> Result<Vec<PlanDoc>, String> {
    let file = check_plan_file(registry, json)?;
    let coll = db.global::<PlanDoc>(PLANS);
    for p in &file.plans {
        coll.replace_one(doc! { "_id": &p.id }, p).upsert(true).await.map_err(|e| format!("could not write plan {}: {e}", p.id))?;
    }
    all(db).await.map_err(|e| e.to_string())
}

/// Parses and checks a plan file: every limit key must belong to a registered module, and
/// every module's limit must be in every plan (`null` for no limit).
fn check_plan_file(registry: &Registry, json: &str) -> Result<PlanFile, String> {
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
            if registry.limit(k).is_none() {
                let known = registry.limits().map(|l| l.key).collect::<Vec<_>>().join(", ");
                return Err(format!("plan {}: unknown limit {k:?}: no module registers it (known: {known})", p.id));
            }
            if matches!(v, Some(n) if *n < 0) {
                return Err(format!("plan {}: limit {k} cannot be negative (use null for no limit)", p.id));
            }
        }
        for m in registry.modules {
            for l in m.limits {
                if !p.limits.contains_key(l.key) {
                    return Err(format!("plan {}: the {} module's limit {:?} is missing (give a number, or null for no limit)", p.id, m.key, l.key));
                }
            }
        }
        if file.plans.iter().filter(|o| o.id == p.id).count() > 1 {
            return Err(format!("plan {} is listed twice", p.id));
        }
    }
    Ok(file)
}

/// Every plan, cheapest first.
pub async fn all(db: &Db) -> Result<Vec<PlanDoc>, AppError> {
    Ok(db.global::<PlanDoc>(PLANS).find(doc! {}).sort(doc! { "rank": 1 }).await?.try_collect().await?)
}

pub async fn find(db: &Db, id: &str) -> Result<Option<PlanDoc>, AppError> {
    Ok(db.global::<PlanDoc>(PLANS).find_one(doc! { "_id": id }).await?)
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
    Ok(PlanCatalog { plans: plans.iter().map(|p| p.to_info(&state.registry)).collect(), payments_configured: any })
}

/// The plan whose limits apply to `workspace` now, and its per-workspace limit overrides
/// (M04: complimentary plan, expired grace period → Free, admin overrides).
pub async fn effective(db: &Db, workspace: &WorkspaceDoc) -> Result<(Vec<PlanDoc>, PlanDoc, std::collections::BTreeMap<String, Option<i64>>), AppError> {
    let plans = all(db).await?;
    let (id, overrides) = crate::billing::domain::plan_in_force(db, &workspace.id, &workspace.plan).await?;
    let Some(current) = plans.iter().find(|p| p.id == id).or_else(|| plans.iter().find(|p| p.id == workspace.plan)).cloned() else {
        return Err(AppError::unavailable(not_loaded()));
    };
    Ok((plans, current, overrides))
}

/// How a limit is named in "You have reached the … limit", from the module that owns it.
fn limit_phrase(key: &str) -> String {
    crate::REGISTRY.limit(key).map(|l| (l.phrase)().to_string()).unwrap_or_else(|| key.to_string())
}

/// Refuses with "limit reached" when the call's workspace would have `would_be` of `key`,
/// more than its *effective* plan allows (an admin's override wins). Names the cheapest plan
/// that allows it.
pub async fn check(ctx: &Ctx, key: &str, would_be: i64) -> Result<(), AppError> {
    let l = super::resolve::loaded(ctx).await?;
    let Some(current) = l.plan.as_ref() else { return Err(AppError::unavailable(not_loaded())) };
    match l.limit(key) {
        Some(max) if would_be > max => {
            let upgrade_to =
                l.plans.iter().filter(|p| p.rank > current.rank && p.limit(key).is_none_or(|m| would_be <= m)).min_by_key(|p| p.rank).map(|p| p.name.clone());
            Err(AppError::LimitReached { limit: limit_phrase(key), plan: current.name.clone(), upgrade_to })
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- the allowance after a drop
//
// When the effective plan drops (an expired grace period, a downgrade, a complimentary plan
// that ended, an administrator lowering an override), nothing is deleted. Of the records a
// countable limit counts, the oldest ones up to the limit stay editable; the rest are
// read-only until the workspace is within the limit again (it pays, or deletes down to the
// limit). Nothing is stored about this: it is worked out on every call, so no migration
// is needed either way.

/// A record counted against a limit: when it was created (ms since the epoch) and its id.
pub type Counted = (i64, String);

/// The ids of `records` beyond `limit`: the oldest `limit` records (by creation time, ties
/// by id) are within the allowance, every later one is not. No limit: none.
pub fn beyond_allowance(limit: Option<i64>, mut records: Vec<Counted>) -> Vec<String> {
    let Some(n) = limit else { return vec![] };
    records.sort();
    records.into_iter().skip(n.max(0) as usize).map(|(_, id)| id).collect()
}

/// Whether record `id` of `records` is within the allowance of `limit`.
pub fn within_allowance(limit: Option<i64>, records: Vec<Counted>, id: &str) -> bool {
    !beyond_allowance(limit, records).iter().any(|r| r == id)
}

/// One countable limit of a workspace as it applies now, and which of its records are
/// beyond it.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowance {
    pub key: String,
    /// The effective limit (`None`: no limit).
    pub limit: Option<i64>,
    /// How many records there are.
    pub used: i64,
    /// The name of the effective plan, e.g. "Free".
    pub plan: String,
    /// The cheapest higher plan that fits every record, unless an override decides the
    /// limit (then upgrading would not lift it).
    pub upgrade_to: Option<String>,
    /// The records beyond the limit, oldest first.
    pub read_only: Vec<String>,
}

impl Allowance {
    pub fn is_read_only(&self, id: &str) -> bool {
        self.read_only.iter().any(|r| r == id)
    }

    /// The refusal for changing a record beyond the allowance; `what` names the record
    /// ("page").
    pub fn error(&self, what: &str) -> AppError {
        AppError::ReadOnly {
            what: what.to_string(),
            limit: limit_phrase(&self.key),
            included: self.limit.unwrap_or(0),
            plan: self.plan.clone(),
            upgrade_to: self.upgrade_to.clone(),
        }
    }

    /// Why record `id` is read-only, as a sentence; `None` when it is editable.
    pub fn reason(&self, id: &str, what: &str) -> Option<String> {
        self.is_read_only(id).then(|| self.error(what).to_string())
    }
}

/// The allowance of `key` for the call's workspace, over `records` (every record the limit
/// counts). No plans loaded: nothing is limited.
pub async fn allowance(ctx: &Ctx, key: &str, records: Vec<Counted>) -> Result<Allowance, AppError> {
    Ok(allowance_in(&*super::resolve::loaded(ctx).await?, key, records))
}

/// The allowance of `key` for workspace `l`, over `records`.
pub fn allowance_in(l: &super::resolve::Loaded, key: &str, records: Vec<Counted>) -> Allowance {
    let used = records.len() as i64;
    let Some(current) = l.plan.as_ref() else {
        return Allowance { key: key.to_string(), limit: None, used, plan: String::new(), upgrade_to: None, read_only: vec![] };
    };
    let limit = l.limit(key);
    let upgrade_to = if l.overrides.contains_key(key) {
        None
    } else {
        l.plans.iter().filter(|p| p.rank > current.rank && p.limit(key).is_none_or(|m| used <= m)).min_by_key(|p| p.rank).map(|p| p.name.clone())
    };
    let read_only = beyond_allowance(limit, records);
    Allowance { key: key.to_string(), limit, used, plan: current.name.clone(), upgrade_to, read_only }
}

/// The team's seats as records: the owner always first, then members by the time they
/// joined (ties by id).
pub async fn seat_records(db: &Db, workspace_id: &str) -> Result<Vec<Counted>, AppError> {
    use super::store::{MemberDoc, MEMBERS};
    let members: Vec<MemberDoc> = Scoped::<MemberDoc>::of_workspace(db, MEMBERS, workspace_id).find(doc! {}, doc! { "_id": 1 }, 10_000).await?;
    Ok(members.into_iter().map(|m| (if m.role == super::WorkspaceRole::Owner { i64::MIN } else { m.joined_at.timestamp_millis() }, m.user_id)).collect())
}

/// The seats of the call's workspace as records, for the allowance.
pub fn seat_records_of(ctx: &Ctx) -> BoxFut<'_, Result<Vec<Counted>, AppError>> {
    Box::pin(async move { seat_records(ctx.db(), ctx.workspace_id()?).await })
}

/// Why a member beyond the seat allowance has view-only access, as a sentence.
pub fn seat_reason(seats: &Allowance) -> String {
    use crate::i18n::fill;
    let t = super::texts::WorkspacesTexts::now();
    let included = match seats.limit.unwrap_or(0) {
        1 => t.seat_one.to_string(),
        n => fill(t.seat_many, &[("n", &n)]),
    };
    match &seats.upgrade_to {
        Some(p) => fill(t.seat_reason_upgrade, &[("plan", &seats.plan), ("included", &included), ("upgrade", p)]),
        None => fill(t.seat_reason_room, &[("plan", &seats.plan), ("included", &included)]),
    }
}

// ---------------------------------------------------------------- storage

/// Counts `stored_bytes` against the call's workspace's storage (media files, the logo) before anything is stored, in one
/// conditional update: the use grows only while it stays within the effective storage
/// limit, so two uploads at once cannot both pass a check made on the same old figure.
pub async fn reserve_storage(ctx: &Ctx, stored_bytes: i64) -> Result<(), AppError> {
    if stored_bytes <= 0 {
        return Ok(());
    }
    let workspaces = super::store::workspaces(ctx.db());
    let id = ctx.workspace_id()?.to_string();
    let limit_mb = super::resolve::loaded(ctx).await?.limit(crate::media::STORAGE_LIMIT.key);
    for _ in 0..3 {
        let filter = match limit_mb {
            None => doc! { "_id": &id },
            Some(limit_mb) => {
                // Within the limit means mb_ceil(used + stored) <= limit, i.e. used <= room.
                let room = limit_mb.saturating_mul(MB).saturating_sub(stored_bytes);
                doc! { "_id": &id, "$or": [ { "storage_used_bytes": { "$lte": room } }, { "storage_used_bytes": { "$exists": false } } ] }
            }
        };
        if workspaces.update_one(filter, doc! { "$inc": { "storage_used_bytes": stored_bytes } }).await?.matched_count == 1 {
            super::resolve::forget_workspace(&ctx.state, &id);
            return Ok(());
        }
        // No room: name the limit and the plan that lifts it, from the figure as it is now.
        // If there is room after all (a deletion freed some), try again with that figure.
        let w = super::domain::load_workspace(ctx).await?;
        check(ctx, crate::media::STORAGE_LIMIT.key, (w.storage_used_bytes.max(0) + stored_bytes + MB - 1) / MB).await?;
    }
    Err(AppError::unavailable(super::texts::WorkspacesTexts::now().err_storage_busy))
}

/// Gives back `stored_bytes` of the call's workspace's storage (a file deleted, an upload
/// that failed after its room was taken).
pub async fn release_storage(ctx: &Ctx, stored_bytes: i64) -> Result<(), AppError> {
    if stored_bytes != 0 {
        super::store::workspaces(ctx.db()).update_one(doc! { "_id": ctx.workspace_id()? }, doc! { "$inc": { "storage_used_bytes": -stored_bytes } }).await?;
        super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    }
    Ok(())
}

/// A megabyte, as storage limits count it.
const MB: i64 = 1024 * 1024;

// ---------------------------------------------------------------- reserving room

/// Takes room for `n` more records of `limit` in the call's workspace, within its effective
/// plan (an admin's override wins), before they are written; refuses with "limit reached",
/// naming the cheapest plan that has room, when there is none. Keep the reservation once the
/// records are written; dropped on an error, the room is given back.
pub async fn reserve(ctx: &Ctx, limit: &'static Limit, n: i64) -> Result<Reservation, AppError> {
    let l = super::resolve::loaded(ctx).await?;
    // No plans loaded: refused with the plain "no plans are set up" (as `check` does).
    if l.plan.is_none() {
        return Err(AppError::unavailable(not_loaded()));
    }
    let max = l.limit(limit.key);
    match usage::reserve(ctx, limit, n, max).await? {
        Some(r) => Ok(r),
        None => {
            let used = usage::used(ctx, limit).await?;
            // The refusal names the limit, the plan and the cheapest plan with room.
            match check(ctx, limit.key, used.max(max.unwrap_or(0)) + n).await {
                Err(e) => Err(e),
                Ok(()) => Err(AppError::LimitReached { limit: (limit.phrase)().to_string(), plan: String::new(), upgrade_to: None }),
            }
        }
    }
}

/// The effective limit of `key` for workspace `workspace_id`, outside a signed-in call (a
/// visitor's submission): `None` for no limit. An unknown workspace has none left.
pub async fn limit_of(state: &AppState, workspace_id: &str, key: &str) -> Result<Option<i64>, AppError> {
    match super::resolve::load(state, workspace_id).await? {
        Some(l) => Ok(l.limit(key)),
        None => Ok(Some(0)),
    }
}

/// Gives back the room of `n` records of `limit` that a delete removed.
pub async fn release(ctx: &Ctx, limit: &'static Limit, n: u64) -> Result<(), AppError> {
    usage::release(ctx, limit, n as i64).await
}

/// Seats as the reservation counter counts them: members, and invitations still pending
/// whose seat was not given back (see [`expire_invitations`]).
pub fn count_seats(ctx: &Ctx) -> BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move {
        let members = ctx.scoped::<mongodb::bson::Document>(super::store::MEMBERS)?.count(doc! {}).await?;
        let pending =
            ctx.scoped::<mongodb::bson::Document>(super::store::INVITATIONS)?.count(doc! { "status": "pending", "seat_released": { "$ne": true } }).await?;
        Ok((members + pending) as i64)
    })
}

/// Gives back the seats of pending invitations that expired, each once (a guarded update
/// marks it), and answers how many.
pub fn expire_invitations(ctx: &Ctx) -> BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move {
        let invitations = ctx.scoped::<mongodb::bson::Document>(super::store::INVITATIONS)?;
        let now = mongodb::bson::DateTime::now();
        let stale = invitations
            .find_projected(
                doc! { "status": "pending", "seat_released": { "$ne": true }, "expires_at": { "$lte": now } },
                doc! { "_id": 1 },
                doc! { "_id": 1 },
                1000,
            )
            .await?;
        let mut freed = 0;
        for d in stale {
            let Some(id) = d.get("_id") else { continue };
            if invitations.update_one(doc! { "_id": id, "seat_released": { "$ne": true } }, doc! { "$set": { "seat_released": true } }).await? == 1 {
                freed += 1;
            }
        }
        release(ctx, &super::MEMBERS_LIMIT, freed as u64).await?;
        Ok(freed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(list: &[(i64, &str)]) -> Vec<Counted> {
        list.iter().map(|(t, id)| (*t, id.to_string())).collect()
    }

    #[test]
    fn the_oldest_records_stay_within_the_allowance() {
        let r = recs(&[(30, "c"), (10, "a"), (20, "b")]);
        assert_eq!(beyond_allowance(Some(1), r.clone()), vec!["b", "c"]);
        assert_eq!(beyond_allowance(Some(2), r.clone()), vec!["c"]);
        assert!(beyond_allowance(Some(3), r.clone()).is_empty());
        assert!(beyond_allowance(Some(10), r.clone()).is_empty());
        assert!(beyond_allowance(None, r.clone()).is_empty(), "no limit: everything editable");
        assert_eq!(beyond_allowance(Some(0), r.clone()), vec!["a", "b", "c"]);
        assert_eq!(beyond_allowance(Some(-1), r.clone()), vec!["a", "b", "c"]);
        assert!(within_allowance(Some(1), r.clone(), "a"));
        assert!(!within_allowance(Some(1), r.clone(), "b"));
        assert!(within_allowance(Some(1), r, "not-counted"));
    }

    #[test]
    fn ties_in_time_are_decided_by_id_and_the_owner_counts_first() {
        let r = recs(&[(10, "z"), (10, "m"), (5, "late-id-early-time")]);
        assert_eq!(beyond_allowance(Some(2), r), vec!["z"]);
        // Seat records put the owner at i64::MIN, whenever they joined.
        let seats = recs(&[(100, "first-member"), (i64::MIN, "owner"), (200, "second-member")]);
        assert_eq!(beyond_allowance(Some(2), seats.clone()), vec!["second-member"]);
        assert_eq!(beyond_allowance(Some(1), seats), vec!["first-member", "second-member"]);
    }

    #[test]
    fn refusals_name_the_limit_and_the_plan() {
        let a = Allowance {
            key: "bio_pages".into(),
            limit: Some(1),
            used: 3,
            plan: "Free".into(),
            upgrade_to: Some("Pro".into()),
            read_only: vec!["b".into(), "c".into()],
        };
        assert_eq!(a.reason("b", "page").unwrap(), "This page is read-only: the Free plan includes 1 link-in-bio page. Upgrade to Pro to edit it.");
        assert_eq!(a.reason("a", "page"), None);
        let seats =
            Allowance { key: "members".into(), limit: Some(2), used: 3, plan: "Free".into(), upgrade_to: Some("Pro".into()), read_only: vec!["u3".into()] };
        assert_eq!(seat_reason(&seats), "Your access to this workspace is view-only: its Free plan includes 2 team members, and you joined after them. Full access comes back when the workspace upgrades to Pro or makes room.");
    }

    #[test]
    fn the_plan_file_is_checked_against_the_modules_limits() {
        let registry = &crate::REGISTRY;
        let shipped = include_str!("../../../config/plans.json");
        assert!(check_plan_file(registry, shipped).is_ok(), "config/plans.json matches the registry");
        let mut file: serde_json::Value = serde_json::from_str(shipped).unwrap();
        file["plans"][1]["limits"]["sites_typo"] = serde_json::json!(3);
        let e = check_plan_file(registry, &file.to_string()).err().unwrap();
        assert!(e.contains("plan pro") && e.contains("\"sites_typo\"") && e.contains("no module registers it"), "{e}");
        let mut file: serde_json::Value = serde_json::from_str(shipped).unwrap();
        file["plans"][0]["limits"].as_object_mut().unwrap().remove("short_links");
        let e = check_plan_file(registry, &file.to_string()).err().unwrap();
        assert!(e.contains("plan free") && e.contains("shortlinks") && e.contains("\"short_links\""), "{e}");
    }
}
