//! M02 and M03 rules. Functions about one workspace take a [`Ctx`] resolved by
//! `require_member`, check the permission table first, and reach workspace data only
//! through `ctx.scoped(..)`. Functions about the person (their list, creating a workspace,
//! answering an invitation) take a plain signed-in `Ctx`.

use std::str::FromStr;
use std::time::Duration;

use mongodb::bson::{doc, Binary, DateTime, Document};

use super::plans;
use super::store::{self, AuditDoc, InvitationDoc, LogoDoc, MemberDoc, WorkspaceDoc, AUDIT, INVITATIONS, LOGOS, MEMBERS};
use super::{
    Action, AuditEntry, InvitationPreview, Joined, MemberInfo, PendingInvitation, PlanCatalog, SetupState, WorkspaceDetail, WorkspaceRole,
    WorkspaceSummary, CURRENCIES, GOALS, KINDS,
};
use crate::accounts::store::{self as accounts_store, UserDoc};
use crate::error::{AppError, FieldError};
use crate::platform::db::{internal, is_duplicate_key};
use crate::platform::mail::{self, action_email};
use crate::platform::rate_limit::{self, Limit};
use crate::platform::{crypto, AppState, Ctx, RequestMeta};
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
    "api", "app", "admin", "www", "mail", "help", "support", "status", "login", "signup", "account", "setup", "invite", "settings",
    "team", "static", "assets", "public", "metrics", "health", "ready", "auth", "mewayz", "billing", "logos", "exports",
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
    store::workspaces(ctx.db()).find_one(doc! { "_id": id }).await?.ok_or_else(|| AppError::not_found("That workspace"))
}

async fn user(ctx_state: &AppState, user_id: &str) -> Result<Option<UserDoc>, AppError> {
    Ok(accounts_store::users(&ctx_state.db).find_one(doc! { "_id": user_id }).await?)
}

async fn user_name(state: &AppState, user_id: &str) -> String {
    match user(state, user_id).await {
        Ok(Some(u)) => u.name,
        _ => "A former member".to_string(),
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
    let msg = if slug.len() < 3 || slug.len() > 40 {
        Some("Use 3 to 40 characters.")
    } else if !slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        Some("Use lowercase letters, digits and hyphens only.")
    } else if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        Some("Start and end with a letter or digit, with single hyphens between words.")
    } else if RESERVED_SLUGS.contains(&slug) {
        Some("That address is reserved. Choose another.")
    } else {
        None
    };
    msg.map(|m| FieldError { field: "slug".into(), message: m.into() })
}

fn check_name(name: &str) -> Option<FieldError> {
    validate::required_text("name", "a workspace name", name, 60)
}

fn check_kind(kind: &str) -> Option<FieldError> {
    (!KINDS.iter().any(|(k, _)| *k == kind)).then(|| FieldError { field: "kind".into(), message: "Choose what the workspace is for.".into() })
}

fn check_color(color: &str) -> Option<FieldError> {
    let ok = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    (!ok).then(|| FieldError { field: "brand_color".into(), message: "Use a colour like #3149c9.".into() })
}

fn check_role(field: &str, role: &str) -> Result<WorkspaceRole, AppError> {
    match WorkspaceRole::parse(role) {
        Some(r) if r != WorkspaceRole::Owner => Ok(r),
        Some(_) => Err(AppError::field(field, "There is exactly one owner. Use “Transfer ownership” to hand it over.")),
        None => Err(AppError::field(field, "Choose viewer, editor or admin.")),
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
            let (role, why) = plans::seat_role(ctx.db(), &w.id, &ctx.user_id, m.role).await?;
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
    ctx.db().collection::<MemberDoc>(MEMBERS).insert_one(&member).await?;
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
                let _ = ctx.db().collection::<MemberDoc>(MEMBERS).delete_one(doc! { "_id": &member.id }).await;
                return Err(e.into());
            }
        }
    }
    let mut ctx = ctx.clone();
    crate::platform::enter_workspace(&mut ctx, &id).await?;
    audit(&ctx, "workspace_created", format!("Created the workspace “{}”", w.name)).await;
    detail(&ctx, &w).await
}

