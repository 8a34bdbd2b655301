//! M04 rules: the billing page, Checkout, the portal, plan changes, applying Stripe's
//! subscription state, and what platform admins grant. Workspace functions check the
//! `billing` row of the permission table; admin functions are reached only after the
//! server fn checked the platform role.

use std::collections::BTreeMap;

use mongodb::bson::{doc, DateTime};

use super::store::{self, AccountDoc, CouponDoc, PlatformAuditDoc, ACCOUNTS, COUPONS, PLATFORM_AUDIT};
use super::stripe::{Form, Stripe, Subscription};
use super::texts::BillingTexts;
use super::*;
use crate::accounts::people::Person;
use crate::error::AppError;
use crate::i18n::{fill, numbers};
use crate::platform::db::is_duplicate_key;
use crate::platform::usage;
use crate::platform::LimitKind;
use crate::platform::{crypto, mail, AppState, Ctx};
use crate::workspaces::plans::{self, PlanDoc};
use crate::workspaces::store::{self as ws_store, AuditDoc, WorkspaceDoc, AUDIT};
use crate::workspaces::{Action, PlanLimit};

/// "Payments are not set up on this server yet.", in the current language.
pub fn not_set_up() -> &'static str {
    BillingTexts::now().err_not_set_up
}

/// "Payments are not set up … Pro (monthly) has no Stripe price yet."
fn no_price(plan: &str, interval: &str) -> String {
    let t = BillingTexts::now();
    let missing = if interval == "yearly" { t.err_no_price_yearly } else { t.err_no_price_monthly };
    format!("{} {}", t.err_not_set_up, fill(missing, &[("plan", &plan)]))
}

/// "monthly" / "yearly" as the audit log says it.
fn interval_said(interval: &str) -> &'static str {
    let t = BillingTexts::now();
    if interval == "yearly" {
        t.audit_yearly
    } else {
        t.audit_monthly
    }
}

/// The language of the workspace's owner (for what Stripe's webhooks cause: they carry no
/// person's language).
pub async fn owner_lang(state: &AppState, workspace_id: &str) -> crate::i18n::Lang {
    let owner = match ws_store::workspaces(&state.db).find_one(doc! { "_id": workspace_id }).await {
        Ok(Some(w)) => user_of(state, &w.owner_id).await,
        _ => None,
    };
    owner.and_then(|o| crate::i18n::Lang::from_code(&o.locale)).unwrap_or_default()
}

fn now_ms() -> i64 {
    DateTime::now().timestamp_millis()
}

fn stripe_of(state: &AppState) -> Result<Stripe, AppError> {
    match &state.config.stripe {
        Some(c) => Stripe::new(c),
        None => Err(AppError::unavailable(not_set_up())),
    }
}

fn check_interval(interval: &str) -> Result<&str, AppError> {
    match interval.trim() {
        i @ ("monthly" | "yearly") => Ok(i),
        _ => Err(AppError::field("interval", BillingTexts::now().err_interval)),
    }
}

async fn plan_named(state: &AppState, id: &str) -> Result<PlanDoc, AppError> {
    match plans::find(&state.db, id.trim()).await? {
        Some(p) => Ok(p),
        None if plans::all(&state.db).await?.is_empty() => Err(AppError::unavailable(plans::NOT_LOADED)),
        None => Err(AppError::field("plan", BillingTexts::now().err_plan_unknown)),
    }
}

/// A change to a billing account (its `_id` is the workspace's): the plan in force may
/// differ, so the workspaces module forgets that workspace on this replica.
pub fn account_changed(state: &AppState, change: &crate::platform::watch::Change<'_>) {
    match change.id_str() {
        Some(ws) => crate::workspaces::resolve::forget_workspace(state, ws),
        None => crate::workspaces::resolve::forget_all(state),
    }
}

/// The id of the plan whose limits apply to workspace `workspace_id` now (its own plan `plan`,
/// a complimentary one, or Free once a grace period has ended), and the limit overrides an
/// administrator gave it. For the workspaces module's limit checks.
pub async fn plan_in_force(db: &crate::platform::Db, workspace_id: &str, plan: &str) -> Result<(String, BTreeMap<String, Option<i64>>), AppError> {
    let (id, overrides, _) = plan_in_force_until(db, workspace_id, plan).await?;
    Ok((id, overrides))
}

/// [`plan_in_force`], and when it next changes by the clock alone (ms since the epoch), so
/// what is kept in memory is not trusted past that time.
pub async fn plan_in_force_until(
    db: &crate::platform::Db,
    workspace_id: &str,
    plan: &str,
) -> Result<(String, BTreeMap<String, Option<i64>>, Option<i64>), AppError> {
    let account = store::account(db, workspace_id).await?;
    let now = now_ms();
    let id = store::effective_plan_id(plan, account.as_ref(), now);
    let changes_at = store::plan_changes_at(account.as_ref(), now);
    Ok((id, account.map(|a| a.overrides).unwrap_or_default(), changes_at))
}

async fn user_of(state: &AppState, user_id: &str) -> Option<Person> {
    crate::accounts::people::by_id(state, user_id).await.ok().flatten()
}

