//! Workspace settings: name, address, brand colour, time zone, currency, logo; the JSON
//! export; and deletion (owner only, confirmed by typing the name).

use leptos::prelude::*;

use super::{require_signed_in, use_workspaces, NoWorkspace, WorkspaceBar};
use crate::accounts::api::current_user;
use crate::error::AppError;
use crate::offline::{outbox_form, ConflictPanel, DraftNotice, OutboxForm, SaveStatus};
use crate::shell::{ErrorNote, Field, FieldMessage, FormError, Loading};
use crate::workspaces::api::{get_workspace, DeleteWorkspace, RemoveWorkspaceLogo, SetWorkspaceLogo};
use crate::workspaces::{label_of, Action, WorkspaceDetail, CURRENCIES, KINDS};

/// Where the settings of workspace `id` are kept for offline use.
fn kept_key(id: &str) -> String {
    format!("workspace:{id}")
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let ws = use_workspaces();
    let detail: RwSignal<Option<Result<WorkspaceDetail, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let id = ws.current.get();
        detail.set(None);
        if let Some(id) = id {
            let person = ws.person.get_untracked();
            leptos::task::spawn_local(async move {
                let key = kept_key(&id);
                detail.set(Some(crate::offline::read_or_kept(&person, &key, get_workspace(id)).await));
            });
        }
    });
    // The copy kept for a reload offline is every version shown here, the latest last.
    Effect::new(move |_| {
        if let Some(Ok(d)) = detail.get() {
            crate::offline::keep_read(&ws.person.get_untracked(), &kept_key(&d.id), &d);
        }
    });
    view! {
        <section class="page" aria-labelledby="set-title">
            <WorkspaceBar/>
            <h1 id="set-title">"Workspace settings"</h1>
            {move || match (ws.ready.get(), ws.current.get(), detail.get()) {
                (false, _, _) => view! { <Loading/> }.into_any(),
                (true, None, _) => view! { <NoWorkspace/> }.into_any(),
                (true, Some(_), None) => view! { <Loading/> }.into_any(),
                (true, Some(_), Some(Err(e))) => view! { <ErrorNote error=e/> }.into_any(),
                // Keyed by version: a newer copy (saved here, elsewhere, or taken after a
                // conflict) builds fresh inputs instead of patching ones the person typed in.
                (true, Some(_), Some(Ok(d))) => view! {
                    <For each=move || vec![d.clone()] key=|d| (d.id.clone(), d.version) let:d>
                        <SettingsView detail=d store=detail/>
                    </For>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SettingsView(detail: WorkspaceDetail, store: RwSignal<Option<Result<WorkspaceDetail, AppError>>>) -> impl IntoView {
    let ws = use_workspaces();
    let editable = ws.can("settings", Action::Edit);
    let owner = ws.can("settings", Action::Manage);
    view! {
        {if editable {
            view! { <SettingsForm detail=detail.clone() store=store/> <LogoSection detail=detail.clone() store=store/> }.into_any()
        } else {
            view! { <ReadOnlySettings detail=detail.clone()/> }.into_any()
        }}
        {owner.then(|| view! { <DangerZone detail=detail.clone()/> })}
    }
}

#[component]
fn ReadOnlySettings(detail: WorkspaceDetail) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="ro-title">
            <h2 id="ro-title">"About this workspace"</h2>
            <p class="muted">{format!("You are a {} here, so you can see the settings but not change them.", detail.role.label().to_lowercase())}</p>
            <dl class="facts">
                <div><dt>"Name"</dt><dd>{detail.name.clone()}</dd></div>
                <div><dt>"Address"</dt><dd>{detail.slug.clone()}</dd></div>
                <div><dt>"Kind"</dt><dd>{label_of(KINDS, &detail.kind)}</dd></div>
                <div><dt>"Time zone"</dt><dd>{detail.time_zone.clone()}</dd></div>
                <div><dt>"Currency"</dt><dd>{detail.currency.clone()}</dd></div>
                <div><dt>"Plan"</dt><dd>{detail.plan_name.clone()}</dd></div>
                <div><dt>"Owner"</dt><dd>{detail.owner_name.clone()}</dd></div>
            </dl>
        </section>
    }
}

/// The fields of the settings form, as the conflict view compares them.
const SETTINGS_FIELDS: &[(&str, &str)] =
    &[("name", "Workspace name"), ("slug", "Address"), ("brand_color", "Brand colour"), ("time_zone", "Time zone"), ("currency", "Default currency")];

/// The settings form. Saving goes through the offline outbox: it works without a
/// connection, is sent when the network returns, and a change made elsewhere in the
/// meantime opens the conflict view instead of being overwritten.
#[component]
fn SettingsForm(detail: WorkspaceDetail, store: RwSignal<Option<Result<WorkspaceDetail, AppError>>>) -> impl IntoView {
    let ws = use_workspaces();
    let editor = outbox_form::<WorkspaceDetail>(
        format!("workspace:{}", detail.id),
        "Workspace settings",
        "update_workspace",
        detail.version,
        |d| d.version,
        move || store.get_untracked().and_then(|r| r.ok()).map(|d| d.version).unwrap_or(0),
        Callback::new(move |d: WorkspaceDetail| {
            store.set(Some(Ok(d)));
            ws.refresh();
        }),
    );
    let OutboxForm { form: form_ref, restored, error, pending, saved, on_theirs, on_restore, .. } = editor.clone();
    let doc = editor.doc();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.submit();
    };
    let id = detail.id.clone();
    view! {
        <ConflictPanel doc=doc.clone() fields=SETTINGS_FIELDS on_theirs=on_theirs on_restore=on_restore/>
        <section class="card" aria-labelledby="general-title">
            <h2 id="general-title">"General"</h2>
            <DraftNotice restored=restored/>
            <form node_ref=form_ref on:submit=on_submit novalidate>
                <div class="form">
                    <input type="hidden" name="workspace" value=id/>
                    <input type="hidden" name="version" value=detail.version.to_string()/>
                    <FormError error=error fields=&["name", "slug", "brand_color", "time_zone", "currency"]/>
                    <Field label="Workspace name" name="name" autocomplete="organization" value=detail.name.clone() error=error/>
                    <Field label="Address" name="slug" value=detail.slug.clone() hint="Lowercase letters, digits and hyphens. Your public pages will use it." error=error/>
                    <div class="field">
                        <label for="field-brand_color">"Brand colour"</label>
                        <div class="row">
                            <input id="field-brand_color" name="brand_color" type="color" class="swatch" value=detail.brand_color.clone() aria-describedby="field-brand_color-msg"/>
                            <span class="muted">"Used on your public pages and e-mails."</span>
                        </div>
                        <FieldMessage id="field-brand_color-msg" field="brand_color" error=error/>
                    </div>
                    <Field label="Time zone" name="time_zone" list="ws-zones" value=detail.time_zone.clone() hint="For example Europe/Paris or America/New_York." error=error/>
                    <datalist id="ws-zones">
                        {["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo"]
                            .into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                    </datalist>
                    <div class="field">
                        <label for="field-currency">"Default currency"</label>
                        <select id="field-currency" name="currency" aria-describedby="field-currency-msg">
                            {CURRENCIES.iter().map(|(code, name)| view! {
                                <option value=*code selected=detail.currency == *code>{format!("{code} · {name}")}</option>
                            }).collect_view()}
                        </select>
                        <FieldMessage id="field-currency-msg" field="currency" error=error/>
                    </div>
                    <div class="row">
                        <button type="submit" class="button">"Save settings"</button>
<SaveStatus pending=pending saved=saved/>
                    </div>
                </div>
            </form>
        </section>
    }
}

/// Reads the chosen file as a `data:` URL and hands it to `done`.
fn read_file(input: &web_sys::HtmlInputElement, done: impl FnOnce(Result<String, String>) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    let Ok(reader) = web_sys::FileReader::new() else {
        done(Err("This browser cannot read files.".into()));
        return;
    };
    let r = reader.clone();
    let onload = Closure::once(move || {
        let result = r.result().ok().and_then(|v| v.as_string()).ok_or_else(|| "The file could not be read.".to_string());
        done(result);
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    let _ = reader.read_as_data_url(&file);
}

#[component]
fn LogoSection(detail: WorkspaceDetail, store: RwSignal<Option<Result<WorkspaceDetail, AppError>>>) -> impl IntoView {
    let upload = ServerAction::<SetWorkspaceLogo>::new();
    let remove = ServerAction::<RemoveWorkspaceLogo>::new();
    let local_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let error = Signal::derive(move || local_error.get().or_else(|| upload.value().get().and_then(|r| r.err())).or_else(|| remove.value().get().and_then(|r| r.err())));
    for a in [upload.value(), remove.value()] {
        Effect::new(move |_| {
            if let Some(Ok(d)) = a.get() {
                store.set(Some(Ok(d)));
            }
        });
    }
    let id = detail.id.clone();
    let id2 = detail.id.clone();
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        local_error.set(None);
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let workspace = id.clone();
        read_file(&input, move |r| match r {
            Ok(data) => {
                upload.dispatch(SetWorkspaceLogo { workspace, logo: data });
            }
            Err(m) => local_error.set(Some(AppError::field("logo", m))),
        });
    };
    view! {
        <section class="card" aria-labelledby="logo-title">
            <h2 id="logo-title">"Logo"</h2>
            {match detail.logo_url.clone() {
                Some(src) => view! { <img class="logo-preview" src=src alt=format!("Logo of {}", detail.name) width="96" height="96"/> }.into_any(),
                None => view! { <p class="muted">"No logo yet."</p> }.into_any(),
            }}
            <div class="field">
                <label for="field-logo">"Upload a logo"</label>
                <input id="field-logo" type="file" accept="image/png,image/jpeg,image/webp,image/gif" on:change=on_change aria-describedby="field-logo-hint field-logo-msg"/>
                <p class="hint" id="field-logo-hint">"PNG, JPEG, WebP or GIF, at most 512 KB. A square image works best."</p>
                <FieldMessage id="field-logo-msg" field="logo" error=error/>
            </div>
            <FormError error=error fields=&["logo"]/>
            <div class="row">
                {move || upload.pending().get().then(|| view! { <Loading label="Uploading…"/> })}
                {detail.logo_url.is_some().then(|| view! {
                    <button type="button" class="button secondary" on:click=move |_| { remove.dispatch(RemoveWorkspaceLogo { workspace: id2.clone() }); }>"Remove logo"</button>
                })}
            </div>
        </section>
    }
}

#[component]
fn DangerZone(detail: WorkspaceDetail) -> impl IntoView {
    let ws = use_workspaces();
    let delete = ServerAction::<DeleteWorkspace>::new();
    let error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            ws.current.set(None);
            ws.reload_then_go("/");
        }
    });
    let export_id = detail.id.clone();
    let export = move |_| {
        let id = export_id.clone();
        leptos::task::spawn_local(async move {
            // Refreshes the session first: the download itself cannot.
            let _ = current_user().await;
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&format!("/api/export/{id}"));
            }
        });
    };
    view! {
        <section class="card danger" aria-labelledby="danger-title">
            <h2 id="danger-title">"Export or delete"</h2>
            <p>"Download everything this workspace holds as one JSON file: settings, members, invitations and the audit log."</p>
            <p><button type="button" class="button secondary" on:click=export>"Download export (JSON)"</button></p>
            <h3>"Delete this workspace"</h3>
            <p class="muted">"This removes the workspace and everything in it for every member. It cannot be undone. Download the export first if you may need anything."</p>
            <ActionForm action=delete>
                <div class="form">
                    <input type="hidden" name="workspace" value=detail.id.clone()/>
                    <FormError error=error fields=&["confirm_name"]/>
                    <Field label="Type the workspace's name to confirm" name="confirm_name" hint=format!("Type: {}", detail.name) error=error/>
                    <button type="submit" class="button danger" disabled=delete.pending()>"Delete workspace"</button>
                </div>
            </ActionForm>
        </section>
    }
}