// ---------------------------------------------------------------- settings

pub async fn get_workspace(ctx: &Ctx) -> Result<WorkspaceDetail, AppError> {
    ctx.require("settings", Action::View)?;
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
    ctx.require("settings", Action::Edit)?;
    let name = name.trim().to_string();
    let slug = slug.trim().to_lowercase();
    let brand_color = brand_color.trim().to_lowercase();
    let time_zone = time_zone.trim().to_string();
    let currency = currency.trim().to_uppercase();
    let mut fields: Vec<FieldError> = [check_name(&name), check_slug(&slug), check_color(&brand_color)].into_iter().flatten().collect();
    if chrono_tz::Tz::from_str(&time_zone).is_err() {
        fields.push(FieldError { field: "time_zone".into(), message: "Choose a time zone such as Europe/Paris or America/New_York.".into() });
    }
    if !CURRENCIES.iter().any(|(c, _)| *c == currency) {
        fields.push(FieldError { field: "currency".into(), message: "Choose one of the listed currencies.".into() });
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
    match result {
        Ok(r) if r.matched_count == 1 => {}
        Ok(_) => {
            let current = detail(ctx, &before).await?;
            return Err(AppError::Conflict { current: serde_json::to_value(current).map_err(|e| internal("conflict copy", &e))? });
        }
        Err(e) if is_duplicate_key(&e) => return Err(AppError::field("slug", "That address is already taken. Choose another.")),
        Err(e) => return Err(e.into()),
    }
    let mut changes = vec![];
    if before.name != name {
        changes.push(format!("name “{}” → “{}”", before.name, name));
    }
    if before.slug != slug {
        changes.push(format!("address {} → {}", before.slug, slug));
    }
    if before.brand_color != brand_color {
        changes.push(format!("brand colour {} → {}", before.brand_color, brand_color));
    }
    if before.time_zone != time_zone {
        changes.push(format!("time zone {} → {}", before.time_zone, time_zone));
    }
    if before.currency != currency {
        changes.push(format!("currency {} → {}", before.currency, currency));
    }
    if !changes.is_empty() {
        audit(ctx, "settings_changed", format!("Changed the {}", changes.join(", "))).await;
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
    ctx.require("settings", Action::Edit)?;
    let bad = || AppError::field("logo", "Choose a PNG, JPEG, WebP or GIF image.");
    let b64 = data_url.trim().split_once(";base64,").map(|(_, b)| b).ok_or_else(bad)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| bad())?;
    if bytes.is_empty() {
        return Err(bad());
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(AppError::field("logo", format!("The image is {} KB; a logo can be at most {} KB.", bytes.len().div_ceil(1024), LOGO_MAX_BYTES / 1024)));
    }
    let content_type = sniff_image(&bytes).ok_or_else(bad)?;
    let w = load_workspace(ctx).await?;
    let logos = ctx.scoped::<LogoDoc>(LOGOS)?;
    let old_size = logos.find_one(doc! {}).await?.map(|l| l.data.bytes.len() as i64).unwrap_or(0);
    let would_be = w.storage_used_bytes - old_size + bytes.len() as i64;
    plans::check(ctx.db(), &w, "storage_mb", (would_be + 1024 * 1024 - 1) / (1024 * 1024)).await?;
    let version = now().timestamp_millis();
    let size = bytes.len() as i64;
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
    store::workspaces(ctx.db())
        .update_one(
            doc! { "_id": &w.id },
            doc! { "$set": { "logo_version": version, "updated_at": now() }, "$inc": { "storage_used_bytes": size - old_size, "version": 1_i64 } },
        )
        .await?;
    audit(ctx, "logo_changed", "Uploaded a new logo".into()).await;
    get_workspace(ctx).await
}

pub async fn remove_logo(ctx: &Ctx) -> Result<WorkspaceDetail, AppError> {
    ctx.require("settings", Action::Edit)?;
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
        audit(ctx, "logo_removed", "Removed the logo".into()).await;
    }
    get_workspace(ctx).await
}

