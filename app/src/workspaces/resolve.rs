//! Who a caller is in a workspace, at the cost of no database round trip in the common case:
//! members' roles, workspaces with their plan in force, and the seat allowance are kept in
//! memory on each replica and forgotten when the change stream reports a change to them
//! (through any replica), and at once on the replica that made it. See
//! [`crate::platform::cache`] for when an entry is trusted.
//!
//! The workspace and its plan, loaded once with the call's membership, ride on the `Ctx`:
//! domain functions read them with [`loaded`] instead of reading them again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mongodb::bson::doc;

use super::plans::{self, Allowance, PlanDoc};
use super::store::{self, MemberDoc, WorkspaceDoc, MEMBERS};
use super::WorkspaceRole;
use crate::error::AppError;
use crate::platform::cache::Cache;
use crate::platform::watch::{Change, Op};
use crate::platform::{AppState, BoxFut, Ctx, Membership};

/// A workspace as a call sees it: the document and the plan whose limits apply now.
#[derive(Debug)]
pub struct Loaded {
    pub workspace: WorkspaceDoc,
    /// Every plan, by rank (empty when none are loaded).
    pub plans: Vec<PlanDoc>,
    /// The plan in force (`None` when no plans are loaded).
    pub plan: Option<PlanDoc>,
    /// An administrator's limit overrides for this workspace.
    pub overrides: BTreeMap<String, Option<i64>>,
    /// When the plan in force changes by the clock alone (a grace period or a complimentary
    /// plan ends), in ms since the epoch: not trusted from then on.
    pub changes_at: Option<i64>,
}

impl Loaded {
    /// The effective limit of `key` (`None`: no limit, or no plans loaded).
    pub fn limit(&self, key: &str) -> Option<i64> {
        self.overrides.get(key).copied().unwrap_or_else(|| self.plan.as_ref().and_then(|p| p.limit(key)))
    }
}

const TTL: Duration = Duration::from_secs(300);
const MAX: usize = 50_000;

/// What this module keeps in memory about callers and workspaces.
pub struct Caches {
    /// (workspace id, user id) → (member document id, stored role).
    members: Cache<(String, String), (String, WorkspaceRole)>,
    workspaces: Cache<String, Arc<Loaded>>,
    plans: Cache<(), Arc<Vec<PlanDoc>>>,
    /// Workspace id → its seat allowance under the plan it was worked out for.
    seats: Cache<String, (Arc<Loaded>, Arc<Allowance>)>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches { members: Cache::new(TTL, MAX), workspaces: Cache::new(TTL, MAX), plans: Cache::new(TTL, 1), seats: Cache::new(TTL, MAX) }
    }
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("workspaces::Caches")
    }
}

fn caches(state: &AppState) -> &Caches {
    state.ext::<Caches>()
}

/// Forgets what this replica keeps about workspace `workspace_id` (its document, plan,
/// members and seats). Called after every change this module makes to them, and by other
/// modules whose records decide the plan in force (billing).
pub fn forget_workspace(state: &AppState, workspace_id: &str) {
    let c = caches(state);
    c.workspaces.forget(workspace_id);
    c.seats.forget(workspace_id);
    c.members.forget_where(|(ws, _), _| ws == workspace_id);
}

/// A change to the members collection.
pub fn member_changed(state: &AppState, change: &Change<'_>) {
    let c = caches(state);
    match (change.op, change.inserted.and_then(|d| d.get_str("workspace_id").ok())) {
        (Op::Insert, Some(ws)) => {
            c.seats.forget(ws);
            if let Ok(user) = change.inserted.unwrap_or(&doc! {}).get_str("user_id") {
                c.members.forget(&(ws.to_string(), user.to_string()));
            }
        }
        _ => {
            // Which workspace a removed or changed member belonged to is not in the event:
            // forget that member wherever it is kept, and every seat allowance.
            match change.id_str() {
                Some(id) if change.op != Op::Other => c.members.forget_where(|_, (member_id, _)| member_id == id),
                _ => c.members.clear(),
            }
            c.seats.clear();
        }
    }
}

/// A change to the workspaces collection.
pub fn workspace_changed(state: &AppState, change: &Change<'_>) {
    match change.id_str() {
        Some(id) if change.op != Op::Other => forget_workspace(state, id),
        _ => forget_all(state),
    }
}

/// A change to the plans: every workspace's plan may differ.
pub fn plans_changed(state: &AppState, _change: &Change<'_>) {
    forget_all(state);
}

/// Forgets every workspace and plan kept in memory (the plans changed).
pub fn forget_all(state: &AppState) {
    let c = caches(state);
    c.workspaces.clear();
    c.plans.clear();
    c.seats.clear();
}

