//! M04 billing pages: the workspace's billing page (`/billing`: plan, status, usage against
//! the limits, invoices, plan cards with Checkout, the customer portal and downgrades) and
//! the platform administrators' screen (`/admin/billing`: plans, complimentary plans and
//! limit overrides per workspace, coupons).
//!
//! Prices always come from the plan catalog the server sends, never from this file. The
//! server decides every permission; the controls shown here only follow the `billing` row
//! of the permission table so nobody is offered a button that will be refused.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{
    admin_create_coupon, admin_find_workspace, admin_list_coupons, admin_list_plans, admin_save_plan, admin_set_complimentary, admin_set_limit_override,
    change_plan, get_billing, open_billing_portal, start_checkout,
};
use super::texts::BillingTexts;
use super::{status, AdminPlan, AdminWorkspaceBilling, BillingOverview, Coupon, Invoice, UsageLine};
use crate::accounts::ui::use_auth;
use crate::accounts::PlatformRole;
use crate::error::{AppError, FieldError};
use crate::i18n::{fill, numbers};
use crate::shell::{ErrorNote, FieldMessage, FormError, Loading};
use crate::workspaces::ui::{require_signed_in, use_workspaces, WorkspaceBar};
use crate::workspaces::{format_price, Action, PlanInfo, PlanLimit};

/// How often, and how many times, the page asks again after Checkout until Stripe's
/// webhook has changed the plan.
const POLL_EVERY_MS: i32 = 1500;
const POLL_TIMES: u32 = 12;

// ---------------------------------------------------------------- browser helpers

/// Sends the browser to another site (Stripe Checkout or the customer portal).
fn go_to(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A date (ms since 1970) in the current language, e.g. "12 March 2026", "12 mars 2026".
pub fn format_date(ms: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsValue;
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"year".into(), &"numeric".into());
        let _ = js_sys::Reflect::set(&options, &"month".into(), &"long".into());
        let _ = js_sys::Reflect::set(&options, &"day".into(), &"numeric".into());
        let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        String::from(d.to_locale_date_string(crate::i18n::lang().code(), &options))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{ms}")
    }
}

fn is_paid(p: &PlanInfo) -> bool {
    p.monthly_price > 0 || p.yearly_price > 0
}

fn price_text(p: &PlanInfo, interval: &str) -> String {
    let t = BillingTexts::now();
    if interval == "yearly" {
        fill(t.plans_price_year, &[("price", &format_price(p.yearly_price, &p.currency))])
    } else {
        fill(t.plans_price_month, &[("price", &format_price(p.monthly_price, &p.currency))])
    }
}

/// "3 of 10", "3 MB of 20 GB", "0 of 5 million", or "3 used · Unlimited".
pub fn usage_text(line: &UsageLine) -> String {
    let t = BillingTexts::now();
    let used = numbers::amount(&line.key, line.used);
    match line.limit {
        Some(limit) if line.used > limit => fill(t.usage_over, &[("used", &used), ("limit", &numbers::amount(&line.key, limit))]),
        Some(limit) => fill(t.usage_of, &[("used", &used), ("limit", &numbers::amount(&line.key, limit))]),
        None => fill(t.usage_unlimited, &[("used", &used)]),
    }
}

/// "Storage: 200 GB", "AI tokens a month: 5 million", "Team members: Unlimited".
pub fn limit_text(l: &PlanLimit) -> String {
    fill(BillingTexts::now().plans_limit, &[("label", &l.label), ("value", &numbers::limit(&l.key, l.value))])
}

/// A billing state as the admin screen names it (every state, "free" included).
fn status_name(s: &str) -> &'static str {
    let t = BillingTexts::now();
    match s {
        status::ACTIVE => t.status_active,
        status::GRACE => t.status_grace,
        status::PAST_DUE => t.status_past_due,
        status::CANCELED => t.status_cancelled,
        status::COMPLIMENTARY => t.status_complimentary,
        _ => t.status_free,
    }
}

