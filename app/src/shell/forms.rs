//! Form pieces every page uses: a labelled field whose error appears right under it, and
//! a form-level error for problems that belong to no single field.

use leptos::prelude::*;

use super::widgets::{ErrorNote, FieldMessage};
use crate::error::AppError;

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] list: Option<&'static str>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let msg_id = format!("{id}-msg");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() { format!("{hint_id} {msg_id}") } else { msg_id.clone() };
    let invalid = move || if error.get().and_then(|e| e.field_message(name)).is_some() { "true" } else { "false" };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value.unwrap_or_default()
                inputmode=inputmode
                list=list
                aria-invalid=invalid
                aria-describedby=described
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldMessage id=msg_id field=name error=error/>
        </div>
    }
}

/// Shows an error that is not about one field (network, rate limit, server).
#[component]
pub fn FormError(error: Signal<Option<AppError>>, #[prop(optional)] fields: &'static [&'static str]) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| match e {
                AppError::Validation { fields: fs, .. } => fs.is_empty() || fs.iter().all(|f| !fields.contains(&f.field.as_str())),
                _ => true,
            })
            .map(|e| view! { <ErrorNote error=e/> })
    }
}

/// The error of a server action's last result.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// Formats a timestamp (ms since 1970) the way the app's language writes dates, in the
/// browser's time zone.
pub fn format_time(ms: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        // The browser's own variant when it is of the app's language (en-GB, fr-CA), else the language.
        let lang = crate::i18n::lang();
        let locale = web_sys::window()
            .and_then(|w| w.navigator().language())
            .filter(|l| crate::i18n::Lang::from_code(l) == Some(lang))
            .unwrap_or_else(|| lang.code().to_string());
        String::from(d.to_locale_string(&locale, &wasm_bindgen::JsValue::UNDEFINED))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{ms}")
    }
}
