//! (in progress) The short links page.
use leptos::prelude::*;
#[component]
pub fn LinksPage() -> impl IntoView { view! { <h1>"Short links"</h1> } }
