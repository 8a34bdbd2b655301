//! Workspace settings: name, address, brand colour, time zone, currency, logo; the JSON
//! export; and deletion (owner only, confirmed by typing the name).

use leptos::prelude::*;

use crate::workspaces::RoleText;

use super::{require_signed_in, use_workspaces, NoWorkspace, WorkspaceBar};
use crate::accounts::api::current_user;
use crate::error::AppError;
use crate::i18n::{fill, Lang};
use crate::offline::{outbox_form, ConflictPanel, DraftNotice, OutboxForm, SaveStatus};
use crate::shell::{ErrorNote, Field, FieldMessage, FilePicker, FormError, Loading};
use crate::workspaces::api::{get_workspace, DeleteWorkspace, RemoveWorkspaceLogo, SetWorkspaceLogo};
use crate::workspaces::texts::WorkspacesTexts;
use crate::workspaces::{currency_name, kind_label, Action, WorkspaceDetail, CURRENCIES};

/// Where the settings of workspace `id` are kept for offline use.
fn kept_key(id: &str) -> String {
    format!("workspace:{id}")
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = WorkspacesTexts::now();
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
            <h1 id="set-title">{t.set_title}</h1>
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
    let editable = ws.can(crate::workspaces::AREA_SETTINGS, Action::Edit);
    let owner = ws.can(crate::workspaces::AREA_SETTINGS, Action::Manage);
    view! {
        {if editable {
            view! { <SettingsForm detail=detail.clone() store=store/> }.into_any()
        } else {
            view! { <ReadOnlySettings detail=detail.clone()/> }.into_any()
        }}
        {(editable || owner).then(|| lower_sections(detail.clone(), store, editable, owner))}
    }
}

// The logo and the danger zone, below the settings form, are a chunk of their own that loads
// while the form shows.
crate::lazy_view!(fn lower_sections(detail: WorkspaceDetail, store: RwSignal<Option<Result<WorkspaceDetail, AppError>>>, editable: bool, owner: bool) as settings_more_part => view! {
    {editable.then(|| view! { <LogoSection detail=detail.clone() store=store/> })}
    {owner.then(|| view! { <DangerZone detail=detail.clone()/> })}
});

#[component]
fn ReadOnlySettings(detail: WorkspaceDetail) -> AnyView {
    let t = WorkspacesTexts::now();
    view! {
        <section class="card" aria-labelledby="ro-title">
            <h2 id="ro-title">{t.set_ro_title}</h2>
            <p class="muted">{fill(t.set_ro_text, &[("role", &detail.role.label().to_lowercase())])}</p>
            <dl class="facts">
                <div><dt>{t.fact_name}</dt><dd>{detail.name.clone()}</dd></div>
                <div><dt>{t.fact_address}</dt><dd>{detail.slug.clone()}</dd></div>
                <div><dt>{t.fact_kind}</dt><dd>{kind_label(&detail.kind)}</dd></div>
                <div><dt>{t.fact_time_zone}</dt><dd>{detail.time_zone.clone()}</dd></div>
                <div><dt>{t.fact_currency}</dt><dd>{detail.currency.clone()}</dd></div>
                <div><dt>{t.fact_plan}</dt><dd>{detail.plan_name.clone()}</dd></div>
                <div><dt>{t.fact_owner}</dt><dd>{detail.owner_name.clone()}</dd></div>
            </dl>
        </section>
    }
    .into_any()
}

/// The fields of the settings form, as the conflict view compares them, in one language.
const fn settings_fields(t: &WorkspacesTexts) -> [(&'static str, &'static str); 5] {
    [("name", t.name_label), ("slug", t.set_address), ("brand_color", t.set_color), ("time_zone", t.set_time_zone), ("currency", t.set_currency)]
}
const SETTINGS_FIELDS_EN: [(&str, &str); 5] = settings_fields(&WorkspacesTexts::EN);
const SETTINGS_FIELDS_FR: [(&str, &str); 5] = settings_fields(&WorkspacesTexts::FR);

/// [`settings_fields`] in the current language.
fn settings_fields_now() -> &'static [(&'static str, &'static str)] {
    match crate::i18n::lang() {
        Lang::En => &SETTINGS_FIELDS_EN,
        Lang::Fr => &SETTINGS_FIELDS_FR,
    }
}

