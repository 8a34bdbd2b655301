//! Small views shared by every page: loading, errors, field messages.

use leptos::prelude::*;

use crate::error::AppError;

/// A polite loading indicator with a text for screen readers.
#[component]
pub fn Loading(#[prop(into, default = "Loading…".into())] label: String) -> impl IntoView {
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
    let title = match &error {
        AppError::Network { .. } => "You are offline",
        AppError::Unavailable { .. } => "Temporarily unavailable",
        AppError::Validation { .. } => "Please check your input",
        AppError::Unauthenticated => "Sign-in needed",
        AppError::Forbidden => "Not allowed",
        AppError::NotFound { .. } => "Not found",
        AppError::RateLimited { .. } => "Please wait a moment",
        AppError::LimitReached { .. } => "Plan limit reached",
        AppError::ReadOnly { .. } => "Read-only on this plan",
        AppError::Conflict { .. } => "Changed elsewhere",
        _ => "Something went wrong",
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
pub fn FieldMessage(
    #[prop(into)] id: String,
    field: &'static str,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let msg = move || error.get().and_then(|e| e.field_message(field));
    view! {
        <p id=id class="field-error" aria-live="polite">{msg}</p>
    }
}