/// The logo image of a workspace, for `/logos/{id}`. Logos are public: they appear on the
/// workspace's public pages.
pub async fn logo(state: &AppState, workspace_id: &str) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let found = state.db.collection::<LogoDoc>(LOGOS).find_one(doc! { "workspace_id": workspace_id }).await?;
    Ok(found.map(|l| (l.content_type, l.data.bytes)))
}

// ---------------------------------------------------------------- the setup wizard

async fn save_setup(ctx: &Ctx, set: Document) -> Result<WorkspaceDetail, AppError> {
    let id = ctx.workspace_id()?.to_string();
    let mut set = set;
    set.insert("updated_at", now());
    store::workspaces(ctx.db()).update_one(doc! { "_id": &id }, doc! { "$set": set, "$inc": { "version": 1_i64 } }).await?;
    get_workspace(ctx).await
}

/// Step 1 again (after going back): the name and kind of the workspace.
pub async fn setup_name(ctx: &Ctx, name: String, kind: String) -> Result<WorkspaceDetail, AppError> {
    ctx.require("settings", Action::Edit)?;
    let name = name.trim().to_string();
    AppError::check_fields([check_name(&name), check_kind(kind.trim())].into_iter().flatten().collect())?;
    let w = load_workspace(ctx).await?;
    if w.name != name {
        audit(ctx, "settings_changed", format!("Changed the name “{}” → “{}”", w.name, name)).await;
    }
    save_setup(ctx, doc! { "name": &name, "kind": kind.trim(), "setup.step": 2, "setup.reached": (w.setup.reached.max(2)) as i32 }).await
}

/// Step 2: the main goals, at least one of the six.
pub async fn setup_goals(ctx: &Ctx, goals: Vec<String>) -> Result<WorkspaceDetail, AppError> {
    ctx.require("settings", Action::Edit)?;
    let mut chosen: Vec<String> = vec![];
    for g in goals.iter().map(|g| g.trim()) {
        if !GOALS.iter().any(|(k, _)| *k == g) {
            return Err(AppError::field("goals", "Choose from the listed goals."));
        }
        if !chosen.iter().any(|c| c == g) {
            chosen.push(g.to_string());
        }
    }
    if chosen.is_empty() {
        return Err(AppError::field("goals", "Choose at least one goal. You can change them later."));
    }
    let w = load_workspace(ctx).await?;
    save_setup(ctx, doc! { "setup.goals": &chosen, "setup.step": 3, "setup.reached": (w.setup.reached.max(3)) as i32 }).await
}

/// Moves back, or forward to a step already reached (the team step can be skipped).
pub async fn setup_goto(ctx: &Ctx, step: u8) -> Result<WorkspaceDetail, AppError> {
    ctx.require("settings", Action::Edit)?;
    let w = load_workspace(ctx).await?;
    // The team step is optional, so from the team step the plan step is always reachable.
    let reachable = if w.setup.reached >= 3 { w.setup.reached.max(4) } else { w.setup.reached };
    if !(1..=4).contains(&step) || step > reachable {
        return Err(AppError::field("step", "Finish the current step first."));
    }
    save_setup(ctx, doc! { "setup.step": step as i32, "setup.reached": (w.setup.reached.max(step)) as i32 }).await
}