/// The settings form. Saving goes through the offline outbox: it works without a
/// connection, is sent when the network returns, and a change made elsewhere in the
/// meantime opens the conflict view instead of being overwritten.
#[component]
fn SettingsForm(detail: WorkspaceDetail, store: RwSignal<Option<Result<WorkspaceDetail, AppError>>>) -> AnyView {
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let editor = outbox_form::<WorkspaceDetail>(
        format!("workspace:{}", detail.id),
        t.set_title,
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
        <ConflictPanel doc=doc.clone() fields=settings_fields_now() on_theirs=on_theirs on_restore=on_restore/>
        <section class="card" aria-labelledby="general-title">
            <h2 id="general-title">{t.set_general}</h2>
            <DraftNotice restored=restored/>
            <form node_ref=form_ref on:submit=on_submit novalidate>
                <div class="form">
                    <input type="hidden" name="workspace" value=id/>
                    <input type="hidden" name="version" value=detail.version.to_string()/>
                    <FormError error=error fields=&["name", "slug", "brand_color", "time_zone", "currency"]/>
                    <Field label=t.name_label name="name" autocomplete="organization" value=detail.name.clone() error=error/>
                    <Field label=t.set_address name="slug" value=detail.slug.clone() hint=t.set_address_hint error=error/>
                    <div class="field">
                        <label for="field-brand_color">{t.set_color}</label>
                        <div class="row">
                            <input id="field-brand_color" name="brand_color" type="color" class="swatch" value=detail.brand_color.clone() aria-describedby="field-brand_color-msg"/>
                            <span class="muted">{t.set_color_hint}</span>
                        </div>
                        <FieldMessage id="field-brand_color-msg" field="brand_color" error=error/>
                    </div>
                    <Field label=t.set_time_zone name="time_zone" list="ws-zones" value=detail.time_zone.clone() hint=t.set_time_zone_hint error=error/>
                    <datalist id="ws-zones">
                        {["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo"]
                            .into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                    </datalist>
                    <div class="field">
                        <label for="field-currency">{t.set_currency}</label>
                        <select id="field-currency" name="currency" aria-describedby="field-currency-msg">
                            {CURRENCIES.iter().map(|code| view! {
                                <option value=*code selected=detail.currency == *code>{format!("{code} · {}", currency_name(code))}</option>
                            }).collect_view()}
                        </select>
                        <FieldMessage id="field-currency-msg" field="currency" error=error/>
                    </div>
                    <div class="row">
                        <button type="submit" class="button">{t.set_save}</button>
<SaveStatus pending=pending saved=saved/>
                    </div>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// Reads the chosen file as a `data:` URL and hands it to `done`.
fn read_file(input: &web_sys::HtmlInputElement, done: impl FnOnce(Result<String, String>) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let t = WorkspacesTexts::now();
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    let Ok(reader) = web_sys::FileReader::new() else {
        done(Err(t.file_unreadable_browser.into()));
        return;
    };
    let r = reader.clone();
    let onload = Closure::once(move || {
        let result = r.result().ok().and_then(|v| v.as_string()).ok_or_else(|| t.file_unreadable.to_string());
        done(result);
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    let _ = reader.read_as_data_url(&file);
}

#[component]
fn LogoSection(detail: WorkspaceDetail, store: RwSignal<Option<Result<WorkspaceDetail, AppError>>>) -> AnyView {
    let t = WorkspacesTexts::now();
    let upload = ServerAction::<SetWorkspaceLogo>::new();
    let remove = ServerAction::<RemoveWorkspaceLogo>::new();
    let local_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let error =
        Signal::derive(move || local_error.get().or_else(|| upload.value().get().and_then(|r| r.err())).or_else(|| remove.value().get().and_then(|r| r.err())));
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
            <h2 id="logo-title">{t.logo_title}</h2>
            {match detail.logo_url.clone() {
                Some(src) => view! { <img class="logo-preview" src=src alt=fill(t.logo_alt, &[("name", &detail.name)]) width="96" height="96"/> }.into_any(),
                None => view! { <p class="muted">{t.logo_none}</p> }.into_any(),
            }}
            <div class="field">
                <FilePicker
                    id="field-logo"
                    label=t.logo_upload
                    hint=t.logo_hint
                    accept="image/png,image/jpeg,image/webp,image/gif"
                    on_change=on_change
                    invalid=Signal::derive(move || error.get().and_then(|e| e.field_message("logo")).is_some())
                    disabled=upload.pending()
                />
                <FieldMessage id="field-logo-msg" field="logo" error=error/>
            </div>
            <FormError error=error fields=&["logo"]/>
            <div class="row">
                {move || upload.pending().get().then(|| view! { <Loading label=t.logo_uploading/> })}
                {detail.logo_url.is_some().then(|| view! {
                    <button type="button" class="button secondary" on:click=move |_| { remove.dispatch(RemoveWorkspaceLogo { workspace: id2.clone() }); }>{t.logo_remove}</button>
                })}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn DangerZone(detail: WorkspaceDetail) -> AnyView {
    let t = WorkspacesTexts::now();
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
            <h2 id="danger-title">{t.danger_title}</h2>
            <p>{t.danger_export_text}</p>
            <p><button type="button" class="button secondary" on:click=export>{t.danger_export}</button></p>
            <h3>{t.danger_delete_title}</h3>
            <p class="muted">{t.danger_delete_text}</p>
            <ActionForm action=delete>
                <div class="form">
                    <input type="hidden" name="workspace" value=detail.id.clone()/>
                    <FormError error=error fields=&["confirm_name"]/>
                    <Field label=t.danger_confirm_label name="confirm_name" hint=fill(t.danger_confirm_hint, &[("name", &detail.name)]) error=error/>
                    <button type="submit" class="button danger" disabled=delete.pending()>{t.danger_delete}</button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

crate::lazy_page!(SettingsRoute, settings_page, SettingsPage);
