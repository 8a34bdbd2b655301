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
    admin_create_coupon, admin_find_workspace, admin_list_coupons, admin_list_plans, admin_save_plan,
    admin_set_complimentary, admin_set_limit_override, change_plan, get_billing, open_billing_portal, start_checkout,
};
use super::{status, AdminPlan, AdminWorkspaceBilling, BillingOverview, Coupon, Invoice, UsageLine};
use crate::accounts::ui::use_auth;
use crate::accounts::PlatformRole;
use crate::error::{AppError, FieldError};
use crate::shell::{ErrorNote, FieldMessage, FormError, Loading};
use crate::workspaces::ui::{require_signed_in, use_workspaces, WorkspaceBar};
use crate::workspaces::{format_price, Action, PlanInfo, LIMIT_KEYS};

/// The permission-table row of this module.
pub const MODULE: &str = "billing";

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

/// A date (ms since 1970) in the browser's locale, e.g. "12 March 2026".
pub fn format_date(ms: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsValue;
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"year".into(), &"numeric".into());
        let _ = js_sys::Reflect::set(&options, &"month".into(), &"long".into());
        let _ = js_sys::Reflect::set(&options, &"day".into(), &"numeric".into());
        let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        String::from(d.to_locale_date_string("default", &options))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{ms}")
    }
}

fn interval_label(interval: &str) -> &'static str {
    if interval == "yearly" {
        "yearly"
    } else {
        "monthly"
    }
}

fn is_paid(p: &PlanInfo) -> bool {
    p.monthly_price > 0 || p.yearly_price > 0
}

fn price_text(p: &PlanInfo, interval: &str) -> String {
    if interval == "yearly" {
        format!("{} a year", format_price(p.yearly_price, &p.currency))
    } else {
        format!("{} a month", format_price(p.monthly_price, &p.currency))
    }
}