/// An invoice's Stripe status, in words.
fn invoice_status(s: &str) -> String {
    let t = BillingTexts::now();
    match s {
        "paid" => t.inv_paid.to_string(),
        "open" => t.inv_open.to_string(),
        "draft" => t.inv_draft.to_string(),
        "void" => t.inv_void.to_string(),
        "uncollectible" => t.inv_uncollectible.to_string(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------- the billing page

#[component]
pub fn BillingPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let ws = use_workspaces();
    // Only re-render when what decides the page changes (not on every list refresh, which
    // would restart the page and its polling).
    let state = Memo::new(move |_| (ws.ready.get(), ws.current.get(), ws.can(super::AREA, Action::View), ws.can(super::AREA, Action::Manage)));
    let t = BillingTexts::now();
    view! {
        <section class="page billing" aria-labelledby="billing-title">
            <WorkspaceBar/>
            <h1 id="billing-title">{t.page_title}</h1>
            {move || match state.get() {
                (false, ..) => view! { <Loading/> }.into_any(),
                (true, None, ..) => view! {
                    <div class="card">
                        <p>{t.page_no_workspace}</p>
                        <p><a class="button" href="/setup?new=1">{t.page_create_workspace}</a></p>
                    </div>
                }.into_any(),
                (true, Some(_), false, _) => view! {
                    <div class="notice" role="note">
                        <strong>{t.page_not_allowed_title}</strong>
                        <p>{t.page_not_allowed_body}</p>
                    </div>
                }.into_any(),
                (true, Some(id), true, manage) => view! { <Billing workspace=id manage=manage/> }.into_any(),
            }}
        </section>
    }
}

/// What the page says after coming back from Checkout.
#[derive(Clone, Debug, PartialEq)]
enum Return {
    None,
    Waiting,
    Done(String),
    Slow,
    Cancelled,
}

type Overview = RwSignal<Option<Result<BillingOverview, AppError>>>;

/// Which plan card a message or a busy button belongs to ("" for the page).
type PlanNote = RwSignal<Option<(String, Result<String, AppError>)>>;

#[component]
fn Billing(workspace: String, manage: bool) -> impl IntoView {
    let ws = use_workspaces();
    let query = use_query_map();
    let checkout = query.read_untracked().get("checkout");
    let overview: Overview = RwSignal::new(None);
    let back = RwSignal::new(match checkout.as_deref() {
        Some("success") => Return::Waiting,
        Some("cancel") => Return::Cancelled,
        _ => Return::None,
    });
    let interval = RwSignal::new(String::new());
    {
        let id = workspace.clone();
        let waiting = back.get_untracked() == Return::Waiting;
        leptos::task::spawn_local(async move {
            let mut tries = 0;
            loop {
                let r = get_billing(id.clone()).await;
                let paid = match &r {
                    Ok(o) => o.plan != "free" && matches!(o.status.as_str(), status::ACTIVE | status::GRACE | status::COMPLIMENTARY),
                    Err(_) => false,
                };
                if let Ok(o) = &r {
                    if interval.try_get_untracked().is_some_and(|i| i.is_empty()) {
                        interval.try_set(if o.interval.is_empty() { "monthly".into() } else { o.interval.clone() });
                    }
                }
                let name = r.as_ref().map(|o| o.plan_name.clone()).unwrap_or_default();
                let Some(before) = overview.try_get_untracked() else {
                    return; // the page is gone
                };
                // Unchanged answers while polling leave the page (and its focus) alone.
                if before.as_ref() != Some(&r) {
                    overview.set(Some(r));
                }
                if !waiting {
                    return;
                }
                if paid {
                    back.try_set(Return::Done(name));
                    ws.refresh();
                    return;
                }
                tries += 1;
                if tries >= POLL_TIMES {
                    back.try_set(Return::Slow);
                    return;
                }
                sleep(POLL_EVERY_MS).await;
            }
        });
    }
    let note: PlanNote = RwSignal::new(None);
    let busy = RwSignal::new(None::<String>);
    let coupon = RwSignal::new(String::new());
    let t = BillingTexts::now();
    view! {
        <CheckoutReturn back=back/>
        {move || match overview.get() {
            None => view! { <Loading label=t.page_loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
            Some(Ok(o)) => {
                let workspace = workspace.clone();
                let can_manage = manage && o.can_manage;
                view! {
                    {(!can_manage).then(|| view! {
                        <div class="notice" role="note">
                            <strong>{t.page_view_only_title}</strong>
                            <p>{t.page_view_only_body}</p>
                        </div>
                    })}
                    <CurrentPlan o=o.clone() workspace=workspace.clone() can_manage=can_manage busy=busy/>
                    <ReadOnlyNotice o=o.clone()/>
                    <Usage lines=o.usage.clone() effective=o.effective_plan_name.clone()/>
                    <Plans o=o.clone() workspace=workspace can_manage=can_manage interval=interval coupon=coupon busy=busy note=note overview=overview/>
                    <Invoices invoices=o.invoices.clone() error=o.invoices_error.clone()/>
                }.into_any()
            }
        }}
    }
}

#[component]
fn CheckoutReturn(back: RwSignal<Return>) -> impl IntoView {
    let t = BillingTexts::now();
    move || match back.get() {
        Return::None => ().into_any(),
        Return::Waiting => view! {
            <div class="notice notice-ok billing-return" role="status">
                <span class="spinner" aria-hidden="true"></span>
                <div>
                    <strong>{t.ret_updating_title}</strong>
                    <p>{t.ret_updating_body}</p>
                </div>
            </div>
        }
        .into_any(),
        Return::Done(name) => view! {
            <div class="notice notice-ok" role="status">
                <strong>{t.ret_done_title}</strong>
                <p>{fill(t.ret_done_body, &[("plan", &name)])}</p>
            </div>
        }
        .into_any(),
        Return::Slow => view! {
            <div class="notice" role="status">
                <strong>{t.ret_updating_title}</strong>
                <p>{t.ret_slow_body}</p>
            </div>
        }
        .into_any(),
        Return::Cancelled => view! {
            <div class="notice" role="status">
                <strong>{t.ret_cancel_title}</strong>
                <p>{t.ret_cancel_body}</p>
            </div>
        }
        .into_any(),
    }
}

/// What the status fact says: the badge's class, its text, and a sentence that explains it.
#[derive(Clone, Debug, PartialEq)]
struct StatusView {
    badge: &'static str,
    label: String,
    explain: Option<String>,
}

/// The status, when it says something the plan's name does not: an active subscription,
/// one that ends at the period's end, a failed payment (with the grace period's end), an
/// ended subscription, a complimentary plan. `None` for a workspace on Free with no
/// subscription: the plan row says all there is ("Free"), and repeating it as a status
/// says nothing.
fn status_view(o: &BillingOverview) -> Option<StatusView> {
    let t = BillingTexts::now();
    let plan = o.plan_name.as_str();
    let view = |badge, label: &str, explain: Option<String>| Some(StatusView { badge, label: label.to_string(), explain });
    match o.status.as_str() {
        status::ACTIVE if o.cancel_at_period_end => view(
            "warn",
            t.status_cancelling,
            Some(match o.renews_at_ms {
                Some(end) => fill(t.explain_cancelling, &[("plan", &plan), ("date", &format_date(end))]),
                None => fill(t.explain_cancelling_no_date, &[("plan", &plan)]),
            }),
        ),
        status::ACTIVE => view("ok", t.status_active, None),
        status::GRACE => match o.grace_ends_at_ms {
            Some(end) => view(
                "bad",
                &fill(t.status_grace_until, &[("date", &format_date(end))]),
                Some(fill(t.explain_grace, &[("plan", &plan), ("date", &format_date(end))])),
            ),
            None => view("bad", t.status_past_due, Some(t.explain_grace_no_date.to_string())),
        },
        status::PAST_DUE => view(
            "bad",
            t.status_past_due,
            Some(match o.grace_ends_at_ms {
                Some(end) => fill(t.explain_past_due, &[("date", &format_date(end))]),
                None => t.explain_past_due_no_date.to_string(),
            }),
        ),
        status::CANCELED => view("", t.status_cancelled, Some(t.explain_cancelled.to_string())),
        status::COMPLIMENTARY => view(
            "ok",
            t.status_complimentary,
            Some(match o.complimentary_until_ms {
                Some(until) => fill(t.explain_comp_until, &[("plan", &plan), ("date", &format_date(until))]),
                None => fill(t.explain_comp_forever, &[("plan", &plan)]),
            }),
        ),
        _ => None,
    }
}

#[component]
fn CurrentPlan(o: BillingOverview, workspace: String, can_manage: bool, busy: RwSignal<Option<String>>) -> impl IntoView {
    let t = BillingTexts::now();
    let shown_status = status_view(&o);
    let paid_plan = o.plan != "free";
    let plan_text = if paid_plan && o.status != status::COMPLIMENTARY {
        let billed = if o.interval == "yearly" { t.cur_billed_yearly } else { t.cur_billed_monthly };
        fill(billed, &[("plan", &o.plan_name)])
    } else {
        o.plan_name.clone()
    };
    let show_portal = can_manage && o.has_customer && o.payments_configured;
    let portal_error = RwSignal::new(None::<AppError>);
    let open_portal = move |_| {
        let workspace = workspace.clone();
        busy.set(Some("portal".into()));
        portal_error.set(None);
        leptos::task::spawn_local(async move {
            match open_billing_portal(workspace).await {
                Ok(url) => go_to(&url),
                Err(e) => {
                    portal_error.set(Some(e));
                    busy.set(None);
                }
            }
        });
    };
    let explain = shown_status.as_ref().and_then(|s| s.explain.clone().map(|text| (s.badge, text)));
    view! {
        <section class="card" aria-labelledby="bill-current-title">
            <h2 id="bill-current-title">{t.cur_title}</h2>
            <dl class="facts">
                <div><dt>{t.cur_plan}</dt><dd>{plan_text}</dd></div>
                {shown_status.map(|s| view! {
                    <div><dt>{t.cur_status}</dt><dd><span class=format!("badge {}", s.badge)>{s.label}</span></dd></div>
                })}
                {o.renews_at_ms.filter(|_| paid_plan && o.status != status::COMPLIMENTARY).map(|at| view! {
                    <div>
                        <dt>{if o.cancel_at_period_end { t.cur_ends_on } else { t.cur_next_renewal }}</dt>
                        <dd>{format_date(at)}</dd>
                    </div>
                })}
                {(o.effective_plan != o.plan).then(|| view! {
                    <div><dt>{t.cur_limits_in_force}</dt><dd>{o.effective_plan_name.clone()}</dd></div>
                })}
            </dl>
            {explain.map(|(badge, text)| view! { <p class=format!("bill-explain {badge}")>{text}</p> })}
            {show_portal.then(|| view! {
                <div class="row">
                    <button type="button" class="button secondary" on:click=open_portal disabled=move || busy.get().is_some()>
                        {move || if busy.get().as_deref() == Some("portal") { t.cur_opening_stripe } else { t.cur_manage }}
                    </button>
                    <p class="hint">{t.cur_portal_hint}</p>
                </div>
                <FormError error=portal_error.into()/>
            })}
        </section>
    }
}

/// After the plan dropped: what is kept but read-only until the workspace upgrades (or is
/// back within its limits), as the server counted it.
#[component]
fn ReadOnlyNotice(o: BillingOverview) -> impl IntoView {
    let t = BillingTexts::now();
    o.read_only_notice.clone().map(|sentence| {
        view! {
            <section class="notice notice-warn read-only-notice" role="status" aria-labelledby="bill-read-only-title">
                <h2 id="bill-read-only-title" class="small-title"><span class="badge read-only">{t.ro_badge}</span>{fill(t.ro_title, &[("plan", &o.effective_plan_name)])}</h2>
                <p>{sentence}</p>
                <ul class="read-only-list">
                    {o.read_only.iter().map(|l| view! {
                        <li><a href=l.href.clone()>{l.text.clone()}</a></li>
                    }).collect_view()}
                </ul>
                <p class="hint">{t.ro_hint}</p>
            </section>
        }
    })
}

#[component]
fn Usage(lines: Vec<UsageLine>, effective: String) -> impl IntoView {
    let t = BillingTexts::now();
    view! {
        <section class="card" aria-labelledby="bill-usage-title">
            <h2 id="bill-usage-title">{t.usage_title}</h2>
            <p class="muted">{fill(t.usage_intro, &[("plan", &effective)])}</p>
            <ul class="usage-list">
                {lines.into_iter().map(|l| {
                    let label_id = format!("usage-{}", l.key);
                    let text = usage_text(&l);
                    let over = l.limit.is_some_and(|m| l.used > m);
                    let full = l.limit.is_some_and(|m| l.used >= m);
                    view! {
                        <li class="usage-line" class:over=over>
                            <div class="usage-head">
                                <span id=label_id.clone()>{l.label.clone()}</span>
                                <span class="usage-count">{text.clone()}</span>
                            </div>
                            {l.limit.map(|max| {
                                let pct = if max <= 0 { if l.used > 0 { 100 } else { 0 } } else { ((l.used.max(0) * 100) / max).min(100) };
                                view! {
                                    <div class="meter" class:full=full role="progressbar" aria-labelledby=label_id
                                        aria-valuemin="0" aria-valuemax=max.to_string() aria-valuenow=l.used.min(max).max(0).to_string()
                                        aria-valuetext=text>
                                        <span style=format!("width: {pct}%")></span>
                                    </div>
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn Plans(
    o: BillingOverview,
    workspace: String,
    can_manage: bool,
    interval: RwSignal<String>,
    coupon: RwSignal<String>,
    busy: RwSignal<Option<String>>,
    note: PlanNote,
    overview: Overview,
) -> impl IntoView {
    let ws = use_workspaces();
    let t = BillingTexts::now();
    let payments = o.payments_configured;
    let plans = o.catalog.plans.clone();
    let current_rank = plans.iter().position(|p| p.id == o.plan).unwrap_or(0);
    let has_subscription = o.plan != "free" && matches!(o.status.as_str(), status::ACTIVE | status::GRACE);
    let on_free = !has_subscription;
    let page_note = move || note.get().filter(|(id, _)| id.is_empty()).and_then(|(_, r)| r.ok());
    let o2 = o.clone();
    // Starts Checkout for a paid plan, or changes the plan of an existing subscription.
    let act = move |plan: PlanInfo, checkout: bool| {
        let workspace = workspace.clone();
        let iv = interval.get_untracked();
        let id = plan.id.clone();
        if !checkout {
            let question = if !is_paid(&plan) && has_subscription {
                match o2.renews_at_ms {
                    Some(d) => fill(t.plans_confirm_at_end, &[("plan", &plan.name), ("date", &format_date(d))]),
                    None => fill(t.plans_confirm_at_end_no_date, &[("plan", &plan.name)]),
                }
            } else if is_paid(&plan) {
                fill(t.plans_confirm_change, &[("plan", &plan.name), ("price", &price_text(&plan, &iv))])
            } else {
                fill(t.plans_confirm_move, &[("plan", &plan.name)])
            };
            if !confirm(&question) {
                return;
            }
        }
        busy.set(Some(id.clone()));
        note.set(None);
        let code = coupon.get_untracked();
        leptos::task::spawn_local(async move {
            if checkout {
                match start_checkout(workspace, id.clone(), iv, code).await {
                    Ok(url) => go_to(&url), // stays busy while the browser leaves
                    Err(e) => {
                        note.set(Some((id, Err(e))));
                        busy.set(None);
                    }
                }
            } else {
                match change_plan(workspace, id.clone(), iv).await {
                    Ok(updated) => {
                        let msg = match (updated.cancel_at_period_end, updated.renews_at_ms) {
                            (true, Some(d)) => fill(t.plans_done_cancel, &[("plan", &updated.plan_name), ("date", &format_date(d))]),
                            (true, None) => fill(t.plans_done_cancel_no_date, &[("plan", &updated.plan_name)]),
                            (false, _) if updated.interval == "yearly" => fill(t.plans_done_yearly, &[("plan", &updated.plan_name)]),
                            (false, _) => fill(t.plans_done_monthly, &[("plan", &updated.plan_name)]),
                        };
                        note.set(Some((String::new(), Ok(msg))));
                        busy.set(None);
                        overview.set(Some(Ok(updated)));
                        ws.refresh();
                    }
                    Err(e) => {
                        note.set(Some((id, Err(e))));
                        busy.set(None);
                    }
                }
            }
        });
    };
    let show_coupon = can_manage && payments && on_free;
    view! {
        <section class="card" aria-labelledby="bill-plans-title">
            <h2 id="bill-plans-title">{t.plans_title}</h2>
            <p role="status" class="bill-done">{page_note}</p>
            {(!payments).then(|| view! {
                <div class="notice" role="note">
                    <strong>{t.plans_no_payments_title}</strong>
                    <p>{t.plans_no_payments_body}</p>
                </div>
            })}
            {plans.is_empty().then(|| view! { <p class="muted">{t.plans_none}</p> })}
            <fieldset class="segmented">
                <legend>{t.plans_period}</legend>
                {[("monthly", t.plans_monthly), ("yearly", t.plans_yearly)].into_iter().map(|(key, label)| view! {
                    <label class="choice" for=format!("bill-interval-{key}")>
                        <input type="radio" id=format!("bill-interval-{key}") name="bill-interval" value=key
                            prop:checked=move || interval.get() == key
                            on:change=move |_| interval.set(key.to_string())/>
                        <span>{label}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            {show_coupon.then(|| view! {
                <div class="field bill-coupon">
                    <label for="bill-coupon">{t.plans_coupon}</label>
                    <input id="bill-coupon" type="text" autocomplete="off" autocapitalize="characters" bind:value=coupon
                        aria-describedby="bill-coupon-hint"/>
                    <p class="hint" id="bill-coupon-hint">{t.plans_coupon_hint}</p>
                </div>
            })}
            <ul class="bill-plans">
                {plans.into_iter().enumerate().map(|(rank, p)| {
                    let paid = is_paid(&p);
                    let is_current_plan = p.id == o.plan;
                    let current_interval = o.interval.clone();
                    let cancelling = o.cancel_at_period_end;
                    let blocked = paid && !payments;
                    let title_id = format!("bill-plan-{}", p.id);
                    let labelled_by = title_id.clone();
                    let plan_for_price = p.clone();
                    let plan_for_action = p.clone();
                    let act = act.clone();
                    let pid = p.id.clone();
                    let limits = p.limits.clone();
                    view! {
                        <li class="bill-plan" class:current=is_current_plan aria-labelledby=labelled_by>
                            <div class="bill-plan-head">
                                <h3 id=title_id>{p.name.clone()}</h3>
                                {is_current_plan.then(|| view! { <span class="badge ok">{t.plans_current}</span> })}
                            </div>
                            <p class="bill-price">{move || price_text(&plan_for_price, &interval.get())}</p>
                            <p class="muted">{p.description.clone()}</p>
                            <ul class="limits">
                                {limits.into_iter().map(|l| view! { <li>{limit_text(&l)}</li> }).collect_view()}
                            </ul>
                            {move || {
                                let iv = interval.get();
                                let p = plan_for_action.clone();
                                let act = act.clone();
                                let same_interval = !paid || iv == current_interval;
                                if !can_manage {
                                    return ().into_any();
                                }
                                if is_current_plan && same_interval && !(cancelling && paid) {
                                    return view! { <p class="hint">{t.plans_yours}</p> }.into_any();
                                }
                                if blocked {
                                    return view! {
                                        <div class="bill-action">
                                            <button type="button" class="button" disabled=true aria-describedby=format!("bill-blocked-{}", p.id)>
                                                {fill(t.plans_upgrade, &[("plan", &p.name)])}
                                            </button>
                                            <p class="hint" id=format!("bill-blocked-{}", p.id)>{t.plans_no_payments_title}</p>
                                        </div>
                                    }.into_any();
                                }
                                let name = [("plan", &p.name as &dyn std::fmt::Display)];
                                let (label, checkout, down) = if is_current_plan && cancelling && paid && same_interval {
                                    (fill(t.plans_keep, &name), false, false)
                                } else if is_current_plan {
                                    (if iv == "yearly" { t.plans_switch_yearly } else { t.plans_switch_monthly }.to_string(), false, false)
                                } else if paid && on_free {
                                    (fill(t.plans_upgrade, &name), true, false)
                                } else if rank > current_rank {
                                    (fill(t.plans_upgrade, &name), false, false)
                                } else {
                                    (fill(t.plans_downgrade, &name), false, true)
                                };
                                let id = p.id.clone();
                                let class = if down { "button secondary" } else { "button" };
                                view! {
                                    <div class="bill-action">
                                        <button type="button" class=class
                                            disabled=move || busy.get().is_some()
                                            on:click=move |_| act(p.clone(), checkout)>
                                            {move || if busy.get().as_deref() == Some(id.as_str()) {
                                                if checkout { t.plans_opening_checkout.to_string() } else { t.plans_changing.to_string() }
                                            } else { label.clone() }}
                                        </button>
                                        {checkout.then(|| view! { <p class="hint">{t.plans_checkout_hint}</p> })}
                                    </div>
                                }.into_any()
                            }}
                            {move || note.get().filter(|(id, _)| *id == pid).and_then(|(_, r)| r.err()).map(|e| view! { <ErrorNote error=e/> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Invoices(invoices: Vec<Invoice>, error: Option<String>) -> impl IntoView {
    let t = BillingTexts::now();
    view! {
        <section class="card" aria-labelledby="bill-invoices-title">
            <h2 id="bill-invoices-title">{t.inv_title}</h2>
            {match (error, invoices.is_empty()) {
                (Some(message), _) => view! {
                    <div class="notice notice-error" role="alert">
                        <strong>{t.inv_error_title}</strong>
                        <p>{message}</p>
                    </div>
                }.into_any(),
                (None, true) => view! { <p class="muted">{t.inv_none}</p> }.into_any(),
                (None, false) => view! {
                    <div class="table-wrap" role="region" aria-labelledby="bill-invoices-title" tabindex="0">
                        <table class="bill-table bill-invoices">
                            <thead>
                                <tr><th scope="col">{t.inv_number}</th><th scope="col">{t.inv_date}</th><th scope="col">{t.inv_amount}</th><th scope="col">{t.inv_status}</th><th scope="col"><span class="sr-only">{t.inv_links}</span></th></tr>
                            </thead>
                            <tbody>
                                {invoices.into_iter().map(|i| {
                                    let badge = match i.status.as_str() { "paid" => "badge ok", "open" | "uncollectible" => "badge bad", _ => "badge" };
                                    let number = i.number.clone();
                                    let number2 = i.number.clone();
                                    view! {
                                        <tr>
                                            <th scope="row">{i.number.clone()}</th>
                                            <td data-label=t.inv_date>{format_date(i.created_ms)}</td>
                                            <td data-label=t.inv_amount>{format_price(i.amount, &i.currency)}</td>
                                            <td data-label=t.inv_status><span class=badge>{invoice_status(&i.status)}</span></td>
                                            <td class="bill-links">
                                                {i.hosted_url.map(|u| view! { <a href=u target="_blank" rel="noopener">{t.inv_view}<span class="sr-only">{fill(t.inv_view_sr, &[("number", &number)])}</span></a> })}
                                                {i.pdf_url.map(|u| view! { <a href=u target="_blank" rel="noopener">{t.inv_pdf}<span class="sr-only">{fill(t.inv_pdf_sr, &[("number", &number2)])}</span></a> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

// ---------------------------------------------------------------- the wizard's checkout

/// Starts Checkout for `plan` right after the setup wizard (used by its plan step).
pub async fn checkout_after_setup(workspace: String, plan: String, interval: String) -> Result<(), AppError> {
    let url = start_checkout(workspace, plan, interval, String::new()).await?;
    go_to(&url);
    Ok(())
}

// ---------------------------------------------------------------- platform admin screen

fn is_platform_admin(role: PlatformRole) -> bool {
    matches!(role, PlatformRole::Admin | PlatformRole::SuperAdmin)
}

/// A labelled text input with its hint and its field message right under it.
#[component]
fn Input(
    #[prop(into)] id: String,
    label: &'static str,
    field: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let msg_id = format!("{id}-msg");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() { format!("{hint_id} {msg_id}") } else { msg_id.clone() };
    let invalid = move || if error.get().and_then(|e| e.field_message(field)).is_some() { "true" } else { "false" };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind autocomplete="off" inputmode=inputmode bind:value=value aria-invalid=invalid aria-describedby=described/>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldMessage id=msg_id field=field error=error/>
        </div>
    }
}

/// "19.99" (or "19,99") → 1999. `None` when it is not an amount.
fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let s = s.as_str();
    if s.is_empty() {
        return Some(0);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let cents: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(cents)
}

fn amount_text(cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{}", cents / 100)
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

/// A plan's limits (the admin screen's JSON) as the plan cards show them, in the order of
/// the registry; what does not parse shows nothing (the form underneath has the JSON).
fn admin_plan_limits(json: &str) -> Vec<PlanLimit> {
    let parsed: std::collections::BTreeMap<String, Option<i64>> = serde_json::from_str(json).unwrap_or_default();
    crate::REGISTRY
        .limits()
        .filter_map(|l| parsed.get(l.key).map(|v| PlanLimit { key: l.key.to_string(), label: (l.label)().to_string(), value: *v }))
        .collect()
}

fn pretty_json(s: &str) -> String {
    serde_json::from_str::<serde_json::Value>(s).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| s.to_string())
}

type AdminPlans = RwSignal<Option<Result<Vec<AdminPlan>, AppError>>>;

#[component]
pub fn AdminBillingPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let auth = use_auth();
    let state = Memo::new(move |_| (auth.ready.get(), auth.user.get().map(|u| is_platform_admin(u.role))));
    let t = BillingTexts::now();
    view! {
        <section class="page admin-billing" aria-labelledby="ab-title">
            <p class="eyebrow">{t.ab_eyebrow}</p>
            <h1 id="ab-title">{t.ab_title}</h1>
            {move || match state.get() {
                (true, Some(true)) => view! { <AdminScreens/> }.into_any(),
                (true, Some(false)) => view! {
                    <div class="notice notice-error" role="alert">
                        <strong>{t.ab_not_allowed}</strong>
                        <p>{t.ab_not_allowed_body}</p>
                    </div>
                }.into_any(),
                _ => view! { <Loading/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn AdminScreens() -> impl IntoView {
    let plans: AdminPlans = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        plans.try_set(Some(admin_list_plans().await));
    });
    let t = BillingTexts::now();
    view! {
        <p class="lead">{t.ab_lead}</p>
        <section class="card" aria-labelledby="ab-plans-title">
            <h2 id="ab-plans-title">{t.plans_title}</h2>
            <p class="muted">{t.ab_plans_intro}</p>
            {move || match plans.get() {
                None => view! { <Loading label=t.ab_loading_plans/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="ab-plans">
                        {list.into_iter().map(|p| {
                            let summary = fill(t.ab_plan_summary, &[
                                ("name", &p.name),
                                ("monthly", &format_price(p.monthly_price, &p.currency)),
                                ("yearly", &format_price(p.yearly_price, &p.currency)),
                            ]);
                            let limits = admin_plan_limits(&p.limits_json);
                            let limits_label = fill(t.ab_plan_limits, &[("name", &p.name)]);
                            view! {
                                <details class="ab-plan">
                                    <summary>{summary}</summary>
                                    <ul class="limits ab-plan-limits" aria-label=limits_label>
                                        {limits.iter().map(|l| view! { <li>{limit_text(l)}</li> }).collect_view()}
                                    </ul>
                                    <PlanForm plan=Some(p) plans=plans/>
                                </details>
                            }
                        }).collect_view()}
                        <details class="ab-plan">
                            <summary>{t.ab_add_plan}</summary>
                            <PlanForm plan=None plans=plans/>
                        </details>
                    </div>
                }.into_any(),
            }}
        </section>
        <WorkspaceAdmin plans=plans/>
        <CouponsAdmin/>
    }
}

#[component]
fn PlanForm(plan: Option<AdminPlan>, plans: AdminPlans) -> impl IntoView {
    let is_new = plan.is_none();
    let p = plan.unwrap_or(AdminPlan {
        id: String::new(),
        name: String::new(),
        description: String::new(),
        rank: 0,
        monthly_price: 0,
        yearly_price: 0,
        currency: "USD".into(),
        limits_json: "{}".into(),
        stripe_price_monthly: String::new(),
        stripe_price_yearly: String::new(),
    });
    let prefix = if is_new { "ab-new".to_string() } else { format!("ab-{}", p.id) };
    let id = RwSignal::new(p.id.clone());
    let name = RwSignal::new(p.name.clone());
    let monthly = RwSignal::new(amount_text(p.monthly_price));
    let yearly = RwSignal::new(amount_text(p.yearly_price));
    let currency = RwSignal::new(p.currency.clone());
    let limits = RwSignal::new(pretty_json(&p.limits_json));
    let price_m = RwSignal::new(p.stripe_price_monthly.clone());
    let price_y = RwSignal::new(p.stripe_price_yearly.clone());
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let t = BillingTexts::now();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let (m, y) = (parse_amount(&monthly.get_untracked()), parse_amount(&yearly.get_untracked()));
        let mut fields = vec![];
        if m.is_none() {
            fields.push(FieldError { field: "monthly_price".into(), message: t.ab_err_monthly.into() });
        }
        if y.is_none() {
            fields.push(FieldError { field: "yearly_price".into(), message: t.ab_err_yearly.into() });
        }
        if let Err(e) = AppError::check_fields(fields) {
            error.set(Some(e));
            return;
        }
        error.set(None);
        pending.set(true);
        let plan_name = name.get_untracked();
        let args = (
            id.get_untracked(),
            plan_name.clone(),
            m.unwrap_or(0),
            y.unwrap_or(0),
            currency.get_untracked(),
            limits.get_untracked(),
            price_m.get_untracked(),
            price_y.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let r = admin_save_plan(args.0, args.1, args.2, args.3, args.4, args.5, args.6, args.7).await;
            pending.try_set(false);
            match r {
                Ok(list) => {
                    saved.try_set(Some(fill(t.ab_saved, &[("name", &plan_name)])));
                    // A new plan joins the list (which re-renders the forms); an edited one
                    // keeps its open form.
                    if is_new {
                        plans.set(Some(Ok(list)));
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let err: Signal<Option<AppError>> = error.into();
    let limits_id = format!("{prefix}-limits");
    let limits_msg = format!("{limits_id}-msg");
    let limits_hint = format!("{limits_id}-hint");
    let limits_invalid = move || if err.get().and_then(|e| e.field_message("limits")).is_some() { "true" } else { "false" };
    view! {
        <form class="form" on:submit=submit novalidate>
            <FormError error=err fields=&["id", "name", "monthly_price", "yearly_price", "currency", "limits", "stripe_price_monthly", "stripe_price_yearly"]/>
            {if is_new {
                view! { <Input id=format!("{prefix}-id") label=t.ab_plan_id field="id" value=id error=err hint=t.ab_plan_id_hint/> }.into_any()
            } else {
                view! { <p class="muted">{t.ab_plan_id_fixed} <code>{p.id.clone()}</code></p> }.into_any()
            }}
            <Input id=format!("{prefix}-name") label=t.ab_name field="name" value=name error=err/>
            <div class="ab-grid">
                <Input id=format!("{prefix}-monthly") label=t.ab_monthly field="monthly_price" value=monthly error=err inputmode="decimal" hint=t.ab_monthly_hint/>
                <Input id=format!("{prefix}-yearly") label=t.ab_yearly field="yearly_price" value=yearly error=err inputmode="decimal"/>
                <Input id=format!("{prefix}-currency") label=t.ab_currency field="currency" value=currency error=err hint=t.ab_currency_hint/>
            </div>
            <div class="field">
                <label for=limits_id.clone()>{t.ab_limits}</label>
                <textarea id=limits_id rows="6" spellcheck="false" class="mono" prop:value=move || limits.get()
                    on:input=move |ev| limits.set(event_target_value(&ev)) aria-invalid=limits_invalid aria-describedby=format!("{limits_hint} {limits_msg}")></textarea>
                <p class="hint" id=limits_hint>{fill(t.ab_limits_keys, &[("keys", &crate::REGISTRY.limits().map(|l| l.key).collect::<Vec<_>>().join(", "))])}</p>
                <FieldMessage id=limits_msg field="limits" error=err/>
            </div>
            <div class="ab-grid">
                <Input id=format!("{prefix}-price-monthly") label=t.ab_price_monthly field="stripe_price_monthly" value=price_m error=err hint=t.ab_price_monthly_hint/>
                <Input id=format!("{prefix}-price-yearly") label=t.ab_price_yearly field="stripe_price_yearly" value=price_y error=err hint=t.ab_price_yearly_hint/>
            </div>
            <div class="row">
                <button type="submit" class="button" disabled=move || pending.get()>{move || if pending.get() { t.ab_saving } else if is_new { t.ab_add } else { t.ab_save }}</button>
                <span role="status" class="muted">{move || saved.get()}</span>
            </div>
        </form>
    }
}

#[component]
fn WorkspaceAdmin(plans: AdminPlans) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<AdminWorkspaceBilling>);
    let find_error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        find_error.set(None);
        let q = query.get_untracked();
        leptos::task::spawn_local(async move {
            let r = admin_find_workspace(q).await;
            pending.try_set(false);
            match r {
                Ok(w) => {
                    found.try_set(Some(w));
                }
                Err(e) => {
                    found.try_set(None);
                    find_error.try_set(Some(e));
                }
            }
        });
    };
    let err: Signal<Option<AppError>> = find_error.into();
    let t = BillingTexts::now();
    view! {
        <section class="card" aria-labelledby="ab-ws-title">
            <h2 id="ab-ws-title">{t.ab_ws_title}</h2>
            <form class="form" on:submit=submit novalidate role="search" aria-label=t.ab_ws_search>
                <FormError error=err fields=&["workspace"]/>
                <Input id="ab-ws-query" label=t.ab_ws_query field="workspace" value=query error=err hint=t.ab_ws_query_hint/>
                <div class="row">
                    <button type="submit" class="button" disabled=move || pending.get()>{t.ab_ws_find}</button>
                </div>
            </form>
            {move || found.get().map(|w| view! { <WorkspaceGrants w=w found=found plans=plans/> })}
        </section>
    }
}

#[component]
fn WorkspaceGrants(w: AdminWorkspaceBilling, found: RwSignal<Option<AdminWorkspaceBilling>>, plans: AdminPlans) -> impl IntoView {
    let plan_name = move |id: &str| -> String {
        plans.get_untracked().and_then(|r| r.ok()).and_then(|l| l.into_iter().find(|p| p.id == id).map(|p| p.name)).unwrap_or_else(|| id.to_string())
    };
    let t = BillingTexts::now();
    let ws_id = w.workspace_id.clone();
    // complimentary plan
    let comp_plan = RwSignal::new(w.complimentary_plan.clone().unwrap_or_default());
    let comp_until = RwSignal::new(String::new());
    let comp_error = RwSignal::new(None::<AppError>);
    let comp_done = RwSignal::new(None::<String>);
    let comp_pending = RwSignal::new(false);
    let id1 = ws_id.clone();
    let save_comp = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        comp_pending.set(true);
        comp_error.set(None);
        comp_done.set(None);
        let (id, plan, until) = (id1.clone(), comp_plan.get_untracked(), comp_until.get_untracked());
        leptos::task::spawn_local(async move {
            let r = admin_set_complimentary(id, plan.clone(), until).await;
            comp_pending.try_set(false);
            match r {
                Ok(w) => {
                    comp_done.try_set(Some(if plan.is_empty() { t.ab_comp_removed.into() } else { t.ab_comp_saved.into() }));
                    found.try_set(Some(w));
                }
                Err(e) => {
                    comp_error.try_set(Some(e));
                }
            }
        });
    };
    // limit override
    let key = RwSignal::new(crate::REGISTRY.limits().next().map(|l| l.key).unwrap_or_default().to_string());
    let value = RwSignal::new(String::new());
    let ov_error = RwSignal::new(None::<AppError>);
    let ov_pending = RwSignal::new(false);
    let id2 = ws_id.clone();
    let save_override = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ov_pending.set(true);
        ov_error.set(None);
        let (id, k, v) = (id2.clone(), key.get_untracked(), value.get_untracked());
        leptos::task::spawn_local(async move {
            let r = admin_set_limit_override(id, k, v).await;
            ov_pending.try_set(false);
            match r {
                Ok(w) => {
                    value.try_set(String::new());
                    found.try_set(Some(w));
                }
                Err(e) => {
                    ov_error.try_set(Some(e));
                }
            }
        });
    };
    let comp_err: Signal<Option<AppError>> = comp_error.into();
    let ov_err: Signal<Option<AppError>> = ov_error.into();
    let plan_options = plans.get_untracked().and_then(|r| r.ok()).unwrap_or_default();
    let key_invalid = move || if ov_err.get().and_then(|e| e.field_message("key")).is_some() { "true" } else { "false" };
    let plan_invalid = move || if comp_err.get().and_then(|e| e.field_message("plan")).is_some() { "true" } else { "false" };
    view! {
        <div class="ab-found" aria-live="polite">
            <h3>{format!("{} ({})", w.name, w.slug)}</h3>
            <dl class="facts">
                <div><dt>{t.ab_id}</dt><dd><code>{w.workspace_id.clone()}</code></dd></div>
                <div><dt>{t.ab_subscribed}</dt><dd>{plan_name(&w.plan)}</dd></div>
                <div><dt>{t.cur_limits_in_force}</dt><dd>{plan_name(&w.effective_plan)}</dd></div>
                <div><dt>{t.cur_status}</dt><dd>{status_name(&w.status)}</dd></div>
                <div><dt>{t.ab_complimentary}</dt><dd>{match &w.complimentary_plan {
                    Some(p) => match w.complimentary_until_ms {
                        Some(u) => fill(t.ab_comp_until, &[("plan", &plan_name(p)), ("date", &format_date(u))]),
                        None => fill(t.ab_comp_no_end, &[("plan", &plan_name(p))]),
                    },
                    None => t.ab_comp_none.into(),
                }}</dd></div>
                <div><dt>{t.ab_stripe_customer}</dt><dd>{w.stripe_customer.clone().unwrap_or_else(|| t.ab_none.into())}</dd></div>
                <div><dt>{t.ab_stripe_subscription}</dt><dd>{w.stripe_subscription.clone().unwrap_or_else(|| t.ab_none.into())}</dd></div>
            </dl>
        </div>
        <form class="form" on:submit=save_comp novalidate>
            <h3>{t.ab_comp_title}</h3>
            <FormError error=comp_err fields=&["plan", "until"]/>
            <div class="field">
                <label for="ab-comp-plan">{t.ab_comp_plan}</label>
                <select id="ab-comp-plan" on:change=move |ev| comp_plan.set(event_target_value(&ev)) prop:value=move || comp_plan.get()
                    aria-invalid=plan_invalid aria-describedby="ab-comp-plan-msg">
                    <option value="">{t.ab_comp_remove}</option>
                    {plan_options.into_iter().map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> }).collect_view()}
                </select>
                <FieldMessage id="ab-comp-plan-msg" field="plan" error=comp_err/>
            </div>
            <Input id="ab-comp-until" label=t.ab_comp_until_label field="until" value=comp_until error=comp_err kind="date" hint=t.ab_comp_until_hint/>
            <div class="row">
                <button type="submit" class="button" disabled=move || comp_pending.get()>{t.ab_comp_save}</button>
                <span role="status" class="muted">{move || comp_done.get()}</span>
            </div>
        </form>
        <form class="form" on:submit=save_override novalidate>
            <h3>{t.ab_ov_title}</h3>
            {if w.overrides.is_empty() {
                view! { <p class="muted">{t.ab_ov_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {w.overrides.iter().map(|o| view! {
                            <li><span>{o.label.clone()}</span><span class="badge">{numbers::limit(&o.key, o.value)}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <FormError error=ov_err fields=&["key", "value"]/>
            <div class="ab-grid">
                <div class="field">
                    <label for="ab-ov-key">{t.ab_ov_limit}</label>
                    <select id="ab-ov-key" on:change=move |ev| key.set(event_target_value(&ev)) prop:value=move || key.get()
                        aria-invalid=key_invalid aria-describedby="ab-ov-key-msg">
                        {crate::REGISTRY.limits().map(|l| view! { <option value=l.key>{(l.label)()}</option> }).collect_view()}
                    </select>
                    <FieldMessage id="ab-ov-key-msg" field="key" error=ov_err/>
                </div>
                <Input id="ab-ov-value" label=t.ab_ov_value field="value" value=value error=ov_err hint=t.ab_ov_value_hint/>
            </div>
            <div class="row">
                <button type="submit" class="button" disabled=move || ov_pending.get()>{t.ab_ov_save}</button>
            </div>
        </form>
    }
}

#[component]
fn CouponsAdmin() -> impl IntoView {
    let coupons = RwSignal::new(None::<Result<Vec<Coupon>, AppError>>);
    leptos::task::spawn_local(async move {
        coupons.try_set(Some(admin_list_coupons().await));
    });
    let code = RwSignal::new(String::new());
    let percent = RwSignal::new(String::new());
    let months = RwSignal::new("0".to_string());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let t = BillingTexts::now();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        // What is not a number goes as an out-of-range value, so the server checks every
        // field at once and each message lands next to its field.
        let p = percent.get_untracked().trim().parse::<i64>().unwrap_or(-1);
        let m = months.get_untracked().trim().parse::<i64>().unwrap_or(-1);
        error.set(None);
        pending.set(true);
        let c = code.get_untracked();
        leptos::task::spawn_local(async move {
            let r = admin_create_coupon(c.clone(), p, m).await;
            pending.try_set(false);
            match r {
                Ok(list) => {
                    done.try_set(Some(fill(t.ab_coupon_created, &[("code", &c.trim().to_uppercase())])));
                    code.try_set(String::new());
                    percent.try_set(String::new());
                    months.try_set("0".into());
                    coupons.try_set(Some(Ok(list)));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let err: Signal<Option<AppError>> = error.into();
    view! {
        <section class="card" aria-labelledby="ab-coupons-title">
            <h2 id="ab-coupons-title">{t.ab_coupons_title}</h2>
            <form class="form" on:submit=submit novalidate>
                <h3>{t.ab_coupon_new}</h3>
                <FormError error=err fields=&["code", "percent_off", "duration_months"]/>
                <Input id="ab-coupon-code" label=t.ab_coupon_code field="code" value=code error=err hint=t.ab_coupon_code_hint/>
                <div class="ab-grid">
                    <Input id="ab-coupon-percent" label=t.ab_coupon_percent field="percent_off" value=percent error=err inputmode="numeric" hint=t.ab_coupon_percent_hint/>
                    <Input id="ab-coupon-months" label=t.ab_coupon_months field="duration_months" value=months error=err inputmode="numeric" hint=t.ab_coupon_months_hint/>
                </div>
                <div class="row">
                    <button type="submit" class="button" disabled=move || pending.get()>{t.ab_coupon_create}</button>
                    <span role="status" class="muted">{move || done.get()}</span>
                </div>
            </form>
            <h3 id="ab-coupon-list-title">{t.ab_coupon_existing}</h3>
            {move || match coupons.get() {
                None => view! { <Loading label=t.ab_coupon_loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t.ab_coupon_none}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap" role="region" aria-labelledby="ab-coupon-list-title" tabindex="0">
                        <table class="bill-table">
                            <thead><tr><th scope="col">{t.ab_coupon_code}</th><th scope="col">{t.ab_coupon_discount}</th><th scope="col">{t.ab_coupon_duration}</th><th scope="col">{t.ab_coupon_created_col}</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <th scope="row"><code>{c.code.clone()}</code></th>
                                        <td>{fill(t.ab_coupon_off, &[("n", &c.percent_off)])}</td>
                                        <td>{match c.duration_months {
                                            Some(1) => t.ab_coupon_month_one.to_string(),
                                            Some(m) => fill(t.ab_coupon_month_many, &[("n", &m)]),
                                            None => t.ab_coupon_forever.to_string(),
                                        }}</td>
                                        <td>{fill(t.ab_coupon_by, &[("date", &format_date(c.created_ms)), ("name", &c.created_by)])}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_cents() {
        assert_eq!(parse_amount("19"), Some(1900));
        assert_eq!(parse_amount("19.9"), Some(1990));
        assert_eq!(parse_amount("19.99"), Some(1999));
        assert_eq!(parse_amount(" 0 "), Some(0));
        assert_eq!(parse_amount("19.999"), None);
        assert_eq!(parse_amount("-1"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(amount_text(1999), "19.99");
        assert_eq!(amount_text(1900), "19");
        assert_eq!(parse_amount("19,99"), Some(1999), "a French decimal comma");
    }

    #[test]
    fn usage_reads_as_of_or_no_limit() {
        let line = |used, limit| UsageLine { key: "members".into(), label: "Team members".into(), used, limit };
        assert_eq!(usage_text(&line(3, Some(10))), "3 of 10");
        assert_eq!(usage_text(&line(3, None)), "3 used · Unlimited");
        assert_eq!(usage_text(&line(4, Some(2))), "4 of 2 (over the limit)");
    }

    #[test]
    fn usage_of_storage_and_large_counts_reads_in_units_and_words() {
        let storage = UsageLine { key: "storage_mb".into(), label: "Storage".into(), used: 3, limit: Some(200_000) };
        assert_eq!(usage_text(&storage), "3 MB of 200 GB");
        let tokens = UsageLine { key: "ai_tokens_per_month".into(), label: "AI tokens a month".into(), used: 0, limit: Some(5_000_000) };
        assert_eq!(usage_text(&tokens), "0 of 5 million");
        crate::i18n::sync_scope(crate::i18n::Lang::Fr, || {
            assert_eq!(usage_text(&storage), "3 Mo sur 200 Go");
            assert_eq!(usage_text(&tokens), "0 sur 5 millions");
        });
    }

    #[test]
    fn plan_cards_show_limits_in_units_and_words() {
        let l = |key: &str, label: &str, value| PlanLimit { key: key.into(), label: label.into(), value };
        assert_eq!(limit_text(&l("storage_mb", "Storage", Some(200_000))), "Storage: 200 GB");
        assert_eq!(limit_text(&l("ai_tokens_per_month", "AI tokens a month", Some(5_000_000))), "AI tokens a month: 5 million");
        assert_eq!(limit_text(&l("members", "Team members", None)), "Team members: Unlimited");
        crate::i18n::sync_scope(crate::i18n::Lang::Fr, || {
            assert_eq!(limit_text(&l("storage_mb", "Stockage", Some(200_000))), "Stockage : 200 Go");
        });
        let admin = admin_plan_limits(r#"{"storage_mb": 200000, "members": null, "unknown": 3}"#);
        assert_eq!(admin.iter().map(limit_text).collect::<Vec<_>>(), vec!["Team members: Unlimited", "Storage: 200 GB"]);
    }

    fn overview(plan: &str, plan_name: &str, status: &str) -> BillingOverview {
        BillingOverview {
            plan: plan.into(),
            plan_name: plan_name.into(),
            effective_plan: plan.into(),
            effective_plan_name: plan_name.into(),
            interval: "monthly".into(),
            status: status.into(),
            payments_configured: true,
            has_customer: false,
            can_manage: true,
            renews_at_ms: None,
            cancel_at_period_end: false,
            grace_ends_at_ms: None,
            complimentary_until_ms: None,
            usage: vec![],
            invoices: vec![],
            invoices_error: None,
            catalog: crate::workspaces::PlanCatalog { plans: vec![], payments_configured: true },
            read_only: vec![],
            read_only_notice: None,
        }
    }

    #[test]
    fn the_status_does_not_repeat_the_plan_name() {
        let o = overview("free", "Free", status::FREE);
        assert_eq!(status_view(&o), None, "a free workspace without a subscription has no status to show besides its plan");
        let label = |o: &BillingOverview| status_view(o).map(|s| s.label);
        assert_eq!(label(&overview("pro", "Pro", status::ACTIVE)).as_deref(), Some("Active"));
        let mut cancelling = overview("pro", "Pro", status::ACTIVE);
        cancelling.cancel_at_period_end = true;
        assert_eq!(label(&cancelling).as_deref(), Some("Cancels at period end"));
        let mut grace = overview("pro", "Pro", status::GRACE);
        grace.grace_ends_at_ms = Some(1_700_000_000_000);
        let g = status_view(&grace).unwrap();
        assert!(g.label.starts_with("Past due · grace period until "), "{g:?}");
        assert!(g.explain.unwrap().contains("the Pro plan stays in force until"));
        assert_eq!(label(&overview("free", "Free", status::PAST_DUE)).as_deref(), Some("Past due"));
        assert_eq!(label(&overview("free", "Free", status::CANCELED)).as_deref(), Some("Cancelled"));
        assert_eq!(label(&overview("pro", "Pro", status::COMPLIMENTARY)).as_deref(), Some("Complimentary"));
        crate::i18n::sync_scope(crate::i18n::Lang::Fr, || {
            assert_eq!(label(&overview("pro", "Pro", status::ACTIVE)).as_deref(), Some("Actif"));
            assert_eq!(status_view(&overview("free", "Free", status::FREE)), None);
        });
    }
}

crate::lazy_page!(BillingRoute, billing_page, BillingPage);

crate::lazy_page!(AdminBillingRoute, admin_billing_page, AdminBillingPage);