/// Step 4: the plan. Without payment set up, only Free can be chosen; choosing it ends the
/// wizard.
pub async fn setup_plan(ctx: &Ctx, plan: String, interval: String) -> Result<WorkspaceDetail, AppError> {
    ctx.require("settings", Action::Manage)?;
    let interval = interval.trim();
    if interval != "monthly" && interval != "yearly" {
        return Err(AppError::field("interval", "Choose monthly or yearly billing."));
    }
    let w = load_workspace(ctx).await?;
    if w.setup.goals.is_empty() {
        return Err(AppError::field("plan", "Choose your goals first (step 2)."));
    }
    let Some(chosen) = plans::find(ctx.db(), plan.trim()).await? else {
        let known = plans::all(ctx.db()).await?;
        return Err(if known.is_empty() { AppError::unavailable(plans::NOT_LOADED) } else { AppError::field("plan", "Choose one of the offered plans.") });
    };
    if chosen.monthly_price > 0 && !plans::payments_configured(&ctx.state, &chosen, interval) {
        return Err(AppError::field(
            "plan",
            format!("Payment is not set up on this server yet, so {} cannot be bought. Choose Free for now; you can upgrade later.", chosen.name),
        ));
    }
    audit(ctx, "plan_chosen", format!("Chose the {} plan ({interval})", chosen.name)).await;
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

// ---------------------------------------------------------------- audit log

pub async fn audit_log(ctx: &Ctx) -> Result<Vec<AuditEntry>, AppError> {
    ctx.require("audit", Action::View)?;
    let docs = ctx.scoped::<AuditDoc>(AUDIT)?.find(doc! {}, doc! { "at": -1, "_id": -1 }, 200).await?;
    Ok(docs.into_iter().map(|d| AuditEntry { at_ms: d.at.timestamp_millis(), actor: d.actor_name, action: d.action, detail: d.detail }).collect())
}

// ---------------------------------------------------------------- members

pub async fn list_members(ctx: &Ctx) -> Result<Vec<MemberInfo>, AppError> {
    use futures_util::TryStreamExt;
    ctx.require("team", Action::View)?;
    let members = ctx.scoped::<MemberDoc>(MEMBERS)?.find(doc! {}, doc! { "joined_at": 1 }, 1000).await?;
    let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    let users: Vec<UserDoc> = accounts_store::users(ctx.db()).find(doc! { "_id": { "$in": ids } }).await?.try_collect().await?;
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
    ctx.scoped::<MemberDoc>(MEMBERS)?.find_one(doc! { "user_id": user_id.trim() }).await?.ok_or_else(|| AppError::not_found("That member"))
}

/// Changes a member's role. Nobody changes the owner's role (ownership is transferred), and
/// nobody gives a role above their own.
pub async fn change_member_role(ctx: &Ctx, user_id: String, role: String) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require("team", Action::Manage)?;
    let new_role = check_role("role", &role)?;
    let target = member_of(ctx, &user_id).await?;
    let mine = ctx.workspace_role()?;
    if target.role == WorkspaceRole::Owner {
        return Err(AppError::field("role", "The owner's role cannot be changed. The owner can transfer ownership to someone else."));
    }
    if new_role > mine || (target.role > mine) {
        return Err(AppError::Forbidden);
    }
    if target.role != new_role {
        ctx.scoped::<MemberDoc>(MEMBERS)?.update_one(doc! { "user_id": &target.user_id }, doc! { "$set": { "role": new_role.as_str() } }).await?;
        let name = user_name(&ctx.state, &target.user_id).await;
        audit(ctx, "member_role_changed", format!("Changed {name}'s role from {} to {}", target.role.label(), new_role.label())).await;
    }
    list_members(ctx).await
}

pub async fn remove_member(ctx: &Ctx, user_id: String) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require("team", Action::Manage)?;
    let target = member_of(ctx, &user_id).await?;
    if target.role == WorkspaceRole::Owner {
        return Err(AppError::field("member", "The owner cannot be removed. The owner can transfer ownership first."));
    }
    if target.role > ctx.workspace_role()? {
        return Err(AppError::Forbidden);
    }
    if target.user_id == ctx.user_id {
        return Err(AppError::field("member", "To remove yourself, use “Leave workspace”."));
    }
    ctx.scoped::<MemberDoc>(MEMBERS)?.delete_one(doc! { "user_id": &target.user_id }).await?;
    let name = user_name(&ctx.state, &target.user_id).await;
    audit(ctx, "member_removed", format!("Removed {name} ({})", target.role.label())).await;
    list_members(ctx).await
}

