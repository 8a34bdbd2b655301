//! M02 and M03 rules. Functions about one workspace take a [`Ctx`] resolved by
//! `require_member`, check the permission table first, and reach workspace data only
//! through `ctx.scoped(..)`. Functions about the person (their list, creating a workspace,
//! answering an invitation) take a plain signed-in `Ctx`.

use std::str::FromStr;
use std::time::Duration;

use mongodb::bson::{doc, Binary, DateTime, Document};

use super::plans;
use super::store::{self, AuditDoc, InvitationDoc, LogoDoc, MemberDoc, WorkspaceDoc, AUDIT, INVITATIONS, LOGOS, MEMBERS};
use super::texts::WorkspacesTexts;
use super::{
    Action, AuditEntry, InvitationPreview, Joined, MemberInfo, PendingInvitation, PlanCatalog, RoleText, SetupState, StartChecklist, StartStep,
    WorkspaceDetail, WorkspaceRole, WorkspaceSummary, CURRENCIES, GOALS, KINDS,
};
use crate::accounts::people::{self, Person};
use crate::error::{AppError, FieldError};
use crate::i18n::fill;
use crate::platform::db::{internal, is_duplicate_key};
use crate::platform::mail::{self, action_email};
use crate::platform::module_server::enqueue_in;
use crate::platform::rate_limit::{self, Limit};
use crate::platform::scoped::Scoped;
use crate::platform::tx::Tries;
use crate::platform::{crypto, AppState, Ctx, Job, RequestMeta};
use crate::validate;

pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);
pub const LOGO_MAX_BYTES: usize = 512 * 1024;
pub const DEFAULT_BRAND_COLOR: &str = "#3149c9";
pub const CREATE_PER_USER: Limit = Limit { name: "workspace_create", max: 20, window: Duration::from_secs(60 * 60) };
pub const INVITES_PER_WORKSPACE: Limit = Limit { name: "invite_send", max: 50, window: Duration::from_secs(60 * 60) };
/// Opening invitation links: generous, since a whole office may share one address.
pub const INVITE_PREVIEW_PER_IP: Limit = Limit { name: "invite_preview_ip", max: 120, window: Duration::from_secs(15 * 60) };

/// Words a workspace address may not be, because they name parts of Mewayz itself.
const RESERVED_SLUGS: &[&str] = &[
    "api", "app", "admin", "www", "mail", "help", "support", "status", "login", "signup", "account", "setup", "invite", "settings", "team", "static", "assets",
    "public", "metrics", "health", "ready", "auth", "mewayz", "billing", "logos", "exports",
];

fn now() -> DateTime {
    DateTime::now()
}

fn after(d: Duration) -> DateTime {
    DateTime::from_millis(DateTime::now().timestamp_millis() + d.as_millis() as i64)
}

// ---------------------------------------------------------------- helpers

pub(crate) async fn load_workspace(ctx: &Ctx) -> Result<WorkspaceDoc, AppError> {
    let id = ctx.workspace_id()?;
    store::workspaces(ctx.db()).find_one(doc! { "_id": id }).await?.ok_or_else(|| AppError::not_found(WorkspacesTexts::now().nf_workspace))
}

async fn user(ctx_state: &AppState, user_id: &str) -> Result<Option<Person>, AppError> {
    people::by_id(ctx_state, user_id).await
}

async fn user_name(state: &AppState, user_id: &str) -> String {
    match user(state, user_id).await {
        Ok(Some(u)) => u.name,
        _ => WorkspacesTexts::now().former_member.to_string(),
    }
}

/// Writes an audit entry for this workspace. A failure is logged; the change it records
/// has already happened and is not undone.
pub(crate) async fn audit(ctx: &Ctx, action: &str, detail: String) {
    let Ok(scoped) = ctx.scoped::<AuditDoc>(AUDIT) else { return };
    let entry = AuditDoc {
        id: format!("{:013x}{}", now().timestamp_millis(), &crypto::new_id()[..12]),
        workspace_id: scoped.workspace_id().to_string(),
        actor_id: ctx.user_id.clone(),
        actor_name: user_name(&ctx.state, &ctx.user_id).await,
        action: action.to_string(),
        detail,
        at: now(),
    };
    if let Err(e) = scoped.insert_one(&entry).await {
        tracing::warn!(error = %e, action, "could not write audit entry");
    }
}

fn logo_url(w: &WorkspaceDoc) -> Option<String> {
    w.logo_version.map(|v| format!("/logos/{}?v={v}", w.id))
}

async fn detail(ctx: &Ctx, w: &WorkspaceDoc) -> Result<WorkspaceDetail, AppError> {
    let plan_name = plans::find(ctx.db(), &w.plan).await?.map(|p| p.name).unwrap_or_else(|| w.plan.clone());
    let member_count = ctx.scoped::<MemberDoc>(MEMBERS)?.count(doc! {}).await? as u32;
    Ok(WorkspaceDetail {
        id: w.id.clone(),
        name: w.name.clone(),
        slug: w.slug.clone(),
        kind: w.kind.clone(),
        brand_color: w.brand_color.clone(),
        time_zone: w.time_zone.clone(),
        currency: w.currency.clone(),
        logo_url: logo_url(w),
        plan: w.plan.clone(),
        plan_name,
        billing_interval: w.billing_interval.clone(),
        role: ctx.workspace_role()?,
        owner_name: user_name(&ctx.state, &w.owner_id).await,
        member_count,
        storage_used_bytes: w.storage_used_bytes,
        setup: w.setup.clone(),
        version: w.version,
    })
}

fn summary(w: &WorkspaceDoc, role: WorkspaceRole, view_only_reason: Option<String>) -> WorkspaceSummary {
    WorkspaceSummary { id: w.id.clone(), name: w.name.clone(), slug: w.slug.clone(), role, setup_done: w.setup.completed, view_only_reason }
}

/// `my-shop` from "My Shop!". Empty when nothing usable is left.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut s: String = out.trim_matches('-').chars().take(40).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

/// The rule for a workspace's address (`mewayz.app/<slug>` on public pages).
pub fn check_slug(slug: &str) -> Option<FieldError> {
    let t = WorkspacesTexts::now();
    let msg = if slug.len() < 3 || slug.len() > 40 {
        Some(t.err_slug_length)
    } else if !slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        Some(t.err_slug_chars)
    } else if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        Some(t.err_slug_hyphens)
    } else if RESERVED_SLUGS.contains(&slug) {
        Some(t.err_slug_reserved)
    } else {
        None
    };
    msg.map(|m| FieldError { field: "slug".into(), message: m.into() })
}

fn check_name(name: &str) -> Option<FieldError> {
    validate::required_text("name", WorkspacesTexts::now().err_name_what, name, 60)
}

fn check_kind(kind: &str) -> Option<FieldError> {
    (!KINDS.contains(&kind)).then(|| FieldError { field: "kind".into(), message: WorkspacesTexts::now().err_kind.into() })
}