/// An entry in a workspace's audit log, by `actor_name` ("Stripe", or an administrator).
async fn workspace_audit(state: &AppState, workspace_id: &str, actor_id: &str, actor_name: &str, action: &str, detail: String) {
    let entry = AuditDoc {
        id: format!("{:013x}{}", now_ms(), &crypto::new_id()[..12]),
        workspace_id: workspace_id.to_string(),
        actor_id: actor_id.to_string(),
        actor_name: actor_name.to_string(),
        action: action.to_string(),
        detail,
        at: DateTime::now(),
    };
    if let Err(e) = state.global::<AuditDoc>(AUDIT).insert_one(entry).await {
        tracing::warn!(error = %e, action, "could not write audit entry");
    }
}

async fn platform_audit(ctx: &Ctx, action: &str, detail: String) {
    let actor_name = user_of(&ctx.state, &ctx.user_id).await.map(|u| u.name).unwrap_or_default();
    let entry = PlatformAuditDoc {
        id: format!("{:013x}{}", now_ms(), &crypto::new_id()[..12]),
        actor_id: ctx.user_id.clone(),
        actor_name,
        action: action.into(),
        detail,
        at: DateTime::now(),
    };
    if let Err(e) = ctx.global::<PlatformAuditDoc>(PLATFORM_AUDIT).insert_one(entry).await {
        tracing::warn!(error = %e, action, "could not write platform audit entry");
    }
}

async fn ensure_account(db: &crate::platform::Db, workspace_id: &str) -> Result<AccountDoc, AppError> {
    let coll = db.global::<AccountDoc>(ACCOUNTS);
    let _ = coll.update_one(doc! { "_id": workspace_id }, doc! { "$setOnInsert": { "workspace_id": workspace_id, "overrides": {} } }).upsert(true).await;
    store::account(db, workspace_id).await?.ok_or_else(|| AppError::not_found(BillingTexts::now().nf_workspace))
}

// ---------------------------------------------------------------- usage

/// What the workspace uses of each limit that counts things it keeps, from each module's
/// limit in the registry: the reservation counter (after stale room is reclaimed) for
/// counted records, the module's own measure for megabytes.
async fn usage(ctx: &Ctx) -> Result<BTreeMap<&'static str, i64>, AppError> {
    let mut used = BTreeMap::new();
    for limit in ctx.state.registry.limits() {
        let n = match limit.kind {
            LimitKind::Count => {
                if let Some(reclaim) = limit.reclaim {
                    reclaim(ctx).await?;
                }
                usage::used(ctx, limit).await?
            }
            LimitKind::Megabytes | LimitKind::PerMonth => match limit.count {
                Some(count) => count(ctx).await?,
                None => continue,
            },
            LimitKind::PerItem => continue,
        };
        used.insert(limit.key, n);
    }
    Ok(used)
}

/// Each counted limit of `plan` (with the workspace's overrides) that `used` exceeds, as
/// "Team members: 4 of 2" or "Storage: 600 MB of 500 MB".
fn excess(plan: &PlanDoc, overrides: &BTreeMap<String, Option<i64>>, used: &BTreeMap<&'static str, i64>) -> Vec<String> {
    let t = BillingTexts::now();
    crate::REGISTRY
        .limits()
        .filter_map(|l| {
            let key = &l.key;
            let label = (l.label)();
            let n = *used.get(key)?;
            let limit = overrides.get(*key).copied().unwrap_or_else(|| plan.limit(key))?;
            (n > limit).then(|| fill(t.err_excess, &[("label", &label), ("used", &numbers::amount(key, n)), ("limit", &numbers::amount(key, limit))]))
        })
        .collect()
}

// ---------------------------------------------------------------- the billing page

pub async fn get_billing(ctx: &Ctx) -> Result<BillingOverview, AppError> {
    ctx.require(crate::billing::AREA, Action::View)?;
    let w = crate::workspaces::domain::load_workspace(ctx).await?;
    let account = store::account(ctx.db(), &w.id).await?;
    let (all, effective, overrides) = plans::effective(ctx.db(), &w).await?;
    let used = usage(ctx).await?;
    let now = now_ms();
    let usage = ctx
        .state
        .registry
        .limits()
        .filter(|l| l.kind != LimitKind::PerItem)
        .map(|l| UsageLine {
            key: l.key.to_string(),
            label: (l.label)().to_string(),
            used: used.get(l.key).copied().unwrap_or(0),
            limit: overrides.get(l.key).copied().unwrap_or_else(|| effective.limit(l.key)),
        })
        .collect();
    let (mut invoices, mut invoices_error) = (vec![], None);
    if let (Some(customer), Some(_)) = (account.as_ref().and_then(|a| a.customer_id.clone()), &ctx.state.config.stripe) {
        match stripe_of(&ctx.state)?.invoices(&customer, 24).await {
            Ok(list) => {
                invoices = list
                    .data
                    .into_iter()
                    .map(|i| Invoice {
                        number: i.number.unwrap_or_default(),
                        amount: if i.status.as_deref() == Some("paid") { i.amount_paid } else { i.amount_due },
                        currency: i.currency.to_uppercase(),
                        status: i.status.unwrap_or_default(),
                        created_ms: i.created * 1000,
                        hosted_url: i.hosted_invoice_url,
                        pdf_url: i.invoice_pdf,
                    })
                    .collect()
            }
            Err(e) => invoices_error = Some(e.to_string()),
        }
    }
    let read_only = read_only_lines(ctx).await?;
    let plan_name = |id: &str| all.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_else(|| id.to_string());
    let shown_plan = account.as_ref().and_then(|a| a.complimentary_active(now).map(str::to_string)).unwrap_or_else(|| w.plan.clone());
    Ok(BillingOverview {
        plan_name: plan_name(&shown_plan),
        plan: shown_plan,
        effective_plan: effective.id.clone(),
        effective_plan_name: effective.name.clone(),
        interval: w.billing_interval.clone(),
        status: store::display_status(&w.plan, account.as_ref(), now).to_string(),
        payments_configured: ctx.state.config.stripe.is_some(),
        has_customer: account.as_ref().is_some_and(|a| a.customer_id.is_some()),
        can_manage: ctx.require(crate::billing::AREA, Action::Manage).is_ok(),
        renews_at_ms: account.as_ref().and_then(|a| a.current_period_end).map(|d| d.timestamp_millis()),
        cancel_at_period_end: account.as_ref().is_some_and(|a| a.cancel_at_period_end),
        grace_ends_at_ms: account.as_ref().filter(|a| a.status.as_deref() == Some("grace")).and_then(|a| a.grace_ends_at).map(|d| d.timestamp_millis()),
        complimentary_until_ms: account
            .as_ref()
            .filter(|a| a.complimentary_active(now).is_some())
            .and_then(|a| a.complimentary_until)
            .map(|d| d.timestamp_millis()),
        usage,
        invoices,
        invoices_error,
        catalog: plans::catalog(&ctx.state).await?,
        read_only_notice: read_only_sentence(&read_only.0, read_only.1),
        read_only: read_only.0,
    })
}

