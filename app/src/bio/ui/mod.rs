//! The link-in-bio pages of the app: the list of a workspace's pages (with "create") at
//! `/bio`, and the builder of one page at `/bio/:id`.

mod blocks;
mod builder;
mod editor;
mod media;
mod panels;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::bio::api::{create_bio_page, get_bio_page, list_bio_pages};
use crate::bio::{BioContent, BioPage, BioPageSummary, MODULE};
use crate::error::AppError;
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
    view! {
        <div class="card">
            <p>"You are not in a workspace yet."</p>
            <p><a class="button" href="/setup?new=1">"Create a workspace"</a></p>
        </div>
    }
}

/// `/bio`: the workspace's pages and a form to create one.
#[component]
pub fn BioPagesPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let ws = use_workspaces();
    let pages: RwSignal<Option<Result<Vec<BioPageSummary>, AppError>>> = RwSignal::new(None);
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
    let editable = move || ws.can(MODULE, Action::Edit);
    view! {
        <section class="page" aria-labelledby="bio-list-title">
            <WorkspaceBar/>
            <h1 id="bio-list-title">"Link-in-bio pages"</h1>
            <p class="lead">"One page for every link you share: build it from blocks, pick a look, publish it at your own address."</p>
            {move || match (ws.ready.get(), ws.current.get()) {
                (false, _) => view! { <Loading/> }.into_any(),
                (true, None) => view! { <NoWorkspaceYet/> }.into_any(),
                (true, Some(w)) => view! {
                    {editable().then(|| view! { <CreatePage workspace=w.clone()/> })}
                    <section class="card" aria-labelledby="bio-pages-title">
                        <h2 id="bio-pages-title">"Your pages"</h2>
                        {move || match pages.get() {
                            None => view! { <Loading/> }.into_any(),
                            Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => view! {
                                <div class="bio-empty-state">
                                    <p><strong>"No bio pages yet."</strong></p>
                                    <p class="muted">"Choose a handle above to create your first page. You can add links, a header, your social profiles and an e-mail sign-up, then publish it."</p>
                                </div>
                            }.into_any(),
                            Some(Ok(list)) => view! {
                                <ul class="list bio-page-list">
                                    {list.into_iter().map(|p| {
                                        let reason_id = format!("bio-ro-{}", p.id);
                                        view! {
                                        <li>
                                            <div>
                                                <a href=format!("/bio/{}", p.id) class="bio-page-link"
                                                    aria-describedby=p.read_only.is_some().then(|| reason_id.clone())>{format!("@{}", p.handle)}</a>
                                                {(!p.title.is_empty()).then(|| view! { <p class="muted small">{p.title.clone()}</p> })}
                                                {p.read_only.clone().map(|why| view! {
                                                    <p class="muted small" id=reason_id.clone()>{why}" "<a href="/billing">"See plans and billing"</a></p>
                                                })}
                                            </div>
                                            <div class="row">
                                                {p.read_only.is_some().then(|| view! { <span class="badge read-only">"Read-only"</span> })}
                                                {if p.published {
                                                    view! { <span class="badge ok">"Published"</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge">"Not published"</span> }.into_any()
                                                }}
                                                {(p.published && p.unpublished_changes).then(|| view! { <span class="badge warn">"Unpublished changes"</span> })}
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
            <h2 id="bio-create-title">"Create a page"</h2>
            <form class="form" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="bio-handle">"Handle"</label>
                    <div class="bio-handle-input">
                        <span class="muted" aria-hidden="true">{format!("{}/", origin())}</span>
                        <input id="bio-handle" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
                            prop:value=move || handle.get()
                            on:input=move |ev| handle.set(event_target_value(&ev).to_lowercase())
                            aria-invalid=move || if msg().is_some() { "true" } else { "false" }
                            aria-describedby="bio-handle-hint bio-handle-msg"/>
                    </div>
                    <p class="hint" id="bio-handle-hint">"3 to 30 lowercase letters, digits, _ or . Your page will be at this address."</p>
                    <p class="field-error" id="bio-handle-msg" aria-live="polite">{msg}</p>
                </div>
                {move || other().map(|e| view! { <ErrorNote error=e/> })}
                <div class="row">
                    <button type="submit" class="button" disabled=move || busy.get()>"Create page"</button>
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
                (false, _, _) => view! { <Loading/> }.into_any(),
                (true, None, _) => view! { <NoWorkspaceYet/> }.into_any(),
                (true, Some(_), None) => view! { <Loading label="Loading the page…"/> }.into_any(),
                (true, Some(_), Some(Err(e))) => view! {
                    <h1 id="bio-title">"Bio page"</h1>
                    <ErrorNote error=e/>
                    <p><a href="/bio">"Back to all bio pages"</a></p>
                }.into_any(),
                (true, Some(w), Some(Ok((page, content, restored)))) => {
                    // A page beyond the plan's limit opens read-only (the server refuses changes
                    // anyway); taking it offline and deleting it stay possible.
                    let role_can_edit = untrack(|| ws.can(MODULE, Action::Edit));
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
