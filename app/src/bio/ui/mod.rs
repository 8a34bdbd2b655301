//! The link-in-bio pages of the app: the list of a workspace's pages (with "create") at
//! `/bio`, and the builder of one page at `/bio/:id`.

mod blocks;
mod builder;
mod editor;
mod media;
mod panels;
mod readonly;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::bio::api::{create_bio_page, get_bio_page, list_bio_pages};
use crate::bio::texts::BioTexts;
use crate::bio::{BioContent, BioPage, BioPageList, AREA};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{ErrorNote, Loading};
use crate::workspaces::ui::{require_signed_in, use_workspaces, WorkspaceBar};
use crate::workspaces::Action;

use builder::Builder;
use editor::Editor;

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

#[component]
fn NoWorkspaceYet() -> impl IntoView {
    let t = BioTexts::now();
    view! {
        <div class="card">
            <p>{t.no_workspace}</p>
            <p><a class="button" href="/setup?new=1">{t.create_workspace}</a></p>
        </div>
    }
}

/// In place of the "Create a page" form when the plan allows no more pages: the limit, and
/// where to change the plan.
#[component]
fn PageLimitReached(list: BioPageList) -> impl IntoView {
    let t = BioTexts::now();
    let limit = list.limit.unwrap_or(0);
    let mut text = match limit {
        i64::MIN..=0 => fill(t.limit_none, &[("plan", &list.plan)]),
        1 => fill(t.limit_one, &[("plan", &list.plan)]),
        _ => fill(t.limit_many, &[("plan", &list.plan), ("limit", &limit), ("used", &list.used)]),
    };
    if let Some(up) = &list.upgrade_to {
        text.push(' ');
        text.push_str(&fill(t.limit_upgrade, &[("plan", up)]));
    }
    view! {
        <section class="card" aria-labelledby="bio-limit-title" data-testid="bio-page-limit">
            <h2 id="bio-limit-title">{t.limit_title}</h2>
            <p>{text}</p>
            <p><a href="/billing">{t.see_billing}</a></p>
        </section>
    }
}