/// What is beyond the effective limits (and so read-only), and whether a higher plan lifts
/// any of it. Counted with the same allowance the bio pages and the seats are held to.
async fn read_only_lines(ctx: &Ctx) -> Result<(Vec<ReadOnlyLine>, bool), AppError> {
    let mut upgrade = false;
    let mut lines = vec![];
    let mut limits: Vec<_> = ctx.state.registry.limits().filter_map(|l| Some((l, l.read_only.as_ref()?))).collect();
    limits.sort_by_key(|(_, ro)| ro.order);
    for (limit, ro) in limits {
        let a = plans::allowance(ctx, limit.key, (ro.records)(ctx).await?).await?;
        let n = a.read_only.len() as i64;
        if n > 0 {
            upgrade |= a.upgrade_to.is_some();
            let text = if n == 1 { (ro.one)().to_string() } else { fill((ro.many)(), &[("n", &n)]) };
            lines.push(ReadOnlyLine { key: a.key.clone(), count: n, text, href: ro.href.into() });
        }
    }
    Ok((lines, upgrade))
}

// ---------------------------------------------------------------- Checkout and the portal

async fn customer_for(ctx: &Ctx, stripe: &Stripe, w: &WorkspaceDoc) -> Result<String, AppError> {
    let account = ensure_account(ctx.db(), &w.id).await?;
    if let Some(c) = account.customer_id {
        return Ok(c);
    }
    let owner = user_of(&ctx.state, &w.owner_id).await;
    let email = owner.map(|u| u.email).unwrap_or_default();
    let created = stripe.create_customer(&w.id, &w.name, &email).await?;
    // Of two concurrent first checkouts, the first stored customer is kept.
    ctx.global::<AccountDoc>(ACCOUNTS).update_one(doc! { "_id": &w.id, "customer_id": null }, doc! { "$set": { "customer_id": &created.id } }).await?;
    Ok(store::account(ctx.db(), &w.id).await?.and_then(|a| a.customer_id).unwrap_or(created.id))
}

pub async fn start_checkout(ctx: &Ctx, plan: String, interval: String, coupon: String) -> Result<String, AppError> {
    ctx.require(crate::billing::AREA, Action::Manage)?;
    let interval = check_interval(&interval)?;
    let chosen = plan_named(&ctx.state, &plan).await?;
    if chosen.monthly_price == 0 && chosen.yearly_price == 0 {
        return Err(AppError::field("plan", fill(BillingTexts::now().err_plan_free, &[("plan", &chosen.name)])));
    }
    let stripe = stripe_of(&ctx.state)?;
    let Some(price) = chosen.price_for(interval) else {
        return Err(AppError::unavailable(no_price(&chosen.name, interval)));
    };
    let w = crate::workspaces::domain::load_workspace(ctx).await?;
    let account = store::account(ctx.db(), &w.id).await?;
    if account.as_ref().is_some_and(|a| matches!(a.status.as_deref(), Some("active" | "grace")) && a.subscription_id.is_some()) {
        return Err(AppError::field("plan", BillingTexts::now().err_has_subscription));
    }
    let coupon = coupon.trim().to_uppercase();
    if !coupon.is_empty() && ctx.global::<CouponDoc>(COUPONS).find_one(doc! { "_id": &coupon }).await?.is_none() {
        return Err(AppError::field("coupon", BillingTexts::now().err_bad_coupon));
    }
    let customer = customer_for(ctx, &stripe, &w).await?;
    let base = &ctx.state.config.public_url;
    let mut f = Form::new();
    for (k, v) in [
        ("mode", "subscription"),
        ("customer", customer.as_str()),
        ("client_reference_id", w.id.as_str()),
        ("success_url", &format!("{base}/billing?checkout=success")),
        ("cancel_url", &format!("{base}/billing?checkout=cancel")),
        ("line_items[0][price]", price),
        ("line_items[0][quantity]", "1"),
        ("metadata[workspace_id]", w.id.as_str()),
        ("metadata[plan]", chosen.id.as_str()),
        ("subscription_data[metadata][workspace_id]", w.id.as_str()),
        ("subscription_data[metadata][plan]", chosen.id.as_str()),
    ] {
        f.insert(k.to_string(), v.to_string());
    }
    if !coupon.is_empty() {
        f.insert("discounts[0][coupon]".into(), coupon.clone());
    }
    let session = stripe.create_checkout_session(&f).await?;
    let t = BillingTexts::now();
    let detail = if coupon.is_empty() {
        fill(t.audit_checkout, &[("plan", &chosen.name), ("interval", &interval_said(interval))])
    } else {
        fill(t.audit_checkout_code, &[("plan", &chosen.name), ("interval", &interval_said(interval)), ("code", &coupon)])
    };
    crate::workspaces::domain::audit(ctx, "checkout_started", detail).await;
    session.url.ok_or_else(|| AppError::unavailable(BillingTexts::now().err_no_checkout))
}