fn check_color(color: &str) -> Option<FieldError> {
    let ok = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    (!ok).then(|| FieldError { field: "brand_color".into(), message: WorkspacesTexts::now().err_color.into() })
}

fn check_role(field: &str, role: &str) -> Result<WorkspaceRole, AppError> {
    match WorkspaceRole::parse(role) {
        Some(r) if r != WorkspaceRole::Owner => Ok(r),
        Some(_) => Err(AppError::field(field, WorkspacesTexts::now().err_role_owner)),
        None => Err(AppError::field(field, WorkspacesTexts::now().err_role_unknown)),
    }
}

// ---------------------------------------------------------------- the person's workspaces

pub async fn list_workspaces(ctx: &Ctx) -> Result<Vec<WorkspaceSummary>, AppError> {
    use futures_util::TryStreamExt;
    let members = store::memberships_of(ctx.db(), &ctx.user_id).await?;
    let ids: Vec<&str> = members.iter().map(|m| m.workspace_id.as_str()).collect();
    let docs: Vec<WorkspaceDoc> = store::workspaces(ctx.db()).find(doc! { "_id": { "$in": ids } }).sort(doc! { "name": 1 }).await?.try_collect().await?;
    let mut out = Vec::with_capacity(docs.len());
    for w in &docs {
        if let Some(m) = members.iter().find(|m| m.workspace_id == w.id) {
            // The role that applies now: a seat beyond the plan's limit is view-only.
            let (role, why) = match super::resolve::resolve_member(ctx, &w.id).await? {
                Some(now) => (now.role, now.seat_limited),
                None => (m.role, None),
            };
            out.push(summary(w, role, why));
        }
    }
    Ok(out)
}

/// Step 1 of the wizard for a new workspace: creates it with the caller as its owner.
pub async fn create_workspace(ctx: &Ctx, name: String, kind: String) -> Result<WorkspaceDetail, AppError> {
    let name = name.trim().to_string();
    AppError::check_fields([check_name(&name), check_kind(kind.trim())].into_iter().flatten().collect())?;
    rate_limit::hit(ctx.db(), CREATE_PER_USER, &ctx.user_id).await?;
    let me = user(&ctx.state, &ctx.user_id).await?.ok_or(AppError::Unauthenticated)?;
    let base = match slugify(&name) {
        s if s.len() >= 3 && check_slug(&s).is_none() => s,
        s if s.is_empty() => "workspace".to_string(),
        s => format!("{s}-workspace"),
    };
    let id = crypto::new_id();
    let mut w = WorkspaceDoc {
        id: id.clone(),
        name,
        slug: base.clone(),
        kind: kind.trim().to_string(),
        brand_color: DEFAULT_BRAND_COLOR.into(),
        time_zone: me.time_zone.clone(),
        currency: "USD".into(),
        owner_id: ctx.user_id.clone(),
        plan: "free".into(),
        billing_interval: "monthly".into(),
        logo_version: None,
        storage_used_bytes: 0,
        setup: SetupState { step: 2, reached: 2, goals: vec![], completed: false },
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    // The owner's membership is written first. If the database fails between the two
    // writes, what is left is a membership of a workspace that does not exist, which no
    // list shows and nothing counts; the other order would leave a workspace nobody can
    // reach, holding its address for ever.
    let member = MemberDoc { id: crypto::new_id(), workspace_id: id.clone(), user_id: ctx.user_id.clone(), role: WorkspaceRole::Owner, joined_at: now() };
    let members = Scoped::<MemberDoc>::of_workspace(ctx.db(), MEMBERS, &id);
    members.insert_one(&member).await?;
    // Find a free address: my-shop, my-shop-2, … then a random suffix.
    let mut attempt = 1;
    loop {
        match store::workspaces(ctx.db()).insert_one(&w).await {
            Ok(_) => break,
            Err(e) if is_duplicate_key(&e) && attempt < 12 => {
                attempt += 1;
                let suffix = if attempt < 10 { attempt.to_string() } else { crypto::new_id()[..6].to_lowercase() };
                let trimmed: String = base.chars().take(40 - suffix.len() - 1).collect();
                w.slug = format!("{}-{suffix}", trimmed.trim_end_matches('-'));
            }
            Err(e) => {
                let _ = members.delete_one(doc! { "_id": &member.id }).await;
                return Err(e.into());
            }
        }
    }
    let mut ctx = ctx.clone();
    crate::platform::enter_workspace(&mut ctx, &id).await?;
    let text = fill(WorkspacesTexts::now().audit_created, &[("name", &w.name)]);
    audit(&ctx, "workspace_created", text).await;
    detail(&ctx, &w).await
}

// ---------------------------------------------------------------- settings

pub async fn get_workspace(ctx: &Ctx) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::View)?;
    let w = load_workspace(ctx).await?;
    detail(ctx, &w).await
}

/// The settings form. `version` is the one the form was loaded with: if someone saved in
/// between, nothing is written and the current settings come back in the conflict.
#[allow(clippy::too_many_arguments)]
pub async fn update_workspace(
    ctx: &Ctx,
    name: String,
    slug: String,
    brand_color: String,
    time_zone: String,
    currency: String,
    version: i64,
) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Edit)?;
    let name = name.trim().to_string();
    let slug = slug.trim().to_lowercase();
    let brand_color = brand_color.trim().to_lowercase();
    let time_zone = time_zone.trim().to_string();
    let currency = currency.trim().to_uppercase();
    let mut fields: Vec<FieldError> = [check_name(&name), check_slug(&slug), check_color(&brand_color)].into_iter().flatten().collect();
    if chrono_tz::Tz::from_str(&time_zone).is_err() {
        fields.push(FieldError { field: "time_zone".into(), message: WorkspacesTexts::now().err_time_zone.into() });
    }
    if !CURRENCIES.contains(&currency.as_str()) {
        fields.push(FieldError { field: "currency".into(), message: WorkspacesTexts::now().err_currency.into() });
    }
    AppError::check_fields(fields)?;
    let before = load_workspace(ctx).await?;
    let id = ctx.workspace_id()?.to_string();
    let result = store::workspaces(ctx.db())
        .update_one(
            doc! { "_id": &id, "version": version },
            doc! {
                "$set": { "name": &name, "slug": &slug, "brand_color": &brand_color, "time_zone": &time_zone, "currency": &currency, "updated_at": now() },
                "$inc": { "version": 1_i64 },
            },
        )
        .await;
    super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    match result {
        Ok(r) if r.matched_count == 1 => {}
        Ok(_) => {
            let current = detail(ctx, &before).await?;
            return Err(AppError::Conflict { current: serde_json::to_value(current).map_err(|e| internal("conflict copy", &e))? });
        }
        Err(e) if is_duplicate_key(&e) => return Err(AppError::field("slug", WorkspacesTexts::now().err_slug_taken)),
        Err(e) => return Err(e.into()),
    }
    let t = WorkspacesTexts::now();
    let mut changes = vec![];
    for (text, from, to) in [
        (t.audit_change_name, &before.name, &name),
        (t.audit_change_slug, &before.slug, &slug),
        (t.audit_change_color, &before.brand_color, &brand_color),
        (t.audit_change_time_zone, &before.time_zone, &time_zone),
        (t.audit_change_currency, &before.currency, &currency),
    ] {
        if from != to {
            changes.push(fill(text, &[("from", from), ("to", to)]));
        }
    }
    if !changes.is_empty() {
        let text = fill(t.audit_changed, &[("changes", &changes.join(", "))]);
        audit(ctx, "settings_changed", text).await;
    }
    get_workspace(ctx).await
}