/// Leaves the workspace. The owner cannot leave before handing ownership over.
pub async fn leave_workspace(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require("team", Action::View)?;
    if ctx.workspace_role()? == WorkspaceRole::Owner {
        return Err(AppError::field("member", "You own this workspace. Transfer ownership to another member before leaving, or delete the workspace."));
    }
    audit(ctx, "member_left", format!("{} left the workspace", user_name(&ctx.state, &ctx.user_id).await)).await;
    ctx.scoped::<MemberDoc>(MEMBERS)?.delete_one(doc! { "user_id": &ctx.user_id }).await?;
    Ok(())
}

/// Hands ownership to another member; the former owner becomes an admin.
pub async fn transfer_ownership(ctx: &Ctx, user_id: String) -> Result<Vec<MemberInfo>, AppError> {
    ctx.require("settings", Action::Manage)?;
    if ctx.workspace_role()? != WorkspaceRole::Owner {
        return Err(AppError::Forbidden);
    }
    let target = member_of(ctx, &user_id).await?;
    if target.user_id == ctx.user_id {
        return Err(AppError::field("member", "You already own this workspace."));
    }
    let members = ctx.scoped::<MemberDoc>(MEMBERS)?;
    let id = ctx.workspace_id()?.to_string();
    // New owner first, then the workspace, then the former owner: at no point is there none.
    members.update_one(doc! { "user_id": &target.user_id }, doc! { "$set": { "role": "owner" } }).await?;
    store::workspaces(ctx.db()).update_one(doc! { "_id": &id }, doc! { "$set": { "owner_id": &target.user_id, "updated_at": now() } }).await?;
    members.update_one(doc! { "user_id": &ctx.user_id }, doc! { "$set": { "role": "admin" } }).await?;
    let name = user_name(&ctx.state, &target.user_id).await;
    audit(ctx, "ownership_transferred", format!("Transferred ownership to {name}")).await;
    let mut me = ctx.clone();
    crate::platform::enter_workspace(&mut me, &id).await?;
    list_members(&me).await
}

// ---------------------------------------------------------------- invitations

fn invite_link(state: &AppState, token: &str) -> String {
    format!("{}/invite?token={}", state.config.public_url, token)
}

async fn send_invitation(ctx: &Ctx, w: &WorkspaceDoc, inv: &InvitationDoc, token: &str) -> Result<(), AppError> {
    let inviter = user_name(&ctx.state, &ctx.user_id).await;
    let email = action_email(
        &inv.email,
        &format!("{inviter} invited you to {} on Mewayz", w.name),
        &format!("{inviter} invited you to join the workspace “{}” on Mewayz as {} ({}).", w.name, inv.role.label(), inv.role.describe()),
        "See the invitation",
        &invite_link(&ctx.state, token),
        "The link expires in 7 days. If you did not expect this invitation, you can ignore this e-mail or decline it.",
    );
    mail::send_later(&ctx.state, &format!("invite:{}", inv.token_hash), email).await
}

/// Withdraws the not-yet-sent e-mail of an invitation whose link no longer works.
async fn cancel_invitation_mail(state: &AppState, token_hash: &str) {
    let filter = doc! { "idempotency_key": format!("invite:{token_hash}"), "status": crate::platform::jobs::JobStatus::Queued.as_str() };
    if let Err(e) = state.db.collection::<Document>(crate::platform::jobs::COLLECTION).delete_many(filter).await {
        tracing::warn!(error = %e, "could not withdraw a queued invitation e-mail");
    }
}