pub async fn open_billing_portal(ctx: &Ctx) -> Result<String, AppError> {
    ctx.require(crate::billing::AREA, Action::Manage)?;
    let stripe = stripe_of(&ctx.state)?;
    let w = crate::workspaces::domain::load_workspace(ctx).await?;
    let Some(customer) = store::account(ctx.db(), &w.id).await?.and_then(|a| a.customer_id) else {
        return Err(AppError::field("plan", BillingTexts::now().err_no_customer));
    };
    let session = stripe.create_portal_session(&customer, &format!("{}/billing", ctx.state.config.public_url)).await?;
    Ok(session.url)
}

// ---------------------------------------------------------------- plan changes

pub async fn change_plan(ctx: &Ctx, plan: String, interval: String) -> Result<BillingOverview, AppError> {
    ctx.require(crate::billing::AREA, Action::Manage)?;
    let interval = check_interval(&interval)?.to_string();
    let target = plan_named(&ctx.state, &plan).await?;
    let w = crate::workspaces::domain::load_workspace(ctx).await?;
    let account = store::account(ctx.db(), &w.id).await?;
    let overrides = account.as_ref().map(|a| a.overrides.clone()).unwrap_or_default();
    let over = excess(&target, &overrides, &usage(ctx).await?);
    if !over.is_empty() {
        return Err(AppError::field("plan", over.join("; ")));
    }
    let subscription = account.as_ref().filter(|a| matches!(a.status.as_deref(), Some("active" | "grace"))).and_then(|a| a.subscription_id.clone());
    let is_free = target.monthly_price == 0 && target.yearly_price == 0;
    match (is_free, subscription) {
        (true, Some(sub)) => {
            // Ends at the close of the paid period; Stripe's webhook then moves it to Free.
            let stripe = stripe_of(&ctx.state)?;
            let mut f = Form::new();
            f.insert("cancel_at_period_end".into(), "true".into());
            let updated = stripe.update_subscription(&sub, &f).await?;
            apply_subscription(&ctx.state, &w.id, &updated, false).await?;
            let detail = fill(BillingTexts::now().audit_cancelled, &[("plan", &target.name)]);
            crate::workspaces::domain::audit(ctx, "plan_change", detail).await;
        }
        (true, None) => {
            ws_store::workspaces(ctx.db()).update_one(doc! { "_id": &w.id }, doc! { "$set": { "plan": &target.id, "billing_interval": &interval } }).await?;
            crate::workspaces::resolve::forget_workspace(&ctx.state, &w.id);
            let detail = fill(BillingTexts::now().audit_moved, &[("plan", &target.name)]);
            crate::workspaces::domain::audit(ctx, "plan_change", detail).await;
        }
        (false, Some(sub)) => {
            let stripe = stripe_of(&ctx.state)?;
            let Some(price) = target.price_for(&interval) else {
                return Err(AppError::unavailable(no_price(&target.name, &interval)));
            };
            let current = stripe.subscription(&sub).await?;
            let item = current.items.data.first().map(|i| i.id.clone()).ok_or_else(|| AppError::unavailable(BillingTexts::now().err_no_item))?;
            let mut f = Form::new();
            f.insert("items[0][id]".into(), item);
            f.insert("items[0][price]".into(), price.to_string());
            f.insert("proration_behavior".into(), "create_prorations".into());
            f.insert("cancel_at_period_end".into(), "false".into());
            f.insert("metadata[workspace_id]".into(), w.id.clone());
            let updated = stripe.update_subscription(&sub, &f).await?;
            apply_subscription(&ctx.state, &w.id, &updated, false).await?;
            let detail = fill(BillingTexts::now().audit_changed, &[("plan", &target.name), ("interval", &interval_said(&interval))]);
            crate::workspaces::domain::audit(ctx, "plan_change", detail).await;
        }
        (false, None) => {
            stripe_of(&ctx.state)?;
            return Err(AppError::field("plan", fill(BillingTexts::now().err_checkout_first, &[("plan", &target.name)])));
        }
    }
    get_billing(ctx).await
}

// ---------------------------------------------------------------- Stripe's state

/// The plan and interval a Stripe price id stands for.
async fn plan_of_price(state: &AppState, price: &str) -> Result<Option<(PlanDoc, &'static str)>, AppError> {
    for p in plans::all(&state.db).await? {
        if p.price_for("monthly") == Some(price) {
            return Ok(Some((p, "monthly")));
        }
        if p.price_for("yearly") == Some(price) {
            return Ok(Some((p, "yearly")));
        }
    }
    Ok(None)
}

