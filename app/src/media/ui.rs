//! The media library page (`/media`) and the image picker the builders open.

use leptos::prelude::*;

use super::api::{list_media, DeleteMedia, UploadMedia};
use super::texts::MediaTexts;
use super::{MediaFile, MediaLibrary, AREA};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{ErrorNote, FieldMessage, FormError, Loading};
use crate::workspaces::ui::{require_signed_in, use_workspaces, WorkspaceBar};
use crate::workspaces::Action;

/// "1.2 MB", "340 KB", "12 bytes", "200 GB", in the current language, in the units plan
/// limits are written in (see [`crate::i18n::numbers`]).
pub fn human_bytes(n: u64) -> String {
    crate::i18n::numbers::bytes(n)
}

/// Reads the chosen file of `input` as a `data:` URL. Returns the file's size first.
fn read_file(input: &web_sys::HtmlInputElement, done: impl FnOnce(Result<(String, String), String>) + 'static) -> Option<u64> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let file = input.files().and_then(|f| f.get(0))?;
    let size = file.size() as u64;
    let name = file.name();
    let Ok(reader) = web_sys::FileReader::new() else {
        done(Err(MediaTexts::now().err_browser_cannot_read.into()));
        return Some(size);
    };
    let r = reader.clone();
    let onload = Closure::once(move || {
        let result = r.result().ok().and_then(|v| v.as_string()).ok_or_else(|| MediaTexts::now().err_unreadable.to_string());
        done(result.map(|data| (name, data)));
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    let _ = reader.read_as_data_url(&file);
    Some(size)
}

/// A labelled file input that uploads the chosen image; errors appear under it.
#[component]
fn UploadField(
    workspace: String,
    /// Unique per page, for the input's id.
    id: &'static str,
    /// The plan's largest upload, to refuse an oversized file before sending it.
    max_file_bytes: u64,
    on_done: Callback<MediaFile>,
) -> impl IntoView {
    let upload = ServerAction::<UploadMedia>::new();
    let local_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let error = Signal::derive(move || local_error.get().or_else(|| upload.value().get().and_then(|r| r.err())));
    let input_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(Ok(f)) = upload.value().get() {
            if let Some(input) = input_ref.get_untracked() {
                input.set_value("");
            }
            on_done.run(f);
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        local_error.set(None);
        upload.value().set(None);
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            let size = file.size() as u64;
            if size > max_file_bytes {
                local_error.set(Some(AppError::field(
                    "file",
                    fill(MediaTexts::now().err_too_big_for_plan, &[("size", &human_bytes(size)), ("max", &human_bytes(max_file_bytes))]),
                )));
                input.set_value("");
                return;
            }
        }
        let workspace = workspace.clone();
        read_file(&input, move |r| match r {
            Ok((name, data)) => {
                upload.dispatch(UploadMedia { workspace, name, data });
            }
            Err(m) => local_error.set(Some(AppError::field("file", m))),
        });
    };
    let msg_id = format!("{id}-msg");
    let invalid = move || if error.get().and_then(|e| e.field_message("file")).is_some() { "true" } else { "false" };
    let t = MediaTexts::now();
    let hint = if max_file_bytes == u64::MAX { t.upload_hint.to_string() } else { fill(t.upload_hint_limit, &[("size", &human_bytes(max_file_bytes))]) };
    view! {
        <div class="field media-upload">
            <crate::shell::FilePicker
                id=id
                label=t.upload_label
                hint=hint
                accept="image/png,image/jpeg,image/gif,image/webp"
                name="file"
                node_ref=input_ref
                on_change=on_change
                invalid=Signal::derive(move || invalid() == "true")
                disabled=upload.pending()
                clear=Signal::derive(move || matches!(upload.value().get(), Some(Ok(_))))
            />
            <FieldMessage id=msg_id field="file" error=error/>
            {move || upload.pending().get().then(|| view! { <Loading label=t.uploading/> })}
            <FormError error=error fields=&["file"]/>
        </div>
    }
}

/// The media library page.
#[component]
pub fn MediaPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let ws = use_workspaces();
    let library: RwSignal<Option<Result<MediaLibrary, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let id = ws.current.get();
        library.set(None);
        if let Some(id) = id {
            leptos::task::spawn_local(async move {
                library.set(Some(list_media(id).await));
            });
        }
    });
    let t = MediaTexts::now();
    view! {
        <section class="page" aria-labelledby="media-title">
            <WorkspaceBar/>
            <h1 id="media-title">{t.page_title}</h1>
            {move || match (ws.ready.get(), ws.current.get(), library.get()) {
                (false, _, _) | (true, Some(_), None) => view! { <Loading label=t.page_loading/> }.into_any(),
                (true, None, _) => view! {
                    <div class="card">
                        <p>{t.page_no_workspace}</p>
                        <p><a class="button" href="/setup?new=1">{t.page_create_workspace}</a></p>
                    </div>
                }.into_any(),
                (true, Some(_), Some(Err(e))) => view! { <ErrorNote error=e/> }.into_any(),
                (true, Some(w), Some(Ok(lib))) => view! { <LibraryView workspace=w lib=lib store=library/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn UsageBar(lib: MediaLibrary) -> impl IntoView {
    let t = MediaTexts::now();
    let used = human_bytes(lib.used_bytes);
    match lib.limit_bytes {
        Some(limit) if limit > 0 => {
            let pct = ((lib.used_bytes as f64 / limit as f64) * 100.0).clamp(0.0, 100.0);
            let full = pct >= 90.0;
            view! {
                <div class="usage">
                    <p class="usage-text" id="media-usage-text">{fill(t.usage_of, &[("used", &used), ("limit", &human_bytes(limit)), ("pct", &format!("{pct:.0}"))])}</p>
                    <div
                        class="usage-bar"
                        class:full=full
                        role="meter"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=format!("{pct:.0}")
                        aria-labelledby="media-usage-text"
                    >
                        <span style=format!("width: {pct:.1}%")></span>
                    </div>
                </div>
            }
            .into_any()
        }
        _ => view! { <p class="usage-text">{fill(t.usage_unlimited, &[("used", &used)])}</p> }.into_any(),
    }
}

#[component]
fn LibraryView(workspace: String, lib: MediaLibrary, store: RwSignal<Option<Result<MediaLibrary, AppError>>>) -> impl IntoView {
    let ws = use_workspaces();
    let editable = ws.can(AREA, Action::Edit);
    let delete = ServerAction::<DeleteMedia>::new();
    let delete_error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(lib)) = delete.value().get() {
            store.set(Some(Ok(lib)));
        }
    });
    let ws_for_upload = workspace.clone();
    let on_uploaded = Callback::new(move |_f: MediaFile| {
        let id = ws_for_upload.clone();
        leptos::task::spawn_local(async move {
            store.set(Some(list_media(id).await));
        });
    });
    let files = lib.files.clone();
    let empty = files.is_empty();
    let t = MediaTexts::now();
    view! {
        <div class="card media-head">
            <UsageBar lib=lib.clone()/>
            {editable.then(|| view! { <UploadField workspace=workspace.clone() id="media-file" max_file_bytes=lib.max_file_bytes on_done=on_uploaded/> })}
            {(!editable).then(|| view! { <p class="muted">{t.view_only}</p> })}
        </div>
        {move || delete_error.get().map(|e| {
            let text = e.field_message("file").unwrap_or_else(|| e.to_string());
            view! { <div class="notice notice-error" role="alert"><strong>{t.not_deleted}</strong><p>{text}</p></div> }
        })}
        {if empty {
            view! {
                <div class="card media-empty">
                    <p>{t.empty}</p>
                    <p class="muted">{if editable { t.empty_editable } else { t.empty_view_only }}</p>
                </div>
            }.into_any()
        } else {
            view! {
                <ul class="media-grid" aria-label=t.images>
                    {files.into_iter().map(|f| {
                        let name = f.name.clone();
                        let id = f.id.clone();
                        let workspace = workspace.clone();
                        let label = fill(t.delete_label, &[("name", &name)]);
                        view! {
                            <li class="media-item">
                                <img src=f.url(Some(160)) alt=name.clone() loading="lazy" decoding="async"/>
                                <div class="media-meta">
                                    <p class="media-name" title=name.clone()>{name.clone()}</p>
                                    <p class="muted">{fill(t.file_meta, &[("size", &human_bytes(f.bytes)), ("width", &f.width), ("height", &f.height)])}</p>
                                </div>
                                {editable.then(|| view! {
                                    <button
                                        type="button"
                                        class="button secondary compact"
                                        aria-label=label.clone()
                                        disabled=move || delete.pending().get()
                                        on:click=move |_| { delete.dispatch(DeleteMedia { workspace: workspace.clone(), id: id.clone() }); }
                                    >{t.delete}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// A dialog to choose an image from the library (or upload one), for the builders.
/// `on_pick` gets the chosen file; Escape or the Close button calls `on_close`.
#[component]
pub fn MediaPicker(workspace: String, on_pick: Callback<MediaFile>, on_close: Callback<()>) -> impl IntoView {
    let ws = use_workspaces();
    let editable = ws.can(AREA, Action::Edit);
    let library: RwSignal<Option<Result<MediaLibrary, AppError>>> = RwSignal::new(None);
    let load = {
        let workspace = workspace.clone();
        move || {
            let w = workspace.clone();
            leptos::task::spawn_local(async move {
                library.set(Some(list_media(w).await));
            });
        }
    };
    load();
    let close_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = close_ref.get() {
            let _ = b.focus();
        }
    });
    let dialog_ref = NodeRef::<leptos::html::Div>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_close.run(());
        } else if let Some(d) = dialog_ref.get_untracked() {
            crate::shell::keep_tab_inside(&ev, &d);
        }
    };
    let on_uploaded = Callback::new(move |f: MediaFile| on_pick.run(f));
    let t = MediaTexts::now();
    view! {
        <div class="dialog-backdrop" on:click=move |ev: leptos::ev::MouseEvent| {
            use wasm_bindgen::JsCast;
            let on_backdrop = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| e.class_list().contains("dialog-backdrop"));
            if on_backdrop { on_close.run(()); }
        }>
            <div class="dialog media-picker" role="dialog" aria-modal="true" aria-labelledby="media-picker-title" node_ref=dialog_ref on:keydown=on_keydown>
                <div class="row spread">
                    <h2 id="media-picker-title">{t.picker_title}</h2>
                    <button type="button" class="button secondary compact" node_ref=close_ref on:click=move |_| on_close.run(())>{t.picker_close}</button>
                </div>
                {move || match library.get() {
                    None => view! { <Loading label=t.page_loading/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                    Some(Ok(lib)) => {
                        let files = lib.files.clone();
                        view! {
                            {editable.then(|| view! { <UploadField workspace=workspace.clone() id="media-picker-file" max_file_bytes=lib.max_file_bytes on_done=on_uploaded/> })}
                            {if files.is_empty() {
                                view! { <p class="muted">{t.picker_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="media-grid picker" aria-label=t.images>
                                        {files.into_iter().map(|f| {
                                            let name = f.name.clone();
                                            let src = f.url(Some(160));
                                            view! {
                                                <li>
                                                    <button type="button" class="media-choice" on:click=move |_| on_pick.run(f.clone())>
                                                        <img src=src alt="" loading="lazy" decoding="async"/>
                                                        <span class="media-name">{name}</span>
                                                    </button>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_plan_units() {
        assert_eq!(human_bytes(200_000 * 1024 * 1024), "200 GB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5 MB");
        crate::i18n::sync_scope(crate::i18n::Lang::Fr, || assert_eq!(human_bytes(200_000 * 1024 * 1024), "200 Go"));
    }
}

crate::lazy_page!(MediaRoute, media_page, MediaPage);
