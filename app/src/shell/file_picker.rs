//! The one file picker every screen uses: a visible label, a styled "Choose a file" button,
//! the chosen file's name and a hint, instead of the browser's bare "Choose File" input.
//!
//! The real `<input type="file">` stays in the page, visually hidden but not removed: it
//! is what the keyboard reaches (Tab, then Space or Enter opens the file chooser), what a
//! screen reader announces (named by the label, described by the chosen file, the hint and
//! the field's message), and what tests fill with `setInputFiles`. The button is a second
//! `<label>` of that input, so a click or tap on it opens the same chooser.

use leptos::html::Input;
use leptos::prelude::*;

use crate::i18n::CommonTexts;

/// A labelled file input with a styled button. Render it inside the caller's `.field`,
/// followed by the caller's `FieldMessage` with the id `{id}-msg`.
#[component]
pub fn FilePicker(
    /// The input's id. The hint is `{id}-hint`, the chosen file's line `{id}-name`, and the
    /// input is also described by `{id}-msg` (the caller's field message).
    #[prop(into)]
    id: String,
    /// The visible label, which names the input ("Upload a logo").
    #[prop(into)]
    label: String,
    /// What files are accepted and how large, under the button.
    #[prop(into)]
    hint: String,
    /// The `accept` attribute (e.g. `image/png,image/jpeg`).
    #[prop(optional)]
    accept: &'static str,
    /// The input's `name`, for forms.
    #[prop(optional)]
    name: Option<&'static str>,
    /// Called when a file is chosen, with the input's change event.
    #[prop(into)]
    on_change: Callback<leptos::ev::Event>,
    /// While true, nothing can be chosen (e.g. an upload is under way).
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// Marks the input invalid (its field message says why).
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// When this becomes true, the chosen file is forgotten and the input emptied (e.g.
    /// once the upload succeeded), so the same file can be chosen again.
    #[prop(optional, into)]
    clear: Signal<bool>,
    /// The input element, for callers that read or reset it themselves.
    #[prop(optional)]
    node_ref: Option<NodeRef<Input>>,
) -> AnyView {
    let t = CommonTexts::now();
    let input_ref = node_ref.unwrap_or_default();
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| {
        if clear.get() {
            chosen.set(None);
            if let Some(input) = input_ref.get_untracked() {
                input.set_value("");
            }
        }
    });
    let label_id = format!("{id}-label");
    let name_id = format!("{id}-name");
    let hint_id = format!("{id}-hint");
    let described = format!("{name_id} {hint_id} {id}-msg");
    let handle_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let file_name = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
            .map(|f| f.name());
        chosen.set(file_name);
        on_change.run(ev);
    };
    view! {
        <label id=label_id.clone() for=id.clone()>{label}</label>
        <div class="file-picker" class:disabled=move || disabled.get()>
            <input
                id=id.clone()
                node_ref=input_ref
                type="file"
                class="file-picker-input"
                name=name
                accept=accept
                aria-labelledby=label_id
                aria-describedby=described
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                disabled=move || disabled.get()
                on:change=handle_change
            />
            // A second label of the same input: clicking it opens the chooser. Hidden from
            // screen readers, which reach the input itself.
            <label for=id class="button secondary file-picker-button" aria-hidden="true">
                <svg class="file-picker-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                    <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M5 15v3a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
                </svg>
                <span>{t.file_choose}</span>
            </label>
            <span id=name_id class="file-picker-name" class:muted=move || chosen.with(Option::is_none)>
                {move || chosen.get().unwrap_or_else(|| t.file_none.to_string())}
            </span>
        </div>
        <p class="hint" id=hint_id>{hint}</p>
    }
    // Erased, so the pages that use it keep a shallow view type.
    .into_any()
}