/// Applies the current state of a Stripe subscription to `workspace_id`: plan from the
/// price id, status, renewal date, cancellation. `payment_failed` marks that a payment
/// failure is being reported (the owner is told once per grace period either way).
/// A subscription other than the workspace's current one is ignored unless it is live,
/// so an old subscription's late events never undo a new one.
pub async fn apply_subscription(state: &AppState, workspace_id: &str, sub: &Subscription, payment_failed: bool) -> Result<(), AppError> {
    let Some(w) = ws_store::workspaces(&state.db).find_one(doc! { "_id": workspace_id }).await? else {
        tracing::warn!(workspace = workspace_id, subscription = %sub.id, "Stripe subscription for a workspace that no longer exists");
        return Ok(());
    };
    let account = ensure_account(&state.db, workspace_id).await?;
    let live = matches!(sub.status.as_str(), "active" | "trialing" | "past_due" | "unpaid");
    if account.subscription_id.as_deref().is_some_and(|cur| cur != sub.id) && !live {
        tracing::info!(workspace = workspace_id, subscription = %sub.id, "ignoring the state of a former subscription");
        return Ok(());
    }
    let period_end = sub.period_end().map(|s| DateTime::from_millis(s * 1000));
    let accounts = state.global::<AccountDoc>(ACCOUNTS);
    let mut new_plan: Option<(String, String, String)> = None;
    match sub.status.as_str() {
        "active" | "trialing" | "past_due" | "unpaid" => {
            let priced = match sub.price_id() {
                Some(p) => plan_of_price(state, p).await?,
                None => None,
            };
            if let Some((p, interval)) = &priced {
                new_plan = Some((p.id.clone(), p.name.clone(), interval.to_string()));
            } else {
                tracing::warn!(price = ?sub.price_id(), "a Stripe price no plan names: the plan is left as it is");
            }
            let failing = !matches!(sub.status.as_str(), "active" | "trialing");
            let mut set = doc! {
                "subscription_id": &sub.id,
                "price_id": sub.price_id(),
                "current_period_end": period_end,
                "cancel_at_period_end": sub.cancel_at_period_end,
                "status": if failing { "grace" } else { "active" },
            };
            let starts_grace = failing && account.grace_ends_at.is_none();
            if !failing {
                set.insert("grace_ends_at", mongodb::bson::Bson::Null);
            } else if starts_grace {
                let ends = DateTime::from_millis(now_ms() + state.config.billing_grace_days as i64 * 86_400_000);
                set.insert("grace_ends_at", ends);
            }
            accounts.update_one(doc! { "_id": workspace_id }, doc! { "$set": set }).await?;
            if starts_grace {
                tell_owner_payment_failed(state, &w).await;
            } else if payment_failed {
                tracing::info!(workspace = workspace_id, "payment failed again during the grace period");
            }
        }
        "canceled" | "incomplete_expired" => {
            new_plan = Some(("free".into(), "Free".into(), "monthly".into()));
            accounts
                .update_one(
                    doc! { "_id": workspace_id },
                    doc! { "$set": { "subscription_id": &sub.id, "status": "canceled", "cancel_at_period_end": false, "current_period_end": null, "grace_ends_at": null, "price_id": null } },
                )
                .await?;
        }
        other => {
            // incomplete, paused: the payment has not gone through; nothing changes yet.
            tracing::info!(workspace = workspace_id, status = other, "subscription not yet in effect");
            if account.subscription_id.is_none() {
                accounts.update_one(doc! { "_id": workspace_id }, doc! { "$set": { "subscription_id": &sub.id } }).await?;
            }
        }
    }
    if let Some((plan, name, interval)) = new_plan {
        if plan != w.plan || interval != w.billing_interval {
            ws_store::workspaces(&state.db)
                .update_one(
                    doc! { "_id": workspace_id },
                    doc! { "$set": { "plan": &plan, "billing_interval": &interval, "updated_at": DateTime::now() }, "$inc": { "version": 1_i64 } },
                )
                .await?;
            let detail = fill(BillingTexts::now().audit_stripe_plan, &[("plan", &name), ("interval", &interval_said(&interval))]);
            workspace_audit(state, workspace_id, "", "Stripe", "plan_changed", detail).await;
        }
    }
    crate::workspaces::resolve::forget_workspace(state, workspace_id);
    Ok(())
}

/// Tells the owner, in the owner's language (a webhook carries no person's language).
async fn tell_owner_payment_failed(state: &AppState, w: &WorkspaceDoc) {
    let owner = user_of(state, &w.owner_id).await;
    let lang = owner.as_ref().and_then(|o| crate::i18n::Lang::from_code(&o.locale)).unwrap_or_default();
    crate::i18n::scope(lang, tell_owner_payment_failed_now(state, w, owner)).await
}

async fn tell_owner_payment_failed_now(state: &AppState, w: &WorkspaceDoc, owner: Option<Person>) {
    let t = BillingTexts::now();
    let days = state.config.billing_grace_days;
    let url = format!("{}/billing", state.config.public_url);
    let title = fill(t.failed_title, &[("workspace", &w.name)]);
    let body = fill(t.failed_body, &[("workspace", &w.name), ("days", &days)]);
    crate::notifications::domain::notify(state, &w.owner_id, "billing", &title, &body, "/billing").await;
    if let Some(owner) = owner {
        let email = mail::action_email(&owner.email, &title, &body, t.failed_action, &url, t.failed_footer);
        if let Err(e) = mail::send_later(state, &format!("billing_failed:{}:{}", w.id, now_ms() / 60_000), email).await {
            tracing::warn!(error = %e, "could not queue the payment-failed e-mail");
        }
    }
    let detail = fill(t.audit_payment_failed, &[("days", &days)]);
    workspace_audit(state, &w.id, "", "Stripe", "payment_failed", detail).await;
}