pub async fn list_invitations(ctx: &Ctx) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require("team", Action::Edit)?;
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
    ctx.require("team", Action::Edit)?;
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
        return Err(AppError::field("role", "You cannot invite someone with a role above your own."));
    }
    let email = validate::normalize_email(&email);
    let w = load_workspace(ctx).await?;
    if let Some(u) = accounts_store::users(ctx.db()).find_one(doc! { "email": &email }).await? {
        if ctx.scoped::<MemberDoc>(MEMBERS)?.count(doc! { "user_id": &u.id }).await? > 0 {
            return Err(AppError::field("email", "This person is already a member of the workspace."));
        }
    }
    let invitations = ctx.scoped::<InvitationDoc>(INVITATIONS)?;
    if invitations.count(doc! { "email": &email, "status": "pending", "expires_at": { "$gt": now() } }).await? > 0 {
        return Err(AppError::field("email", "This address already has a pending invitation. Resend it from the list below."));
    }
    plans::check(ctx.db(), &w, "members", seats_taken(ctx).await? + 1).await?;
    rate_limit::hit(ctx.db(), INVITES_PER_WORKSPACE, &w.id).await?;
    // An expired pending invitation to the same address is replaced by this one.
    invitations.update_many(doc! { "email": &email, "status": "pending" }, doc! { "$set": { "status": "expired" } }).await?;
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
    };
    invitations.insert_one(&inv).await?;
    send_invitation(ctx, &w, &inv, &token).await?;
    // Someone who already has an account also finds it in their notification centre.
    if let Some(invitee) = accounts_store::users(ctx.db()).find_one(doc! { "email": &email }).await? {
        let inviter = user_name(&ctx.state, &ctx.user_id).await;
        crate::notifications::domain::notify(
            &ctx.state,
            &invitee.id,
            "invitation",
            &format!("{inviter} invited you to {}", w.name),
            &format!("Join the workspace “{}” as {}. The invitation expires in 7 days.", w.name, role.label().to_lowercase()),
            &format!("/invite?token={token}"),
        )
        .await;
    }
    audit(ctx, "member_invited", format!("Invited {email} as {}", role.label())).await;
    list_invitations(ctx).await
}

/// Seats in use: members plus unexpired pending invitations count against the plan.
async fn seats_taken(ctx: &Ctx) -> Result<i64, AppError> {
    let members = ctx.scoped::<MemberDoc>(MEMBERS)?.count(doc! {}).await?;
    let pending = ctx.scoped::<InvitationDoc>(INVITATIONS)?.count(doc! { "status": "pending", "expires_at": { "$gt": now() } }).await?;
    Ok((members + pending) as i64)
}

/// Sends a pending invitation again with a new link (the old link stops working) and a new
/// 7-day expiry.
pub async fn resend_invitation(ctx: &Ctx, invitation_id: String) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require("team", Action::Edit)?;
    let w = load_workspace(ctx).await?;
    let current = ctx
        .scoped::<InvitationDoc>(INVITATIONS)?
        .find_one(doc! { "_id": invitation_id.trim(), "status": "pending" })
        .await?
        .ok_or_else(|| AppError::not_found("That invitation"))?;
    // An expired invitation holds no seat; renewing it takes one again.
    if current.expires_at.timestamp_millis() <= now().timestamp_millis() {
        plans::check(ctx.db(), &w, "members", seats_taken(ctx).await? + 1).await?;
    }
    rate_limit::hit(ctx.db(), INVITES_PER_WORKSPACE, &w.id).await?;
    let token = crypto::random_token(32);
    let updated = ctx
        .scoped::<InvitationDoc>(INVITATIONS)?
        .find_one_and_update(
            doc! { "_id": invitation_id.trim(), "status": "pending" },
            doc! { "$set": { "token_hash": crypto::sha256_hex(&token), "sent_at": now(), "expires_at": after(INVITATION_TTL) } },
        )
        .await?
        .ok_or_else(|| AppError::not_found("That invitation"))?;
    cancel_invitation_mail(&ctx.state, &current.token_hash).await;
    send_invitation(ctx, &w, &updated, &token).await?;
    audit(ctx, "invitation_resent", format!("Resent the invitation to {}", updated.email)).await;
    list_invitations(ctx).await
}