/// "3 of 10", or "3 used · No limit".
pub fn usage_text(line: &UsageLine) -> String {
    match line.limit {
        Some(limit) if line.used > limit => format!("{} of {} (over the limit)", line.used, limit),
        Some(limit) => format!("{} of {}", line.used, limit),
        None => format!("{} used · No limit", line.used),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------- the billing page

#[component]
pub fn BillingPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let ws = use_workspaces();
    // Only re-render when what decides the page changes (not on every list refresh, which
    // would restart the page and its polling).
    let state = Memo::new(move |_| (ws.ready.get(), ws.current.get(), ws.can(MODULE, Action::View), ws.can(MODULE, Action::Manage)));
    view! {
        <section class="page billing" aria-labelledby="billing-title">
            <WorkspaceBar/>
            <h1 id="billing-title">"Plan and billing"</h1>
            {move || match state.get() {
                (false, ..) => view! { <Loading/> }.into_any(),
                (true, None, ..) => view! {
                    <div class="card">
                        <p>"You are not in a workspace yet."</p>
                        <p><a class="button" href="/setup?new=1">"Create a workspace"</a></p>
                    </div>
                }.into_any(),
                (true, Some(_), false, _) => view! {
                    <div class="notice" role="note">
                        <strong>"Billing is for the workspace's owner and admins"</strong>
                        <p>"Your role in this workspace does not include the plan and billing. Ask the owner if you need a change."</p>
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
    view! {
        <CheckoutReturn back=back/>
        {move || match overview.get() {
            None => view! { <Loading label="Loading your plan…"/> }.into_any(),
            Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
            Some(Ok(o)) => {
                let workspace = workspace.clone();
                let can_manage = manage && o.can_manage;
                view! {
                    {(!can_manage).then(|| view! {
                        <div class="notice" role="note">
                            <strong>"You can look, not change"</strong>
                            <p>"Only the workspace owner can change the plan or the payment details."</p>
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
    move || match back.get() {
        Return::None => ().into_any(),
        Return::Waiting => view! {
            <div class="notice notice-ok billing-return" role="status">
                <span class="spinner" aria-hidden="true"></span>
                <div>
                    <strong>"Payment received — your plan is being updated"</strong>
                    <p>"Stripe is confirming the payment. This usually takes a few seconds."</p>
                </div>
            </div>
        }.into_any(),
        Return::Done(name) => view! {
            <div class="notice notice-ok" role="status">
                <strong>"Payment received — thank you"</strong>
                <p>{format!("This workspace is now on the {name} plan.")}</p>
            </div>
        }.into_any(),
        Return::Slow => view! {
            <div class="notice" role="status">
                <strong>"Payment received — your plan is being updated"</strong>
                <p>"Stripe has not confirmed it yet. Reload this page in a minute; you will not be charged twice."</p>
            </div>
        }.into_any(),
        Return::Cancelled => view! {
            <div class="notice" role="status">
                <strong>"Checkout was cancelled; nothing changed."</strong>
                <p>"You were not charged. You can upgrade whenever you like."</p>
            </div>
        }.into_any(),
    }
}

/// The status badge and a sentence that explains it.
fn status_view(o: &BillingOverview) -> (&'static str, &'static str, Option<String>) {
    match o.status.as_str() {
        status::ACTIVE => ("ok", "Active", None),
        status::GRACE => (
            "bad",
            "Past due",
            Some(match o.grace_ends_at_ms {
                Some(end) => format!(
                    "A payment failed. Stripe is retrying it; the {} plan stays in force until {}. Update your payment method before then.",
                    o.plan_name,
                    format_date(end)
                ),
                None => "A payment failed. Stripe is retrying it; update your payment method.".into(),
            }),
        ),
        status::PAST_DUE => (
            "bad",
            "Past due",
            Some(format!(
                "A payment failed and the grace period ended{}. The Free plan's limits apply until the payment goes through; nothing has been deleted.",
                o.grace_ends_at_ms.map(|e| format!(" on {}", format_date(e))).unwrap_or_default()
            )),
        ),
        status::CANCELED => ("", "Cancelled", Some("The subscription has ended; this workspace is on the Free plan.".into())),
        status::COMPLIMENTARY => (
            "ok",
            "Complimentary",
            Some(match o.complimentary_until_ms {
                Some(until) => format!("The {} plan is granted free of charge until {}.", o.plan_name, format_date(until)),
                None => format!("The {} plan is granted free of charge, with no end date.", o.plan_name),
            }),
        ),
        _ => ("", "Free", None),
    }
}

#[component]
fn CurrentPlan(o: BillingOverview, workspace: String, can_manage: bool, busy: RwSignal<Option<String>>) -> impl IntoView {
    let (badge, label, explain) = status_view(&o);
    let paid_plan = o.plan != "free";
    let plan_text = if paid_plan && o.status != status::COMPLIMENTARY {
        format!("{} · billed {}", o.plan_name, interval_label(&o.interval))
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
    view! {
        <section class="card" aria-labelledby="bill-current-title">
            <h2 id="bill-current-title">"Your plan"</h2>
            <dl class="facts">
                <div><dt>"Plan"</dt><dd>{plan_text}</dd></div>
                <div><dt>"Status"</dt><dd><span class=format!("badge {badge}")>{label}</span></dd></div>
                {o.renews_at_ms.filter(|_| paid_plan && o.status != status::COMPLIMENTARY).map(|at| view! {
                    <div>
                        <dt>{if o.cancel_at_period_end { "Ends on" } else { "Next renewal" }}</dt>
                        <dd>{format_date(at)}</dd>
                    </div>
                })}
                {(o.effective_plan != o.plan).then(|| view! {
                    <div><dt>"Limits in force"</dt><dd>{o.effective_plan_name.clone()}</dd></div>
                })}
            </dl>
            {explain.map(|text| view! { <p class=format!("bill-explain {badge}")>{text}</p> })}
            {o.cancel_at_period_end.then(|| view! {
                <p class="notice" role="note">
                    {format!(
                        "Cancels at period end: the {} plan stays until {}, then this workspace moves to Free.",
                        o.plan_name,
                        o.renews_at_ms.map(format_date).unwrap_or_else(|| "the end of the period".into())
                    )}
                </p>
            })}
            {show_portal.then(|| view! {
                <div class="row">
                    <button type="button" class="button secondary" on:click=open_portal disabled=move || busy.get().is_some()>
                        {move || if busy.get().as_deref() == Some("portal") { "Opening Stripe…" } else { "Manage billing" }}
                    </button>
                    <p class="hint">"Payment methods, billing details and past invoices, on Stripe."</p>
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
    o.read_only_notice.clone().map(|sentence| {
        view! {
            <section class="notice notice-warn read-only-notice" role="status" aria-labelledby="bill-read-only-title">
                <h2 id="bill-read-only-title" class="small-title"><span class="badge read-only">"Read-only"</span>" Over the "{o.effective_plan_name.clone()}" plan's limits"</h2>
                <p>{sentence}</p>
                <ul class="read-only-list">
                    {o.read_only.iter().map(|l| view! {
                        <li><a href=l.href.clone()>{l.text.clone()}</a></li>
                    }).collect_view()}
                </ul>
                <p class="hint">"Nothing was deleted: read-only items can still be viewed, taken offline or deleted. The oldest ones, up to the limit, stay editable."</p>
            </section>
        }
    })
}

#[component]
fn Usage(lines: Vec<UsageLine>, effective: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="bill-usage-title">
            <h2 id="bill-usage-title">"Usage"</h2>
            <p class="muted">{format!("What this workspace uses of the {effective} plan's limits.")}</p>
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
                format!(
                    "Move to {} when the current period ends{}? Until then nothing changes.",
                    plan.name,
                    o2.renews_at_ms.map(|d| format!(" ({})", format_date(d))).unwrap_or_default()
                )
            } else if is_paid(&plan) {
                format!("Change to {} at {}? The difference for the current period is prorated.", plan.name, price_text(&plan, &iv))
            } else {
                format!("Move to {}?", plan.name)
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
                        let msg = if updated.cancel_at_period_end {
                            format!(
                                "Done. The {} plan stays until {}; then this workspace moves to Free.",
                                updated.plan_name,
                                updated.renews_at_ms.map(format_date).unwrap_or_else(|| "the end of the period".into())
                            )
                        } else {
                            format!("Done. This workspace is now on the {} plan, billed {}.", updated.plan_name, interval_label(&updated.interval))
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
            <h2 id="bill-plans-title">"Plans"</h2>
            <p role="status" class="bill-done">{page_note}</p>
            {(!payments).then(|| view! {
                <div class="notice" role="note">
                    <strong>"Payment is not configured on this server"</strong>
                    <p>"Paid plans cannot be bought here until an administrator sets up Stripe."</p>
                </div>
            })}
            {plans.is_empty().then(|| view! { <p class="muted">"No plans are set up on this server yet."</p> })}
            <fieldset class="segmented">
                <legend>"Billing period"</legend>
                {[("monthly", "Monthly"), ("yearly", "Yearly")].into_iter().map(|(key, label)| view! {
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
                    <label for="bill-coupon">"Discount code (optional)"</label>
                    <input id="bill-coupon" type="text" autocomplete="off" autocapitalize="characters" bind:value=coupon
                        aria-describedby="bill-coupon-hint"/>
                    <p class="hint" id="bill-coupon-hint">"Applied when you upgrade through Stripe Checkout."</p>
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
                                {is_current_plan.then(|| view! { <span class="badge ok">"Current plan"</span> })}
                            </div>
                            <p class="bill-price">{move || price_text(&plan_for_price, &interval.get())}</p>
                            <p class="muted">{p.description.clone()}</p>
                            <ul class="limits">
                                {limits.into_iter().map(|l| view! {
                                    <li>{format!("{}: {}", l.label, l.value.map(|v| v.to_string()).unwrap_or_else(|| "no limit".into()))}</li>
                                }).collect_view()}
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
                                    return view! { <p class="hint">"This is your plan."</p> }.into_any();
                                }
                                if blocked {
                                    return view! {
                                        <div class="bill-action">
                                            <button type="button" class="button" disabled=true aria-describedby=format!("bill-blocked-{}", p.id)>
                                                {format!("Upgrade to {}", p.name)}
                                            </button>
                                            <p class="hint" id=format!("bill-blocked-{}", p.id)>"Payment is not configured on this server"</p>
                                        </div>
                                    }.into_any();
                                }
                                let (label, checkout) = if is_current_plan && cancelling && paid && same_interval {
                                    (format!("Keep {}", p.name), false)
                                } else if is_current_plan {
                                    (format!("Switch to {} billing", interval_label(&iv)), false)
                                } else if paid && on_free {
                                    (format!("Upgrade to {}", p.name), true)
                                } else if rank > current_rank {
                                    (format!("Upgrade to {}", p.name), false)
                                } else {
                                    (format!("Downgrade to {}", p.name), false)
                                };
                                let id = p.id.clone();
                                let class = if label.starts_with("Downgrade") { "button secondary" } else { "button" };
                                view! {
                                    <div class="bill-action">
                                        <button type="button" class=class
                                            disabled=move || busy.get().is_some()
                                            on:click=move |_| act(p.clone(), checkout)>
                                            {move || if busy.get().as_deref() == Some(id.as_str()) {
                                                if checkout { "Opening Checkout…".to_string() } else { "Changing…".to_string() }
                                            } else { label.clone() }}
                                        </button>
                                        {checkout.then(|| view! { <p class="hint">"You pay on Stripe's secure page, then come back here."</p> })}
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
    view! {
        <section class="card" aria-labelledby="bill-invoices-title">
            <h2 id="bill-invoices-title">"Invoices"</h2>
            {match (error, invoices.is_empty()) {
                (Some(message), _) => view! {
                    <div class="notice notice-error" role="alert">
                        <strong>"Invoices could not be loaded"</strong>
                        <p>{message}</p>
                    </div>
                }.into_any(),
                (None, true) => view! { <p class="muted">"No invoices yet. They appear here after the first payment."</p> }.into_any(),
                (None, false) => view! {
                    <div class="table-wrap" role="region" aria-labelledby="bill-invoices-title" tabindex="0">
                        <table class="bill-table bill-invoices">
                            <thead>
                                <tr><th scope="col">"Number"</th><th scope="col">"Date"</th><th scope="col">"Amount"</th><th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Links"</span></th></tr>
                            </thead>
                            <tbody>
                                {invoices.into_iter().map(|i| {
                                    let badge = match i.status.as_str() { "paid" => "badge ok", "open" | "uncollectible" => "badge bad", _ => "badge" };
                                    let number = i.number.clone();
                                    let number2 = i.number.clone();
                                    view! {
                                        <tr>
                                            <th scope="row">{i.number.clone()}</th>
                                            <td data-label="Date">{format_date(i.created_ms)}</td>
                                            <td data-label="Amount">{format_price(i.amount, &i.currency)}</td>
                                            <td data-label="Status"><span class=badge>{capitalize(&i.status)}</span></td>
                                            <td class="bill-links">
                                                {i.hosted_url.map(|u| view! { <a href=u target="_blank" rel="noopener">"View"<span class="sr-only">{format!(" invoice {number}")}</span></a> })}
                                                {i.pdf_url.map(|u| view! { <a href=u target="_blank" rel="noopener">"PDF"<span class="sr-only">{format!(" of invoice {number2}")}</span></a> })}
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

/// "19.99" → 1999. `None` when it is not an amount.
fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim();
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

fn pretty_json(s: &str) -> String {
    serde_json::from_str::<serde_json::Value>(s).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| s.to_string())
}

type AdminPlans = RwSignal<Option<Result<Vec<AdminPlan>, AppError>>>;

#[component]
pub fn AdminBillingPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let auth = use_auth();
    let state = Memo::new(move |_| (auth.ready.get(), auth.user.get().map(|u| is_platform_admin(u.role))));
    view! {
        <section class="page admin-billing" aria-labelledby="ab-title">
            <p class="eyebrow">"Platform administration"</p>
            <h1 id="ab-title">"Plans and billing"</h1>
            {move || match state.get() {
                (true, Some(true)) => view! { <AdminScreens/> }.into_any(),
                (true, Some(false)) => view! {
                    <div class="notice notice-error" role="alert">
                        <strong>"Not allowed"</strong>
                        <p>"This page is for platform administrators only."</p>
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
    view! {
        <p class="lead">"Changes here apply to every workspace on this server. Each one is written to the platform audit log."</p>
        <section class="card" aria-labelledby="ab-plans-title">
            <h2 id="ab-plans-title">"Plans"</h2>
            <p class="muted">"Prices in the plan's currency; limits as JSON (null means no limit). A paid plan needs a Stripe price id for each billing period that can be bought."</p>
            {move || match plans.get() {
                None => view! { <Loading label="Loading plans…"/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="ab-plans">
                        {list.into_iter().map(|p| {
                            let summary = format!("{} — {} a month, {} a year", p.name, format_price(p.monthly_price, &p.currency), format_price(p.yearly_price, &p.currency));
                            view! {
                                <details class="ab-plan">
                                    <summary>{summary}</summary>
                                    <PlanForm plan=Some(p) plans=plans/>
                                </details>
                            }
                        }).collect_view()}
                        <details class="ab-plan">
                            <summary>"Add a plan"</summary>
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let (m, y) = (parse_amount(&monthly.get_untracked()), parse_amount(&yearly.get_untracked()));
        let mut fields = vec![];
        if m.is_none() {
            fields.push(FieldError { field: "monthly_price".into(), message: "Write the price as a number, e.g. 19 or 19.99.".into() });
        }
        if y.is_none() {
            fields.push(FieldError { field: "yearly_price".into(), message: "Write the price as a number, e.g. 190 or 189.99.".into() });
        }
        if let Err(e) = AppError::check_fields(fields) {
            error.set(Some(e));
            return;
        }
        error.set(None);
        pending.set(true);
        let plan_name = name.get_untracked();
        let args = (id.get_untracked(), plan_name.clone(), m.unwrap_or(0), y.unwrap_or(0), currency.get_untracked(), limits.get_untracked(), price_m.get_untracked(), price_y.get_untracked());
        leptos::task::spawn_local(async move {
            let r = admin_save_plan(args.0, args.1, args.2, args.3, args.4, args.5, args.6, args.7).await;
            pending.try_set(false);
            match r {
                Ok(list) => {
                    saved.try_set(Some(format!("Saved {plan_name}.")));
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
                view! { <Input id=format!("{prefix}-id") label="Plan id" field="id" value=id error=err hint="Lowercase letters, digits and _, e.g. business. It cannot be changed later."/> }.into_any()
            } else {
                view! { <p class="muted">"Plan id: " <code>{p.id.clone()}</code></p> }.into_any()
            }}
            <Input id=format!("{prefix}-name") label="Name" field="name" value=name error=err/>
            <div class="ab-grid">
                <Input id=format!("{prefix}-monthly") label="Monthly price" field="monthly_price" value=monthly error=err inputmode="decimal" hint="0 for a free plan."/>
                <Input id=format!("{prefix}-yearly") label="Yearly price" field="yearly_price" value=yearly error=err inputmode="decimal"/>
                <Input id=format!("{prefix}-currency") label="Currency" field="currency" value=currency error=err hint="ISO code, e.g. USD."/>
            </div>
            <div class="field">
                <label for=limits_id.clone()>"Limits (JSON)"</label>
                <textarea id=limits_id rows="6" spellcheck="false" class="mono" prop:value=move || limits.get()
                    on:input=move |ev| limits.set(event_target_value(&ev)) aria-invalid=limits_invalid aria-describedby=format!("{limits_hint} {limits_msg}")></textarea>
                <p class="hint" id=limits_hint>{format!("Keys: {}.", LIMIT_KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "))}</p>
                <FieldMessage id=limits_msg field="limits" error=err/>
            </div>
            <div class="ab-grid">
                <Input id=format!("{prefix}-price-monthly") label="Stripe price id, monthly" field="stripe_price_monthly" value=price_m error=err hint="price_…; empty: cannot be bought monthly."/>
                <Input id=format!("{prefix}-price-yearly") label="Stripe price id, yearly" field="stripe_price_yearly" value=price_y error=err hint="price_…; empty: cannot be bought yearly."/>
            </div>
            <div class="row">
                <button type="submit" class="button" disabled=move || pending.get()>{move || if pending.get() { "Saving…" } else if is_new { "Add plan" } else { "Save plan" }}</button>
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
    view! {
        <section class="card" aria-labelledby="ab-ws-title">
            <h2 id="ab-ws-title">"A workspace's billing"</h2>
            <form class="form" on:submit=submit novalidate role="search" aria-label="Find a workspace">
                <FormError error=err fields=&["workspace"]/>
                <Input id="ab-ws-query" label="Workspace id or address" field="workspace" value=query error=err hint="The id, or the address (slug) shown in the workspace's settings."/>
                <div class="row">
                    <button type="submit" class="button" disabled=move || pending.get()>"Find workspace"</button>
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
                    comp_done.try_set(Some(if plan.is_empty() { "Grant removed.".into() } else { "Complimentary plan saved.".into() }));
                    found.try_set(Some(w));
                }
                Err(e) => {
                    comp_error.try_set(Some(e));
                }
            }
        });
    };
    // limit override
    let key = RwSignal::new(LIMIT_KEYS[0].0.to_string());
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
                <div><dt>"Id"</dt><dd><code>{w.workspace_id.clone()}</code></dd></div>
                <div><dt>"Subscribed plan"</dt><dd>{plan_name(&w.plan)}</dd></div>
                <div><dt>"Limits in force"</dt><dd>{plan_name(&w.effective_plan)}</dd></div>
                <div><dt>"Status"</dt><dd>{capitalize(&w.status.replace('_', " "))}</dd></div>
                <div><dt>"Complimentary"</dt><dd>{match &w.complimentary_plan {
                    Some(p) => format!("{}{}", plan_name(p), w.complimentary_until_ms.map(|u| format!(" until {}", format_date(u))).unwrap_or_else(|| ", no end".into())),
                    None => "None".into(),
                }}</dd></div>
                <div><dt>"Stripe customer"</dt><dd>{w.stripe_customer.clone().unwrap_or_else(|| "None".into())}</dd></div>
                <div><dt>"Stripe subscription"</dt><dd>{w.stripe_subscription.clone().unwrap_or_else(|| "None".into())}</dd></div>
            </dl>
        </div>
        <form class="form" on:submit=save_comp novalidate>
            <h3>"Complimentary plan"</h3>
            <FormError error=comp_err fields=&["plan", "until"]/>
            <div class="field">
                <label for="ab-comp-plan">"Plan granted"</label>
                <select id="ab-comp-plan" on:change=move |ev| comp_plan.set(event_target_value(&ev)) prop:value=move || comp_plan.get()
                    aria-invalid=plan_invalid aria-describedby="ab-comp-plan-msg">
                    <option value="">"None (remove the grant)"</option>
                    {plan_options.into_iter().map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> }).collect_view()}
                </select>
                <FieldMessage id="ab-comp-plan-msg" field="plan" error=comp_err/>
            </div>
            <Input id="ab-comp-until" label="Until" field="until" value=comp_until error=comp_err kind="date" hint="The grant ends after this day (UTC). Leave empty for no end."/>
            <div class="row">
                <button type="submit" class="button" disabled=move || comp_pending.get()>"Save complimentary plan"</button>
                <span role="status" class="muted">{move || comp_done.get()}</span>
            </div>
        </form>
        <form class="form" on:submit=save_override novalidate>
            <h3>"Limit overrides"</h3>
            {if w.overrides.is_empty() {
                view! { <p class="muted">"None: the plan's limits apply."</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {w.overrides.iter().map(|o| view! {
                            <li><span>{o.label.clone()}</span><span class="badge">{o.value.map(|v| v.to_string()).unwrap_or_else(|| "No limit".into())}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <FormError error=ov_err fields=&["key", "value"]/>
            <div class="ab-grid">
                <div class="field">
                    <label for="ab-ov-key">"Limit"</label>
                    <select id="ab-ov-key" on:change=move |ev| key.set(event_target_value(&ev)) prop:value=move || key.get()
                        aria-invalid=key_invalid aria-describedby="ab-ov-key-msg">
                        {LIMIT_KEYS.iter().map(|(k, label)| view! { <option value=*k>{*label}</option> }).collect_view()}
                    </select>
                    <FieldMessage id="ab-ov-key-msg" field="key" error=ov_err/>
                </div>
                <Input id="ab-ov-value" label="Value" field="value" value=value error=ov_err hint="A whole number, \"unlimited\", or empty to remove the override."/>
            </div>
            <div class="row">
                <button type="submit" class="button" disabled=move || ov_pending.get()>"Save override"</button>
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
                    done.try_set(Some(format!("Created {}.", c.trim().to_uppercase())));
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
            <h2 id="ab-coupons-title">"Coupons"</h2>
            <form class="form" on:submit=submit novalidate>
                <h3>"New coupon"</h3>
                <FormError error=err fields=&["code", "percent_off", "duration_months"]/>
                <Input id="ab-coupon-code" label="Code" field="code" value=code error=err hint="What customers type at Checkout, e.g. LAUNCH20. 3 to 40 letters, digits, - or _."/>
                <div class="ab-grid">
                    <Input id="ab-coupon-percent" label="Percent off" field="percent_off" value=percent error=err inputmode="numeric" hint="1 to 100."/>
                    <Input id="ab-coupon-months" label="Duration in months" field="duration_months" value=months error=err inputmode="numeric" hint="0 means forever; up to 36."/>
                </div>
                <div class="row">
                    <button type="submit" class="button" disabled=move || pending.get()>"Create coupon"</button>
                    <span role="status" class="muted">{move || done.get()}</span>
                </div>
            </form>
            <h3 id="ab-coupon-list-title">"Existing coupons"</h3>
            {move || match coupons.get() {
                None => view! { <Loading label="Loading coupons…"/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No coupons yet."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap" role="region" aria-labelledby="ab-coupon-list-title" tabindex="0">
                        <table class="bill-table">
                            <thead><tr><th scope="col">"Code"</th><th scope="col">"Discount"</th><th scope="col">"Duration"</th><th scope="col">"Created"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <th scope="row"><code>{c.code.clone()}</code></th>
                                        <td>{format!("{}% off", c.percent_off)}</td>
                                        <td>{c.duration_months.map(|m| format!("{m} month{}", if m == 1 { "" } else { "s" })).unwrap_or_else(|| "Forever".into())}</td>
                                        <td>{format!("{} by {}", format_date(c.created_ms), c.created_by)}</td>
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
    }

    #[test]
    fn usage_reads_as_of_or_no_limit() {
        let line = |used, limit| UsageLine { key: "members".into(), label: "Team members".into(), used, limit };
        assert_eq!(usage_text(&line(3, Some(10))), "3 of 10");
        assert_eq!(usage_text(&line(3, None)), "3 used · No limit");
        assert_eq!(usage_text(&line(4, Some(2))), "4 of 2 (over the limit)");
    }
}