async fn all_plans(state: &AppState) -> Result<Arc<Vec<PlanDoc>>, AppError> {
    let c = caches(state);
    if let Some(p) = c.plans.get(&state.watcher, &()) {
        return Ok(p);
    }
    let ticket = c.plans.ticket(&state.watcher);
    let all = Arc::new(plans::all(&state.db).await?);
    c.plans.put(ticket, (), all.clone());
    Ok(all)
}

/// Workspace `workspace_id` with its plan in force, from memory when it can be trusted.
pub async fn load(state: &AppState, workspace_id: &str) -> Result<Option<Arc<Loaded>>, AppError> {
    let c = caches(state);
    if let Some(l) = c.workspaces.get(&state.watcher, workspace_id) {
        if l.changes_at.is_none_or(|t| mongodb::bson::DateTime::now().timestamp_millis() < t) {
            return Ok(Some(l));
        }
    }
    let ticket = c.workspaces.ticket(&state.watcher);
    let Some(workspace) = store::workspaces(&state.db).find_one(doc! { "_id": workspace_id }).await? else { return Ok(None) };
    let plans = all_plans(state).await?;
    let (id, overrides, changes_at) = crate::billing::domain::plan_in_force_until(&state.db, &workspace.id, &workspace.plan).await?;
    let plan = plans.iter().find(|p| p.id == id).or_else(|| plans.iter().find(|p| p.id == workspace.plan)).cloned();
    let loaded = Arc::new(Loaded { workspace, plans: plans.as_ref().clone(), plan, overrides, changes_at });
    c.workspaces.put(ticket, workspace_id.to_string(), loaded.clone());
    Ok(Some(loaded))
}

/// The call's workspace with its plan in force: the one loaded with the call's membership.
pub async fn loaded(ctx: &Ctx) -> Result<Arc<Loaded>, AppError> {
    let m = ctx.membership()?;
    if let Some(l) = m.loaded.as_ref().and_then(|l| l.clone().downcast::<Loaded>().ok()) {
        return Ok(l);
    }
    load(&ctx.state, &m.workspace_id).await?.ok_or_else(|| AppError::not_found(super::texts::WorkspacesTexts::now().nf_workspace))
}

async fn member_role(state: &AppState, workspace_id: &str, user_id: &str) -> Result<Option<WorkspaceRole>, AppError> {
    if workspace_id.is_empty() || workspace_id.len() > 64 {
        return Ok(None);
    }
    let c = caches(state);
    let key = (workspace_id.to_string(), user_id.to_string());
    if let Some((_, role)) = c.members.get(&state.watcher, &key) {
        return Ok(Some(role));
    }
    let ticket = c.members.ticket(&state.watcher);
    let found = state.global::<MemberDoc>(MEMBERS).find_one(doc! { "workspace_id": workspace_id, "user_id": user_id }).await?;
    Ok(found.map(|m| {
        c.members.put(ticket, key, (m.id, m.role));
        m.role
    }))
}

/// The seat allowance of `l` (which members act as viewers because they joined after the
/// plan's seats were taken), from memory when it can be trusted.
async fn seats(state: &AppState, l: &Arc<Loaded>) -> Result<Arc<Allowance>, AppError> {
    let c = caches(state);
    if let Some((under, s)) = c.seats.get(&state.watcher, l.workspace.id.as_str()) {
        if Arc::ptr_eq(&under, l) {
            return Ok(s);
        }
    }
    let ticket = c.seats.ticket(&state.watcher);
    let records = plans::seat_records(&state.db, &l.workspace.id).await?;
    let a = Arc::new(plans::allowance_in(l, super::MEMBERS_LIMIT.key, records));
    c.seats.put(ticket, l.workspace.id.clone(), (l.clone(), a.clone()));
    Ok(a)
}

/// The caller's membership in `workspace_id` (for the platform's `Ctx`): their stored role,
/// lowered to viewer while they hold a seat beyond the plan's seat limit, with the
/// workspace and its plan loaded for the call.
pub fn resolve_member<'a>(ctx: &'a Ctx, workspace_id: &'a str) -> BoxFut<'a, Result<Option<Membership>, AppError>> {
    Box::pin(async move {
        let state = &ctx.state;
        let Some(role) = member_role(state, workspace_id, &ctx.user_id).await? else { return Ok(None) };
        let Some(l) = load(state, workspace_id).await? else { return Ok(None) };
        let mut acting = (role, None);
        // The owner is always within the seats; a viewer has nothing to lose.
        if role != WorkspaceRole::Owner && role != WorkspaceRole::Viewer && l.limit(super::MEMBERS_LIMIT.key).is_some() {
            let seats = seats(state, &l).await?;
            if seats.is_read_only(&ctx.user_id) {
                acting = (WorkspaceRole::Viewer, Some(plans::seat_reason(&seats)));
            }
        }
        let loaded: Arc<dyn std::any::Any + Send + Sync> = l;
        Ok(Some(Membership { workspace_id: workspace_id.to_string(), role: acting.0, seat_limited: acting.1, loaded: Some(loaded) }))
    })
}