/// The image type of `bytes`, from its first bytes (never from what the browser claimed).
fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else {
        None
    }
}

/// Stores a new logo from a `data:` URL (what the browser's file reader produces).
pub async fn set_logo(ctx: &Ctx, data_url: String) -> Result<WorkspaceDetail, AppError> {
    use base64::Engine as _;
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Edit)?;
    let bad = || AppError::field("logo", WorkspacesTexts::now().err_logo_type);
    let b64 = data_url.trim().split_once(";base64,").map(|(_, b)| b).ok_or_else(bad)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| bad())?;
    if bytes.is_empty() {
        return Err(bad());
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(AppError::field(
            "logo",
            fill(WorkspacesTexts::now().err_logo_size, &[("size", &bytes.len().div_ceil(1024)), ("max", &(LOGO_MAX_BYTES / 1024))]),
        ));
    }
    let content_type = sniff_image(&bytes).ok_or_else(bad)?;
    let w = load_workspace(ctx).await?;
    let logos = ctx.scoped::<LogoDoc>(LOGOS)?;
    let old_size = logos.find_one(doc! {}).await?.map(|l| l.data.bytes.len() as i64).unwrap_or(0);
    let version = now().timestamp_millis();
    let size = bytes.len() as i64;
    // A larger logo takes its extra room before it is written (as media uploads do); a
    // smaller one gives room back once written.
    let extra = (size - old_size).max(0);
    plans::reserve_storage(ctx, extra).await?;
    let written = async {
        logos.delete_many(doc! {}).await?;
        logos
            .insert_one(&LogoDoc {
                id: crypto::new_id(),
                workspace_id: w.id.clone(),
                content_type: content_type.into(),
                data: Binary { subtype: mongodb::bson::spec::BinarySubtype::Generic, bytes },
                version,
            })
            .await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(e) = written {
        // The room taken for it goes back.
        let _ = plans::release_storage(ctx, extra).await;
        return Err(e);
    }
    store::workspaces(ctx.db())
        .update_one(doc! { "_id": &w.id }, doc! { "$set": { "logo_version": version, "updated_at": now() }, "$inc": { "version": 1_i64 } })
        .await?;
    super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    if size < old_size {
        plans::release_storage(ctx, old_size - size).await?;
    }
    audit(ctx, "logo_changed", WorkspacesTexts::now().audit_logo_changed.into()).await;
    get_workspace(ctx).await
}

pub async fn remove_logo(ctx: &Ctx) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Edit)?;
    let w = load_workspace(ctx).await?;
    let logos = ctx.scoped::<LogoDoc>(LOGOS)?;
    if let Some(old) = logos.find_one(doc! {}).await? {
        logos.delete_many(doc! {}).await?;
        store::workspaces(ctx.db())
            .update_one(
                doc! { "_id": &w.id },
                doc! { "$set": { "logo_version": null, "updated_at": now() }, "$inc": { "storage_used_bytes": -(old.data.bytes.len() as i64), "version": 1_i64 } },
            )
            .await?;
        super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
        audit(ctx, "logo_removed", WorkspacesTexts::now().audit_logo_removed.into()).await;
    }
    get_workspace(ctx).await
}

/// The logo image of a workspace, for `/logos/{id}`. Logos are public: they appear on the
/// workspace's public pages.
pub async fn logo(state: &AppState, workspace_id: &str) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let found = Scoped::<LogoDoc>::of_workspace(&state.db, LOGOS, workspace_id).find_one(doc! {}).await?;
    Ok(found.map(|l| (l.content_type, l.data.bytes)))
}

// ---------------------------------------------------------------- the setup wizard

async fn save_setup(ctx: &Ctx, set: Document) -> Result<WorkspaceDetail, AppError> {
    let id = ctx.workspace_id()?.to_string();
    let mut set = set;
    set.insert("updated_at", now());
    store::workspaces(ctx.db()).update_one(doc! { "_id": &id }, doc! { "$set": set, "$inc": { "version": 1_i64 } }).await?;
    super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    get_workspace(ctx).await
}

/// Step 1 again (after going back): the name and kind of the workspace.
pub async fn setup_name(ctx: &Ctx, name: String, kind: String) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Edit)?;
    let name = name.trim().to_string();
    AppError::check_fields([check_name(&name), check_kind(kind.trim())].into_iter().flatten().collect())?;
    let w = load_workspace(ctx).await?;
    if w.name != name {
        let t = WorkspacesTexts::now();
        let change = fill(t.audit_change_name, &[("from", &w.name), ("to", &name)]);
        let text = fill(t.audit_changed, &[("changes", &change)]);
        audit(ctx, "settings_changed", text).await;
    }
    save_setup(ctx, doc! { "name": &name, "kind": kind.trim(), "setup.step": 2, "setup.reached": (w.setup.reached.max(2)) as i32 }).await
}

/// Step 2: the main goals, at least one of the six.
pub async fn setup_goals(ctx: &Ctx, goals: Vec<String>) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Edit)?;
    let mut chosen: Vec<String> = vec![];
    for g in goals.iter().map(|g| g.trim()) {
        if !GOALS.contains(&g) {
            return Err(AppError::field("goals", WorkspacesTexts::now().err_goals_unknown));
        }
        if !chosen.iter().any(|c| c == g) {
            chosen.push(g.to_string());
        }
    }
    if chosen.is_empty() {
        return Err(AppError::field("goals", WorkspacesTexts::now().err_goals_none));
    }
    let w = load_workspace(ctx).await?;
    save_setup(ctx, doc! { "setup.goals": &chosen, "setup.step": 3, "setup.reached": (w.setup.reached.max(3)) as i32 }).await
}

/// Moves back, or forward to a step already reached (the team step can be skipped).
pub async fn setup_goto(ctx: &Ctx, step: u8) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Edit)?;
    let w = load_workspace(ctx).await?;
    // The team step is optional, so from the team step the plan step is always reachable.
    let reachable = if w.setup.reached >= 3 { w.setup.reached.max(4) } else { w.setup.reached };
    if !(1..=4).contains(&step) || step > reachable {
        return Err(AppError::field("step", WorkspacesTexts::now().err_step));
    }
    save_setup(ctx, doc! { "setup.step": step as i32, "setup.reached": (w.setup.reached.max(step)) as i32 }).await
}

