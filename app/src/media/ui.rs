//! (in progress) The media library page.
use leptos::prelude::*;
#[component]
pub fn MediaPage() -> impl IntoView { view! { <h1>"Media library"</h1> } }