// ---------------------------------------------------------------- platform admins

fn admin_plan(p: &PlanDoc) -> AdminPlan {
    AdminPlan {
        id: p.id.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        rank: p.rank,
        monthly_price: p.monthly_price,
        yearly_price: p.yearly_price,
        currency: p.currency.clone(),
        limits_json: serde_json::to_string(&p.limits).unwrap_or_else(|_| "{}".into()),
        stripe_price_monthly: p.stripe_price_monthly.clone().unwrap_or_default(),
        stripe_price_yearly: p.stripe_price_yearly.clone().unwrap_or_default(),
    }
}

pub async fn admin_list_plans(ctx: &Ctx) -> Result<Vec<AdminPlan>, AppError> {
    Ok(plans::all(ctx.db()).await?.iter().map(admin_plan).collect())
}

fn check_price_id(field: &str, id: &str) -> Option<crate::error::FieldError> {
    let ok = id.is_empty() || (id.starts_with("price_") && id.len() < 200 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    (!ok).then(|| crate::error::FieldError { field: field.into(), message: BillingTexts::now().err_price_id.into() })
}

#[allow(clippy::too_many_arguments)]
pub async fn admin_save_plan(
    ctx: &Ctx,
    id: String,
    name: String,
    monthly_price: i64,
    yearly_price: i64,
    currency: String,
    limits: String,
    stripe_price_monthly: String,
    stripe_price_yearly: String,
) -> Result<Vec<AdminPlan>, AppError> {
    use crate::error::FieldError;
    let t = BillingTexts::now();
    let id = id.trim().to_string();
    let name = name.trim().to_string();
    let currency = currency.trim().to_uppercase();
    let (pm, py) = (stripe_price_monthly.trim().to_string(), stripe_price_yearly.trim().to_string());
    let fe = |f: &str, m: &str| Some(FieldError { field: f.into(), message: m.into() });
    let mut fields: Vec<FieldError> = [
        (id.is_empty() || id.len() > 40 || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .then(|| fe("id", t.err_plan_id))
            .flatten(),
        (name.is_empty() || name.len() > 60).then(|| fe("name", t.err_plan_name)).flatten(),
        (monthly_price < 0 || yearly_price < 0).then(|| fe("monthly_price", t.err_negative_price)).flatten(),
        (currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase())).then(|| fe("currency", t.err_currency)).flatten(),
        check_price_id("stripe_price_monthly", &pm),
        check_price_id("stripe_price_yearly", &py),
    ]
    .into_iter()
    .flatten()
    .collect();
    let parsed: BTreeMap<String, Option<i64>> = match serde_json::from_str(if limits.trim().is_empty() { "{}" } else { limits.trim() }) {
        Ok(m) => m,
        Err(_) => {
            fields.push(FieldError { field: "limits".into(), message: t.err_limits_json.into() });
            BTreeMap::new()
        }
    };
    for (k, v) in &parsed {
        if ctx.state.registry.limit(k).is_none() {
            let known = ctx.state.registry.limits().map(|l| l.key).collect::<Vec<_>>().join(", ");
            fields.push(FieldError { field: "limits".into(), message: fill(t.err_limit_unknown, &[("key", &format!("{k:?}")), ("known", &known)]) });
        } else if matches!(v, Some(n) if *n < 0) {
            fields.push(FieldError { field: "limits".into(), message: fill(t.err_limit_negative, &[("key", k)]) });
        }
    }
    AppError::check_fields(fields)?;
    let existing = plans::all(ctx.db()).await?;
    let before = existing.iter().find(|p| p.id == id).cloned();
    let plan = PlanDoc {
        id: id.clone(),
        name: name.clone(),
        description: before.as_ref().map(|p| p.description.clone()).unwrap_or_default(),
        rank: before.as_ref().map(|p| p.rank).unwrap_or_else(|| existing.iter().map(|p| p.rank).max().unwrap_or(0) + 1),
        monthly_price,
        yearly_price,
        currency,
        limits: parsed,
        stripe_price_monthly: Some(pm).filter(|s| !s.is_empty()),
        stripe_price_yearly: Some(py).filter(|s| !s.is_empty()),
    };
    ctx.global::<PlanDoc>(ws_store::PLANS).replace_one(doc! { "_id": &id }, &plan).upsert(true).await?;
    crate::workspaces::resolve::forget_all(&ctx.state);
    platform_audit(
        ctx,
        if before.is_some() { "plan_updated" } else { "plan_created" },
        format!("Saved the plan {name} ({id}): {}", serde_json::to_string(&admin_plan(&plan)).unwrap_or_default()),
    )
    .await;
    admin_list_plans(ctx).await
}

async fn find_workspace(ctx: &Ctx, query: &str) -> Result<WorkspaceDoc, AppError> {
    let q = query.trim();
    if q.is_empty() || q.len() > 64 {
        return Err(AppError::field("workspace", BillingTexts::now().err_ws_query));
    }
    ws_store::workspaces(ctx.db())
        .find_one(doc! { "$or": [ { "_id": q }, { "slug": q.to_lowercase() } ] })
        .await?
        .ok_or_else(|| AppError::not_found(BillingTexts::now().nf_workspace))
}

async fn admin_view(ctx: &Ctx, w: &WorkspaceDoc) -> Result<AdminWorkspaceBilling, AppError> {
    let account = store::account(ctx.db(), &w.id).await?;
    let (_, effective, _) = plans::effective(ctx.db(), w).await?;
    let now = now_ms();
    Ok(AdminWorkspaceBilling {
        workspace_id: w.id.clone(),
        name: w.name.clone(),
        slug: w.slug.clone(),
        plan: w.plan.clone(),
        effective_plan: effective.id,
        status: store::display_status(&w.plan, account.as_ref(), now).to_string(),
        complimentary_plan: account.as_ref().and_then(|a| a.complimentary_plan.clone()),
        complimentary_until_ms: account.as_ref().and_then(|a| a.complimentary_until).map(|d| d.timestamp_millis()),
        overrides: account
            .as_ref()
            .map(|a| a.overrides.iter().map(|(k, v)| PlanLimit { key: k.clone(), label: ctx.state.registry.limit_label(k), value: *v }).collect())
            .unwrap_or_default(),
        stripe_customer: account.as_ref().and_then(|a| a.customer_id.clone()),
        stripe_subscription: account.as_ref().and_then(|a| a.subscription_id.clone()),
    })
}

async fn admin_name(ctx: &Ctx) -> String {
    let t = BillingTexts::now();
    user_of(&ctx.state, &ctx.user_id).await.map(|u| fill(t.audit_admin, &[("name", &u.name)])).unwrap_or_else(|| t.audit_admin_unknown.into())
}

pub async fn admin_find_workspace(ctx: &Ctx, query: String) -> Result<AdminWorkspaceBilling, AppError> {
    let w = find_workspace(ctx, &query).await?;
    admin_view(ctx, &w).await
}

pub async fn admin_set_complimentary(ctx: &Ctx, workspace_id: String, plan: String, until: String) -> Result<AdminWorkspaceBilling, AppError> {
    let w = find_workspace(ctx, &workspace_id).await?;
    let plan = plan.trim();
    let until = until.trim();
    let coll = ctx.global::<AccountDoc>(ACCOUNTS);
    ensure_account(ctx.db(), &w.id).await?;
    let detail = if plan.is_empty() {
        coll.update_one(doc! { "_id": &w.id }, doc! { "$set": { "complimentary_plan": null, "complimentary_until": null } }).await?;
        BillingTexts::now().audit_comp_removed.to_string()
    } else {
        let p = plan_named(&ctx.state, plan).await?;
        let until_dt = if until.is_empty() {
            None
        } else {
            let valid = until.len() == 10 && until.as_bytes()[4] == b'-' && until.as_bytes()[7] == b'-';
            let dt = valid.then(|| DateTime::parse_rfc3339_str(format!("{until}T23:59:59.999Z")).ok()).flatten();
            match dt {
                Some(d) if d.timestamp_millis() > now_ms() => Some(d),
                Some(_) => return Err(AppError::field("until", BillingTexts::now().err_until_past)),
                None => return Err(AppError::field("until", BillingTexts::now().err_until_format)),
            }
        };
        coll.update_one(doc! { "_id": &w.id }, doc! { "$set": { "complimentary_plan": &p.id, "complimentary_until": until_dt } }).await?;
        let t = BillingTexts::now();
        if until.is_empty() {
            fill(t.audit_comp_granted, &[("plan", &p.name)])
        } else {
            fill(t.audit_comp_granted_until, &[("plan", &p.name), ("date", &until)])
        }
    };
    crate::workspaces::resolve::forget_workspace(&ctx.state, &w.id);
    workspace_audit(&ctx.state, &w.id, &ctx.user_id, &admin_name(ctx).await, "complimentary_plan", detail.clone()).await;
    platform_audit(ctx, "complimentary_plan", format!("{} ({}): {detail}", w.name, w.id)).await;
    admin_view(ctx, &w).await
}

pub async fn admin_set_limit_override(ctx: &Ctx, workspace_id: String, key: String, value: String) -> Result<AdminWorkspaceBilling, AppError> {
    let w = find_workspace(ctx, &workspace_id).await?;
    let key = key.trim();
    let Some(limit) = ctx.state.registry.limit(key) else {
        return Err(AppError::field("key", BillingTexts::now().err_limit_key));
    };
    let (key, label) = (limit.key, (limit.label)());
    let value = value.trim();
    ensure_account(ctx.db(), &w.id).await?;
    let coll = ctx.global::<AccountDoc>(ACCOUNTS);
    let field = format!("overrides.{key}");
    // "unlimited", in either language (the hint offers the word of the admin's language).
    let unlimited = value.eq_ignore_ascii_case("unlimited") || value.to_lowercase() == numbers::NumberTexts::FR.unlimited.to_lowercase();
    let detail = match value {
        _ if unlimited => {
            coll.update_one(doc! { "_id": &w.id }, doc! { "$set": { &field: null } }).await?;
            fill(BillingTexts::now().audit_ov_unlimited, &[("label", &label)])
        }
        "" => {
            coll.update_one(doc! { "_id": &w.id }, doc! { "$unset": { &field: "" } }).await?;
            fill(BillingTexts::now().audit_ov_removed, &[("label", &label)])
        }
        v => match v.parse::<i64>() {
            Ok(n) if n >= 0 => {
                coll.update_one(doc! { "_id": &w.id }, doc! { "$set": { &field: n } }).await?;
                fill(BillingTexts::now().audit_ov_value, &[("label", &label), ("value", &numbers::amount(key, n))])
            }
            _ => return Err(AppError::field("value", BillingTexts::now().err_override_value)),
        },
    };
    crate::workspaces::resolve::forget_workspace(&ctx.state, &w.id);
    workspace_audit(&ctx.state, &w.id, &ctx.user_id, &admin_name(ctx).await, "limit_override", detail.clone()).await;
    platform_audit(ctx, "limit_override", format!("{} ({}): {detail}", w.name, w.id)).await;
    admin_view(ctx, &w).await
}

fn coupon_view(c: CouponDoc) -> Coupon {
    Coupon {
        code: c.code,
        percent_off: c.percent_off,
        duration_months: c.duration_months,
        created_ms: c.created_at.timestamp_millis(),
        created_by: c.created_by,
    }
}

pub async fn admin_create_coupon(ctx: &Ctx, code: String, percent_off: i64, duration_months: i64) -> Result<Vec<Coupon>, AppError> {
    let t = BillingTexts::now();
    let code = code.trim().to_uppercase();
    let mut fields = vec![];
    if code.len() < 3 || code.len() > 40 || !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        fields.push(crate::error::FieldError { field: "code".into(), message: t.err_coupon_code.into() });
    }
    if !(1..=100).contains(&percent_off) {
        fields.push(crate::error::FieldError { field: "percent_off".into(), message: t.err_coupon_percent.into() });
    }
    if !(0..=36).contains(&duration_months) {
        fields.push(crate::error::FieldError { field: "duration_months".into(), message: t.err_coupon_months.into() });
    }
    AppError::check_fields(fields)?;
    let stripe = stripe_of(&ctx.state)?;
    let coll = ctx.global::<CouponDoc>(COUPONS);
    if coll.find_one(doc! { "_id": &code }).await?.is_some() {
        return Err(AppError::field("code", t.err_coupon_exists));
    }
    stripe.create_coupon(&code, percent_off, duration_months).await?;
    let creator = user_of(&ctx.state, &ctx.user_id).await.map(|u| u.name).unwrap_or_default();
    let doc = CouponDoc {
        code: code.clone(),
        percent_off,
        duration_months: (duration_months > 0).then_some(duration_months),
        created_at: DateTime::now(),
        created_by: creator,
    };
    match coll.insert_one(&doc).await {
        Ok(_) => {}
        Err(e) if is_duplicate_key(&e) => return Err(AppError::field("code", t.err_coupon_exists)),
        Err(e) => return Err(e.into()),
    }
    platform_audit(
        ctx,
        "coupon_created",
        format!(
            "Created the coupon {code}: {percent_off}% off {}",
            if duration_months > 0 { format!("for {duration_months} months") } else { "forever".into() }
        ),
    )
    .await;
    admin_list_coupons(ctx).await
}