/// Step 4: the plan. Without payment set up, only Free can be chosen; choosing it ends the
/// wizard.
pub async fn setup_plan(ctx: &Ctx, plan: String, interval: String) -> Result<WorkspaceDetail, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Manage)?;
    let interval = interval.trim();
    if interval != "monthly" && interval != "yearly" {
        return Err(AppError::field("interval", WorkspacesTexts::now().err_interval));
    }
    let w = load_workspace(ctx).await?;
    if w.setup.goals.is_empty() {
        return Err(AppError::field("plan", WorkspacesTexts::now().err_goals_first));
    }
    let Some(chosen) = plans::find(ctx.db(), plan.trim()).await? else {
        let known = plans::all(ctx.db()).await?;
        return Err(if known.is_empty() {
            AppError::unavailable(plans::not_loaded())
        } else {
            AppError::field("plan", WorkspacesTexts::now().err_plan_unknown)
        });
    };
    if chosen.monthly_price > 0 && !plans::payments_configured(&ctx.state, &chosen, interval) {
        return Err(AppError::field("plan", fill(WorkspacesTexts::now().err_plan_unpaid, &[("plan", &chosen.name)])));
    }
    let t = WorkspacesTexts::now();
    let interval_text = if interval == "yearly" { t.interval_yearly } else { t.interval_monthly };
    let text = fill(t.audit_plan_chosen, &[("plan", &chosen.name), ("interval", &interval_text)]);
    audit(ctx, "plan_chosen", text).await;
    if chosen.monthly_price > 0 {
        // A paid plan: the wizard ends on Free, and the client goes on to Stripe Checkout
        // (`start_checkout`); the plan changes when Stripe's webhook confirms the payment.
        return save_setup(ctx, doc! { "billing_interval": interval, "setup.completed": true, "setup.step": 4, "setup.reached": 4 }).await;
    }
    save_setup(ctx, doc! { "plan": &chosen.id, "billing_interval": interval, "setup.completed": true, "setup.step": 4, "setup.reached": 4 }).await
}

pub async fn plan_catalog(ctx: &Ctx) -> Result<PlanCatalog, AppError> {
    let _ = ctx;
    plans::catalog(&ctx.state).await
}

// ---------------------------------------------------------------- getting started

/// The goals Mewayz has modules for today, and the steps each brings, in order. A goal not
/// listed here has no module yet: it gets no step (see [`StartChecklist::not_yet`]).
pub const GOAL_STEPS: &[(&str, &[&str])] = &[("link_in_bio", &["bio_page", "bio_publish", "media"]), ("social_growth", &["bio_page", "short_link"])];

/// Where each step is done, and the module whose edit right it needs.
fn step_target(key: &str) -> (&'static str, &'static str) {
    match key {
        "goals" => (super::AREA_SETTINGS, "/setup"),
        "bio_page" | "bio_publish" => (crate::bio::AREA, "/bio"),
        "short_link" => (crate::shortlinks::AREA, "/links"),
        "media" => (crate::media::AREA, "/media"),
        "team" => (super::AREA_TEAM, "/workspace/team"),
        _ => (super::AREA_SETTINGS, "/workspace/settings"),
    }
}

/// The dashboard's "Getting started" list: choosing goals, the steps of the chosen goals
/// that Mewayz can serve (a bio page for "Link in bio", a short link for "Social growth"),
/// then inviting the team and adding a logo; only the steps the caller's role can take.
/// Each step is done or not from the workspace's records (a bio page exists, one is
/// published, a member joined or was invited).
pub async fn getting_started(ctx: &Ctx) -> Result<StartChecklist, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::View)?;
    let w = load_workspace(ctx).await?;
    let role = ctx.workspace_role()?;
    let mut keys: Vec<&str> = vec!["goals"];
    let mut not_yet = vec![];
    for goal in &w.setup.goals {
        match GOAL_STEPS.iter().find(|(g, _)| g == goal) {
            Some((_, steps)) => keys.extend(steps.iter().copied()),
            None => not_yet.push(goal.clone()),
        }
    }
    keys.extend(["team", "logo"]);
    let mut steps: Vec<StartStep> = vec![];
    for key in keys {
        let (module, href) = step_target(key);
        if steps.iter().any(|s| s.key == key) || !ctx.state.registry.allows(role, module, Action::Edit) {
            continue;
        }
        let done = match key {
            "goals" => !w.setup.goals.is_empty(),
            "bio_page" => crate::bio::domain::count_pages(ctx).await? > 0,
            "bio_publish" => crate::bio::domain::count_published(ctx).await? > 0,
            "short_link" => crate::shortlinks::domain::count_links(ctx).await? > 0,
            "media" => crate::media::domain::count_files(ctx).await? > 0,
            "team" => plans::count_seats(ctx).await? > 1,
            _ => w.logo_version.is_some(),
        };
        steps.push(StartStep { key: key.to_string(), href: href.to_string(), done });
    }
    Ok(StartChecklist { steps, not_yet })
}

// ---------------------------------------------------------------- audit log

pub async fn audit_log(ctx: &Ctx) -> Result<Vec<AuditEntry>, AppError> {
    ctx.require(crate::workspaces::AREA_AUDIT, Action::View)?;
    let docs = ctx.scoped::<AuditDoc>(AUDIT)?.find(doc! {}, doc! { "at": -1, "_id": -1 }, 200).await?;
    Ok(docs.into_iter().map(|d| AuditEntry { at_ms: d.at.timestamp_millis(), actor: d.actor_name, action: d.action, detail: d.detail }).collect())
}

// ---------------------------------------------------------------- members

/// Whether `user_id` is a member of workspace `workspace_id` now (for work done later on
/// a member's behalf, such as telling them of something).
pub async fn is_member(state: &AppState, workspace_id: &str, user_id: &str) -> Result<bool, AppError> {
    Ok(store::member_role(&state.db, workspace_id, user_id).await?.is_some())
}

pub async fn list_members(ctx: &Ctx) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::View)?;
    let members = ctx.scoped::<MemberDoc>(MEMBERS)?.find(doc! {}, doc! { "joined_at": 1 }, 1000).await?;
    let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    let users = people::by_ids(&ctx.state, &ids).await?;
    let mut out: Vec<MemberInfo> = members
        .iter()
        .filter_map(|m| {
            users.iter().find(|u| u.id == m.user_id).map(|u| MemberInfo {
                user_id: u.id.clone(),
                name: u.name.clone(),
                email: u.email.clone(),
                role: m.role,
                joined_at_ms: m.joined_at.timestamp_millis(),
                you: u.id == ctx.user_id,
            })
        })
        .collect();
    out.sort_by(|a, b| b.role.cmp(&a.role).then(a.name.to_lowercase().cmp(&b.name.to_lowercase())));
    Ok(out)
}

async fn member_of(ctx: &Ctx, user_id: &str) -> Result<MemberDoc, AppError> {
    ctx.scoped::<MemberDoc>(MEMBERS)?.find_one(doc! { "user_id": user_id.trim() }).await?.ok_or_else(|| AppError::not_found(WorkspacesTexts::now().nf_member))
}