pub async fn revoke_invitation(ctx: &Ctx, invitation_id: String) -> Result<Vec<PendingInvitation>, AppError> {
    ctx.require("team", Action::Edit)?;
    let updated = ctx
        .scoped::<InvitationDoc>(INVITATIONS)?
        .find_one_and_update(doc! { "_id": invitation_id.trim(), "status": "pending" }, doc! { "$set": { "status": "revoked", "answered_at": now() } })
        .await?
        .ok_or_else(|| AppError::not_found("That invitation"))?;
    cancel_invitation_mail(&ctx.state, &updated.token_hash).await;
    audit(ctx, "invitation_revoked", format!("Revoked the invitation to {}", updated.email)).await;
    list_invitations(ctx).await
}

/// Finds the pending, unexpired invitation behind a link, or says why the link does not work.
async fn open_invitation(state: &AppState, token: &str) -> Result<InvitationDoc, AppError> {
    let hash = crypto::sha256_hex(token.trim());
    let found = state.db.collection::<InvitationDoc>(INVITATIONS).find_one(doc! { "token_hash": &hash }).await?;
    let msg = match found {
        Some(inv) if inv.status == "pending" && inv.expires_at.timestamp_millis() > now().timestamp_millis() => return Ok(inv),
        Some(inv) if inv.status == "accepted" => "This invitation has already been accepted.",
        Some(inv) if inv.status == "declined" => "This invitation was declined.",
        Some(inv) if inv.status == "revoked" => "This invitation was withdrawn by the workspace.",
        Some(_) => "This invitation has expired. Ask the person who invited you to send a new one.",
        None => "This invitation link is not valid. Check that you opened the whole address from the e-mail, or ask for a new invitation.",
    };
    Err(AppError::field("token", msg))
}

