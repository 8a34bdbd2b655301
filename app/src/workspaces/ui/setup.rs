//! The setup wizard (M03): name and kind, goals, team, plan. Every step is saved on the
//! server as it is completed, so another device resumes at the same step.

use leptos::prelude::*;

use crate::workspaces::RoleText;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{require_signed_in, use_workspaces};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{ErrorNote, FieldMessage, FormError, Loading};
use crate::workspaces::api::{get_workspace, list_plans, CreateWorkspace, InviteMember, SetupGoals, SetupGoto, SetupName, SetupPlan};
use crate::workspaces::texts::WorkspacesTexts;
use crate::workspaces::{format_price, goal_label, kind_label, WorkspaceDetail, WorkspaceRole, GOALS, KINDS};

#[component]
pub fn SetupPage() -> impl IntoView {
    let signed_in = require_signed_in();
    let t = WorkspacesTexts::now();
    let steps = [t.setup_step_workspace, t.setup_step_goals, t.setup_step_team, t.setup_step_plan];
    let ws = use_workspaces();
    let query = use_query_map();
    let navigate = use_navigate();
    let fresh = query.read_untracked().get("new").is_some();
    let detail: RwSignal<Option<WorkspaceDetail>> = RwSignal::new(None);
    // Decided which workspace to resume (or that this is a new one).
    let decided = RwSignal::new(false);
    let load_error: RwSignal<Option<AppError>> = RwSignal::new(None);

    Effect::new(move |_| {
        if decided.get_untracked() || !ws.ready.get() {
            return;
        }
        if fresh {
            decided.set(true);
            return;
        }
        let list = ws.list.get_untracked();
        let current = ws.current.get_untracked();
        // The workspace in use first, then any other one this person still has to set up.
        let mut candidates: Vec<_> = list.iter().filter(|w| !w.setup_done && w.role == WorkspaceRole::Owner).cloned().collect();
        candidates.sort_by_key(|w| Some(&w.id) != current.as_ref());
        match candidates.into_iter().next() {
            Some(w) => {
                leptos::task::spawn_local(async move {
                    match get_workspace(w.id).await {
                        Ok(d) => detail.set(Some(d)),
                        Err(e) => load_error.set(Some(e)),
                    }
                    decided.set(true);
                });
            }
            None if !list.is_empty() => navigate("/", Default::default()),
            None => decided.set(true),
        }
    });

    let finished = Callback::new(move |d: WorkspaceDetail| {
        ws.select(d.id.clone());
        ws.reload_then_go("/");
    });

    let step = move || detail.get().map(|d| d.setup.step.clamp(1, 4)).unwrap_or(1);
    view! {
        <section class="page narrow" aria-labelledby="setup-title">
            <p class="eyebrow">{t.setup_eyebrow}</p>
            <h1 id="setup-title">{t.setup_title}</h1>
            {move || load_error.get().map(|e| view! { <ErrorNote error=e/> })}
            <Show when=move || signed_in.get() && decided.get() fallback=|| view! { <Loading/> }>
                <ol class="wizard-steps" aria-label=t.setup_progress>
                    {move || {
                        let current = step();
                        steps.iter().enumerate().map(|(i, label)| {
                            let n = (i + 1) as u8;
                            let state = if n < current { "done" } else if n == current { "current" } else { "todo" };
                            view! {
                                <li class=state aria-current=(n == current).then_some("step")>
                                    <span class="step-number" aria-hidden="true">{n}</span>
                                    <span>{fill(t.setup_step, &[("n", &n), ("label", label)])}</span>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                {move || match step() {
                    1 => view! { <NameStep detail=detail/> }.into_any(),
                    2 => view! { <GoalsStep detail=detail/> }.into_any(),
                    3 => view! { <TeamStep detail=detail/> }.into_any(),
                    _ => plan_step(detail, finished).into_any(),
                }}
            </Show>
        </section>
    }
}

/// Applies a step's answer: the server's copy of the workspace, with the next step.
fn apply<T>(action: ServerAction<T>, detail: RwSignal<Option<WorkspaceDetail>>)
where
    T: Clone + Send + Sync + 'static + leptos::server_fn::ServerFn<Output = WorkspaceDetail, Error = AppError>,
{
    Effect::new(move |_| {
        if let Some(Ok(d)) = action.value().get() {
            detail.set(Some(d));
        }
    });
}

fn error_of<T>(action: ServerAction<T>) -> Signal<Option<AppError>>
where
    T: leptos::server_fn::ServerFn<Output = WorkspaceDetail, Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
fn NameStep(detail: RwSignal<Option<WorkspaceDetail>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let create = ServerAction::<CreateWorkspace>::new();
    let rename = ServerAction::<SetupName>::new();
    apply(rename, detail);
    Effect::new(move |_| {
        if let Some(Ok(d)) = create.value().get() {
            ws.select(d.id.clone());
            ws.refresh();
            detail.set(Some(d));
        }
    });
    let create_error = error_of(create);
    let rename_error = error_of(rename);
    let error = Signal::derive(move || create_error.get().or(rename_error.get()));
    let existing = detail.get_untracked();
    let name = RwSignal::new(existing.as_ref().map(|d| d.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(existing.as_ref().map(|d| d.kind.clone()).unwrap_or_default());
    let pending = Signal::derive(move || create.pending().get() || rename.pending().get());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match detail.get_untracked() {
            Some(d) => {
                rename.dispatch(SetupName { workspace: d.id, name: name.get_untracked(), kind: kind.get_untracked() });
            }
            None => {
                create.dispatch(CreateWorkspace { name: name.get_untracked(), kind: kind.get_untracked() });
            }
        }
    };
    let name_invalid = move || if error.get().and_then(|e| e.field_message("name")).is_some() { "true" } else { "false" };
    view! {
        <div class="card">
            <h2>{t.setup_name_title}</h2>
            <form on:submit=submit novalidate>
                <div class="form">
                    <FormError error=error fields=&["name", "kind"]/>
                    <div class="field">
                        <label for="field-name">{t.name_label}</label>
                        <input id="field-name" name="name" type="text" autocomplete="organization" bind:value=name
                            aria-invalid=name_invalid aria-describedby="field-name-hint field-name-msg"/>
                        <p class="hint" id="field-name-hint">{t.setup_name_hint}</p>
                        <FieldMessage id="field-name-msg" field="name" error=error/>
                    </div>
                    <fieldset class="choices" aria-describedby="field-kind-msg">
                        <legend>{t.setup_kind_legend}</legend>
                        {KINDS.iter().map(|key| {
                            let id = format!("kind-{key}");
                            let for_id = id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="radio" id=id name="kind" value=*key
                                        prop:checked=move || kind.get() == *key
                                        on:change=move |_| kind.set(key.to_string())/>
                                    <span>{kind_label(key)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <FieldMessage id="field-kind-msg" field="kind" error=error/>
                    <div class="row">
                        <button type="submit" class="button" disabled=pending>
                            {move || if pending.get() { t.saving } else { t.continue_ }}
                        </button>
                    </div>
                </div>
            </form>
        </div>
    }
}

#[component]
fn GoalsStep(detail: RwSignal<Option<WorkspaceDetail>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let save = ServerAction::<SetupGoals>::new();
    let back = ServerAction::<SetupGoto>::new();
    apply(save, detail);
    apply(back, detail);
    let error = error_of(save);
    let chosen = RwSignal::new(detail.get_untracked().map(|d| d.setup.goals).unwrap_or_default());
    let id = move || detail.get_untracked().map(|d| d.id).unwrap_or_default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SetupGoals { workspace: id(), goals: chosen.get_untracked() });
    };
    view! {
        <div class="card">
            <h2>{t.setup_goals_title}</h2>
            <form on:submit=submit novalidate>
                <div class="form">
                    <FormError error=error fields=&["goals"]/>
                    <fieldset class="choices" aria-describedby="field-goals-hint field-goals-msg">
                        <legend>{t.setup_goals_legend}</legend>
                        <p class="hint" id="field-goals-hint">{t.setup_goals_hint}</p>
                        {GOALS.iter().map(|key| {
                            let input_id = format!("goal-{key}");
                            let for_id = input_id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="checkbox" id=input_id name="goals" value=*key
                                        prop:checked=move || chosen.get().iter().any(|g| g == key)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|list| {
                                                list.retain(|g| g != key);
                                                if on { list.push(key.to_string()); }
                                            });
                                        }/>
                                    <span>{goal_label(key)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <FieldMessage id="field-goals-msg" field="goals" error=error/>
                    <div class="row">
                        <button type="button" class="button secondary" on:click=move |_| { back.dispatch(SetupGoto { workspace: id(), step: 1 }); }>{t.back}</button>
                        <button type="submit" class="button" disabled=save.pending()>{t.continue_}</button>
                    </div>
                </div>
            </form>
        </div>
    }
}

#[component]
fn TeamStep(detail: RwSignal<Option<WorkspaceDetail>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let invite = ServerAction::<InviteMember>::new();
    let goto = ServerAction::<SetupGoto>::new();
    apply(goto, detail);
    let error = Signal::derive(move || invite.value().get().and_then(|r| r.err()));
    let goto_error = error_of(goto);
    let sent = move || invite.value().get().and_then(|r| r.ok()).unwrap_or_default();
    let id = move || detail.get_untracked().map(|d| d.id).unwrap_or_default();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(invite.value().get(), Some(Ok(_))) {
            if let Some(f) = form_ref.get() {
                f.reset();
            }
        }
    });
    view! {
        <div class="card">
            <h2>{t.setup_team_title}</h2>
            <p class="muted">{t.setup_team_intro}</p>
            <ActionForm action=invite node_ref=form_ref>
                <div class="form">
                    <input type="hidden" name="workspace" value=id()/>
                    <FormError error=error fields=&["email", "role"]/>
                    <crate::shell::Field label=t.email_label name="email" inputmode="email" autocomplete="off" error=error/>
                    <RoleSelect error=error/>
                    <div class="row">
                        <button type="submit" class="button secondary" disabled=invite.pending()>{t.send_invitation}</button>
                    </div>
                </div>
            </ActionForm>
            {move || {
                let list = sent();
                (!list.is_empty()).then(|| view! {
                    <div role="status">
                        <h3>{t.setup_invited}</h3>
                        <ul class="list">
                            {list.into_iter().map(|i| view! { <li><span>{i.email}</span><span class="badge">{i.role.label()}</span></li> }).collect_view()}
                        </ul>
                    </div>
                })
            }}
            <FormError error=goto_error/>
            <div class="row">
                <button type="button" class="button secondary" on:click=move |_| { goto.dispatch(SetupGoto { workspace: id(), step: 2 }); }>{t.back}</button>
                <button type="button" class="button" on:click=move |_| { goto.dispatch(SetupGoto { workspace: id(), step: 4 }); }>
                    {move || if sent().is_empty() { t.setup_skip } else { t.continue_ }}
                </button>
            </div>
        </div>
    }
}

/// A select of the roles an invitation can give, with what each allows.
#[component]
pub fn RoleSelect(error: Signal<Option<AppError>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    view! {
        <div class="field">
            <label for="field-role">{t.role_label}</label>
            <select id="field-role" name="role" aria-describedby="field-role-hint field-role-msg">
                {WorkspaceRole::ASSIGNABLE.iter().map(|r| view! { <option value=r.as_str() selected=*r == WorkspaceRole::Editor>{r.label()}</option> }).collect_view()}
            </select>
            <p class="hint" id="field-role-hint">
                {WorkspaceRole::ASSIGNABLE.iter().map(|r| fill(t.role_hint_item, &[("role", &r.label()), ("description", &r.describe())])).collect::<Vec<_>>().join(" ")}
            </p>
            <FieldMessage id="field-role-msg" field="role" error=error/>
        </div>
    }
}

#[component]
fn PlanStep(detail: RwSignal<Option<WorkspaceDetail>>, on_done: Callback<WorkspaceDetail>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let catalog = LocalResource::new(list_plans);
    let choose = ServerAction::<SetupPlan>::new();
    let back = ServerAction::<SetupGoto>::new();
    apply(back, detail);
    let error = error_of(choose);
    let interval = RwSignal::new(detail.get_untracked().map(|d| d.billing_interval).filter(|i| !i.is_empty()).unwrap_or_else(|| "monthly".into()));
    let plan = RwSignal::new("free".to_string());
    // The paid plans of the catalog: choosing one ends the wizard (on Free) and goes on to
    // Stripe Checkout; Stripe sends the browser back to /billing?checkout=success.
    let paid_ids: RwSignal<Vec<String>> = RwSignal::new(vec![]);
    let wants_payment = move || paid_ids.with(|ids| ids.contains(&plan.get()));
    let checkout_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let redirecting = RwSignal::new(false);
    let ws = use_workspaces();
    let to_checkout = move |d: WorkspaceDetail| {
        redirecting.set(true);
        checkout_error.set(None);
        ws.select(d.id.clone());
        let (plan, interval) = (plan.get_untracked(), interval.get_untracked());
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::billing::ui::checkout_after_setup(d.id, plan, interval).await {
                redirecting.try_set(false);
                checkout_error.try_set(Some(e));
            }
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(d)) = choose.value().get() {
            // Untracked: changing the choice afterwards must not act on the old answer again.
            if paid_ids.with_untracked(|ids| ids.contains(&plan.get_untracked())) {
                to_checkout(d);
            } else {
                on_done.run(d);
            }
        }
    });
    let id = move || detail.get_untracked().map(|d| d.id).unwrap_or_default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        checkout_error.set(None);
        choose.dispatch(SetupPlan { workspace: id(), plan: plan.get_untracked(), interval: interval.get_untracked() });
    };
    view! {
        <div class="card">
            <h2>{t.setup_plan_title}</h2>
            <Transition fallback=move || view! { <Loading label=t.plans_loading/> }>
                {move || Suspend::new(async move {
                    match catalog.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(c) if c.plans.is_empty() => view! {
                            <div class="notice notice-error" role="alert">
                                <strong>{t.plans_none_title}</strong>
                                <p>{t.plans_none_before} <code>"mewayz-server plans load config/plans.json"</code>{t.plans_none_after}</p>
                            </div>
                        }.into_any(),
                        Ok(c) => {
                            let payments = c.payments_configured;
                            paid_ids.set(c.plans.iter().filter(|p| p.monthly_price > 0 || p.yearly_price > 0).map(|p| p.id.clone()).collect());
                            view! {
                                <form on:submit=submit novalidate>
                                    <div class="form">
                                        <FormError error=error fields=&["plan", "interval"]/>
                                        {(!payments).then(|| view! {
                                            <div class="notice" role="note">
                                                <strong>{t.pay_off_title}</strong>
                                                <p>{t.pay_off_text}</p>
                                            </div>
                                        })}
                                        <fieldset class="segmented">
                                            <legend>{t.billing_legend}</legend>
                                            {[("monthly", t.billing_monthly), ("yearly", t.billing_yearly)].into_iter().map(|(key, label)| view! {
                                                <label class="choice" for=format!("interval-{key}")>
                                                    <input type="radio" id=format!("interval-{key}") name="interval" value=key
                                                        prop:checked=move || interval.get() == key
                                                        on:change=move |_| interval.set(key.to_string())/>
                                                    <span>{label}</span>
                                                </label>
                                            }).collect_view()}
                                        </fieldset>
                                        <fieldset class="plans" aria-describedby="field-plan-msg">
                                            <legend>{t.plan_legend}</legend>
                                            {c.plans.into_iter().map(|p| {
                                                let paid = p.monthly_price > 0;
                                                let disabled = paid && !payments;
                                                let input_id = format!("plan-{}", p.id);
                                let for_id = input_id.clone();
                                                let key = p.id.clone();
                                                let key2 = p.id.clone();
                                                let (monthly, yearly, currency) = (p.monthly_price, p.yearly_price, p.currency.clone());
                                                view! {
                                                    <label class="plan-card" class:disabled=disabled for=for_id>
                                                        <span class="plan-head">
                                                            <input type="radio" id=input_id name="plan" value=p.id.clone() disabled=disabled
                                                                prop:checked=move || plan.get() == key
                                                                on:change=move |_| plan.set(key2.clone())/>
                                                            <strong>{p.name.clone()}</strong>
                                                            <span class="price">{move || {
                                                                if interval.get() == "yearly" {
                                                                    fill(t.price_year, &[("price", &format_price(yearly, &currency))])
                                                                } else {
                                                                    fill(t.price_month, &[("price", &format_price(monthly, &currency))])
                                                                }
                                                            }}</span>
                                                        </span>
                                                        <span class="muted">{p.description.clone()}</span>
                                                        <span class="limits">
                                                            {p.limits.into_iter().map(|l| view! {
                                                                <span>{fill(t.limit_item, &[("label", &l.label), ("value", &crate::i18n::numbers::limit(&l.key, l.value))])}</span>
                                                            }).collect_view()}
                                                        </span>
                                                        {disabled.then(|| view! { <span class="badge bad">{t.pay_not_set_up}</span> })}
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                        <FieldMessage id="field-plan-msg" field="plan" error=error/>
                                        {move || wants_payment().then(|| view! {
                                            <p class="hint" id="plan-pay-hint">{t.pay_hint}</p>
                                        })}
                                        {move || checkout_error.get().map(|e| view! {
                                            <div class="notice notice-error" role="alert">
                                                <strong>{t.checkout_failed}</strong>
                                                <p>{e.to_string()}</p>
                                                <p>{t.checkout_on_free}</p>
                                                <p class="row">
                                                    <a class="button secondary" href="/billing">{t.checkout_go_billing}</a>
                                                </p>
                                            </div>
                                        })}
                                        <div class="row">
                                            <button type="button" class="button secondary" on:click=move |_| { back.dispatch(SetupGoto { workspace: id(), step: 3 }); }>{t.back}</button>
                                            <button type="submit" class="button" disabled=move || choose.pending().get() || redirecting.get()
                                                aria-describedby=move || wants_payment().then_some("plan-pay-hint")>
                                                {move || if redirecting.get() { t.checkout_opening } else if wants_payment() { t.checkout_continue } else { t.setup_finish }}
                                            </button>
                                        </div>
                                    </div>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}

// The last step (the plans, and the way to Stripe Checkout) is a chunk of its own: it loads
// while the first steps are answered.
crate::lazy_view!(fn plan_step(detail: RwSignal<Option<WorkspaceDetail>>, on_done: Callback<WorkspaceDetail>) as setup_plan_part => view! {
    <PlanStep detail=detail on_done=on_done/>
});

crate::lazy_page!(SetupRoute, setup_page, SetupPage);