/// Changes a member's role. Nobody changes the owner's role (ownership is transferred), and
/// nobody gives a role above their own.
pub async fn change_member_role(ctx: &Ctx, user_id: String, role: String) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::Manage)?;
    let new_role = check_role("role", &role)?;
    let target = member_of(ctx, &user_id).await?;
    let mine = ctx.workspace_role()?;
    if target.role == WorkspaceRole::Owner {
        return Err(AppError::field("role", WorkspacesTexts::now().err_owner_role));
    }
    if new_role > mine || (target.role > mine) {
        return Err(AppError::Forbidden);
    }
    if target.role != new_role {
        ctx.scoped::<MemberDoc>(MEMBERS)?.update_one(doc! { "user_id": &target.user_id }, doc! { "$set": { "role": new_role.as_str() } }).await?;
        super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
        let name = user_name(&ctx.state, &target.user_id).await;
        let text = fill(WorkspacesTexts::now().audit_role_changed, &[("name", &name), ("from", &target.role.label()), ("to", &new_role.label())]);
        audit(ctx, "member_role_changed", text).await;
    }
    list_members(ctx).await
}

pub async fn remove_member(ctx: &Ctx, user_id: String) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::Manage)?;
    let target = member_of(ctx, &user_id).await?;
    if target.role == WorkspaceRole::Owner {
        return Err(AppError::field("member", WorkspacesTexts::now().err_owner_removed));
    }
    if target.role > ctx.workspace_role()? {
        return Err(AppError::Forbidden);
    }
    if target.user_id == ctx.user_id {
        return Err(AppError::field("member", WorkspacesTexts::now().err_remove_self));
    }
    let removed = ctx.scoped::<MemberDoc>(MEMBERS)?.delete_one(doc! { "user_id": &target.user_id }).await?;
    super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    plans::release(ctx, &super::MEMBERS_LIMIT, removed).await?;
    let name = user_name(&ctx.state, &target.user_id).await;
    let text = fill(WorkspacesTexts::now().audit_member_removed, &[("name", &name), ("role", &target.role.label())]);
    audit(ctx, "member_removed", text).await;
    list_members(ctx).await
}

/// Leaves the workspace. The owner cannot leave before handing ownership over.
pub async fn leave_workspace(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::View)?;
    if ctx.workspace_role()? == WorkspaceRole::Owner {
        return Err(AppError::field("member", WorkspacesTexts::now().err_owner_leaves));
    }
    let name = user_name(&ctx.state, &ctx.user_id).await;
    let text = fill(WorkspacesTexts::now().audit_member_left, &[("name", &name)]);
    audit(ctx, "member_left", text).await;
    let left = ctx.scoped::<MemberDoc>(MEMBERS)?.delete_one(doc! { "user_id": &ctx.user_id }).await?;
    super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    plans::release(ctx, &super::MEMBERS_LIMIT, left).await?;
    Ok(())
}

/// Hands ownership to another member; the former owner becomes an admin.
pub async fn transfer_ownership(ctx: &Ctx, user_id: String) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Manage)?;
    if ctx.workspace_role()? != WorkspaceRole::Owner {
        return Err(AppError::Forbidden);
    }
    let target = member_of(ctx, &user_id).await?;
    if target.user_id == ctx.user_id {
        return Err(AppError::field("member", WorkspacesTexts::now().err_already_owner));
    }
    let members = ctx.scoped::<MemberDoc>(MEMBERS)?;
    let id = ctx.workspace_id()?.to_string();
    // New owner first, then the workspace, then the former owner: at no point is there none.
    members.update_one(doc! { "user_id": &target.user_id }, doc! { "$set": { "role": "owner" } }).await?;
    store::workspaces(ctx.db()).update_one(doc! { "_id": &id }, doc! { "$set": { "owner_id": &target.user_id, "updated_at": now() } }).await?;
    super::resolve::forget_workspace(&ctx.state, ctx.workspace_id()?);
    members.update_one(doc! { "user_id": &ctx.user_id }, doc! { "$set": { "role": "admin" } }).await?;
    let name = user_name(&ctx.state, &target.user_id).await;
    let text = fill(WorkspacesTexts::now().audit_transferred, &[("name", &name)]);
    audit(ctx, "ownership_transferred", text).await;
    let mut me = ctx.clone();
    crate::platform::enter_workspace(&mut me, &id).await?;
    list_members(&me).await
}

// ---------------------------------------------------------------- invitations

fn invite_link(state: &AppState, token: &str) -> String {
    format!("{}/invite?token={}", state.config.public_url, token)
}

/// The invitation e-mail, in the current language (the inviter's: it is composed while
/// answering their request).
pub fn invitation_email(to: &str, inviter: &str, workspace: &str, role: WorkspaceRole, link: &str) -> mail::OutgoingEmail {
    let t = WorkspacesTexts::now();
    action_email(
        to,
        &fill(t.mail_subject, &[("inviter", &inviter), ("workspace", &workspace)]),
        &fill(t.mail_intro, &[("inviter", &inviter), ("workspace", &workspace), ("role", &role.label()), ("description", &role.describe())]),
        t.mail_action,
        link,
        t.mail_outro,
    )
}

async fn send_invitation(ctx: &Ctx, w: &WorkspaceDoc, inv: &InvitationDoc, token: &str) -> Result<(), AppError> {
    let inviter = user_name(&ctx.state, &ctx.user_id).await;
    let email = invitation_email(&inv.email, &inviter, &w.name, inv.role, &invite_link(&ctx.state, token));
    mail::send_later(&ctx.state, &format!("invite:{}", inv.token_hash), email).await
}

/// Withdraws the not-yet-sent e-mail of an invitation whose link no longer works.
async fn cancel_invitation_mail(state: &AppState, token_hash: &str) {
    let filter = doc! { "idempotency_key": format!("invite:{token_hash}"), "status": crate::platform::jobs::JobStatus::Queued.as_str() };
    if let Err(e) = state.global::<Document>(crate::platform::jobs::COLLECTION).delete_many(filter).await {
        tracing::warn!(error = %e, "could not withdraw a queued invitation e-mail");
    }
}

pub async fn list_invitations(ctx: &Ctx) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::Edit)?;
    let docs = ctx.scoped::<InvitationDoc>(INVITATIONS)?.find(doc! { "status": "pending" }, doc! { "sent_at": -1 }, 500).await?;
    let now_ms = now().timestamp_millis();
    let mut out = vec![];
    for d in docs {
        out.push(PendingInvitation {
            id: d.id.clone(),
            email: d.email.clone(),
            role: d.role,
            invited_by: user_name(&ctx.state, &d.invited_by).await,
            sent_at_ms: d.sent_at.timestamp_millis(),
            expires_at_ms: d.expires_at.timestamp_millis(),
            expired: d.expires_at.timestamp_millis() <= now_ms,
        });
    }
    Ok(out)
}

