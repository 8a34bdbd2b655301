//! Dark theme by default, a light theme on request; the choice is remembered on the device.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const KEY: &str = "mewayz.theme";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Theme {
    Dark,
    Light,
}

impl Theme {
    fn as_str(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }
    fn other(self) -> Theme {
        match self {
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Dark,
        }
    }
}

fn apply(theme: Theme) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
}

/// Reads the remembered theme, applies it, and provides a signal for it.
pub(crate) fn provide_theme() {
    let stored: Option<String> = LocalStorage::get(KEY).ok();
    let initial = if stored.as_deref() == Some("light") { Theme::Light } else { Theme::Dark };
    let theme = RwSignal::new(initial);
    Effect::new(move |_| {
        let t = theme.get();
        apply(t);
        let _ = LocalStorage::set(KEY, t.as_str());
    });
    provide_context(theme);
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<RwSignal<Theme>>();
    let t = super::texts::ShellTexts::now();
    let label = move || match theme.get() {
        Theme::Dark => t.theme_to_light,
        Theme::Light => t.theme_to_dark,
    };
    view! {
        <button
            type="button"
            class="icon-button"
            aria-label=label
            title=label
            on:click=move |_| theme.update(|t| *t = t.other())
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                {move || match theme.get() {
                    Theme::Dark => view! { <path d="M12 3v2m0 14v2m9-9h-2M5 12H3m15.4-6.4-1.4 1.4M7 17l-1.4 1.4m12.8 0L17 17M7 7 5.6 5.6M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z"></path> }.into_any(),
                    Theme::Light => view! { <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"></path> }.into_any(),
                }}
            </svg>
        </button>
    }
}