/// `/bio`: the workspace's pages and a form to create one.
#[component]
pub fn BioPagesPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = BioTexts::now();
    let ws = use_workspaces();
    let pages: RwSignal<Option<Result<BioPageList, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let id = ws.current.get();
        pages.set(None);
        if let Some(id) = id {
            let person = ws.person.get_untracked();
            leptos::task::spawn_local(async move {
                let key = format!("bio-list:{id}");
                pages.set(Some(crate::offline::read_through(&person, &key, list_bio_pages(id)).await));
            });
        }
    });
    let editable = move || ws.can(AREA, Action::Edit);
    view! {
        <section class="page" aria-labelledby="bio-list-title">
            <WorkspaceBar/>
            <h1 id="bio-list-title">{t.list_title}</h1>
            <p class="lead">{t.list_lead}</p>
            {move || match (ws.ready.get(), ws.current.get()) {
                (false, _) => view! { <Loading label=t.loading/> }.into_any(),
                (true, None) => view! { <NoWorkspaceYet/> }.into_any(),
                (true, Some(w)) => view! {
                    // The form waits for the list: it says whether the plan allows one more.
                    {move || match pages.get() {
                        Some(Ok(list)) if editable() && list.at_limit() => view! { <PageLimitReached list=list/> }.into_any(),
                        Some(Ok(_)) | Some(Err(_)) if editable() => view! { <CreatePage workspace=w.clone()/> }.into_any(),
                        _ => ().into_any(),
                    }}
                    <section class="card" aria-labelledby="bio-pages-title">
                        <h2 id="bio-pages-title">{t.list_yours}</h2>
                        {move || match pages.get() {
                            None => view! { <Loading label=t.loading/> }.into_any(),
                            Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                            Some(Ok(list)) if list.pages.is_empty() => view! {
                                <div class="bio-empty-state">
                                    <p><strong>{t.list_empty}</strong></p>
                                    <p class="muted">{if editable() { t.list_empty_hint } else { t.list_empty_hint_viewer }}</p>
                                </div>
                            }.into_any(),
                            Some(Ok(list)) => view! {
                                <ul class="list bio-page-list">
                                    {list.pages.into_iter().map(|p| {
                                        let reason_id = format!("bio-ro-{}", p.id);
                                        view! {
                                        <li>
                                            <div>
                                                <a href=format!("/bio/{}", p.id) class="bio-page-link"
                                                    aria-describedby=p.read_only.is_some().then(|| reason_id.clone())>{format!("@{}", p.handle)}</a>
                                                {(!p.title.is_empty()).then(|| view! { <p class="muted small">{p.title.clone()}</p> })}
                                                {p.read_only.clone().map(|why| view! {
                                                    <p class="muted small" id=reason_id.clone()>{why}" "<a href="/billing">{t.see_billing}</a></p>
                                                })}
                                            </div>
                                            <div class="row">
                                                {p.read_only.is_some().then(|| view! { <span class="badge read-only">{t.badge_read_only}</span> })}
                                                {if p.published {
                                                    view! { <span class="badge ok">{t.badge_published}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge">{t.badge_not_published}</span> }.into_any()
                                                }}
                                                {(p.published && p.unpublished_changes).then(|| view! { <span class="badge warn">{t.badge_unpublished_changes}</span> })}
                                            </div>
                                        </li>
                                    }}).collect_view()}
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
fn CreatePage(workspace: String) -> impl IntoView {
    let t = BioTexts::now();
    let navigate = use_navigate();
    let handle = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let workspace = StoredValue::new(workspace);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let h = handle.get_untracked().trim().to_string();
        if let Some(e) = crate::bio::check_handle("handle", &h) {
            error.set(Some(AppError::Validation { message: e.message.clone(), fields: vec![e] }));
            return;
        }
        error.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match create_bio_page(workspace.get_value(), h).await {
                Ok(p) => navigate(&format!("/bio/{}", p.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let msg = move || error.get().and_then(|e| e.field_message("handle"));
    let other = move || error.get().filter(|e| e.field_message("handle").is_none());
    view! {
        <section class="card" aria-labelledby="bio-create-title">
            <h2 id="bio-create-title">{t.create_title}</h2>
            <form class="form" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="bio-handle">{t.handle_label}</label>
                    <div class="bio-handle-input">
                        <span class="muted" aria-hidden="true">{format!("{}/", origin())}</span>
                        <input id="bio-handle" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
                            prop:value=move || handle.get()
                            on:input=move |ev| handle.set(event_target_value(&ev).to_lowercase())
                            aria-invalid=move || if msg().is_some() { "true" } else { "false" }
                            aria-describedby="bio-handle-hint bio-handle-msg"/>
                    </div>
                    <p class="hint" id="bio-handle-hint">{t.create_handle_hint}</p>
                    <p class="field-error" id="bio-handle-msg" aria-live="polite">{msg}</p>
                </div>
                {move || other().map(|e| view! { <ErrorNote error=e/> })}
                <div class="row">
                    <button type="submit" class="button" disabled=move || busy.get()>{t.create_button}</button>
                </div>
            </form>
        </section>
    }
}

/// Where bio page `id` of workspace `w` is kept for offline use.
fn kept_key(w: &str, id: &str) -> String {
    format!("bio:{w}:{id}")
}

/// `/bio/:id`: loads the page (and a draft kept on this device), then shows the builder.
#[component]
pub fn BuilderPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = BioTexts::now();
    let ws = use_workspaces();
    let params = use_params_map();
    let page_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    // (page, content to start from, the version of a draft restored from this device)
    let loaded: RwSignal<Option<Result<(BioPage, BioContent, Option<i64>), AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let (Some(w), id) = (ws.current.get(), page_id.get()) else { return };
        loaded.set(None);
        let person = ws.person.get_untracked();
        leptos::task::spawn_local(async move {
            let key = kept_key(&w, &id);
            let result = crate::offline::read_or_kept(&person, &key, get_bio_page(w, id.clone())).await;
            let result = match result {
                Ok(page) => {
                    let doc = format!("bio:{}", page.id);
                    let draft = crate::offline::load_draft_fields(&doc).await.and_then(|f| {
                        let content = f.iter().find(|(k, _)| k == "content").and_then(|(_, v)| serde_json::from_str::<BioContent>(v).ok())?;
                        let version = f.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse::<i64>().ok()).unwrap_or(page.version);
                        Some((content, version))
                    });
                    match draft {
                        Some((d, v)) if d != page.draft => Ok((page, d, Some(v))),
                        _ => {
                            crate::offline::discard_draft(&doc);
                            let c = page.draft.clone();
                            Ok((page, c, None))
                        }
                    }
                }
                Err(e) => Err(e),
            };
            loaded.set(Some(result));
        });
    });
    view! {
        <section class="page bio-page" aria-labelledby="bio-title">
            {move || match (ws.ready.get(), ws.current.get(), loaded.get()) {
                (false, _, _) => view! { <Loading label=t.loading/> }.into_any(),
                (true, None, _) => view! { <NoWorkspaceYet/> }.into_any(),
                (true, Some(_), None) => view! { <Loading label=t.loading_page/> }.into_any(),
                (true, Some(_), Some(Err(e))) => view! {
                    <h1 id="bio-title">{t.page_title_fallback}</h1>
                    <ErrorNote error=e/>
                    <p><a href="/bio">{t.back_to_list}</a></p>
                }.into_any(),
                (true, Some(w), Some(Ok((page, content, restored)))) => {
                    // A page beyond the plan's limit opens read-only (the server refuses changes
                    // anyway); taking it offline and deleting it stay possible.
                    let role_can_edit = untrack(|| ws.can(AREA, Action::Edit));
                    let editable = role_can_edit && page.read_only.is_none();
                    let mut ed = Editor::new(w.clone(), page, content, editable);
                    ed.role_can_edit = role_can_edit;
                    // The copy kept for a reload offline is every version of the page shown here.
                    Effect::new(move |_| {
                        let p = ed.page.get();
                        crate::offline::keep_read(&ws.person.get_untracked(), &kept_key(&w, &p.id), &p);
                    });
                    if let (Some(v), true) = (restored, editable) {
                        ed.resend_restored(v);
                    }
                    view! { <Builder ed=ed restored=restored.is_some()/> }.into_any()
                }
            }}
        </section>
    }
}

crate::lazy_page!(BioPagesRoute, bio_pages_page, BioPagesPage);

crate::lazy_page!(BuilderRoute, builder_page, BuilderPage);