pub async fn invite_member(ctx: &Ctx, email: String, role: String) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::Edit)?;
    let mut fields: Vec<FieldError> = validate::email("email", &email).into_iter().collect();
    let role = match check_role("role", &role) {
        Ok(r) => Some(r),
        Err(AppError::Validation { fields: f, .. }) => {
            fields.extend(f);
            None
        }
        Err(e) => return Err(e),
    };
    AppError::check_fields(fields)?;
    let role = role.unwrap_or(WorkspaceRole::Viewer);
    if role > ctx.workspace_role()? {
        return Err(AppError::field("role", WorkspacesTexts::now().err_invite_above));
    }
    let email = validate::normalize_email(&email);
    let w = load_workspace(ctx).await?;
    if let Some(u) = people::by_email(&ctx.state, &email).await? {
        if ctx.scoped::<MemberDoc>(MEMBERS)?.count(doc! { "user_id": &u.id }).await? > 0 {
            return Err(AppError::field("email", WorkspacesTexts::now().err_invite_member));
        }
    }
    let invitations = ctx.scoped::<InvitationDoc>(INVITATIONS)?;
    if invitations.count(doc! { "email": &email, "status": "pending", "expires_at": { "$gt": now() } }).await? > 0 {
        return Err(AppError::field("email", WorkspacesTexts::now().err_invite_pending));
    }
    rate_limit::hit(ctx.db(), INVITES_PER_WORKSPACE, &w.id).await?;
    // The seat is taken before the invitation is written; an error below gives it back.
    let seat = plans::reserve(ctx, &super::MEMBERS_LIMIT, 1).await?;
    // An expired pending invitation to the same address is replaced by this one.
    end_invitations(ctx, doc! { "email": &email }, "expired").await?;
    let token = crypto::random_token(32);
    let inv = InvitationDoc {
        id: crypto::new_id(),
        workspace_id: w.id.clone(),
        email: email.clone(),
        role,
        token_hash: crypto::sha256_hex(&token),
        invited_by: ctx.user_id.clone(),
        status: "pending".into(),
        sent_at: now(),
        expires_at: after(INVITATION_TTL),
        created_at: now(),
        answered_at: None,
        seat_released: false,
    };
    invitations.insert_one(&inv).await?;
    seat.keep();
    send_invitation(ctx, &w, &inv, &token).await?;
    // Someone who already has an account also finds it in their notification centre, in
    // their own language.
    if let Some(invitee) = people::by_email(&ctx.state, &email).await? {
        let inviter = user_name(&ctx.state, &ctx.user_id).await;
        let lang = crate::i18n::Lang::from_code(&invitee.locale).unwrap_or_default();
        let (title, body) = crate::i18n::sync_scope(lang, || {
            let t = WorkspacesTexts::now();
            (
                fill(t.notify_title, &[("inviter", &inviter), ("workspace", &w.name)]),
                fill(t.notify_body, &[("workspace", &w.name), ("role", &role.label().to_lowercase())]),
            )
        });
        crate::notifications::domain::notify(&ctx.state, &invitee.id, "invitation", &title, &body, &format!("/invite?token={token}")).await;
    }
    let text = fill(WorkspacesTexts::now().audit_invited, &[("email", &email), ("role", &role.label())]);
    audit(ctx, "member_invited", text).await;
    list_invitations(ctx).await
}

/// Ends the pending invitations matching `filter` with `status`, giving back the seat of
/// each that still held one (once: a guarded update marks it). Answers how many ended.
async fn end_invitations(ctx: &Ctx, filter: Document, status: &str) -> Result<u64, AppError> {
    let invitations = ctx.scoped::<InvitationDoc>(INVITATIONS)?;
    let mut pending = filter.clone();
    pending.insert("status", "pending");
    let mut ended = 0;
    let mut freed = 0;
    for inv in invitations.find(pending, doc! { "_id": 1 }, 1000).await? {
        let set = doc! { "$set": { "status": status, "answered_at": now(), "seat_released": true } };
        if invitations.update_one(doc! { "_id": &inv.id, "status": "pending", "seat_released": { "$ne": true } }, set).await? == 1 {
            freed += 1;
            ended += 1;
        } else {
            ended += invitations.update_one(doc! { "_id": &inv.id, "status": "pending" }, doc! { "$set": { "status": status, "answered_at": now() } }).await?;
        }
    }
    plans::release(ctx, &super::MEMBERS_LIMIT, freed).await?;
    Ok(ended)
}

/// Sends a pending invitation again with a new link (the old link stops working) and a new
/// 7-day expiry.
pub async fn resend_invitation(ctx: &Ctx, invitation_id: String) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::Edit)?;
    let w = load_workspace(ctx).await?;
    let current = ctx
        .scoped::<InvitationDoc>(INVITATIONS)?
        .find_one(doc! { "_id": invitation_id.trim(), "status": "pending" })
        .await?
        .ok_or_else(|| AppError::not_found(WorkspacesTexts::now().nf_invitation))?;
    // An expired invitation whose seat was given back takes one again when renewed.
    let seat = if current.seat_released { Some(plans::reserve(ctx, &super::MEMBERS_LIMIT, 1).await?) } else { None };
    rate_limit::hit(ctx.db(), INVITES_PER_WORKSPACE, &w.id).await?;
    let token = crypto::random_token(32);
    let mut filter = doc! { "_id": invitation_id.trim(), "status": "pending" };
    let mut update = doc! { "$set": { "token_hash": crypto::sha256_hex(&token), "sent_at": now(), "expires_at": after(INVITATION_TTL) } };
    if seat.is_some() {
        // Only the renewal that took the seat gives the invitation its seat back.
        filter.insert("seat_released", true);
        update.insert("$unset", doc! { "seat_released": "" });
    }
    let updated = ctx
        .scoped::<InvitationDoc>(INVITATIONS)?
        .find_one_and_update(filter, update)
        .await?
        .ok_or_else(|| AppError::not_found(WorkspacesTexts::now().nf_invitation))?;
    if let Some(seat) = seat {
        seat.keep();
    }
    cancel_invitation_mail(&ctx.state, &current.token_hash).await;
    send_invitation(ctx, &w, &updated, &token).await?;
    let text = fill(WorkspacesTexts::now().audit_resent, &[("email", &updated.email)]);
    audit(ctx, "invitation_resent", text).await;
    list_invitations(ctx).await
}

pub async fn revoke_invitation(ctx: &Ctx, invitation_id: String) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require(crate::workspaces::AREA_TEAM, Action::Edit)?;
    let updated = ctx
        .scoped::<InvitationDoc>(INVITATIONS)?
        .find_one(doc! { "_id": invitation_id.trim(), "status": "pending" })
        .await?
        .ok_or_else(|| AppError::not_found(WorkspacesTexts::now().nf_invitation))?;
    if end_invitations(ctx, doc! { "_id": &updated.id }, "revoked").await? == 0 {
        return Err(AppError::not_found(WorkspacesTexts::now().nf_invitation));
    }
    cancel_invitation_mail(&ctx.state, &updated.token_hash).await;
    let text = fill(WorkspacesTexts::now().audit_revoked, &[("email", &updated.email)]);
    audit(ctx, "invitation_revoked", text).await;
    list_invitations(ctx).await
}

