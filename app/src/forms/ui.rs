//! The forms pages: `/forms` (the workspace's forms, and a new one), and `/forms/:id` with
//! the form's editor (steps, fields, conditions, jumps, the ending; saved as a draft with a
//! version, then published) and its submissions (filters, search, pages, one opened, the
//! CSV download).
//!
//! Each control of the editor changes the draft in place; adding, moving or removing a
//! field redraws the list. Fields move with buttons (keyboard and touch alike).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api::{create_form, delete_form, delete_form_submission, get_form, list_form_submissions, list_forms, publish_form, save_form, unpublish_form};
use super::texts::{FormsSubmissionsTexts, FormsTexts};
use super::ui_connect::Connect;
use super::{Condition, Ending, Field, FieldKind, FormDef, FormFull, FormSummary, Jump, Op, Step, Submission, SubmissionPage, SubmissionStatus, AREA, END};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{format_time, ErrorNote, Loading};
use crate::workspaces::ui::{require_signed_in, use_workspaces, WorkspaceBar};
use crate::workspaces::Action;

fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// A fresh id with `prefix`: six random letters and digits.
fn new_id(prefix: &str) -> String {
    const ABC: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut s = prefix.to_string();
    for _ in 0..6 {
        s.push(ABC[(js_sys::Math::random() * ABC.len() as f64) as usize % ABC.len()] as char);
    }
    s
}

fn op_label(op: Op) -> &'static str {
    let t = FormsTexts::now();
    match op {
        Op::Equals => t.op_equals,
        Op::NotEquals => t.op_not_equals,
        Op::Contains => t.op_contains,
        Op::Greater => t.op_greater,
        Op::Less => t.op_less,
        Op::IsEmpty => t.op_is_empty,
        Op::IsNotEmpty => t.op_is_not_empty,
    }
}

fn op_key(op: Op) -> &'static str {
    match op {
        Op::Equals => "equals",
        Op::NotEquals => "not_equals",
        Op::Contains => "contains",
        Op::Greater => "greater",
        Op::Less => "less",
        Op::IsEmpty => "is_empty",
        Op::IsNotEmpty => "is_not_empty",
    }
}

fn op_from(key: &str) -> Op {
    Op::ALL.into_iter().find(|o| op_key(*o) == key).unwrap_or(Op::Equals)
}

/// The message for field `path` ("steps.0.fields.1.label") of the last error.
fn message_for(errors: RwSignal<Option<AppError>>, path: String) -> impl IntoView {
    let id = format!("err-{}", path.replace('.', "-"));
    view! { <p id=id class="field-error" aria-live="polite">{move || errors.get().and_then(|e| e.field_message(&path))}</p> }
}

// ---------------------------------------------------------------- /forms