pub async fn admin_list_coupons(ctx: &Ctx) -> Result<Vec<Coupon>, AppError> {
    use futures_util::TryStreamExt;
    let docs: Vec<CouponDoc> = ctx.global::<CouponDoc>(COUPONS).find(doc! {}).sort(doc! { "created_at": -1 }).limit(500).await?.try_collect().await?;
    Ok(docs.into_iter().map(coupon_view).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_only_sentence_lists_what_is_read_only() {
        let line = |key: &str, count: i64, text: &str| ReadOnlyLine { key: key.into(), count, text: text.into(), href: "/".into() };
        assert_eq!(read_only_sentence(&[], true), None);
        assert_eq!(
            read_only_sentence(&[line("bio_pages", 2, "2 link-in-bio pages"), line("members", 1, "1 team member")], true).unwrap(),
            "2 link-in-bio pages and 1 team member are read-only until you upgrade, or until the workspace is back within its limits."
        );
        assert_eq!(
            read_only_sentence(&[line("bio_pages", 1, "1 link-in-bio page")], false).unwrap(),
            "1 link-in-bio page is read-only until the workspace is back within its limits."
        );
    }

    #[test]
    fn excess_lists_what_is_over() {
        let plan = PlanDoc {
            id: "free".into(),
            name: "Free".into(),
            description: String::new(),
            rank: 0,
            monthly_price: 0,
            yearly_price: 0,
            currency: "USD".into(),
            limits: BTreeMap::from([("members".into(), Some(2)), ("bio_pages".into(), Some(1)), ("short_links".into(), None)]),
            stripe_price_monthly: None,
            stripe_price_yearly: None,
        };
        let used = BTreeMap::from([("members", 4), ("bio_pages", 3), ("short_links", 50), ("storage_mb", 0)]);
        assert_eq!(excess(&plan, &BTreeMap::new(), &used), vec!["Team members: 4 of 2", "Link-in-bio pages: 3 of 1"]);
        let overrides = BTreeMap::from([("members".to_string(), Some(10))]);
        assert_eq!(excess(&plan, &overrides, &used), vec!["Link-in-bio pages: 3 of 1"]);
        // Sizes read in units, as on the billing page.
        let mut small = plan.clone();
        small.limits = BTreeMap::from([("storage_mb".into(), Some(500))]);
        let used = BTreeMap::from([("storage_mb", 1500)]);
        assert_eq!(excess(&small, &BTreeMap::new(), &used), vec!["Storage: 1.5 GB of 500 MB"]);
    }
}