/// Finds the pending, unexpired invitation behind a link, or says why the link does not work.
async fn open_invitation(state: &AppState, token: &str) -> Result<InvitationDoc, AppError> {
    let hash = crypto::sha256_hex(token.trim());
    let found = state.global::<InvitationDoc>(INVITATIONS).find_one(doc! { "token_hash": &hash }).await?;
    let t = WorkspacesTexts::now();
    let msg = match found {
        Some(inv) if inv.status == "pending" && inv.expires_at.timestamp_millis() > now().timestamp_millis() => return Ok(inv),
        Some(inv) if inv.status == "accepted" => t.err_inv_accepted,
        Some(inv) if inv.status == "declined" => t.err_inv_declined,
        Some(inv) if inv.status == "revoked" => t.err_inv_revoked,
        Some(_) => t.err_inv_expired,
        None => t.err_inv_invalid,
    };
    Err(AppError::field("token", msg))
}

/// What the link is about, for the invitation page. Works signed out, so the invitee can
/// see who invited them before creating an account.
pub async fn preview_invitation(state: &AppState, meta: &RequestMeta, signed_in: Option<&Ctx>, token: String) -> Result<InvitationPreview, AppError> {
    rate_limit::hit(&state.db, INVITE_PREVIEW_PER_IP, &meta.ip).await?;
    let inv = open_invitation(state, &token).await?;
    let w = store::workspaces(&state.db)
        .find_one(doc! { "_id": &inv.workspace_id })
        .await?
        .ok_or_else(|| AppError::field("token", WorkspacesTexts::now().err_inv_gone))?;
    let t = WorkspacesTexts::now();
    let blocker = match signed_in {
        None => Some(fill(t.inv_blocker_signed_out, &[("email", &inv.email)])),
        Some(ctx) => match user(state, &ctx.user_id).await? {
            Some(u) if u.email != inv.email => Some(fill(t.inv_blocker_other, &[("invited", &inv.email), ("current", &u.email)])),
            Some(u) if !u.email_verified => Some(t.inv_blocker_confirm.into()),
            Some(_) => None,
            None => Some(t.inv_blocker_sign_in.into()),
        },
    };
    Ok(InvitationPreview {
        workspace_name: w.name,
        invited_by: user_name(state, &inv.invited_by).await,
        email: inv.email,
        role: inv.role,
        expires_at_ms: inv.expires_at.timestamp_millis(),
        can_accept: blocker.is_none(),
        blocker,
    })
}

/// Accepts an invitation: only the account with the invited, confirmed address can.
pub async fn accept_invitation(ctx: &Ctx, token: String) -> Result<Joined, AppError> {
    let inv = open_invitation(&ctx.state, &token).await?;
    let me = user(&ctx.state, &ctx.user_id).await?.ok_or(AppError::Unauthenticated)?;
    if me.email != inv.email || !me.email_verified {
        return Err(AppError::field("token", fill(WorkspacesTexts::now().err_inv_for, &[("email", &inv.email)])));
    }
    let w = store::workspaces(ctx.db())
        .find_one(doc! { "_id": &inv.workspace_id })
        .await?
        .ok_or_else(|| AppError::field("token", WorkspacesTexts::now().err_inv_gone))?;
    // Claim the invitation atomically: of two tabs accepting at once, one wins.
    let claimed = ctx
        .global::<InvitationDoc>(INVITATIONS)
        .find_one_and_update(doc! { "_id": &inv.id, "status": "pending" }, doc! { "$set": { "status": "accepted", "answered_at": now() } })
        .await?;
    if claimed.is_none() {
        return Err(AppError::field("token", WorkspacesTexts::now().err_inv_answered));
    }
    let member = MemberDoc { id: crypto::new_id(), workspace_id: w.id.clone(), user_id: ctx.user_id.clone(), role: inv.role, joined_at: now() };
    let inserted = Scoped::<MemberDoc>::of_workspace(ctx.db(), MEMBERS, &w.id).insert_one(&member).await;
    super::resolve::forget_workspace(&ctx.state, &w.id);
    let role = match inserted {
        Ok(_) => inv.role,
        // Already a member (joined another way): keep the existing membership, and give
        // back the seat the invitation held.
        Err(e) if e.is_duplicate() => {
            crate::platform::usage::release_for(ctx.db(), &w.id, &super::MEMBERS_LIMIT, 1).await?;
            store::member_role(ctx.db(), &w.id, &ctx.user_id).await?.unwrap_or(inv.role)
        }
        Err(e) => {
            let _ = ctx.global::<InvitationDoc>(INVITATIONS).update_one(doc! { "_id": &inv.id }, doc! { "$set": { "status": "pending" } }).await;
            return Err(e.into());
        }
    };
    let mut joined = ctx.clone();
    crate::platform::enter_workspace(&mut joined, &w.id).await?;
    let text = fill(WorkspacesTexts::now().audit_joined, &[("name", &me.name), ("role", &role.label())]);
    audit(&joined, "member_joined", text).await;
    let why = joined.workspace.as_ref().and_then(|m| m.seat_limited.clone());
    Ok(Joined { workspace: summary(&w, joined.workspace_role()?, why) })
}