#[component]
pub fn FormsPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = FormsTexts::now();
    let ws = use_workspaces();
    let forms: RwSignal<Option<Result<Vec<FormSummary>, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let id = ws.current.get();
        forms.set(None);
        if let Some(id) = id {
            leptos::task::spawn_local(async move { forms.set(Some(list_forms(id).await)) });
        }
    });
    view! {
        <section class="page" aria-labelledby="forms-title">
            <WorkspaceBar/>
            <h1 id="forms-title">{t.list_title}</h1>
            <p class="lead">{t.list_lead}</p>
            {move || match (ws.ready.get(), ws.current.get()) {
                (false, _) => view! { <Loading/> }.into_any(),
                (true, None) => view! {
                    <div class="card"><p>{t.no_workspace}</p><p><a class="button" href="/setup?new=1">{t.create_workspace}</a></p></div>
                }.into_any(),
                (true, Some(w)) => view! {
                    {move || ws.can(AREA, Action::Edit).then(|| view! { <NewForm workspace=w.clone()/> })}
                    <section class="card" aria-labelledby="forms-yours">
                        <h2 id="forms-yours">{t.list_yours}</h2>
                        {move || match forms.get() {
                            None => view! { <Loading/> }.into_any(),
                            Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => view! {
                                <div class="empty-state"><p><strong>{t.list_empty}</strong></p><p class="muted">{t.list_empty_hint}</p></div>
                            }.into_any(),
                            Some(Ok(list)) => view! {
                                <ul class="list">
                                    {list.into_iter().map(|f| view! {
                                        <li>
                                            <div>
                                                <a href=format!("/forms/{}", f.id)>{f.title.clone()}</a>
                                                <p class="muted small">{fill(t.list_counts, &[("n", &f.submissions), ("p", &f.partials)])}</p>
                                            </div>
                                            <div class="row">
                                                {if f.published {
                                                    view! { <span class="badge ok">{t.badge_published}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge">{t.badge_draft}</span> }.into_any()
                                                }}
                                                {(f.published && f.unpublished_changes).then(|| view! { <span class="badge warn">{t.badge_changes}</span> })}
                                            </div>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        }}
                    </section>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn NewForm(workspace: String) -> impl IntoView {
    let t = FormsTexts::now();
    let navigate = use_navigate();
    let title = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let workspace = StoredValue::new(workspace);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match create_form(workspace.get_value(), title.get_untracked()).await {
                Ok(f) => navigate(&format!("/forms/{}", f.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="forms-new">
            <h2 id="forms-new">{t.new_title}</h2>
            <form class="form" on:submit=on_submit>
                {move || error.get().filter(|e| e.field_message("title").is_none()).map(|e| view! { <ErrorNote error=e/> })}
                <div class="field">
                    <label for="form-new-title">{t.new_name}</label>
                    <input id="form-new-title" type="text" maxlength="200" prop:value=title
                        on:input=move |ev| title.set(event_target_value(&ev)) aria-describedby="err-title"/>
                    {message_for(error, "title".into())}
                </div>
                <div class="row"><button type="submit" class="button" disabled=busy>{t.new_create}</button></div>
            </form>
        </section>
    }
}

// ---------------------------------------------------------------- /forms/:id

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Build,
    Submissions,
    Connect,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Build, Tab::Submissions, Tab::Connect];

    fn button_id(self) -> &'static str {
        match self {
            Tab::Build => "form-tab-build",
            Tab::Submissions => "form-tab-subs",
            Tab::Connect => "form-tab-connect",
        }
    }
}

#[component]
pub fn FormPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = FormsTexts::now();
    let ws = use_workspaces();
    let params = use_params_map();
    let form_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let loaded: RwSignal<Option<Result<FormFull, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let (Some(w), id) = (ws.current.get(), form_id.get()) else { return };
        loaded.set(None);
        leptos::task::spawn_local(async move { loaded.set(Some(get_form(w, id).await)) });
    });
    view! {
        <section class="page" aria-labelledby="form-title">
            {move || match (ws.ready.get(), ws.current.get(), loaded.get()) {
                (false, _, _) | (true, Some(_), None) => view! { <Loading/> }.into_any(),
                (true, None, _) => view! { <p>{t.no_workspace}</p> }.into_any(),
                (true, Some(_), Some(Err(e))) => view! {
                    <h1 id="form-title">{t.list_title}</h1>
                    <ErrorNote error=e/>
                    <p><a href="/forms">{t.back_to_list}</a></p>
                }.into_any(),
                (true, Some(w), Some(Ok(form))) => view! { <FormScreen workspace=w form=form/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn FormScreen(workspace: String, form: FormFull) -> impl IntoView {
    let t = FormsTexts::now();
    let ws = use_workspaces();
    let editable = untrack(|| ws.can(AREA, Action::Edit));
    let can_delete = untrack(|| ws.can(AREA, Action::Manage));
    let tab = RwSignal::new(Tab::Build);
    let full = RwSignal::new(form.clone());
    let public_url = format!("{}/f/{}", origin(), form.slug);
    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let step = match ev.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => Tab::ALL.len() - 1,
            _ => 0,
        };
        if step > 0 {
            ev.prevent_default();
            let at = Tab::ALL.iter().position(|x| *x == tab.get_untracked()).unwrap_or(0);
            let next = Tab::ALL[(at + step) % Tab::ALL.len()];
            tab.set(next);
            let id = next.button_id();
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
        }
    };
    let tab_button = move |which: Tab, id: &'static str, panel: &'static str, label: &'static str| {
        view! {
            <button type="button" role="tab" id=id aria-controls=panel
                aria-selected=move || (tab.get() == which).to_string()
                tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| tab.set(which)>{label}</button>
        }
    };
    let w2 = workspace.clone();
    let w3 = workspace.clone();
    let form_id = form.id.clone();
    let form_id2 = form.id.clone();
    let title = Signal::derive(move || full.with(|f| f.published.as_ref().unwrap_or(&f.draft).title.clone()));
    view! {
        <p><a href="/forms">{t.back_to_list}</a></p>
        <h1 id="form-title">{move || full.with(|f| f.draft.title.clone())}</h1>
        <p class="muted">
            {move || if full.with(|f| f.published.is_some()) {
                view! { <span class="badge ok">{t.badge_published}</span>" "<a href=public_url.clone() target="_blank" rel="noopener">{public_url.clone()}</a> }.into_any()
            } else {
                view! { <span class="badge">{t.badge_draft}</span> }.into_any()
            }}
        </p>
        <div class="bio-tabs" role="tablist" aria-label=t.tabs_label on:keydown=on_tab_key>
            {tab_button(Tab::Build, "form-tab-build", "form-panel-build", t.tab_build)}
            {tab_button(Tab::Submissions, "form-tab-subs", "form-panel-subs", t.tab_submissions)}
            {tab_button(Tab::Connect, "form-tab-connect", "form-panel-connect", t.tab_connect)}
        </div>
        <div id="form-panel-build" role="tabpanel" aria-labelledby="form-tab-build" hidden=move || tab.get() != Tab::Build>
            <Editor workspace=workspace.clone() full=full editable=editable can_delete=can_delete/>
        </div>
        <div id="form-panel-subs" role="tabpanel" aria-labelledby="form-tab-subs" hidden=move || tab.get() != Tab::Submissions>
            {move || (tab.get() == Tab::Submissions).then(|| submissions_tab(w2.clone(), form_id.clone(), full, editable))}
        </div>
        <div id="form-panel-connect" role="tabpanel" aria-labelledby="form-tab-connect" hidden=move || tab.get() != Tab::Connect>
            {move || (tab.get() == Tab::Connect).then(|| connect_tab(w3.clone(), form_id2.clone(), title, editable))}
        </div>
    }
}

// ---------------------------------------------------------------- the editor

#[derive(Clone, Copy)]
struct Ed {
    def: RwSignal<FormDef>,
    /// Bumped when fields or steps are added, moved or removed: the lists are drawn again.
    shape: RwSignal<u32>,
    dirty: RwSignal<bool>,
    errors: RwSignal<Option<AppError>>,
    editable: bool,
}

impl Ed {
    /// A change to a value: kept, no redraw.
    fn edit(self, f: impl FnOnce(&mut FormDef)) {
        self.def.update_untracked(f);
        self.dirty.set(true);
    }
    /// A change to the shape: kept and drawn again.
    fn reshape(self, f: impl FnOnce(&mut FormDef)) {
        self.def.update_untracked(f);
        self.dirty.set(true);
        self.shape.update(|n| *n += 1);
    }
    fn field(self, si: usize, fi: usize, f: impl FnOnce(&mut Field)) {
        self.edit(|d| {
            if let Some(x) = d.steps.get_mut(si).and_then(|s| s.fields.get_mut(fi)) {
                f(x)
            }
        });
    }
}

#[component]
fn Editor(workspace: String, full: RwSignal<FormFull>, editable: bool, can_delete: bool) -> impl IntoView {
    let t = FormsTexts::now();
    let ed = Ed { def: RwSignal::new(full.get_untracked().draft), shape: RwSignal::new(0), dirty: RwSignal::new(false), errors: RwSignal::new(None), editable };
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let workspace = StoredValue::new(workspace);
    let navigate = use_navigate();

    // Saves the draft when it changed; true when the server has it.
    let save = move || async move {
        if !ed.dirty.get_untracked() {
            return true;
        }
        let f = full.get_untracked();
        let json = serde_json::to_string(&ed.def.get_untracked()).unwrap_or_default();
        match save_form(workspace.get_value(), f.id.clone(), json, f.version).await {
            Ok(saved) => {
                full.set(saved);
                ed.dirty.set(false);
                ed.errors.set(None);
                true
            }
            Err(e) => {
                ed.errors.set(Some(e));
                false
            }
        }
    };
    let on_save = move |_| {
        busy.set(true);
        status.set(None);
        leptos::task::spawn_local(async move {
            if save().await {
                status.set(Some(FormsTexts::now().saved));
            }
            busy.set(false);
        });
    };
    let on_publish = move |_| {
        busy.set(true);
        status.set(None);
        leptos::task::spawn_local(async move {
            if save().await {
                let f = full.get_untracked();
                match publish_form(workspace.get_value(), f.id.clone(), f.version).await {
                    Ok(p) => {
                        full.set(p);
                        status.set(Some(FormsTexts::now().published));
                    }
                    Err(e) => ed.errors.set(Some(e)),
                }
            }
            busy.set(false);
        });
    };
    let on_unpublish = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match unpublish_form(workspace.get_value(), full.get_untracked().id).await {
                Ok(p) => {
                    full.set(p);
                    status.set(Some(FormsTexts::now().unpublished));
                }
                Err(e) => ed.errors.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let on_delete = move |_| {
        if !confirm(FormsTexts::now().delete_confirm) {
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_form(workspace.get_value(), full.get_untracked().id).await {
                Ok(()) => navigate("/forms", Default::default()),
                Err(e) => ed.errors.set(Some(e)),
            }
        });
    };
    let def0 = ed.def.get_untracked();
    let (title0, intro0, submit0) = (def0.title.clone(), def0.intro.clone(), def0.submit_label.clone());
    view! {
        <fieldset class="card form" disabled=!editable>
            <legend class="sr-only">{t.tab_build}</legend>
            {move || ed.errors.get().filter(|e| !matches!(e, AppError::Validation { fields, .. } if !fields.is_empty())).map(|e| view! { <ErrorNote error=e/> })}
            {move || ed.errors.get().filter(|e| matches!(e, AppError::Validation { fields, .. } if !fields.is_empty())).map(|_| view! {
                <div class="notice notice-error" role="alert"><p>{FormsTexts::now().fix_below}</p></div>
            })}
            <div class="field">
                <label for="form-def-title">{t.ed_title}</label>
                <input id="form-def-title" type="text" maxlength="200" prop:value=title0 aria-describedby="err-title"
                    on:input=move |ev| { let v = event_target_value(&ev); ed.edit(|d| d.title = v) }/>
                {message_for(ed.errors, "title".into())}
            </div>
            <div class="field">
                <label for="form-def-intro">{t.ed_intro}</label>
                <textarea id="form-def-intro" rows="2" prop:value=intro0
                    on:input=move |ev| { let v = event_target_value(&ev); ed.edit(|d| d.intro = v) }></textarea>
            </div>
            {move || {
                ed.shape.track();
                let steps = ed.def.with_untracked(|d| d.steps.len());
                (0..steps).map(|si| view! { <StepEditor ed=ed si=si/> }).collect_view()
            }}
            {editable.then(|| view! {
                <div class="row">
                    <button type="button" class="button secondary" on:click=move |_| ed.reshape(|d| {
                        let n = d.steps.len() + 1;
                        d.steps.push(Step { id: new_id("s"), title: fill(FormsTexts::now().step_default_title, &[("n", &n)]), fields: vec![], jumps: vec![] })
                    })>{t.add_step}</button>
                </div>
            })}
            {logic_part(ed, None)}
            <div class="field">
                <label for="form-def-submit">{t.ed_submit_label}</label>
                <input id="form-def-submit" type="text" maxlength="200" prop:value=submit0 placeholder=t.public_submit
                    on:input=move |ev| { let v = event_target_value(&ev); ed.edit(|d| d.submit_label = v) }/>
            </div>
        </fieldset>
        {editable.then(|| view! {
            <div class="row form-actions">
                <button type="button" class="button secondary" on:click=on_save disabled=busy>{t.save}</button>
                <button type="button" class="button" on:click=on_publish disabled=busy>{t.publish}</button>
                {move || full.with(|f| f.published.is_some()).then(|| view! { <button type="button" class="button secondary" on:click=on_unpublish disabled=busy>{t.unpublish}</button> })}
                {can_delete.then(|| view! { <button type="button" class="button danger" on:click=on_delete disabled=busy>{t.delete}</button> })}
                <p class="muted" role="status" aria-live="polite">{move || if ed.dirty.get() { Some(t.unsaved) } else { status.get() }}</p>
            </div>
        })}
    }
}

#[component]
fn StepEditor(ed: Ed, si: usize) -> impl IntoView {
    let t = FormsTexts::now();
    let step = ed.def.with_untracked(|d| d.steps[si].clone());
    let steps = ed.def.with_untracked(|d| d.steps.len());
    let kind = RwSignal::new(FieldKind::ShortText.key().to_string());
    let heading = fill(t.step_heading, &[("n", &(si + 1)), ("total", &steps)]);
    let heading_id = format!("step-h-{si}");
    view! {
        <section class="form-step" aria-labelledby=heading_id.clone()>
            <div class="row spread">
                <h2 id=heading_id.clone()>{heading}</h2>
                {(ed.editable && steps > 1).then(|| view! {
                    <button type="button" class="button danger compact" on:click=move |_| {
                        if confirm(FormsTexts::now().remove_step_confirm) { ed.reshape(|d| { d.steps.remove(si); }) }
                    }>{t.remove_step}</button>
                })}
            </div>
            <div class="field">
                <label for=format!("step-{si}-title")>{t.ed_step_title}</label>
                <input id=format!("step-{si}-title") type="text" maxlength="200" prop:value=step.title.clone()
                    on:input=move |ev| { let v = event_target_value(&ev); ed.edit(|d| d.steps[si].title = v) }/>
            </div>
            {if step.fields.is_empty() {
                view! { <p class="muted">{t.step_empty}</p> }.into_any()
            } else {
                view! { <ol class="form-fields">{(0..step.fields.len()).map(|fi| view! { <FieldEditor ed=ed si=si fi=fi/> }).collect_view()}</ol> }.into_any()
            }}
            {ed.editable.then(|| view! {
                <div class="row">
                    <label for=format!("step-{si}-kind")>{t.add_field_kind}</label>
                    <select id=format!("step-{si}-kind") on:change=move |ev| kind.set(event_target_value(&ev))>
                        {FieldKind::ALL.into_iter().filter(|k| *k != FieldKind::File).map(|k| view! { <option value=k.key()>{k.label()}</option> }).collect_view()}
                    </select>
                    <button type="button" class="button secondary" on:click=move |_| {
                        let k = FieldKind::from_key(&kind.get_untracked()).unwrap_or(FieldKind::ShortText);
                        ed.reshape(|d| {
                            let mut f = Field::new(&new_id("f"), k, k.label());
                            if k.has_options() {
                                f.options = vec![FormsTexts::now().option_one.into(), FormsTexts::now().option_two.into()];
                            }
                            d.steps[si].fields.push(f);
                        })
                    }>{t.add_field}</button>
                </div>
            })}
            {logic_part(ed, Some(si))}
        </section>
    }
}

/// The fields before field `fi` of step `si` (or all of step `si` and before, with
/// `fi = usize::MAX`) that a condition may test.
fn earlier_fields(d: &FormDef, si: usize, fi: usize) -> Vec<(String, String)> {
    let mut out = vec![];
    for (i, s) in d.steps.iter().enumerate().take(si + 1) {
        for (j, f) in s.fields.iter().enumerate() {
            if i == si && j >= fi {
                break;
            }
            if f.kind.asks() && f.kind != FieldKind::File {
                out.push((f.id.clone(), f.label.clone()));
            }
        }
    }
    out
}

/// The editor of one condition: which earlier field, how, and the value.
fn condition_editor(
    ed: Ed,
    prefix: String,
    candidates: Vec<(String, String)>,
    current: Condition,
    set: impl Fn(&mut FormDef, Condition) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = FormsTexts::now();
    let cond = RwSignal::new(current.clone());
    let update = move |c: &dyn Fn(&mut Condition)| {
        cond.update(|x| c(x));
        let now = cond.get_untracked();
        ed.edit(|d| set(d, now));
    };
    view! {
        <div class="row condition">
            <label for=format!("{prefix}-field") class="sr-only">{t.cond_field}</label>
            <select id=format!("{prefix}-field") on:change=move |ev| { let v = event_target_value(&ev); update(&|c| c.field = v.clone()) }>
                {candidates.into_iter().map(|(id, label)| {
                    let selected = id == current.field;
                    view! { <option value=id selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            <label for=format!("{prefix}-op") class="sr-only">{t.cond_op}</label>
            <select id=format!("{prefix}-op") on:change=move |ev| { let v = event_target_value(&ev); update(&|c| c.op = op_from(&v)) }>
                {Op::ALL.into_iter().map(|o| view! { <option value=op_key(o) selected=o == current.op>{op_label(o)}</option> }).collect_view()}
            </select>
            {move || cond.with(|c| c.op.takes_value()).then(|| view! {
                <label for=format!("{prefix}-value") class="sr-only">{t.cond_value}</label>
                <input id=format!("{prefix}-value") type="text" maxlength="200" placeholder=t.cond_value prop:value=cond.get_untracked().value
                    on:input=move |ev| { let v = event_target_value(&ev); update(&|c| c.value = v.clone()) }/>
            })}
        </div>
    }
}

#[component]
fn FieldEditor(ed: Ed, si: usize, fi: usize) -> impl IntoView {
    let t = FormsTexts::now();
    let f = ed.def.with_untracked(|d| d.steps[si].fields[fi].clone());
    let last = fi + 1 >= ed.def.with_untracked(|d| d.steps[si].fields.len());
    let p = format!("steps.{si}.fields.{fi}");
    let idp = format!("f-{si}-{fi}");
    let candidates = ed.def.with_untracked(|d| earlier_fields(d, si, fi));
    let shown_if = RwSignal::new(f.show_if.is_some());
    // The buttons' names say which field they move, as its question is typed.
    let name = RwSignal::new(f.label.clone());
    let kind = f.kind;
    let number = |v: String| v.trim().parse::<f64>().ok();
    let whole = |v: String| v.trim().parse::<u32>().ok();
    let input = move |id: String, label: &'static str, value: String, path: String, on: Box<dyn Fn(String) + Send + Sync>| {
        let described = format!("err-{}", path.replace('.', "-"));
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id type="text" prop:value=value aria-describedby=described on:input=move |ev| on(event_target_value(&ev))/>
                {message_for(ed.errors, path)}
            </div>
        }
    };
    let move_to = move |to: usize| {
        ed.reshape(|d| {
            let x = d.steps[si].fields.remove(fi);
            d.steps[si].fields.insert(to, x);
        })
    };
    view! {
        <li class="form-field card">
            <div class="row spread">
                <strong>{kind.label()}</strong>
                {ed.editable.then(|| view! {
                    <div class="row">
                        <button type="button" class="button secondary compact" disabled=fi == 0 aria-label=move || fill(t.move_up, &[("label", &name.get())]) on:click=move |_| move_to(fi - 1)>"↑"</button>
                        <button type="button" class="button secondary compact" disabled=last aria-label=move || fill(t.move_down, &[("label", &name.get())]) on:click=move |_| move_to(fi + 1)>"↓"</button>
                        <button type="button" class="button danger compact" aria-label=move || fill(t.remove_field, &[("label", &name.get())])
                            on:click=move |_| ed.reshape(|d| { d.steps[si].fields.remove(fi); })>"✕"</button>
                    </div>
                })}
            </div>
            {input(format!("{idp}-label"), if kind == FieldKind::Statement { t.ed_text } else { t.ed_label }, f.label.clone(), format!("{p}.label"),
                Box::new(move |v| {
                    name.set(v.clone());
                    ed.field(si, fi, |x| x.label = v)
                }))}
            {input(format!("{idp}-help"), t.ed_help, f.help.clone(), format!("{p}.help"), Box::new(move |v| ed.field(si, fi, |x| x.help = v)))}
            {kind.asks().then(|| view! {
                <div class="choice">
                    <input type="checkbox" id=format!("{idp}-req") prop:checked=f.required
                        on:change=move |ev| { let on = event_target_checked(&ev); ed.field(si, fi, |x| x.required = on) }/>
                    <label for=format!("{idp}-req")>{t.ed_required}</label>
                </div>
            })}
            {kind.has_options().then(|| {
                let path = format!("{p}.options");
                let described = format!("err-{}", path.replace('.', "-"));
                view! {
                    <div class="field">
                        <label for=format!("{idp}-opts")>{t.ed_options}</label>
                        <textarea id=format!("{idp}-opts") rows="4" prop:value=f.options.join("\n") aria-describedby=described
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                ed.field(si, fi, |x| x.options = v.lines().map(str::to_string).filter(|l| !l.trim().is_empty()).collect())
                            }></textarea>
                        <p class="hint">{t.ed_options_hint}</p>
                        {message_for(ed.errors, path)}
                    </div>
                }
            })}
            {(kind.asks() && kind != FieldKind::Checkbox).then(|| view! {
                <details class="form-more">
                    <summary>{t.ed_more}</summary>
            {matches!(kind, FieldKind::ShortText | FieldKind::LongText | FieldKind::Email | FieldKind::Phone | FieldKind::Number).then(|| input(
                format!("{idp}-ph"), t.ed_placeholder, f.placeholder.clone(), format!("{p}.placeholder"), Box::new(move |v| ed.field(si, fi, |x| x.placeholder = v))))}
            {kind.has_length().then(|| view! {
                <div class="row">
                    {input(format!("{idp}-minlen"), t.ed_min_len, f.min_len.map(|v| v.to_string()).unwrap_or_default(), format!("{p}.min_len"),
                        Box::new(move |v| ed.field(si, fi, |x| x.min_len = whole(v))))}
                    {input(format!("{idp}-maxlen"), t.ed_max_len, f.max_len.map(|v| v.to_string()).unwrap_or_default(), format!("{p}.max_len"),
                        Box::new(move |v| ed.field(si, fi, |x| x.max_len = whole(v))))}
                </div>
            })}
            {(kind == FieldKind::Number).then(|| view! {
                <div class="row">
                    {input(format!("{idp}-min"), t.ed_min, f.min.map(|v| v.to_string()).unwrap_or_default(), format!("{p}.min"),
                        Box::new(move |v| ed.field(si, fi, |x| x.min = number(v))))}
                    {input(format!("{idp}-max"), t.ed_max, f.max.map(|v| v.to_string()).unwrap_or_default(), format!("{p}.max"),
                        Box::new(move |v| ed.field(si, fi, |x| x.max = number(v))))}
                </div>
            })}
            {(kind == FieldKind::Rating).then(|| input(format!("{idp}-scale"), t.ed_scale, f.rating_max().to_string(), format!("{p}.max"),
                Box::new(move |v| ed.field(si, fi, |x| x.max = number(v)))))}
            {(kind == FieldKind::ShortText).then(|| view! {
                {input(format!("{idp}-pattern"), t.ed_pattern, f.pattern.clone(), format!("{p}.pattern"), Box::new(move |v| ed.field(si, fi, |x| x.pattern = v)))}
                {input(format!("{idp}-pmsg"), t.ed_pattern_message, f.pattern_message.clone(), format!("{p}.pattern_message"),
                    Box::new(move |v| ed.field(si, fi, |x| x.pattern_message = v)))}
            })}
                </details>
            })}
            {(!candidates.is_empty()).then(|| {
                let first = candidates[0].0.clone();
                let current = f.show_if.clone().unwrap_or(Condition { field: first, op: Op::Equals, value: String::new() });
                let cands = candidates.clone();
                let path = format!("{p}.show_if");
                view! {
                    <div class="choice">
                        <input type="checkbox" id=format!("{idp}-cond") prop:checked=shown_if
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                shown_if.set(on);
                                let c = current.clone();
                                ed.field(si, fi, |x| x.show_if = on.then_some(c));
                            }/>
                        <label for=format!("{idp}-cond")>{t.ed_show_if}</label>
                    </div>
                    {move || shown_if.get().then(|| {
                        let now = ed.def.with_untracked(|d| d.steps[si].fields[fi].show_if.clone()).unwrap_or(Condition { field: cands[0].0.clone(), op: Op::Equals, value: String::new() });
                        condition_editor(ed, format!("{idp}-c"), cands.clone(), now, move |d, c| d.steps[si].fields[fi].show_if = Some(c))
                    })}
                    {message_for(ed.errors, path)}
                }
            })}
        </li>
    }
}

#[component]
fn JumpsEditor(ed: Ed, si: usize) -> impl IntoView {
    let t = FormsTexts::now();
    let (jumps, later, candidates) = ed.def.with_untracked(|d| {
        let later: Vec<(String, String)> =
            d.steps.iter().enumerate().skip(si + 1).map(|(i, s)| (s.id.clone(), fill(t.step_heading_short, &[("n", &(i + 1)), ("title", &s.title)]))).collect();
        (d.steps[si].jumps.clone(), later, earlier_fields(d, si, usize::MAX))
    });
    if candidates.is_empty() {
        return ().into_any();
    }
    view! {
        <div class="form-jumps">
            <h3>{t.jumps_title}</h3>
            {jumps.iter().enumerate().map(|(ji, j)| {
                let mut targets = later.clone();
                targets.push((END.to_string(), t.jump_end.to_string()));
                let current_to = j.to.clone();
                let path = format!("steps.{si}.jumps.{ji}");
                view! {
                    <div class="form-jump">
                        <p>{t.jump_if}</p>
                        {condition_editor(ed, format!("j-{si}-{ji}"), candidates.clone(), j.when.clone(), move |d, c| d.steps[si].jumps[ji].when = c)}
                        <div class="row">
                            <label for=format!("j-{si}-{ji}-to")>{t.jump_to}</label>
                            <select id=format!("j-{si}-{ji}-to") on:change=move |ev| { let v = event_target_value(&ev); ed.edit(|d| d.steps[si].jumps[ji].to = v) }>
                                {targets.into_iter().map(|(id, label)| { let sel = id == current_to; view! { <option value=id selected=sel>{label}</option> } }).collect_view()}
                            </select>
                            {ed.editable.then(|| view! {
                                <button type="button" class="button danger compact" on:click=move |_| ed.reshape(|d| { d.steps[si].jumps.remove(ji); })>{t.jump_remove}</button>
                            })}
                        </div>
                        {message_for(ed.errors, format!("{path}.when"))}
                        {message_for(ed.errors, format!("{path}.to"))}
                    </div>
                }
            }).collect_view()}
            {ed.editable.then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| ed.reshape(|d| {
                    let field = earlier_fields(d, si, usize::MAX).first().map(|c| c.0.clone()).unwrap_or_default();
                    let to = d.steps.get(si + 1).map(|s| s.id.clone()).unwrap_or_else(|| END.to_string());
                    d.steps[si].jumps.push(Jump { when: Condition { field, op: Op::Equals, value: String::new() }, to });
                })>{t.jump_add}</button>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn EndingEditor(ed: Ed) -> impl IntoView {
    let t = FormsTexts::now();
    let ending = ed.def.with_untracked(|d| d.ending.clone());
    let redirect = RwSignal::new(matches!(ending, Ending::Redirect { .. }));
    let (heading, message, url) = match &ending {
        Ending::ThankYou { heading, message } => (heading.clone(), message.clone(), String::new()),
        Ending::Redirect { url } => (String::new(), String::new(), url.clone()),
    };
    let heading = RwSignal::new(heading);
    let message = RwSignal::new(message);
    let url = RwSignal::new(url);
    let apply = move || {
        let e = if redirect.get_untracked() {
            Ending::Redirect { url: url.get_untracked() }
        } else {
            Ending::ThankYou { heading: heading.get_untracked(), message: message.get_untracked() }
        };
        ed.edit(|d| d.ending = e);
    };
    view! {
        <fieldset class="form-ending">
            <legend>{t.ending_title}</legend>
            <div class="choice">
                <input type="radio" id="ending-thanks" name="ending" prop:checked=move || !redirect.get() on:change=move |_| { redirect.set(false); apply() }/>
                <label for="ending-thanks">{t.ending_thanks}</label>
            </div>
            <div class="choice">
                <input type="radio" id="ending-redirect" name="ending" prop:checked=redirect on:change=move |_| { redirect.set(true); apply() }/>
                <label for="ending-redirect">{t.ending_redirect}</label>
            </div>
            {move || if redirect.get() {
                view! {
                    <div class="field">
                        <label for="ending-url">{t.ending_url}</label>
                        <input id="ending-url" type="url" inputmode="url" prop:value=url aria-describedby="err-ending-url"
                            on:input=move |ev| { url.set(event_target_value(&ev)); apply() }/>
                        {message_for(ed.errors, "ending.url".into())}
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="ending-heading">{t.ending_heading}</label>
                        <input id="ending-heading" type="text" maxlength="200" prop:value=heading placeholder=t.public_thanks_heading
                            on:input=move |ev| { heading.set(event_target_value(&ev)); apply() }/>
                    </div>
                    <div class="field">
                        <label for="ending-message">{t.ending_message}</label>
                        <textarea id="ending-message" rows="2" prop:value=message placeholder=t.public_thanks_message
                            on:input=move |ev| { message.set(event_target_value(&ev)); apply() }></textarea>
                    </div>
                }.into_any()
            }}
        </fieldset>
    }
}

// ---------------------------------------------------------------- submissions

#[component]
fn Submissions(workspace: String, form: String, full: RwSignal<FormFull>, editable: bool) -> impl IntoView {
    let t = FormsSubmissionsTexts::now();
    let status = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let page: RwSignal<Option<Result<SubmissionPage, AppError>>> = RwSignal::new(None);
    let open = RwSignal::new(None::<Submission>);
    let ids = StoredValue::new((workspace.clone(), form.clone()));
    let load = move |after: Option<String>| {
        let (w, f) = ids.get_value();
        let more = after.is_some();
        if !more {
            page.set(None);
        }
        leptos::task::spawn_local(async move {
            let got =
                list_form_submissions(w, f, status.get_untracked(), from.get_untracked(), to.get_untracked(), query.get_untracked(), after.unwrap_or_default())
                    .await;
            match (more, got) {
                (true, Ok(next)) => page.update(|p| {
                    if let Some(Ok(cur)) = p {
                        cur.items.extend(next.items);
                        cur.next = next.next;
                    }
                }),
                (_, got) => page.set(Some(got)),
            }
        });
    };
    load(None);
    let columns = full.with_untracked(|f| super::columns(f.published.as_ref(), &f.draft));
    let columns = StoredValue::new(columns);
    let csv = move || {
        let (w, f) = ids.get_value();
        let s = status.get();
        if s.is_empty() {
            format!("/api/forms/{w}/{f}/submissions.csv")
        } else {
            format!("/api/forms/{w}/{f}/submissions.csv?status={s}")
        }
    };
    let on_filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    let error = Signal::derive(move || match page.get() {
        Some(Err(e)) => Some(e),
        _ => None,
    });
    let remove = move |id: String| {
        if !confirm(FormsSubmissionsTexts::now().delete_submission_confirm) {
            return;
        }
        let (w, _) = ids.get_value();
        leptos::task::spawn_local(async move {
            match delete_form_submission(w, id.clone()).await {
                Ok(()) => {
                    open.set(None);
                    page.update(|p| {
                        if let Some(Ok(cur)) = p {
                            cur.items.retain(|s| s.id != id);
                            cur.total = cur.total.saturating_sub(1);
                        }
                    });
                }
                Err(e) => page.set(Some(Err(e))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="subs-title">
            <div class="row spread">
                <h2 id="subs-title">{t.subs_title}</h2>
                <a class="button secondary" href=csv download="">{t.subs_csv}</a>
            </div>
            <form class="row form-filters" on:submit=on_filter>
                <div class="field">
                    <label for="subs-status">{t.subs_status}</label>
                    <select id="subs-status" on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">{t.subs_all}</option>
                        <option value="complete">{t.status_complete}</option>
                        <option value="partial">{t.status_partial}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="subs-from">{t.subs_from}</label>
                    <input id="subs-from" type="date" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="subs-to">{t.subs_to}</label>
                    <input id="subs-to" type="date" prop:value=to on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="subs-query">{t.subs_search}</label>
                    <input id="subs-query" type="search" maxlength="200" prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button secondary">{t.subs_apply}</button>
            </form>
            {move || error.get().map(|e| view! { <ErrorNote error=e/> })}
            {move || match page.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(_)) => ().into_any(),
                Some(Ok(p)) if p.items.is_empty() => view! {
                    <div class="empty-state"><p><strong>{t.subs_empty}</strong></p><p class="muted">{t.subs_empty_hint}</p></div>
                }.into_any(),
                Some(Ok(p)) => {
                    let cols = columns.get_value();
                    let shown: Vec<(String, String)> = cols.into_iter().take(3).collect();
                    let heads = shown.clone();
                    view! {
                        <p class="muted" role="status">{fill(t.subs_count, &[("n", &p.items.len()), ("total", &p.total)])}</p>
                        <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.subs_when}</th>
                                    <th scope="col">{t.subs_status}</th>
                                    {heads.into_iter().map(|(_, l)| view! { <th scope="col">{l}</th> }).collect_view()}
                                    <th scope="col"><span class="sr-only">{t.subs_actions}</span></th>
                                </tr></thead>
                                <tbody>
                                    {p.items.iter().map(|s| {
                                        let s2 = s.clone();
                                        view! {
                                            <tr>
                                                <td>{format_time(s.completed_at.unwrap_or(s.created_at))}</td>
                                                <td>{if s.status == SubmissionStatus::Complete {
                                                    view! { <span class="badge ok">{t.status_complete}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge warn">{t.status_partial}</span> }.into_any()
                                                }}</td>
                                                {shown.iter().map(|(id, _)| view! { <td>{s.answers.get(id).map(|v| v.join(", ")).unwrap_or_default()}</td> }).collect_view()}
                                                <td><button type="button" class="button secondary" on:click=move |_| open.set(Some(s2.clone()))>{t.subs_open}</button></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {p.next.clone().map(|n| view! { <button type="button" class="button secondary" on:click=move |_| load(Some(n.clone()))>{t.subs_more}</button> })}
                    }.into_any()
                }
            }}
        </section>
        {move || open.get().map(|s| {
            let id = s.id.clone();
            let cols = columns.get_value();
            view! {
                <section class="card" aria-labelledby="sub-title">
                    <div class="row spread">
                        <h2 id="sub-title">{fill(t.sub_title, &[("when", &format_time(s.completed_at.unwrap_or(s.created_at)))])}</h2>
                        <button type="button" class="button secondary" on:click=move |_| open.set(None)>{t.sub_close}</button>
                    </div>
                    <dl class="answers">
                        {cols.into_iter().map(|(fid, label)| view! {
                            <dt>{label}</dt>
                            <dd>{s.answers.get(&fid).map(|v| v.join(", ")).filter(|v| !v.is_empty()).unwrap_or_else(|| t.sub_no_answer.to_string())}</dd>
                        }).collect_view()}
                    </dl>
                    {editable.then(|| view! { <button type="button" class="button danger compact" on:click=move |_| remove(id.clone())>{t.sub_delete}</button> })}
                </section>
            }
        })}
    }
}

// The submissions tab is fetched the first time it opens.
crate::lazy_view!(fn submissions_tab(workspace: String, form: String, full: RwSignal<FormFull>, editable: bool) as form_submissions_part => view! {
    <Submissions workspace=workspace form=form full=full editable=editable/>
});

// So is the share and connect tab.
crate::lazy_view!(fn connect_tab(workspace: String, form: String, title: Signal<String>, editable: bool) as form_connect_part => view! {
    <Connect workspace=workspace form=form title=title editable=editable/>
});

// The jumps between steps and the ending are edited less often than the fields: their
// editors are one chunk, which loads while the fields show. `step`: a step's jumps, or
// (`None`) the ending.
crate::lazy_view!(fn logic_part(ed: Ed, step: Option<usize>) as form_logic_part => match step {
    Some(si) => view! { <JumpsEditor ed=ed si=si/> }.into_any(),
    None => view! { <EndingEditor ed=ed/> }.into_any(),
});

crate::lazy_page!(FormsRoute, forms_page, FormsPage);

crate::lazy_page!(FormRoute, form_page, FormPage);
