//! Small views shared by every page: loading, errors, field messages.

use leptos::prelude::*;

use super::texts::ShellTexts;
use crate::error::AppError;

/// A polite loading indicator with a text for screen readers.
#[component]
pub fn Loading(#[prop(into, default = ShellTexts::now().loading.into())] label: String) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

/// An error box for a failed call. Network errors say so plainly.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let t = ShellTexts::now();
    let title = match &error {
        AppError::Network { .. } => t.note_offline,
        AppError::Unavailable { .. } => t.note_unavailable,
        AppError::Validation { .. } => t.note_validation,
        AppError::Unauthenticated => t.note_unauthenticated,
        AppError::Forbidden => t.note_forbidden,
        AppError::NotFound { .. } => t.note_not_found,
        AppError::RateLimited { .. } => t.note_rate_limited,
        AppError::LimitReached { .. } => t.note_limit,
        AppError::ReadOnly { .. } => t.note_read_only,
        AppError::Conflict { .. } => t.note_conflict,
        _ => t.note_other,
    };
    view! {
        <div class="notice notice-error" role="alert">
            <strong>{title}</strong>
            <p>{error.to_string()}</p>
        </div>
    }
}

/// The message for `field` from the last error, shown under that field.
/// `id` is referenced by the input's `aria-describedby`.
#[component]
pub fn FieldMessage(#[prop(into)] id: String, field: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    let msg = move || error.get().and_then(|e| e.field_message(field));
    view! {
        <p id=id class="field-error" aria-live="polite">{msg}</p>
    }
}

/// Keeps Tab and Shift+Tab inside a modal dialog: from its last focusable control Tab goes
/// to the first, and from the first Shift+Tab goes to the last. Call it from the dialog's
/// `keydown` handler with the dialog element; other keys are left alone.
pub fn keep_tab_inside(ev: &leptos::ev::KeyboardEvent, dialog: &web_sys::Element) {
    use wasm_bindgen::JsCast;
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) = dialog.query_selector_all(
        "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])",
    ) else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        // Hidden controls (no layout box) cannot take focus.
        .filter(|e| e.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        ev.prevent_default();
        return;
    };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let is = |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (is(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (is(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// Copies `text` with the asynchronous clipboard API. False when the browser refused.
pub async fn copy_text(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return false };
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else { return false };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else { return false };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else { return false };
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else { return false };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