/// What the link is about, for the invitation page. Works signed out, so the invitee can
/// see who invited them before creating an account.
pub async fn preview_invitation(state: &AppState, meta: &RequestMeta, signed_in: Option<&Ctx>, token: String) -> Result<InvitationPreview, AppError> {
    rate_limit::hit(&state.db, INVITE_PREVIEW_PER_IP, &meta.ip).await?;
    let inv = open_invitation(state, &token).await?;
    let w = store::workspaces(&state.db).find_one(doc! { "_id": &inv.workspace_id }).await?.ok_or_else(|| AppError::field("token", "This workspace no longer exists."))?;
    let blocker = match signed_in {
        None => Some(format!("Sign in or create an account with {} to answer.", inv.email)),
        Some(ctx) => match user(state, &ctx.user_id).await? {
            Some(u) if u.email != inv.email => Some(format!("This invitation is for {}, and you are signed in as {}. Sign in with the invited address to accept.", inv.email, u.email)),
            Some(u) if !u.email_verified => Some("Confirm your e-mail address first.".into()),
            Some(_) => None,
            None => Some("Sign in to answer.".into()),
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
        return Err(AppError::field("token", format!("This invitation is for {}. Sign in with that address to accept it.", inv.email)));
    }
    let w = store::workspaces(ctx.db()).find_one(doc! { "_id": &inv.workspace_id }).await?.ok_or_else(|| AppError::field("token", "This workspace no longer exists."))?;
    // Claim the invitation atomically: of two tabs accepting at once, one wins.
    let claimed = ctx
        .db()
        .collection::<InvitationDoc>(INVITATIONS)
        .find_one_and_update(doc! { "_id": &inv.id, "status": "pending" }, doc! { "$set": { "status": "accepted", "answered_at": now() } })
        .await?;
    if claimed.is_none() {
        return Err(AppError::field("token", "This invitation has already been answered."));
    }
    let member = MemberDoc { id: crypto::new_id(), workspace_id: w.id.clone(), user_id: ctx.user_id.clone(), role: inv.role, joined_at: now() };
    let role = match ctx.db().collection::<MemberDoc>(MEMBERS).insert_one(&member).await {
        Ok(_) => inv.role,
        // Already a member (joined another way): keep the existing membership.
        Err(e) if is_duplicate_key(&e) => store::member_role(ctx.db(), &w.id, &ctx.user_id).await?.unwrap_or(inv.role),
        Err(e) => {
            let _ = ctx.db().collection::<InvitationDoc>(INVITATIONS).update_one(doc! { "_id": &inv.id }, doc! { "$set": { "status": "pending" } }).await;
            return Err(e.into());
        }
    };
    let mut joined = ctx.clone();
    crate::platform::enter_workspace(&mut joined, &w.id).await?;
    audit(&joined, "member_joined", format!("{} joined as {}", me.name, role.label())).await;
    let why = joined.workspace.as_ref().and_then(|m| m.seat_limited.clone());
    Ok(Joined { workspace: summary(&w, joined.workspace_role()?, why) })
}

/// Declines an invitation. The link alone is enough: nobody needs an account to say no.
pub async fn decline_invitation(state: &AppState, token: String) -> Result<(), AppError> {
    let inv = open_invitation(state, &token).await?;
    let declined = state
        .db
        .collection::<InvitationDoc>(INVITATIONS)
        .update_one(doc! { "_id": &inv.id, "status": "pending" }, doc! { "$set": { "status": "declined", "answered_at": now() } })
        .await?;
    if declined.modified_count == 1 {
        let entry = AuditDoc {
            id: format!("{:013x}{}", now().timestamp_millis(), &crypto::new_id()[..12]),
            workspace_id: inv.workspace_id.clone(),
            actor_id: String::new(),
            actor_name: inv.email.clone(),
            action: "invitation_declined".into(),
            detail: format!("{} declined the invitation", inv.email),
            at: now(),
        };
        if let Err(e) = state.db.collection::<AuditDoc>(AUDIT).insert_one(entry).await {
            tracing::warn!(error = %e, "could not write audit entry");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- export and deletion

/// Every record the workspace owns, as JSON: the workspace itself and each scoped
/// collection. Secrets (invitation link hashes) are left out.
pub async fn export(ctx: &Ctx) -> Result<serde_json::Value, AppError> {
    ctx.require("settings", Action::Manage)?;
    let w = load_workspace(ctx).await?;
    let mut collections = serde_json::Map::new();
    for name in crate::scoped_collections() {
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
    audit(ctx, "workspace_exported", "Downloaded a full export".into()).await;
    Ok(serde_json::json!({
        "format": "mewayz-workspace-export",
        "format_version": 1,
        "exported_at": now().try_to_rfc3339_string().unwrap_or_default(),
        "workspace": workspace,
        "collections": collections,
    }))
}

/// Deletes the workspace and everything it owns. Only the owner, who must type the name.
pub async fn delete_workspace(ctx: &Ctx, confirm_name: String) -> Result<(), AppError> {
    ctx.require("settings", Action::Manage)?;
    if ctx.workspace_role()? != WorkspaceRole::Owner {
        return Err(AppError::Forbidden);
    }
    let w = load_workspace(ctx).await?;
    if confirm_name.trim() != w.name {
        return Err(AppError::field("confirm_name", format!("Type the workspace's name, {}, exactly to confirm.", w.name)));
    }
    // The workspace document goes first: from then on nobody can resolve it, and what
    // remains is removed below (a retry of a partial failure finds nothing to resolve).
    store::workspaces(ctx.db()).delete_one(doc! { "_id": &w.id }).await?;
    for inv in ctx.scoped::<InvitationDoc>(INVITATIONS)?.find(doc! { "status": "pending" }, doc! { "_id": 1 }, 10_000).await? {
        cancel_invitation_mail(&ctx.state, &inv.token_hash).await;
    }
    for name in crate::scoped_collections() {
        ctx.scoped::<Document>(name)?.delete_many(doc! {}).await?;
    }
    crate::media::domain::delete_all_files(ctx.db(), &w.id).await?;
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

    #[test]
    fn colours_are_hex() {
        assert!(check_color("#3149c9").is_none());
        assert!(check_color("red").is_some());
        assert!(check_color("#31g9c9").is_some());
    }
}