/// Declines an invitation. The link alone is enough: nobody needs an account to say no.
pub async fn decline_invitation(state: &AppState, token: String) -> Result<(), AppError> {
    let inv = open_invitation(state, &token).await?;
    let invitations = Scoped::<InvitationDoc>::of_workspace(&state.db, INVITATIONS, &inv.workspace_id);
    let declined = invitations
        .update_one(
            doc! { "_id": &inv.id, "status": "pending", "seat_released": { "$ne": true } },
            doc! { "$set": { "status": "declined", "answered_at": now(), "seat_released": true } },
        )
        .await?;
    // Its seat goes back (an open invitation has not expired, so it still held one).
    crate::platform::usage::release_for(&state.db, &inv.workspace_id, &super::MEMBERS_LIMIT, declined as i64).await?;
    if declined == 1 {
        let entry = AuditDoc {
            id: format!("{:013x}{}", now().timestamp_millis(), &crypto::new_id()[..12]),
            workspace_id: inv.workspace_id.clone(),
            actor_id: String::new(),
            actor_name: inv.email.clone(),
            action: "invitation_declined".into(),
            detail: fill(WorkspacesTexts::now().audit_declined, &[("email", &inv.email)]),
            at: now(),
        };
        if let Err(e) = Scoped::<AuditDoc>::of_workspace(&state.db, AUDIT, &inv.workspace_id).insert_one(&entry).await {
            tracing::warn!(error = ?e, "could not write audit entry");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- export and deletion

/// Every record the workspace owns, as JSON: the workspace itself and each scoped
/// collection. Secrets (invitation link hashes) are left out.
pub async fn export(ctx: &Ctx) -> Result<serde_json::Value, AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Manage)?;
    let w = load_workspace(ctx).await?;
    let mut collections = serde_json::Map::new();
    for name in ctx.state.scoped_collections() {
        let docs = ctx.scoped::<Document>(name)?.export_all().await?;
        let cleaned: Vec<serde_json::Value> = docs
            .into_iter()
            .map(|mut d| {
                d.remove("token_hash");
                if name == LOGOS {
                    if let Ok(bin) = d.get_binary_generic("data") {
                        use base64::Engine as _;
                        let b64 = base64::engine::general_purpose::STANDARD.encode(bin);
                        d.insert("data", b64);
                    }
                }
                mongodb::bson::Bson::Document(d).into_relaxed_extjson()
            })
            .collect();
        collections.insert(name.to_string(), serde_json::Value::Array(cleaned));
    }
    let workspace = mongodb::bson::Bson::Document(mongodb::bson::to_document(&w)?).into_relaxed_extjson();
    audit(ctx, "workspace_exported", WorkspacesTexts::now().audit_exported.into()).await;
    Ok(serde_json::json!({
        "format": "mewayz-workspace-export",
        "format_version": 1,
        "exported_at": now().try_to_rfc3339_string().unwrap_or_default(),
        "workspace": workspace,
        "collections": collections,
    }))
}

/// Removes what a deleted workspace kept outside its scoped collections (every module's
/// `erase`, such as media files). Queued by the deletion's transaction; safe to run again.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct EraseWorkspaceJob {
    pub workspace_id: String,
}

impl Job for EraseWorkspaceJob {
    const KIND: &'static str = "workspaces.erase";

    async fn run(self, state: &AppState) -> Result<(), String> {
        for m in state.registry.modules {
            if let Some(erase) = m.server.erase {
                erase(state, &self.workspace_id).await.map_err(|e| format!("{}: {e}", m.key))?;
            }
        }
        Ok(())
    }
}

/// Deletes the workspace and everything it owns. Only the owner, who must type the name.
pub async fn delete_workspace(ctx: &Ctx, confirm_name: String) -> Result<(), AppError> {
    ctx.require(crate::workspaces::AREA_SETTINGS, Action::Manage)?;
    if ctx.workspace_role()? != WorkspaceRole::Owner {
        return Err(AppError::Forbidden);
    }
    let w = load_workspace(ctx).await?;
    if confirm_name.trim() != w.name {
        return Err(AppError::field("confirm_name", fill(WorkspacesTexts::now().err_delete_confirm, &[("name", &w.name)])));
    }
    for inv in ctx.scoped::<InvitationDoc>(INVITATIONS)?.find(doc! { "status": "pending" }, doc! { "_id": 1 }, 10_000).await? {
        cancel_invitation_mail(&ctx.state, &inv.token_hash).await;
    }
    // One transaction: the workspace document, every record of every module's scoped
    // collections, and the job that removes what lives outside them (files). A crash or a
    // lost database at any point leaves either all of it or none of it.
    let mut tries = Tries::default();
    loop {
        let mut tx = tries.start(ctx.db()).await?;
        let body = async {
            let r = store::workspaces(ctx.db()).delete_one(doc! { "_id": &w.id }).session(tx.session()).await;
            tx.check(r)?;
            for name in ctx.state.scoped_collections() {
                ctx.scoped::<Document>(name)?.delete_many_in(&mut tx, doc! {}).await?;
            }
            enqueue_in(&ctx.state, &mut tx, &EraseWorkspaceJob { workspace_id: w.id.clone() }, &format!("erase-workspace:{}", w.id)).await
        }
        .await;
        if tx.finish(body).await?.is_some() {
            break;
        }
    }
    super::resolve::forget_workspace(&ctx.state, &w.id);
    tracing::info!(workspace = %w.id, "workspace deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slugify("  My Shop! "), "my-shop");
        assert_eq!(slugify("Café Crème"), "cafe-creme");
        assert_eq!(slugify("!!!"), "");
        assert!(slugify(&"a".repeat(80)).len() <= 40);
    }

    #[test]
    fn slug_rules() {
        assert!(check_slug("my-shop").is_none());
        assert!(check_slug("ab").is_some());
        assert!(check_slug("My-Shop").is_some());
        assert!(check_slug("-shop").is_some());
        assert!(check_slug("my--shop").is_some());
        assert!(check_slug("admin").is_some());
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
    }

    /// The invitation's sentences end once: the role's description is a sentence of its
    /// own, not wrapped in brackets ("…change nothing.).").
    #[test]
    fn the_invitation_email_reads_as_sentences_in_both_languages() {
        use crate::i18n::{sync_scope, Lang};
        let link = "https://mewayz.test/invite?token=abc";
        let en = sync_scope(Lang::En, || invitation_email("jo@example.com", "Irene Inviter", "Lantern Press", WorkspaceRole::Viewer, link));
        assert_eq!(en.subject, "Irene Inviter invited you to Lantern Press on Mewayz");
        assert!(
            en.text.starts_with(
                "Irene Inviter invited you to join the workspace “Lantern Press” on Mewayz. Your role: Viewer. Can see everything, change nothing.\n"
            ),
            "{}",
            en.text
        );
        let fr = sync_scope(Lang::Fr, || invitation_email("jo@example.com", "Irene Inviter", "Lantern Press", WorkspaceRole::Editor, link));
        assert_eq!(fr.subject, "Irene Inviter vous invite à rejoindre Lantern Press sur Mewayz");
        assert!(
            fr.text.starts_with("Irene Inviter vous invite à rejoindre l’espace de travail « Lantern Press » sur Mewayz. Votre rôle : Éditeur. Peut créer et modifier du contenu.\n"),
            "{}",
            fr.text
        );
        for mail in [&en, &fr] {
            let html = mail.html.as_deref().unwrap_or_default();
            for text in [mail.text.as_str(), html] {
                assert!(!text.contains(".)") && !text.contains(".."), "a sentence ends twice: {text}");
            }
            assert!(mail.text.contains(link));
        }
        assert!(fr.text.contains("Le lien expire dans 7 jours."), "{}", fr.text);
    }

    #[test]
    fn getting_started_steps_belong_to_known_goals_and_pages() {
        for (goal, steps) in GOAL_STEPS {
            assert!(GOALS.contains(goal), "{goal} is not a goal");
            for s in *steps {
                let (module, href) = step_target(s);
                assert!(crate::REGISTRY.permissions().any(|r| r.module == module), "{s}: {module}");
                assert!(["/bio", "/links", "/media"].contains(&href), "{s} leads to {href}");
            }
        }
    }

    #[test]
    fn colours_are_hex() {
        assert!(check_color("#3149c9").is_none());
        assert!(check_color("red").is_some());
        assert!(check_color("#31g9c9").is_some());
    }
}
